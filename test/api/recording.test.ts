import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { about, payloadOf, types } from '../webhooks/sent.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import { parseMp3, parseWav } from '../support/audio.js';
import { MAX_AUDIO_SECS } from '../../src/media/audio.js';

/**
 * The rules of call recordings and the files their URLs serve, in process (moved down from
 * test/sdk/recording.test.ts, which keeps the SDK's view of a call and a conference recording).
 * SDK: "Start recording the call. Recording will stop on call hang-up, or can be initiated via the
 * Stop Recording command." Every webhook a test reads through `drain()` is checked against the
 * spec's callback schema and the SDK type.
 */
let env: AppEnv;
beforeEach(async () => {
  env = appEnv();
  // Recorded lengths are exact on a frozen clock: only `advance` moves it.
  await env.mock('POST', '/clock/freeze');
});
afterEach(() => env.close());

const advance = (seconds: number) => env.mock('POST', '/clock/advance', { seconds });
type Urls = { mp3: string | null; wav: string | null };

/** The call.recording.saved of a call, found by its call_leg_id: the payload names no call_control_id. */
async function saved(id: string) {
  const leg = (await env.api.calls.retrieveStatus(id)).data!.call_leg_id;
  const all = (await env.drain()).filter((d) => d.json.data.event_type === 'call.recording.saved' && d.json.data.payload.call_leg_id === leg);
  return all.map((d) => d.json.data.payload as { recording_urls: Urls; public_recording_urls: Urls } & Record<string, unknown>);
}

/** The file a recording URL serves, fetched in process. */
const download = (url: string, headers: Record<string, string> = {}) => env.download(url, headers);

describe('a call recording', () => {
  it('does not count paused time: start 4 s, pause 10 s, resume 2 s → a 6 s stereo MP3 (dual channels)', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'mp3', channels: 'dual' });
    await advance(4);
    await env.api.calls.actions.pauseRecording(id, {});
    await advance(10);
    await env.api.calls.actions.resumeRecording(id, {});
    await advance(2);
    await env.api.calls.actions.stopRecording(id, {});
    const [payload] = await saved(id);
    expect(payload.recording_urls.wav).toBeNull();
    const file = await download(payload.recording_urls.mp3!);
    expect([file.status, file.type]).toEqual([200, 'audio/mpeg']);
    const mp3 = parseMp3(file.body);
    expect(mp3).toMatchObject({ sampleRate: 32_000, channels: 2 });
    // Whole 1152-sample frames: within half a frame (18 ms) of 6 s.
    expect(Math.abs(mp3.durationMs - 6000)).toBeLessThanOrEqual(18);
    // Pause and resume send no webhooks ("There are no webhooks associated with this command").
    expect(payload.recording_started_at).toBeDefined();
  });

  it('is saved when the call hangs up while recording, after call.hangup', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'dual' });
    await advance(3);
    await env.mock('POST', `/calls/${encodeURIComponent(id)}/hangup`);
    const all = await env.drain();
    expect(types(all.filter((d) => d.json.data.payload.call_leg_id === payloadOf(about(all, id), 'call.initiated')!.call_leg_id)).slice(-2))
      .toEqual(['call.hangup', 'call.recording.saved']);
    const [payload] = await saved(id);
    expect(parseWav((await download(payload.recording_urls.wav!)).body)).toMatchObject({ channels: 2, durationMs: 3000 });
  });

  it('stops by itself at max_length seconds of recording, the pause not counted', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single', max_length: 10 });
    await advance(6);
    await env.api.calls.actions.pauseRecording(id, {});
    await advance(30);
    expect(await saved(id)).toEqual([]);
    await env.api.calls.actions.resumeRecording(id, {});
    await advance(3);
    expect(await saved(id)).toEqual([]);
    await advance(1);
    const [payload] = await saved(id);
    expect(parseWav((await download(payload.recording_urls.wav!)).body).durationMs).toBe(10_000);
    // Nothing is recording any more.
    await expect(env.api.calls.actions.stopRecording(id, {})).rejects.toMatchObject({ status: 422 });
  });

  it(`serves at most ${MAX_AUDIO_SECS} s of audio however long the recording`, async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'mp3', channels: 'single' });
    await advance(3600);
    await env.api.calls.actions.stopRecording(id, {});
    const [payload] = await saved(id);
    expect(Date.parse(payload.recording_ended_at as string) - Date.parse(payload.recording_started_at as string)).toBe(3_600_000);
    expect(Math.round(parseMp3((await download(payload.recording_urls.mp3!)).body).durationMs / 1000)).toBe(MAX_AUDIO_SECS);
  });

  it('can be started again once stopped; recording_id names a recording the call does not have → 422 /recording_id', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single' });
    await expect(env.api.calls.actions.stopRecording(id, { recording_id: '00000000-0000-4000-8000-000000000000' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/recording_id' } }] } });
    await env.api.calls.actions.stopRecording(id, {});
    await env.api.calls.actions.startRecording(id, { format: 'mp3', channels: 'single' });
    await env.api.calls.actions.stopRecording(id, {});
    expect((await saved(id)).map((p) => Object.keys(p.recording_urls).filter((k) => p.recording_urls[k as keyof Urls]))).toEqual([['wav'], ['mp3']]);
  });
});

