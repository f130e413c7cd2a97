import { mockControl } from '../../src/lib.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk, answeredCall } from '../support/harness.js';
import type { RunningEmulator } from '../../src/server.js';

/**
 * Call legs and queues through the official SDK over a socket: one test per operation family, for
 * what only the SDK shows (it builds the requests and reads our answers into its types). The rules
 * are tested in process in test/api/queues-and-calls.test.ts.
 */
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
});

