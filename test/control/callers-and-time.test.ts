import { DEFAULT_CONNECTION_ID, mockControl } from '../../src/lib.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';

let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_control_a';
const B = 'KEY_control_b';

beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

const as = (key = A) => http.as(key);
const enc = encodeURIComponent;
const types = async (key = A, id?: string) => (await mockControl(em, key).webhooks({ callControlId: id })).map((e) => e.event_type);

function expectError(res: { status: number; body: unknown }, status: number, code: string, pointer?: string) {
  expect(res.status).toBe(status);
  const error = (res.body as { errors: Array<Record<string, unknown>> }).errors[0];
  expect(error).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  if (pointer) expect(error.source).toEqual({ pointer });
}

async function placeCall(body: object = {}, key = A) {
  const res = await as(key).post('/_mock/calls', { from: '+15550001001', to: '+15559990000', connection_id: 'conn-1', ...body });
  expect(res.status).toBe(201);
  return res.body.data as { call_control_id: string; state: string };
}

/** An answered caller inside a conference named `room` (created by a host call). */
async function inConference() {
  const host = await placeCall({ answered: true, from: '+15550001000' });
  const res = await as().post('/v2/conferences', { call_control_id: host.call_control_id, name: 'room' });
  expect(res.status).toBe(200);
  const alice = await placeCall({ answered: true });
  expect((await as().post(`/v2/conferences/${res.body.data.id}/actions/join`, { call_control_id: alice.call_control_id })).status).toBe(200);
  return { conferenceId: res.body.data.id as string, host: host.call_control_id, alice: alice.call_control_id };
}

