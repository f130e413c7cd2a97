import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answeredCall } from '../support/harness.js';
import { mockControl } from '../../src/lib.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import type { AppClient } from '../support/app-client.js';
import type { Emulator } from '../../src/server.js';

/**
 * The rules of call legs and queues, in process (moved down from test/sdk/queues-and-calls.test.ts,
 * which keeps the SDK's view of each operation family): `client` is the in-process client with
 * the SDK's method names (test/support/app-client.ts).
 */
let env: AppEnv;
let em: Emulator;
let client: AppClient;
let account: string;

beforeEach(() => {
  env = appEnv({}, 'KEY_sdk_test');
  ({ em, api: client, account } = env);
});
afterEach(() => env.close());

const caller = (from: string) => answeredCall(em, account, from).callControlId;

describe('call legs', () => {
  it('bridges two answered calls, and hanging up one leg hangs up the other', async () => {
    const a = caller('+15550000001');
    const b = caller('+15550000002');
    await client.calls.actions.bridge(a, { call_control_id_to_bridge_with: b } as never);
    await client.calls.actions.hangup(a, {});
    expect((await client.calls.retrieveStatus(b)).data!.is_alive).toBe(false);
  });

  it('answers an unknown call_control_id with 422 90015', async () => {
    await expect(client.calls.actions.answer('v3:nope', {})).rejects.toMatchObject({
      status: 422, error: { errors: [{ code: '90015', source: { pointer: '/call_control_id' } }] },
    });
  });
});

describe('queues', () => {
  it('lets an agent bridge with the first caller waiting in a queue', async () => {
    const [a, b] = ['+15550000001', '+15550000002'].map(caller);
    for (const id of [a, b]) await client.calls.actions.enqueue(id, { queue_name: 'sales' });
    const agent = caller('+15550009999');
    await client.calls.actions.bridge(agent, { call_control_id_to_bridge_with: agent, queue: 'sales' });
    const waiting = (await client.queues.calls.list('sales')).data;
    expect(waiting.map((q) => q.call_control_id)).toEqual([b]);
    expect(waiting[0].queue_position).toBe(1);
  });

  it('refuses to enqueue into a full queue, and a call already queued', async () => {
    const first = caller('+15550000001');
    await client.calls.actions.enqueue(first, { queue_name: 'tiny', max_size: 1 });
    await expect(client.calls.actions.enqueue(caller('+15550000002'), { queue_name: 'tiny' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90036' }] } });
    await expect(client.calls.actions.enqueue(first, { queue_name: 'tiny' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90038' }] } });
  });

  it('keeps a hung-up call in the queue with keep_after_hangup until it is removed', async () => {
    const id = caller('+15550000001');
    await client.calls.actions.enqueue(id, { queue_name: 'support', keep_after_hangup: true });
    await client.calls.actions.hangup(id, {});
    expect((await client.queues.calls.retrieve(id, { queue_name: 'support' })).data!.is_alive).toBe(false);
    await client.queues.calls.remove(id, { queue_name: 'support' });
    expect((await client.queues.calls.list('support')).data).toEqual([]);
  });

  it('updates keep_after_hangup on a queued call', async () => {
    const id = caller('+15550000001');
    await client.calls.actions.enqueue(id, { queue_name: 'support' });
    await client.queues.calls.update(id, { queue_name: 'support', keep_after_hangup: true });
    await client.calls.actions.hangup(id, {});
    expect((await client.queues.calls.retrieve(id, { queue_name: 'support' })).data!.is_alive).toBe(false);
  });

  it('times a caller out after max_wait_time_secs when the clock moves', async () => {
    const id = caller('+15550000001');
    await client.calls.actions.enqueue(id, { queue_name: 'support', max_wait_time_secs: 60 });
    const advance = (seconds: number) => env.mock('POST', '/clock/advance', { seconds });
    await advance(59);
    expect((await client.queues.retrieve('support')).data).toMatchObject({ current_size: 1, average_wait_time_secs: 59 });
    await advance(1);
    expect((await client.queues.retrieve('support')).data!.current_size).toBe(0);
  });
});

describe('who answers', () => {
  it('refuses to answer or reject a dialed call: its far end answers it', async () => {
    mockControl(em, account).setNumber('+15550002222', { behaviour: 'no_answer' });
    const dialed = (await client.calls.dial({ connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' })).data!;
    await expect(client.calls.actions.answer(dialed.call_control_id, {})).rejects.toMatchObject({ status: 422 });
    await expect(client.calls.actions.reject(dialed.call_control_id, { cause: 'USER_BUSY' })).rejects.toMatchObject({ status: 422 });
    expect((await client.calls.retrieveStatus(dialed.call_control_id)).data!.is_alive).toBe(true);
  });

  it('rejects a ringing inbound call, which then hangs up', async () => {
    const ringing = mockControl(em, account).placeCall({ from: '+15550001111', to: '+15550002222', connectionId: 'conn-1' });
    await client.calls.actions.reject(ringing.call_control_id, { cause: 'CALL_REJECTED' });
    expect((await client.calls.retrieveStatus(ringing.call_control_id)).data!.is_alive).toBe(false);
    expect((await env.mock('GET', `/calls/${encodeURIComponent(ringing.call_control_id)}`)).json.data.hangup_cause).toBe('call_rejected');
  });

  it("carries reject's client_state on the call.hangup that follows", async () => {
    // SDK ActionRejectParams.client_state: "Use this field to add state to every subsequent webhook."
    const ringing = mockControl(em, account).placeCall({ from: '+15550001111', to: '+15550002222', connectionId: 'conn-1' });
    await client.calls.actions.reject(ringing.call_control_id, { cause: 'USER_BUSY', client_state: 'YnVzeQ==' });
    const [hangup] = await mockControl(em, account).webhooks({ eventType: 'call.hangup', callControlId: ringing.call_control_id });
    expect(hangup.data.payload).toMatchObject({ client_state: 'YnVzeQ==', hangup_cause: 'user_busy' });
  });
});
