import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, enc, firstError, type Doors } from '../support/doors.js';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';

/** Call-leg and queue rules the suite had not pinned, each through the API an app uses. */
const KEY = 'KEY_call_rules';
let em: Emulator;
let d: Doors;

beforeEach(async () => {
  em = inMemory();
  d = doors(api(em), KEY);
  await d.freeze();
});
afterEach(() => em.dispose());

const action = (id: string, name: string, body: object = {}) => d.v2.post(`/v2/calls/${enc(id)}/actions/${name}`, body);
const dial = async (to: string, extra: object = {}) => {
  const res = await d.v2.post('/v2/calls', { connection_id: 'app', from: '+15550001111', to, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.call_control_id as string;
};
const setNumber = async (e164: string, body: object) => expect((await d.v2.put(`/_mock/numbers/${enc(e164)}`, body)).status).toBe(200);

describe('calls', () => {
  it('answers an inbound call once: a second answer is refused', async () => {
    const id = await d.call({ answered: false });
    expect((await action(id, 'answer')).status).toBe(200);
    const again = await action(id, 'answer');
    expect(again.status).toBe(422);
    expect(firstError(again)).toMatchObject({ code: '10015', title: 'Call already answered' });
    expect(await d.payloads('call.answered', id)).toHaveLength(1);
  });

  it('rejects only a ringing inbound call', async () => {
    const answered = await d.call();
    const res = await action(answered, 'reject', { cause: 'CALL_REJECTED' });
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '10015', detail: 'Only a ringing inbound call can be rejected.' });
    expect((await d.farEnd(answered)).state).toBe('answered');
  });

  it('hangs up on the app side: the callee of an inbound call, the caller of a dialed one', async () => {
    const inbound = await d.call();
    const dialed = await dial('+15557770001');
    await action(inbound, 'hangup');
    await action(dialed, 'hangup');
    expect((await d.payloads('call.hangup', inbound))[0]).toMatchObject({ hangup_source: 'callee', hangup_cause: 'normal_clearing' });
    expect((await d.payloads('call.hangup', dialed))[0]).toMatchObject({ hangup_source: 'caller', hangup_cause: 'normal_clearing' });
  });

  it('hangs up a bridged peer when one side hangs up, from the other side', async () => {
    const a = await d.call();
    const b = await d.call();
    expect((await action(a, 'bridge', { call_control_id: b })).status).toBe(200);
    await d.hangup(a); // the caller of a hangs up
    expect((await d.payloads('call.hangup', a))[0]).toMatchObject({ hangup_source: 'caller' });
    expect((await d.payloads('call.hangup', b))[0]).toMatchObject({ hangup_source: 'callee', hangup_cause: 'normal_clearing' });
    expect(await d.payloads('call.hangup', b)).toHaveLength(1);
  });

  it('needs the call to bridge with unless a queue is named', async () => {
    const a = await d.call();
    const res = await action(a, 'bridge', {});
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '10004', source: { pointer: '/call_control_id' } });
  });

  // RetrieveCallStatus documents only 200 and 422: an unknown call is an invalid call_control_id.
  it('reports an unknown call as an invalid call_control_id (422 90015)', async () => {
    const res = await d.v2.get(`/v2/calls/${enc('v3:unknown')}`);
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '90015', title: 'Invalid Call Control ID' });
  });

  it('ends a dialed call with the cause its number gives: busy, rejected', async () => {
    await setNumber('+15557770002', { behaviour: 'busy' });
    await setNumber('+15557770003', { behaviour: 'reject' });
    const busy = await dial('+15557770002');
    const rejected = await dial('+15557770003');
    expect((await d.payloads('call.hangup', busy))[0]).toMatchObject({ hangup_cause: 'user_busy', hangup_source: 'callee' });
    expect((await d.payloads('call.hangup', rejected))[0]).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee' });
  });

  it('does not answer or ring out later a dialed call the app already hung up', async () => {
    await setNumber('+15557770004', { behaviour: 'answer', answer_after_secs: 5 });
    await setNumber('+15557770005', { behaviour: 'no_answer' });
    const late = await dial('+15557770004');
    const never = await dial('+15557770005');
    await action(late, 'hangup');
    await action(never, 'hangup');
    await d.advance(60);
    expect(await d.payloads('call.answered', late)).toEqual([]);
    expect(await d.payloads('call.hangup', late)).toHaveLength(1);
    expect(await d.payloads('call.hangup', never)).toHaveLength(1);
  });
});