describe('POST /_mock/calls', () => {
  it('makes an inbound call ring and fires call.initiated for the app to answer', async () => {
    const call = await placeCall({ client_state: 'aGk=' });
    expect(call).toMatchObject({ state: 'ringing', direction: 'incoming', from: '+15550001001', to: '+15559990000', connection_id: 'conn-1', is_alive: true });
    expect(call.call_control_id).toMatch(/^v3:/);
    expect(await types(A, call.call_control_id)).toEqual(['call.initiated']);

    const answer = await as().post(`/v2/calls/${enc(call.call_control_id)}/actions/answer`, {});
    expect(answer.status).toBe(200);
    expect((await as().get(`/_mock/calls/${enc(call.call_control_id)}`)).body.data.state).toBe('answered');
  });

  it('makes a call arrive already answered with "answered": true', async () => {
    const call = await placeCall({ answered: true });
    expect(call.state).toBe('answered');
    expect(await types(A, call.call_control_id)).toEqual(['call.initiated', 'call.answered']);
  });

  it('names the missing or malformed field in a 422', async () => {
    expectError(await as().post('/_mock/calls', { to: '+15559990000', connection_id: 'c' }), 422, '10004', '/from');
    expectError(await as().post('/_mock/calls', { from: '5550001', to: '+15559990000', connection_id: 'c' }), 422, '10016', '/from');
    expectError(await as().post('/_mock/calls', { from: '+15550001001', to: '+15559990000', connection_id: 'c', answered: 'yes' }), 422, '10015', '/answered');
  });

  it('places the caller on the telnyx-mock connection when the body names none, as startMock() and scenarios do', async () => {
    const res = await as().post('/_mock/calls', { from: '+15550001001', to: '+15559990000' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.connection_id).toBe(DEFAULT_CONNECTION_ID);
    const [initiated] = (await as().get('/_mock/webhooks?event_type=call.initiated')).body.data;
    expect(initiated.data.payload.connection_id).toBe('telnyx-mock');
    // The three doors share the one default.
    expect(mockControl(em, A).placeCall({ from: '+15550001002', to: '+15559990000' }).connection_id).toBe('telnyx-mock');
    const run = await mockControl(em, A).runScenario({ name: 'default', reset: false, steps: [{ call: 'alice', from: '+15550001003', to: '+15559990000' }] });
    expect(mockControl(em, A).call(run.calls.alice).connection_id).toBe('telnyx-mock');
  });

  it('refuses a request without a key and a body that is not JSON', async () => {
    expectError(await http.raw.post('/_mock/calls').send({}), 401, '10009');
    expectError(await http.raw.post('/_mock/calls').set('Authorization', `Bearer ${A}`).set('content-type', 'application/json').send('{nope'), 400, '10015');
  });

  it("shows a call only to its own account", async () => {
    const call = await placeCall();
    expect((await as(A).get(`/_mock/calls/${enc(call.call_control_id)}`)).status).toBe(200);
    expectError(await as(B).get(`/_mock/calls/${enc(call.call_control_id)}`), 404, '10007');
    expectError(await as(B).post(`/_mock/calls/${enc(call.call_control_id)}/hangup`), 422, '90015');
  });
});

describe('POST /_mock/calls/{id}/hangup', () => {
  it('hangs up an answered call from the caller side with normal_clearing', async () => {
    const call = await placeCall({ answered: true });
    expect((await as().post(`/_mock/calls/${enc(call.call_control_id)}/hangup`)).status).toBe(200);
    const hangup = (await mockControl(em, A).webhooks({ eventType: 'call.hangup' }))[0];
    expect(hangup.data.payload).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'caller' });
  });

  it('cancels a call still ringing with originator_cancel', async () => {
    const call = await placeCall();
    await as().post(`/_mock/calls/${enc(call.call_control_id)}/hangup`);
    expect((await mockControl(em, A).webhooks({ eventType: 'call.hangup' }))[0].data.payload.hangup_cause).toBe('originator_cancel');
  });

  it('declines a dialed call still ringing with call_rejected from the callee side', async () => {
    await as().put('/_mock/numbers/+15557770001', { behaviour: 'no_answer' });
    const dialed = await as().post('/v2/calls', { connection_id: 'conn-1', from: '+15550001001', to: '+15557770001' });
    await as().post(`/_mock/calls/${enc(dialed.body.data.call_control_id)}/hangup`);
    expect((await mockControl(em, A).webhooks({ eventType: 'call.hangup' }))[0].data.payload).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee' });
  });

  it('answers 422 90018 when the call has already ended and 90015 for an unknown call', async () => {
    const call = await placeCall({ answered: true });
    await as().post(`/_mock/calls/${enc(call.call_control_id)}/hangup`);
    expectError(await as().post(`/_mock/calls/${enc(call.call_control_id)}/hangup`), 422, '90018');
    expectError(await as().post('/_mock/calls/v3:nope/hangup'), 422, '90015');
  });

  it('takes the whole conference down when the caller was its end_conference_on_exit host', async () => {
    const { conferenceId, alice } = await inConference();
    const carol = await placeCall({ answered: true, from: '+15550001003' });
    await as().post(`/v2/conferences/${conferenceId}/actions/join`, { call_control_id: carol.call_control_id, end_conference_on_exit: true });
    await as().post(`/_mock/calls/${enc(carol.call_control_id)}/hangup`);
    expect((await as().get(`/v2/conferences/${conferenceId}`)).body.data).toMatchObject({ status: 'completed', end_reason: 'host_left' });
    expect((await as().get(`/_mock/calls/${enc(alice)}`)).body.data.state).toBe('hangup');
  });
});

