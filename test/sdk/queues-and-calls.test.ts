import { mockControl } from '../../src/lib.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk, answeredCall } from '../support/harness.js';
import type { RunningEmulator } from '../../src/server.js';

let em: RunningEmulator;
let client: Telnyx;
let account: string;

beforeEach(async () => {
  ({ em, client, apiKey: account } = await withSdk());
});
afterEach(() => em.close());

const caller = (from: string) => answeredCall(em, account, from).callControlId;

describe('call legs through the official SDK', () => {
  it('dials a call that answers at once and reports is_alive false in the dial response', async () => {
    const dialed = (await client.calls.dial({ connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' })).data!;
    expect(dialed).toMatchObject({ record_type: 'call', is_alive: false });
    expect(dialed.call_control_id).toMatch(/^v3:/);
    const status = (await client.calls.retrieveStatus(dialed.call_control_id)).data!;
    expect(status).toMatchObject({ is_alive: true, call_leg_id: dialed.call_leg_id, call_session_id: dialed.call_session_id });
  });

  it('answers a ringing inbound call, then hangs it up; a hung-up call refuses commands with 90018', async () => {
    const ringing = mockControl(em, account).placeCall({ from: '+15550001111', to: '+15550002222', connectionId: 'conn-1' });
    const id = ringing.call_control_id;
    await expect(client.conferences.create({ call_control_id: id, name: 'too-early' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90034' }] } });
    expect(await client.calls.actions.answer(id, { client_state: 'aGk=' })).toMatchObject({ data: { result: 'ok' } });
    expect((await client.calls.retrieveStatus(id)).data).toMatchObject({ is_alive: true, client_state: 'aGk=' });
    await client.calls.actions.hangup(id, {});
    expect((await client.calls.retrieveStatus(id)).data!.is_alive).toBe(false);
    await expect(client.calls.actions.hangup(id, {})).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
  });

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

describe('queues through the official SDK', () => {
  it('creates a queue on first enqueue and numbers positions in arrival order, renumbering when one leaves', async () => {
    const [a, b, c] = ['+15550000001', '+15550000002', '+15550000003'].map(caller);
    for (const id of [a, b, c]) await client.calls.actions.enqueue(id, { queue_name: 'support' });
    const queue = (await client.queues.retrieve('support')).data!;
    expect(queue).toMatchObject({ record_type: 'queue', name: 'support', current_size: 3, max_size: 100 });

    const positions = async () => (await client.queues.calls.list('support')).data.map((q) => [q.call_control_id, q.queue_position]);
    expect(await positions()).toEqual([[a, 1], [b, 2], [c, 3]]);
    await client.calls.actions.leaveQueue(a, {});
    expect(await positions()).toEqual([[b, 1], [c, 2]]);
    expect((await client.queues.calls.retrieve(c, { queue_name: 'support' })).data).toMatchObject({
      record_type: 'queue_call', queue_position: 2, from: '+15550000003', is_alive: true,
    });
  });

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

  it('creates, updates, lists and deletes queues; a queue with calls cannot be deleted', async () => {
    const created = (await client.queues.create({ queue_name: 'billing', max_size: 5 })).data!;
    expect(created).toMatchObject({ name: 'billing', max_size: 5, current_size: 0, average_wait_time_secs: 0 });
    expect((await client.queues.update('billing', { max_size: 10 })).data!.max_size).toBe(10);
    expect((await client.queues.list()).data.map((q) => q.name)).toEqual(['billing']);
    const id = caller('+15550000001');
    await client.calls.actions.enqueue(id, { queue_name: 'billing' });
    await expect(client.queues.delete('billing')).rejects.toMatchObject({ status: 400, error: { errors: [{ code: '90050' }] } });
    await client.calls.actions.leaveQueue(id, {});
    await client.queues.delete('billing');
    await expect(client.queues.retrieve('billing')).rejects.toMatchObject({ status: 404 });
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
    const advance = (seconds: number) => fetch(`${em.url}/_mock/clock/advance`, {
      method: 'POST', headers: { authorization: `Bearer ${account}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
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
    expect(em.account(account).store.call(ringing.call_control_id)!.hangupCause).toBe('call_rejected');
  });

  it("carries reject's client_state on the call.hangup that follows", async () => {
    // SDK ActionRejectParams.client_state: "Use this field to add state to every subsequent webhook."
    const ringing = mockControl(em, account).placeCall({ from: '+15550001111', to: '+15550002222', connectionId: 'conn-1' });
    await client.calls.actions.reject(ringing.call_control_id, { cause: 'USER_BUSY', client_state: 'YnVzeQ==' });
    const [hangup] = mockControl(em, account).webhooks({ eventType: 'call.hangup', callControlId: ringing.call_control_id });
    expect(hangup.data.payload).toMatchObject({ client_state: 'YnVzeQ==', hangup_cause: 'user_busy' });
  });
});
