import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callSteps } from '../support/call-steps.js';
import { conformanceProblems, webhookEnv, type Env } from '../webhooks/env.js';
import { startReceiver, verifyAll } from '../support/receiver.js';

const enc = encodeURIComponent;

/**
 * speak, playback, send_dtmf, transcription and client_state on a call, through the official SDK,
 * on a frozen virtual clock: one test per operation, for what only the SDK and a socket show (the
 * SDK builds the request and reads our answer; webhooks are delivered and signed). The rules
 * themselves are tested in process, in test/api/call-media.test.ts. After each test every
 * webhook is checked (afterEach → drain): signed and verified with the SDK's `unwrap`,
 * conforming to the spec's callback schema and the SDK type.
 * Media files last 3 s here (the default `mediaDurationSecs`); speech 150 words a minute.
 */
let env: Env;
let call = '';
/** Off for the test whose webhooks go to a receiver of its own (it checks them itself). */
let drainAfter = true;

beforeEach(async () => {
  env = await webhookEnv({}, 'KEY_sdk_media');
  await env.mock('POST', '/clock/freeze');
  call = await env.call();
});
afterEach(async () => {
  if (drainAfter) await env.drain();
  drainAfter = true;
  await env.close();
});

const { advance, logTypes: types, payloads } = callSteps({ mock: (...args) => env.mock(...args) }, () => call);

// Ten words: 4 s at 150 words a minute.
const TEN_WORDS = 'Welcome to Acme support, your call is important to us';

describe('speak', () => {
  it('sends call.speak.started at once and call.speak.ended completed when the text has been spoken', async () => {
    await env.client.calls.actions.speak(call, { payload: TEN_WORDS, voice: 'female', language: 'en-US' });
    expect(await types()).toEqual(['call.speak.started']);
    await advance(3);
    expect(await types()).toEqual(['call.speak.started']);
    await advance(1);
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended']);
    expect((await payloads('call.speak.ended'))[0]).toMatchObject({ call_control_id: call, status: 'completed' });
  });
});

describe('playback', () => {
  it('plays a file for mediaDurationSecs times its loops, naming it on started and ended', async () => {
    await env.client.calls.actions.startPlayback(call, { audio_url: 'https://example.com/welcome.mp3', loop: 2 });
    await advance(5);
    expect(await types()).toEqual(['call.playback.started']);
    await advance(1);
    expect(await types()).toEqual(['call.playback.started', 'call.playback.ended']);
    expect(await payloads('call.playback.ended')).toEqual([expect.objectContaining({
      media_url: 'https://example.com/welcome.mp3', overlay: false, status: 'completed',
    })]);
  });
});

describe('send_dtmf', () => {
  it('sends tones the far end hears (dtmf_received on the control API), pauses not included, no webhook', async () => {
    await env.client.calls.actions.sendDtmf(call, { digits: '12wW#', duration_millis: 250 });
    await env.client.calls.actions.sendDtmf(call, { digits: '9' });
    expect((await env.mock('GET', `/calls/${enc(call)}`)).json.data.dtmf_received).toBe('12#9');
    expect(await types()).toEqual([]);
  });
});

describe('transcription', () => {
  it('sends call.transcription with what the caller says, only between start and stop', async () => {
    await env.mock('POST', `/calls/${enc(call)}/say`, { text: 'before' });
    await env.client.calls.actions.startTranscription(call, { transcription_engine: 'B', client_state: 'dHJ4' });
    expect((await env.mock('POST', `/calls/${enc(call)}/say`, { text: 'I need help with my bill' })).status).toBe(200);
    await env.client.calls.actions.stopTranscription(call, {});
    await env.mock('POST', `/calls/${enc(call)}/say`, { text: 'after' });
    expect(await payloads('call.transcription')).toEqual([expect.objectContaining({
      call_control_id: call, client_state: 'dHJ4',
      transcription_data: { transcript: 'I need help with my bill', confidence: 1, is_final: true, transcription_track: 'inbound' },
    })]);
  });
});

describe('client_state and webhook_url', () => {
  it('client_state_update (PUT) sets the state later webhooks carry', async () => {
    await env.client.calls.actions.updateClientState(call, { client_state: 'dXBkYXRlZA==' });
    await env.client.calls.actions.hangup(call, {});
    expect((await payloads('call.hangup'))[0].client_state).toBe('dXBkYXRlZA==');
    await expect(env.client.calls.actions.updateClientState(call, { client_state: 'eA==' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
  });

  it("answer's webhook_url receives the call's webhooks from call.answered on", async () => {
    drainAfter = false;
    const other = await startReceiver();
    try {
      const ringing = await env.call({ answered: false });
      await env.client.calls.actions.answer(ringing, { webhook_url: other.url, webhook_url_method: 'POST' });
      await env.client.calls.actions.speak(ringing, { payload: 'Hi', voice: 'female' });
      // Woken by each request the receiver takes, not polled.
      await other.accepts(2);
      expect(other.accepted().map((d) => d.json.data.event_type)).toEqual(['call.answered', 'call.speak.started']);
      await verifyAll(env.em.webhooks.publicKey, other.accepted());
      for (const d of other.accepted()) expect(conformanceProblems(d)).toEqual([]);
      const before = env.receiver.accepted().filter((d) => d.json.data.payload.call_control_id === ringing).map((d) => d.json.data.event_type);
      expect(before).toEqual(['call.initiated']);
    } finally {
      await other.close();
    }
  });
});

