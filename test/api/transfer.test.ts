import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { about, payloadOf, types, type Sent } from '../webhooks/sent.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import { parseMp3 } from '../support/audio.js';

/**
 * The rules of POST /calls/{id}/actions/transfer, in process (moved down from
 * test/sdk/transfer.test.ts, which keeps the SDK's view of one transfer). SDK: "Transfer a call to
 * a new destination. If the transfer is unsuccessful, a call.hangup webhook for the other call
 * (Leg B) will be sent indicating that the transfer could not be completed. The original call will
 * remain active and may be issued additional commands." Every webhook a test reads through `drain()` is
 * checked against the spec's callback schema and the SDK type.
 */
let env: AppEnv;
beforeEach(() => { env = appEnv(); });
afterEach(() => env.close());

const AGENT = '+15550107001';
const enc = encodeURIComponent;
const setNumber = (e164: string, body: object) => env.mock('PUT', `/numbers/${enc(e164)}`, body);
const advance = (seconds: number) => env.mock('POST', '/clock/advance', { seconds });
const farEnd = async (id: string) => (await env.mock('GET', `/calls/${enc(id)}`)).json.data;
const alive = async (id: string) => (await env.api.calls.retrieveStatus(id)).data!.is_alive;

/** The leg B a transfer of `a` dialed: the call.initiated of an outgoing leg in A's call session. */
async function legB(a: string, all?: Sent[]): Promise<string> {
  const deliveries = all ?? await env.drain();
  const session = payloadOf(about(deliveries, a), 'call.initiated')!.call_session_id;
  const b = deliveries.find((d) => d.json.data.event_type === 'call.initiated' && d.json.data.payload.direction === 'outgoing'
    && d.json.data.payload.call_session_id === session);
  expect(b, 'a call.initiated for leg B').toBeDefined();
  return b!.json.data.payload.call_control_id as string;
}

describe('a transfer whose far end answers', () => {
  it('ends A too when B hangs up after the bridge (no park_after_unbridge)', async () => {
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, from: '+15550001234' });
    const b = await legB(a);
    expect(payloadOf(about(await env.drain(), b), 'call.initiated')).toMatchObject({ from: '+15550001234' });
    await env.mock('POST', `/calls/${enc(b)}/hangup`);
    expect([await alive(a), await alive(b)]).toEqual([false, false]);
    expect(payloadOf(about(await env.drain(), a), 'call.hangup')).toMatchObject({ hangup_cause: 'normal_clearing' });
  });

  it('answers after answer_after_secs on the virtual clock, bridging at that instant', async () => {
    await env.mock('POST', '/clock/freeze');
    await setNumber(AGENT, { behaviour: 'answer', answer_after_secs: 8 });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const b = await legB(a);
    await advance(7);
    expect((await farEnd(b)).state).toBe('ringing');
    const before = (await env.mock('GET', '/clock')).json.data.now;
    await advance(1);
    const all = await env.drain();
    expect(types(about(all, b))).toEqual(['call.initiated', 'call.answered', 'call.bridged']);
    const answered = about(all, b).find((d) => d.json.data.event_type === 'call.answered')!;
    expect(Date.parse(answered.json.data.occurred_at) - Date.parse(before)).toBe(1000);
    expect((await farEnd(a)).bridged_to).toBe(b);
  });

  it('takes a queued caller out of its queue (dequeued: bridged) and bridges it with the agent', async () => {
    const a = await env.call();
    await env.api.calls.actions.enqueue(a, { queue_name: 'support' });
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const all = await env.drain();
    expect(payloadOf(about(all, a), 'call.dequeued')).toMatchObject({ queue: 'support', reason: 'bridged' });
    expect((await env.api.queues.calls.list('support')).data).toEqual([]);
    expect((await farEnd(a)).bridged_to).toBe(await legB(a, all));
  });

  it('forwards an inbound call that was never answered: it is answered by the bridge', async () => {
    const a = await env.call({ answered: false });
    await env.api.calls.actions.transfer(a, { to: AGENT });
    expect(await farEnd(a)).toMatchObject({ state: 'answered', bridged_to: await legB(a) });
  });

  it('hangs B up with time_limit once time_limit_secs have passed since it answered, and A with it', async () => {
    await env.mock('POST', '/clock/freeze');
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, time_limit_secs: 30 });
    const b = await legB(a);
    await advance(29);
    expect(await alive(b)).toBe(true);
    await advance(1);
    const all = await env.drain();
    expect(payloadOf(about(all, b), 'call.hangup')).toMatchObject({ hangup_cause: 'time_limit' });
    expect(await alive(a)).toBe(false);
  });
});

