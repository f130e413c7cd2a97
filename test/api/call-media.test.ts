import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callSteps } from '../support/call-steps.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import { mockControl } from '../../src/lib.js';

const enc = encodeURIComponent;

/**
 * The rules of speak, playback, send_dtmf, transcription and client_state on a call, in process
 * (moved down from test/sdk/call-media.test.ts, which keeps one SDK test per operation), on a
 * frozen virtual clock. After each test every webhook recorded is checked (afterEach → drain)
 * against the spec's callback schema and the SDK type.
 * Media files last 3 s here (the default `mediaDurationSecs`); speech 150 words a minute.
 */
let env: AppEnv;
let call = '';

beforeEach(async () => {
  env = appEnv({}, 'KEY_sdk_media');
  await env.mock('POST', '/clock/freeze');
  call = await env.call();
});
afterEach(async () => {
  await env.drain();
  await env.close();
});

const { advance, log, logTypes: types, payloads, media } = callSteps({ mock: (...args) => env.mock(...args) }, () => call);

// Ten words: 4 s at 150 words a minute.
const TEN_WORDS = 'Welcome to Acme support, your call is important to us';

describe('speak', () => {
  it('lasts at least a second, however short the text', async () => {
    await env.api.calls.actions.speak(call, { payload: 'Hi', voice: 'female' });
    await advance(0.5);
    expect(await types()).toEqual(['call.speak.started']);
    await advance(0.5);
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended']);
  });

  it('queues a second speak until the first ends ("placed in a queue awaiting playback")', async () => {
    await env.api.calls.actions.speak(call, { payload: TEN_WORDS, voice: 'female' });
    await env.api.calls.actions.speak(call, { payload: 'Please hold', voice: 'female' });
    expect(await types()).toEqual(['call.speak.started']);
    await advance(4);
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended', 'call.speak.started']);
    await advance(1);
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended', 'call.speak.started', 'call.speak.ended']);
    expect((await media()).map((m) => [m.kind, m.text, m.state, m.status])).toEqual([
      ['speak', TEN_WORDS, 'ended', 'completed'], ['speak', 'Please hold', 'ended', 'completed'],
    ]);
  });

  it('with stop: all, clears the queue and what plays before speaking', async () => {
    await env.api.calls.actions.speak(call, { payload: TEN_WORDS, voice: 'female' });
    await env.api.calls.actions.speak(call, { payload: 'never heard', voice: 'female' });
    await env.api.calls.actions.speak(call, { payload: 'Goodbye', voice: 'female', stop: 'all' });
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended', 'call.speak.started']);
    expect((await media()).map((m) => [m.text, m.state])).toEqual([[TEN_WORDS, 'ended'], ['never heard', 'ended'], ['Goodbye', 'playing']]);
  });

  it('ends call_hangup when the caller hangs up mid-speech; queued speech never starts', async () => {
    await env.api.calls.actions.speak(call, { payload: TEN_WORDS, voice: 'female' });
    await env.api.calls.actions.speak(call, { payload: 'Please hold', voice: 'female' });
    await advance(2);
    await env.mock('POST', `/calls/${enc(call)}/hangup`);
    await advance(10);
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended', 'call.hangup']);
    expect((await payloads('call.speak.ended'))[0].status).toBe('call_hangup');
  });

  it('carries the command client_state on its webhooks and the ones after', async () => {
    await env.api.calls.actions.speak(call, { payload: 'Hi', voice: 'female', client_state: 'Z3JlZXQ=' });
    await advance(1);
    await env.api.calls.actions.hangup(call, {});
    expect((await log()).map((w) => [w.event_type, w.data.payload.client_state]))
      .toEqual([['call.speak.started', 'Z3JlZXQ='], ['call.speak.ended', 'Z3JlZXQ='], ['call.hangup', 'Z3JlZXQ=']]);
  });

  it('ignores a repeated command_id', async () => {
    await env.api.calls.actions.speak(call, { payload: 'Hi', voice: 'female', command_id: 'greet-1' });
    await env.api.calls.actions.speak(call, { payload: 'Hi', voice: 'female', command_id: 'greet-1' });
    expect(await media()).toHaveLength(1);
  });

  it('refuses a missing payload, an unknown language and a text over 3,000 characters with the field pointer', async () => {
    const refused = (body: object, code: string, pointer: string) => expect(env.api.calls.actions.speak(call, body as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code, source: { pointer } }] } });
    await refused({ voice: 'female' }, '10004', '/payload');
    await refused({ payload: 'Hi', voice: 'female', language: 'xx-XX' }, '10032', '/language');
    await refused({ payload: 'a'.repeat(3001), voice: 'female' }, '10015', '/payload');
    expect(await media()).toEqual([]);
  });

  it('answers 90018 on a hung-up call and 90034 before the answer', async () => {
    await env.api.calls.actions.hangup(call, {});
    await expect(env.api.calls.actions.speak(call, { payload: 'Hi', voice: 'female' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
    const ringing = await env.call({ answered: false });
    await expect(env.api.calls.actions.speak(ringing, { payload: 'Hi', voice: 'female' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90034' }] } });
  });
});

describe('playback', () => {
  it('names no source for playback_content ("media_url and media_name … will be empty")', async () => {
    await env.api.calls.actions.startPlayback(call, { playback_content: 'SUQzBAAAAAAA', media_name: undefined });
    const [started] = await payloads('call.playback.started');
    expect(started).not.toHaveProperty('media_url');
    expect(started).not.toHaveProperty('media_name');
  });

  it('playback_stop current ends what plays and starts the next; all clears the queue', async () => {
    for (const name of ['one', 'two', 'three']) await env.api.calls.actions.startPlayback(call, { media_name: name });
    await env.api.calls.actions.stopPlayback(call, { stop: 'current' });
    expect((await log()).map((w) => [w.event_type, w.data.payload.media_name, w.data.payload.status])).toEqual([
      ['call.playback.started', 'one', undefined], ['call.playback.ended', 'one', 'cancelled'], ['call.playback.started', 'two', undefined],
    ]);
    await env.api.calls.actions.stopPlayback(call, {});
    await advance(30);
    expect((await media()).map((m) => [m.media_name, m.state, m.status])).toEqual([
      ['one', 'ended', 'cancelled'], ['two', 'ended', 'cancelled'], ['three', 'ended', null],
    ]);
  });

  it('stops speech too ("call.playback.ended or call.speak.ended")', async () => {
    await env.api.calls.actions.speak(call, { payload: TEN_WORDS, voice: 'female' });
    await env.api.calls.actions.stopPlayback(call, {});
    expect(await types()).toEqual(['call.speak.started', 'call.speak.ended']);
  });

  it('mixes overlay audio over a playing file, and refuses it when nothing plays', async () => {
    await expect(env.api.calls.actions.startPlayback(call, { audio_url: 'https://example.com/beep.mp3', overlay: true }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/overlay' } }] } });
    await env.api.calls.actions.startPlayback(call, { audio_url: 'https://example.com/music.mp3', loop: 'infinity' });
    await env.api.calls.actions.startPlayback(call, { audio_url: 'https://example.com/beep.mp3', overlay: true });
    expect((await payloads('call.playback.started')).map((p) => [p.media_url, p.overlay])).toEqual([
      ['https://example.com/music.mp3', false], ['https://example.com/beep.mp3', true],
    ]);
    await advance(3);
    expect((await payloads('call.playback.ended')).map((p) => [p.media_url, p.overlay, p.status]))
      .toEqual([['https://example.com/beep.mp3', true, 'completed']]);
  });

  it('plays looped hold music in a queue until the call leaves it, bridged to an agent', async () => {
    await env.api.calls.actions.enqueue(call, { queue_name: 'support' });
    await env.api.calls.actions.startPlayback(call, { audio_url: 'https://example.com/hold.mp3', loop: 'infinity' });
    await advance(600);
    expect(await payloads('call.playback.ended')).toEqual([]);
    const agent = await env.call({ from: '+15550009999' });
    await env.api.calls.actions.bridge(agent, { call_control_id_to_bridge_with: agent, queue: 'support' });
    expect((await types()).slice(-3)).toEqual(['call.dequeued', 'call.playback.ended', 'call.bridged']);
    expect((await payloads('call.playback.ended'))[0]).toMatchObject({ media_url: 'https://example.com/hold.mp3', status: 'cancelled' });
  });

  it('refuses no source, two sources and a loop out of range, with the field pointer', async () => {
    const refused = (body: object, pointer: string) => expect(env.api.calls.actions.startPlayback(call, body as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer } }] } });
    await refused({}, '/audio_url');
    await refused({ audio_url: 'https://example.com/a.mp3', media_name: 'a' }, '/media_name');
    await refused({ audio_url: 'https://example.com/a.mp3', loop: 0 }, '/loop');
    await refused({ audio_url: 'https://example.com/a.mp3', stop: 'some' }, '/stop');
  });
});

describe('send_dtmf', () => {
  it('refuses keys a phone does not have and a duration out of range', async () => {
    await expect(env.api.calls.actions.sendDtmf(call, { digits: '12x' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/digits' } }] } });
    await expect(env.api.calls.actions.sendDtmf(call, { digits: '1', duration_millis: 50 }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10033', source: { pointer: '/duration_millis' } }] } });
  });
});

describe('transcription', () => {
  it("the caller's words move the conference floor, as `speech` does", async () => {
    const host = await env.call({ from: '+15550001001' });
    const conf = (await env.api.conferences.create({ call_control_id: host, name: 'floor' })).data!;
    await env.api.conferences.actions.join(conf.id, { call_control_id: call });
    mockControl(env.em, env.account).say(call, 'Can everyone hear me?');
    const floor = (await env.mock('GET', '/webhooks?event_type=conference.floor.changed')).json.data as Array<{ data: { payload: { call_control_id: string } } }>;
    expect(floor.map((w) => w.data.payload.call_control_id)).toEqual([call]);
  });

  it('refuses an unknown engine, and say needs text', async () => {
    await expect(env.api.calls.actions.startTranscription(call, { transcription_engine: 'Nope' as never }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10032', source: { pointer: '/transcription_engine' } }] } });
    const res = await env.mock('POST', `/calls/${enc(call)}/say`, {});
    expect(res.status).toBe(422);
    expect(res.json.errors[0].source.pointer).toBe('/text');
  });
});

describe('client_state and webhook_url', () => {
  it('client_state_update requires client_state', async () => {
    await expect(env.api.calls.actions.updateClientState(call, {} as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10004', source: { pointer: '/client_state' } }] } });
  });
});

describe('commands needing real media or AI', () => {
  it('answer 422 naming the command as not emulated, not 404', async () => {
    await expect(env.api.calls.actions.startAIAssistant(call, {}))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ title: 'Command not emulated', detail: expect.stringContaining("'ai_assistant_start'") }] } });
    await expect(env.api.calls.actions.startStreaming(call, { stream_url: 'wss://example.com' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ detail: expect.stringContaining("'streaming_start'") }] } });
  });
});

describe('startMock() helpers', () => {
  it('say and media: what the caller said and what was played', async () => {
    const mock = mockControl(env.em, env.account);
    await env.api.calls.actions.startTranscription(call, {});
    mock.say(call, 'hello');
    await env.api.calls.actions.speak(call, { payload: 'Hello caller', voice: 'female' });
    expect(await mock.webhooks({ eventType: 'call.transcription' })).toHaveLength(1);
    expect(mock.media(call)).toEqual([expect.objectContaining({ kind: 'speak', text: 'Hello caller', state: 'playing', loop: 1 })]);
  });
});
