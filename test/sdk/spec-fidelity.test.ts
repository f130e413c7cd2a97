/**
 * Where the emulator once departed from the words of Telnyx's OpenAPI spec (team-telnyx/openapi,
 * spec3.yml at 12de4dd): the one pinned through the official SDK, because the SDK's own parameter
 * shape is the point. The others are tested in process in test/api/spec-fidelity.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeCall } from '../../src/commands/callers.js';
import { webhookEnv, type Env } from '../webhooks/env.js';

let env: Env;
beforeEach(async () => { env = await webhookEnv({}, 'KEY_spec_fidelity'); });
afterEach(() => env.close());

/** An answered inbound call, placed in-process (fast enough for hundreds). */
const caller = (i = 0) => placeCall(env.em.account(env.account), {
  from: `+1555${String(1_000_000 + i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'conn-1', answered: true,
}).callControlId;

const refusal = (code: string, source?: object) => ({ status: 422, error: { errors: [{ code, ...(source ? { source } : {}) }] } });

describe('7. bridge: queue and call_control_id', () => {
  // BridgeRequest.call_control_id: "can't be used together with queue parameter", yet the SDK makes
  // it required (call_control_id_to_bridge_with: string): with `queue`, what names no other call
  // is accepted, another call's id is refused.
  it("accepts queue with the bridging call's own id or an empty id, and refuses it with another call's id", async () => {
    const [a, b, c] = [caller(1), caller(2), caller(3)];
    for (const id of [a, b]) await env.client.calls.actions.enqueue(id, { queue_name: 'sales' });
    const [agent1, agent2] = [caller(10), caller(11)];
    await expect(env.client.calls.actions.bridge(agent1, { call_control_id_to_bridge_with: c, queue: 'sales' }))
      .rejects.toMatchObject(refusal('10015', { pointer: '/call_control_id' }));
    expect((await env.client.queues.calls.list('sales')).data.map((q) => q.call_control_id)).toEqual([a, b]);
    await env.client.calls.actions.bridge(agent1, { call_control_id_to_bridge_with: agent1, queue: 'sales' });
    await env.client.calls.actions.bridge(agent2, { call_control_id_to_bridge_with: '', queue: 'sales' });
    expect((await env.client.queues.calls.list('sales')).data).toEqual([]);
  });
});