describe('POST /_mock/calls/{id}/dtmf', () => {
  it('fires call.dtmf.received once per digit', async () => {
    const call = await placeCall({ answered: true });
    expect((await as().post(`/_mock/calls/${enc(call.call_control_id)}/dtmf`, { digits: '12#' })).status).toBe(200);
    const digits = (await mockControl(em, A).webhooks({ eventType: 'call.dtmf.received' })).map((e) => e.data.payload.digit);
    expect(digits).toEqual(['1', '2', '#']);
  });

  it('completes a pending gather_using_audio with call.gather.ended', async () => {
    const { conferenceId, alice } = await inConference();
    const gather = await as().post(`/v2/conferences/${conferenceId}/actions/gather_using_audio`, {
      call_control_id: alice, maximum_digits: 4, terminating_digit: '#', audio_url: 'https://example.com/pin.mp3',
    });
    expect(gather.status).toBe(200);
    await as().post(`/_mock/calls/${enc(alice)}/dtmf`, { digits: '42#' });
    const ended = (await mockControl(em, A).webhooks({ eventType: 'call.gather.ended' }));
    expect(ended).toHaveLength(1);
    expect(ended[0].data.payload).toMatchObject({ call_control_id: alice, digits: '42', status: 'valid' });
  });

  it('refuses digits a keypad does not have, and a call not yet answered', async () => {
    const ringing = await placeCall();
    expectError(await as().post(`/_mock/calls/${enc(ringing.call_control_id)}/dtmf`, { digits: '1x' }), 422, '10015', '/digits');
    expectError(await as().post(`/_mock/calls/${enc(ringing.call_control_id)}/dtmf`, {}), 422, '10004', '/digits');
    expectError(await as().post(`/_mock/calls/${enc(ringing.call_control_id)}/dtmf`, { digits: '1' }), 422, '90034');
  });
});

describe('POST /_mock/calls/{id}/speech', () => {
  it('moves the conference floor to whoever starts speaking', async () => {
    const { host, alice } = await inConference();
    await as().post(`/_mock/calls/${enc(alice)}/speech`, { state: 'started' });
    await as().post(`/_mock/calls/${enc(alice)}/speech`, { state: 'started' });
    await as().post(`/_mock/calls/${enc(alice)}/speech`, { state: 'stopped' });
    await as().post(`/_mock/calls/${enc(host)}/speech`, { state: 'started' });
    const floor = (await mockControl(em, A).webhooks({ eventType: 'conference.floor.changed' })).map((e) => e.data.payload.call_control_id);
    expect(floor).toEqual([alice, host]);
  });

  it('answers 422 when the caller is in no conference or the state is unknown', async () => {
    const call = await placeCall({ answered: true });
    expectError(await as().post(`/_mock/calls/${enc(call.call_control_id)}/speech`, { state: 'started' }), 422, '90015');
    expectError(await as().post(`/_mock/calls/${enc(call.call_control_id)}/speech`, { state: 'shouting' }), 422, '10032', '/state');
  });
});