describe('recording files', () => {
  it('need no key, like pre-signed URLs; another account\'s key, another format or an unknown id gets 404', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single' });
    await advance(1);
    await env.api.calls.actions.stopRecording(id, {});
    const url = (await saved(id))[0].recording_urls.wav!;
    expect((await download(url)).status).toBe(200);
    expect((await download(url, { authorization: `Bearer ${env.account}` })).status).toBe(200);
    expect((await download(url, { authorization: 'Bearer KEY_someone_else' })).status).toBe(404);
    expect((await download(url.replace(/\.wav$/, '.mp3'))).status).toBe(404);
    expect((await download(url.replace(/[0-9a-f-]{36}/, '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('point at the configured public URL when there is one', async () => {
    await env.close();
    env = appEnv({ publicUrl: 'http://telnyx-mock.internal:5080' });
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'mp3', channels: 'single' });
    await env.api.calls.actions.stopRecording(id, {});
    const url = (await saved(id))[0].recording_urls.mp3!;
    expect(url).toMatch(/^http:\/\/telnyx-mock\.internal:5080\/_mock\/recordings\/[0-9a-f-]{36}\.mp3$/);
    // Served here all the same. Stopped as it started: the shortest MP3 there is, one 36 ms frame.
    const file = await download(`${env.url}${new URL(url).pathname}`);
    expect(file.status).toBe(200);
    expect(parseMp3(file.body).frames).toBe(1);
  });
});

describe('what the recording commands refuse', () => {
  it.each([
    [{ channels: 'single' }, '10004', '/format'],
    [{ format: 'wav' }, '10004', '/channels'],
    [{ format: 'ogg', channels: 'single' }, '10032', '/format'],
    [{ format: 'wav', channels: 'quad' }, '10032', '/channels'],
    [{ format: 'wav', channels: 'single', max_length: 14_401 }, '10033', '/max_length'],
    [{ format: 'wav', channels: 'single', recording_track: 'sideways' }, '10032', '/recording_track'],
  ])('record_start %j → 422 %s at %s, and nothing records', async (body, code, pointer) => {
    const id = await env.call();
    await expect(env.api.calls.actions.startRecording(id, body as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code, source: { pointer } }] } });
    await expect(env.api.calls.actions.stopRecording(id, {})).rejects.toMatchObject({ status: 422 });
  });

  it('stop, pause or resume with nothing recording; a second start while recording', async () => {
    const id = await env.call();
    for (const act of [env.api.calls.actions.stopRecording, env.api.calls.actions.pauseRecording, env.api.calls.actions.resumeRecording]) {
      await expect(act.call(env.api.calls.actions, id, {})).rejects.toMatchObject({ status: 422 });
    }
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single' });
    await expect(env.api.calls.actions.startRecording(id, { format: 'mp3', channels: 'single' })).rejects.toMatchObject({ status: 422 });
  });

  it('a hung-up call: 90018; a call not yet answered: 90034', async () => {
    const ended = await env.call();
    await env.api.calls.actions.hangup(ended, {});
    await expect(env.api.calls.actions.startRecording(ended, { format: 'wav', channels: 'single' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
    await expect(env.api.calls.actions.stopRecording(ended, {}))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
    const ringing = await env.call({ answered: false });
    await expect(env.api.calls.actions.startRecording(ringing, { format: 'wav', channels: 'single' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90034' }] } });
  });

  it('a repeated command_id is run once', async () => {
    const id = await env.call();
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single', command_id: 'rec-1' });
    await env.api.calls.actions.startRecording(id, { format: 'wav', channels: 'single', command_id: 'rec-1' });
    await env.api.calls.actions.stopRecording(id, {});
    expect(await saved(id)).toHaveLength(1);
  });
});
