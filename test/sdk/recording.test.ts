import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { about, payloadOf, webhookEnv, type Env } from '../webhooks/env.js';
import { parseWav } from '../support/audio.js';

/**
 * Call recordings through the official SDK, and the files their URLs serve over HTTP: one call
 * and one conference recording (the rules are tested in process in test/api/recording.test.ts).
 * SDK: "Start recording the call. Recording will stop on call hang-up, or can be initiated via the
 * Stop Recording command." Every webhook passes `drain()`: the SDK's unwrap, tweetnacl, the spec's callback
 * schema and the SDK type.
 */
let env: Env;
beforeEach(async () => {
  env = await webhookEnv();
  // Recorded lengths are exact on a frozen clock: only `advance` moves it.
  await env.mock('POST', '/clock/freeze');
});
afterEach(() => env.close());

const advance = (seconds: number) => env.mock('POST', '/clock/advance', { seconds });
type Urls = { mp3: string | null; wav: string | null };

/** The call.recording.saved of a call, found by its call_leg_id: the payload names no call_control_id. */
async function saved(id: string) {
  const leg = (await env.client.calls.retrieveStatus(id)).data!.call_leg_id;
  const all = (await env.drain()).filter((d) => d.json.data.event_type === 'call.recording.saved' && d.json.data.payload.call_leg_id === leg);
  return all.map((d) => d.json.data.payload as { recording_urls: Urls; public_recording_urls: Urls } & Record<string, unknown>);
}

async function download(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('a call recording', () => {
  it('is saved on record_stop with URLs on this server that download a WAV of the recorded length', async () => {
    const id = await env.call();
    await env.client.calls.actions.startRecording(id, { format: 'wav', channels: 'single', client_state: 'cmVj' });
    await advance(5);
    await env.client.calls.actions.stopRecording(id, {});
    const [payload] = await saved(id);
    // recording_urls: "Recording URLs in requested format": the other format is null.
    expect(payload.recording_urls).toEqual({ wav: expect.stringMatching(new RegExp(`^${env.em.url}/_mock/recordings/[0-9a-f-]{36}\\.wav$`)), mp3: null });
    expect(payload.public_recording_urls).toEqual(payload.recording_urls);
    expect(payload).toMatchObject({ channels: 'single', client_state: 'cmVj', connection_id: 'conn-1' });
    expect(Date.parse(payload.recording_ended_at as string) - Date.parse(payload.recording_started_at as string)).toBe(5000);

    const file = await download(payload.recording_urls.wav!);
    expect([file.status, file.type]).toEqual([200, 'audio/wav']);
    expect(parseWav(file.body)).toEqual({ channels: 1, sampleRate: 8000, bitsPerSample: 16, durationMs: 5000 });
  });
});

describe('conference recordings', () => {
  it('conference.recording.saved carries the same kind of URL, serving a file of the recorded length (pauses excluded)', async () => {
    const host = await env.call();
    const conf = (await env.client.conferences.create({ call_control_id: host, name: 'recorded' })).data!;
    await env.client.conferences.actions.recordStart(conf.id, { format: 'wav' });
    await advance(7);
    await env.client.conferences.actions.recordPause(conf.id, {});
    await advance(5);
    await env.client.conferences.actions.recordResume(conf.id, {});
    await advance(1);
    await env.client.conferences.actions.endConference(conf.id, {});
    const payload = payloadOf(about(await env.drain(), conf.id), 'conference.recording.saved')! as { recording_urls: Urls };
    expect(payload.recording_urls.wav).toMatch(new RegExp(`^${env.em.url}/_mock/recordings/[0-9a-f-]{36}\\.wav$`));
    expect(parseWav((await download(payload.recording_urls.wav!)).body)).toMatchObject({ channels: 1, durationMs: 8000 });
  });
});