describe('/_mock/numbers', () => {
  const dial = async (to: string, extra: object = {}) => {
    const res = await as().post('/v2/calls', { connection_id: 'conn-1', from: '+15550001001', to, ...extra });
    expect(res.status).toBe(200);
    return res.body.data.call_control_id as string;
  };

  it('makes a dialed number busy until the behaviour is deleted', async () => {
    const put = await as().put(`/_mock/numbers/${enc('+15557770001')}`, { behaviour: 'busy' });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ e164: '+15557770001', behaviour: 'busy' });
    const busy = await dial('+15557770001');
    expect((await mockControl(em, A).webhooks({ callControlId: busy, eventType: 'call.hangup' }))[0].data.payload.hangup_cause).toBe('user_busy');

    expect((await as().delete(`/_mock/numbers/${enc('+15557770001')}`)).status).toBe(200);
    const answered = await dial('+15557770001');
    expect(await types(A, answered)).toEqual(['call.initiated', 'call.answered']);
  });

  it('answers a dialed number after answer_after_secs of the account clock', async () => {
    await as().put('/_mock/numbers/+15557770002', { behaviour: 'answer', answer_after_secs: 20 });
    const id = await dial('+15557770002');
    expect(await types(A, id)).toEqual(['call.initiated']);
    await as().post('/_mock/clock/advance', { seconds: 20 });
    expect(await types(A, id)).toEqual(['call.initiated', 'call.answered']);
  });

  it('lets a number that never answers ring out after the dial timeout', async () => {
    await as().put('/_mock/numbers/+15557770003', { behavior: 'no_answer' });
    const id = await dial('+15557770003', { timeout_secs: 30 });
    await as().post('/_mock/clock/advance', { seconds: 30 });
    expect((await mockControl(em, A).webhooks({ callControlId: id, eventType: 'call.hangup' }))[0].data.payload.hangup_cause).toBe('timeout');
  });

  it('lists and reads behaviours, with the default for a number never configured', async () => {
    await as().put('/_mock/numbers/+15557770005', { behaviour: 'reject' });
    await as().put('/_mock/numbers/+15557770004', { behaviour: 'answer', answer_after_secs: 3 });
    expect((await as().get('/_mock/numbers')).body.data).toEqual([
      { e164: '+15557770004', behaviour: 'answer', answer_after_secs: 3 },
      { e164: '+15557770005', behaviour: 'reject' },
    ]);
    expect((await as().get('/_mock/numbers/+15557770009')).body.data).toEqual({ e164: '+15557770009', behaviour: 'answer', answer_after_secs: 0 });
    expect((await as(B).get('/_mock/numbers')).body.data).toEqual([]);
  });

  it('refuses a number that is not E.164, an unknown behaviour and a delay for a busy number', async () => {
    expectError(await as().put('/_mock/numbers/5551234', { behaviour: 'busy' }), 422, '10016', '/e164');
    expectError(await as().put('/_mock/numbers/+15557770001', { behaviour: 'maybe' }), 422, '10032', '/behaviour');
    expectError(await as().put('/_mock/numbers/+15557770001', {}), 422, '10004', '/behaviour');
    expectError(await as().put('/_mock/numbers/+15557770001', { behaviour: 'busy', answer_after_secs: 5 }), 422, '10015', '/answer_after_secs');
    expectError(await as().put('/_mock/numbers/+15557770001', { behaviour: 'answer', answer_after_secs: 601 }), 422, '10033', '/answer_after_secs');
  });
});

