import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { about, payloadOf, types, webhookEnv, type Env } from '../webhooks/env.js';
import type { Delivery } from '../support/receiver.js';

/**
 * POST /calls/{id}/actions/transfer through the official SDK. SDK: "Transfer a call to a new
 * destination. If the transfer is unsuccessful, a call.hangup webhook for the other call (Leg B)
 * will be sent indicating that the transfer could not be completed. The original call will remain
 * active and may be issued additional commands." The rules of transfer are tested in process in
 * test/api/transfer.test.ts; here the SDK sends one and the webhooks of both legs are delivered,
 * in order. Every webhook is checked by `drain()`: both signature verifiers (the SDK's unwrap
 * among them), the spec's callback schema and the SDK type.
 */
let env: Env;
beforeEach(async () => { env = await webhookEnv(); });
afterEach(() => env.close());

const AGENT = '+15550107001';
const enc = encodeURIComponent;
const farEnd = async (id: string) => (await env.mock('GET', `/calls/${enc(id)}`)).json.data;

/** The leg B a transfer of `a` dialed: the call.initiated of an outgoing leg in A's call session. */
async function legB(a: string, all?: Delivery[]): Promise<string> {
  const deliveries = all ?? await env.drain();
  const session = payloadOf(about(deliveries, a), 'call.initiated')!.call_session_id;
  const b = deliveries.find((d) => d.json.data.event_type === 'call.initiated' && d.json.data.payload.direction === 'outgoing'
    && d.json.data.payload.call_session_id === session);
  expect(b, 'a call.initiated for leg B').toBeDefined();
  return b!.json.data.payload.call_control_id as string;
}

describe('a transfer whose far end answers', () => {
  it('dials leg B in the same call session, and bridges both legs when B answers', async () => {
    const a = await env.call({ from: '+15550001001' });
    await env.client.calls.actions.transfer(a, { to: AGENT, client_state: 'YS1sZWc=', target_leg_client_state: 'Yi1sZWc=' });
    const all = await env.drain();
    const b = await legB(a, all);
    expect(types(about(all, b))).toEqual(['call.initiated', 'call.answered', 'call.bridged']);
    expect(types(about(all, a)).slice(-1)).toEqual(['call.bridged']);
    // The order across both legs: B rings and answers, then A and B are bridged.
    expect(all.slice(-4).map((d) => [d.json.data.event_type, d.json.data.payload.call_control_id]))
      .toEqual([['call.initiated', b], ['call.answered', b], ['call.bridged', a], ['call.bridged', b]]);
    // "The from number … will default to the to number of the original call if omitted."
    expect(payloadOf(about(all, b), 'call.initiated')).toMatchObject({
      direction: 'outgoing', state: 'bridging', from: '+15559990000', to: AGENT, client_state: 'Yi1sZWc=',
    });
    // client_state is for A's webhooks from now on; target_leg_client_state for the new leg's.
    expect(payloadOf(about(all, a), 'call.bridged')).toMatchObject({ call_control_id: a, client_state: 'YS1sZWc=' });
    expect(payloadOf(about(all, b), 'call.bridged')).toMatchObject({ call_control_id: b, client_state: 'Yi1sZWc=' });
    expect([(await farEnd(a)).bridged_to, (await farEnd(b)).bridged_to]).toEqual([b, a]);
  });
});