describe('record: record-from-answer', () => {
  it('records leg B from its answer until it hangs up (mp3, dual by default): call.recording.saved for B', async () => {
    await env.mock('POST', '/clock/freeze');
    await setNumber(AGENT, { behaviour: 'answer', answer_after_secs: 3 });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, record: 'record-from-answer' });
    const b = await legB(a);
    await advance(3 + 5);
    await env.mock('POST', `/calls/${enc(b)}/hangup`);
    const all = await env.drain();
    const legId = payloadOf(about(all, b), 'call.initiated')!.call_leg_id;
    const saved = all.filter((d) => d.json.data.event_type === 'call.recording.saved');
    expect(saved.map((d) => d.json.data.payload.call_leg_id)).toEqual([legId]);
    const payload = saved[0].json.data.payload as { channels: string; recording_urls: { mp3: string } };
    expect(payload.channels).toBe('dual');
    const file = (await env.download(payload.recording_urls.mp3)).body;
    const mp3 = parseMp3(file);
    expect(mp3.channels).toBe(2);
    expect(Math.abs(mp3.durationMs - 5000)).toBeLessThanOrEqual(18);
  });
});

describe('a transfer that fails leaves the original call up, taking further commands', () => {
  it.each([
    ['busy', 'user_busy', '486'],
    ['reject', 'call_rejected', '603'],
  ] as const)('%s: leg B hangs up at once with %s', async (behaviour, cause, sip) => {
    await setNumber(AGENT, { behaviour });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const all = await env.drain();
    const b = await legB(a, all);
    expect(types(about(all, b))).toEqual(['call.initiated', 'call.hangup']);
    expect(payloadOf(about(all, b), 'call.hangup')).toMatchObject({ hangup_cause: cause, hangup_source: 'callee', sip_hangup_cause: sip });
    expect(types(about(all, a))).not.toContain('call.bridged');
    expect(await farEnd(a)).toMatchObject({ state: 'answered', bridged_to: null });
    // "potentially transfering the call to an alternate destination"
    await env.api.calls.actions.transfer(a, { to: '+15550107002' });
    expect((await farEnd(a)).bridged_to).not.toBeNull();
  });

  it('no answer: leg B rings for timeout_secs, then hangs up with timeout', async () => {
    await env.mock('POST', '/clock/freeze');
    await setNumber(AGENT, { behaviour: 'no_answer' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, timeout_secs: 10 });
    const b = await legB(a);
    await advance(9);
    expect((await farEnd(b)).state).toBe('ringing');
    await advance(1);
    expect(payloadOf(about(await env.drain(), b), 'call.hangup')).toMatchObject({ hangup_cause: 'timeout', sip_hangup_cause: '480' });
    expect(await alive(a)).toBe(true);
    await env.api.calls.actions.hangup(a, {});
  });

  it('the far end of B declines while it rings: the transfer fails, A stays', async () => {
    await setNumber(AGENT, { behaviour: 'no_answer' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const b = await legB(a);
    await env.mock('POST', `/calls/${enc(b)}/hangup`);
    expect(payloadOf(about(await env.drain(), b), 'call.hangup')).toMatchObject({ hangup_cause: 'call_rejected' });
    expect(await farEnd(a)).toMatchObject({ state: 'answered', bridged_to: null });
  });
});

describe('calling a transfer off', () => {
  it('cancels leg B when the original call hangs up while B rings', async () => {
    await setNumber(AGENT, { behaviour: 'no_answer' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const b = await legB(a);
    await env.mock('POST', `/calls/${enc(a)}/hangup`);
    const all = await env.drain();
    expect(payloadOf(about(all, b), 'call.hangup')).toMatchObject({ hangup_cause: 'originator_cancel', hangup_source: 'caller' });
    expect(types(about(all, b))).not.toContain('call.bridged');
    // The ring timeout that was pending does nothing afterwards.
    await advance(60);
    expect(types(about(await env.drain(), b))).toEqual(['call.initiated', 'call.hangup']);
  });

  it('a second transfer replaces one still ringing', async () => {
    await setNumber(AGENT, { behaviour: 'no_answer' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const first = await legB(a);
    await env.api.calls.actions.transfer(a, { to: '+15550107002' });
    const all = await env.drain();
    expect(payloadOf(about(all, first), 'call.hangup')).toMatchObject({ hangup_cause: 'originator_cancel' });
    const second = (await farEnd(a)).bridged_to;
    expect(payloadOf(about(all, second), 'call.initiated')).toMatchObject({ to: '+15550107002' });
  });

  it('cancels leg B when the call is bridged elsewhere first (an agent takes it from the queue)', async () => {
    await setNumber(AGENT, { behaviour: 'answer', answer_after_secs: 20 });
    await env.mock('POST', '/clock/freeze');
    const a = await env.call();
    await env.api.calls.actions.enqueue(a, { queue_name: 'support' });
    await env.api.calls.actions.transfer(a, { to: AGENT });
    const b = await legB(a);
    const agent = await env.call({ from: '+15550009999' });
    await env.api.calls.actions.bridge(agent, { call_control_id_to_bridge_with: agent, queue: 'support' });
    expect(payloadOf(about(await env.drain(), b), 'call.hangup')).toMatchObject({ hangup_cause: 'originator_cancel' });
    // B's late answer never comes, and the caller stays with the agent.
    await advance(20);
    expect(types(about(await env.drain(), b))).toEqual(['call.initiated', 'call.hangup']);
    expect((await farEnd(a)).bridged_to).toBe(agent);
  });

  it('runs a repeated command_id once: one leg B', async () => {
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, command_id: 'xfer-1' });
    await env.api.calls.actions.transfer(a, { to: AGENT, command_id: 'xfer-1' });
    const initiated = (await env.drain()).filter((d) => d.json.data.event_type === 'call.initiated' && d.json.data.payload.direction === 'outgoing');
    expect(initiated).toHaveLength(1);
  });
});

describe('answering machine detection with the result configured for the number', () => {
  it('detect: call.machine.detection.ended with the number\'s result on leg B', async () => {
    const set = await setNumber(AGENT, { behaviour: 'answer', amd_result: 'not_sure' });
    expect(set.json.data).toEqual({ e164: AGENT, behaviour: 'answer', answer_after_secs: 0, amd_result: 'not_sure' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, answering_machine_detection: 'detect' });
    const all = await env.drain();
    const b = await legB(a, all);
    expect(types(about(all, b)).filter((t) => t.startsWith('call.machine'))).toEqual(['call.machine.detection.ended']);
    expect(payloadOf(about(all, b), 'call.machine.detection.ended')).toMatchObject({ result: 'not_sure', to: AGENT });
  });

  it('greeting_end on a machine: detection ended (machine), then greeting ended', async () => {
    await setNumber(AGENT, { behaviour: 'answer', amd_result: 'machine' });
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, answering_machine_detection: 'greeting_end' });
    const all = await env.drain();
    const b = await legB(a, all);
    expect(about(all, b).filter((d) => d.json.data.event_type.startsWith('call.machine'))
      .map((d) => [d.json.data.event_type, d.json.data.payload.result]))
      .toEqual([['call.machine.detection.ended', 'machine'], ['call.machine.greeting.ended', 'ended']]);
  });

  it('premium: the premium events, a person reported as human_residence; no detection by default', async () => {
    const a = await env.call();
    await env.api.calls.actions.transfer(a, { to: AGENT, answering_machine_detection: 'premium' });
    const c = await env.call({ from: '+15550001002' });
    await env.api.calls.actions.transfer(c, { to: '+15550107002' });
    const all = await env.drain();
    expect(payloadOf(about(all, await legB(a, all)), 'call.machine.premium.detection.ended')).toMatchObject({ result: 'human_residence' });
    expect(types(about(all, await legB(c, all))).some((t) => t.startsWith('call.machine'))).toBe(false);
  });

  it('refuses amd_result for a number that does not answer', async () => {
    const res = await setNumber(AGENT, { behaviour: 'busy', amd_result: 'machine' });
    expect(res.status).toBe(422);
    expect(res.json.errors[0].source).toEqual({ pointer: '/amd_result' });
  });
});

describe('what transfer refuses', () => {
  it.each([
    [{}, '10004', '/to'],
    [{ to: 'nobody' }, '10016', '/to'],
    [{ to: '+15550107001,12x' }, '10015', '/to'],
    [{ to: AGENT, timeout_secs: 3 }, '10033', '/timeout_secs'],
    [{ to: AGENT, time_limit_secs: 20 }, '10033', '/time_limit_secs'],
    [{ to: AGENT, answering_machine_detection: 'sometimes' }, '10032', '/answering_machine_detection'],
    [{ to: AGENT, webhook_url: 'ftp://example.com' }, '10015', '/webhook_url'],
    [{ to: AGENT, custom_headers: [{ name: 'X-A' }] }, '10015', '/custom_headers'],
    [{ to: AGENT, audio_url: 'https://example.com/a.mp3', media_name: 'a' }, '10015', '/media_name'],
  ])('%j → 422 %s at %s, and nothing is dialed', async (body, code, pointer) => {
    const a = await env.call();
    await expect(env.api.calls.actions.transfer(a, body as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code, source: { pointer } }] } });
    expect((await env.drain()).filter((d) => d.json.data.payload.direction === 'outgoing')).toEqual([]);
  });

  it('a hung-up call: 90018; an unknown call: 90015', async () => {
    const a = await env.call();
    await env.api.calls.actions.hangup(a, {});
    await expect(env.api.calls.actions.transfer(a, { to: AGENT }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
    await expect(env.api.calls.actions.transfer('v3:nope', { to: AGENT }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90015' }] } });
  });

  it('a dialed call still ringing: 90034 (only an inbound call may be forwarded unanswered)', async () => {
    await setNumber('+15550002222', { behaviour: 'no_answer' });
    const dialed = (await env.api.calls.dial({ connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' })).data!;
    await expect(env.api.calls.actions.transfer(dialed.call_control_id, { to: AGENT }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90034' }] } });
  });
});