describe('/_mock/clock', () => {
  it('advances by seconds or an ISO 8601 duration and reports what fell due', async () => {
    const host = await placeCall({ answered: true });
    await as().post('/v2/conferences', { call_control_id: host.call_control_id, name: 'room' });
    const before = Date.parse((await as().get('/_mock/clock')).body.data.now);

    const res = await as().post('/_mock/clock/advance', { seconds: 90 });
    expect(res.status).toBe(200);
    expect(res.body.data.fired).toBe(0);
    expect(Date.parse(res.body.data.now) - before).toBeGreaterThanOrEqual(90_000);

    const expiry = await as().post('/_mock/clock/advance', { duration: 'PT4H' });
    expect(expiry.body.data.fired).toBe(1);
    expect(await types(A)).toContain('conference.ended');
  });

  it('takes seconds as a number and an ISO 8601 duration as `duration`, and still an ISO text in `seconds`', async () => {
    await as().post('/_mock/clock/freeze');
    const start = Date.parse((await as().get('/_mock/clock')).body.data.now);
    const moved = async (body: object) => {
      const res = await as().post('/_mock/clock/advance', body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return Date.parse(res.body.data.now) - start;
    };
    expect(await moved({ seconds: 30 })).toBe(30_000);
    expect(await moved({ duration: 'PT1M' })).toBe(90_000);
    // The form from before `duration` had its own name keeps working.
    expect(await moved({ seconds: 'PT1M' })).toBe(150_000);
    await as().post('/_mock/clock/unfreeze');
  });

  it('freezes time for the account alone and unfreezes it', async () => {
    const frozen = await as().post('/_mock/clock/freeze');
    expect(frozen.body.data.frozen).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect((await as().get('/_mock/clock')).body.data.now).toBe(frozen.body.data.now);
    expect((await as(B).get('/_mock/clock')).body.data.frozen).toBe(false);

    await as().post('/_mock/clock/advance', { seconds: 60 });
    expect(Date.parse((await as().get('/_mock/clock')).body.data.now) - Date.parse(frozen.body.data.now)).toBe(60_000);
    expect((await as().post('/_mock/clock/unfreeze')).body.data.frozen).toBe(false);
  });

  it('refuses a missing, negative, malformed or huge advance', async () => {
    expectError(await as().post('/_mock/clock/advance', {}), 422, '10004', '/seconds');
    expectError(await as().post('/_mock/clock/advance', { seconds: -1 }), 422, '10015', '/seconds');
    expectError(await as().post('/_mock/clock/advance', { seconds: '4 hours' }), 422, '10015', '/seconds');
    expectError(await as().post('/_mock/clock/advance', { seconds: 'P400D' }), 422, '10033', '/seconds');
    // An error points at the field given, and says what that field takes.
    const wrong = await as().post('/_mock/clock/advance', { duration: 90 });
    expectError(wrong, 422, '10015', '/duration');
    expect(wrong.body.errors[0].detail).toMatch(/ISO 8601 duration/);
    expectError(await as().post('/_mock/clock/advance', { duration: 'P400D' }), 422, '10033', '/duration');
    expectError(await as().post('/_mock/clock/advance', { seconds: 60, duration: 'PT1M' }), 422, '10015', '/duration');
  });
});

describe('POST /_mock/reset', () => {
  it("clears the caller's account and leaves other accounts alone", async () => {
    const a = await placeCall({}, A);
    const b = await placeCall({}, B);
    await as(A).put('/_mock/numbers/+15557770001', { behaviour: 'busy' });
    await as(A).post('/_mock/clock/advance', { seconds: 60 });
    await as(A).get('/v2/conferences');
    await as(A).post('/_mock/faults', { path: '/v2/queues', status: 500 });

    expect((await as(A).post('/_mock/reset')).status).toBe(200);
    expect((await as(A).get(`/_mock/calls/${enc(a.call_control_id)}`)).status).toBe(404);
    expect(await types(A)).toEqual([]);
    expect((await as(A).get('/_mock/numbers')).body.data).toEqual([]);
    expect((await as(A).get('/_mock/clock')).body.data.offset_ms).toBeLessThan(1000);
    expect((await as(A).get('/_mock/requests')).body.data).toEqual([]);
    expect((await as(A).get('/_mock/faults')).body.data).toEqual([]);
    expect((await as(B).get(`/_mock/calls/${enc(b.call_control_id)}`)).status).toBe(200);
  });

  it('clears every account with {"all": true}', async () => {
    const a = await placeCall({}, A);
    const b = await placeCall({}, B);
    expect((await as(A).post('/_mock/reset', { all: true })).status).toBe(200);
    expect((await as(A).get(`/_mock/calls/${enc(a.call_control_id)}`)).status).toBe(404);
    expect((await as(B).get(`/_mock/calls/${enc(b.call_control_id)}`)).status).toBe(404);
    expect(await types(B)).toEqual([]);
  });

  it("clears a connection's webhook settings with the rest: they are the account's Call Control application", async () => {
    expect((await as().put('/_mock/connections/conn-1', { webhook_url: 'http://127.0.0.1:9/hooks' })).status).toBe(200);
    expect((await as().get('/v2/call_control_applications/conn-1')).body.data.webhook_event_url).toBe('http://127.0.0.1:9/hooks');
    await as().post('/_mock/reset');
    expect((await as().get('/_mock/connections/conn-1')).status).toBe(404);
    expect((await as().get('/v2/call_control_applications/conn-1')).status).toBe(404);
  });
});

describe('GET /_mock/health', () => {
  it('answers without a key', async () => {
    const res = await http.raw.get('/_mock/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