describe('gathering digits', () => {
  const gather = (conf: string, call: string, body: object = {}) =>
    d.v2.post(`/v2/conferences/${conf}/actions/gather_using_audio`, { call_control_id: call, ...body });

  it('ends a pending gather with call_hangup when the caller hangs up, and its timeout then does nothing', async () => {
    const { id, host } = await d.conference();
    const guest = await d.call();
    await d.join(id, guest);
    expect((await gather(id, guest, { timeout_millis: 10_000 })).status).toBe(200);
    await d.hangup(guest);
    await d.advance(20);
    const ended = await d.webhooks({ event_type: 'call.gather.ended' });
    expect(ended.map((w) => w.data.payload.status)).toEqual(['call_hangup']);
    expect(host).toBeTruthy();
  });

  it("files the gather's end under its conference", async () => {
    const { id } = await d.conference();
    const guest = await d.call();
    await d.join(id, guest);
    await gather(id, guest, { maximum_digits: 1 });
    await d.press(guest, '5');
    const [ended] = await d.webhooks({ event_type: 'call.gather.ended' });
    expect(ended).toMatchObject({ conference_id: id, call_control_id: guest });
  });

  it("lets a new gather run its own time: the finished one's timeout does not end it", async () => {
    const { id } = await d.conference();
    const guest = await d.call();
    await d.join(id, guest);
    await gather(id, guest, { maximum_digits: 1, timeout_millis: 10_000 });
    await d.press(guest, '1'); // the first gather ends at once
    await d.advance(2);
    await gather(id, guest, { maximum_digits: 4, timeout_millis: 60_000 });
    await d.advance(10); // past the first gather's timeout, well within the second's
    expect((await d.payloads('call.gather.ended', guest)).map((p) => p.status)).toEqual(['valid']);
    await d.advance(60);
    expect((await d.payloads('call.gather.ended', guest)).map((p) => p.status)).toEqual(['valid', 'timeout']);
  });
});

describe('queues', () => {
  it('refuses a second queue of the same name', async () => {
    expect((await d.v2.post('/v2/queues', { queue_name: 'support' })).status).toBe(200);
    const again = await d.v2.post('/v2/queues', { queue_name: 'support' });
    expect(again.status).toBe(422);
    expect(firstError(again)).toMatchObject({ code: '10015', source: { pointer: '/queue_name' } });
  });

  it('finds a queued call only in its own queue', async () => {
    const a = await d.call();
    await d.enqueue(a, 'sales');
    await d.v2.post('/v2/queues', { queue_name: 'support' });
    expect((await d.v2.get(`/v2/queues/sales/calls/${enc(a)}`)).status).toBe(200);
    expect((await d.v2.get(`/v2/queues/support/calls/${enc(a)}`)).status).toBe(404);
  });

  it('removes only an inactive call, and leave_queue only a call that waits', async () => {
    const a = await d.call();
    const b = await d.call();
    await d.enqueue(a, 'sales', { keep_after_hangup: true });
    const removeLive = await d.v2.delete(`/v2/queues/sales/calls/${enc(a)}`);
    expect(removeLive.status).toBe(422);
    const leave = await action(b, 'leave_queue');
    expect(leave.status).toBe(422);
    expect(firstError(leave)).toMatchObject({ code: '90015' });
  });

  it('keeps keep_after_hangup when a PATCH leaves it out', async () => {
    const a = await d.call();
    await d.enqueue(a, 'sales', { keep_after_hangup: true });
    expect((await d.v2.patch(`/v2/queues/sales/calls/${enc(a)}`, {})).status).toBe(204);
    await d.hangup(a);
    const kept = await d.v2.get(`/v2/queues/sales/calls/${enc(a)}`);
    expect(kept.body.data).toMatchObject({ is_alive: false });
  });

  it('dequeues a timed-out call at the instant it timed out, however far the clock moves', async () => {
    const a = await d.call();
    await d.enqueue(a, 'sales', { max_wait_time_secs: 5 });
    const [enqueued] = await d.webhooks({ event_type: 'call.enqueued' });
    await d.advance(3600);
    const [dequeued] = await d.webhooks({ event_type: 'call.dequeued' });
    expect(Date.parse(dequeued.data.occurred_at) - Date.parse(enqueued.data.occurred_at)).toBe(5000);
    expect(dequeued.data.payload).toMatchObject({ reason: 'timeout', wait_time_secs: 5 });
  });
});

describe('the timer sweep', () => {
  it('fires what fell due on wall time, without anyone moving the clock', async () => {
    let wall = Date.parse('2026-01-01T00:00:00Z');
    const clocked = buildEmulator(defaultConfig(), { ticker: false, wall: () => wall });
    try {
      const c = doors(api(clocked), KEY);
      const a = await c.call();
      await c.enqueue(a, 'sales', { max_wait_time_secs: 5 });
      clocked.tick();
      expect(await c.payloads('call.dequeued')).toEqual([]);
      wall += 6000;
      clocked.tick();
      expect((await c.payloads('call.dequeued'))[0]).toMatchObject({ reason: 'timeout' });
    } finally {
      await clocked.dispose();
    }
  });
});

describe('conference-wide media', () => {
  it("is filed under the creator's call: its webhook URL and ordering", async () => {
    const host = (await d.v2.post('/_mock/calls', {
      from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true, webhook_url: 'http://127.0.0.1:9/creator',
    })).body.data.call_control_id as string;
    const conf = (await d.v2.post('/v2/conferences', { call_control_id: host, name: 'media' })).body.data.id as string;
    await d.v2.post(`/v2/conferences/${conf}/actions/play`, { audio_url: 'https://x.test/a.mp3' });
    const [started] = await d.webhooks({ event_type: 'conference.playback.started' });
    expect(started).toMatchObject({ conference_id: conf, url: 'http://127.0.0.1:9/creator' });
  });
});
