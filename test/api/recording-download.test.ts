import { afterEach, describe, expect, it } from 'vitest';
import { appEnv, type AppEnv } from '../support/app-env.js';
import { AUDIO_CHUNK_BYTES, MAX_AUDIO_SECS, recordingAudio, recordingAudioFile } from '../../src/media/audio.js';
import { QUOTA_DEFAULTS } from '../../src/model/quotas.js';

/**
 * Recording downloads are streamed (issue 19, row 5): the file is made a chunk at a time as the
 * client reads, so a download that is never read holds one chunk instead of the whole file (a
 * 5-minute stereo WAV is 9.6 MB), open downloads are capped per account (429 naming the cap), and
 * a client that stops reading is cut off after the send timeout. The bytes are those the
 * whole-file encoder makes.
 */
let env: AppEnv | undefined;
afterEach(async () => { await env?.close(); env = undefined; });

/** Every chunk of a streamed file, concatenated, as a reader taking one after another gets them. */
function streamed(format: 'wav' | 'mp3', channels: 'single' | 'dual', ms: number): Buffer {
  const file = recordingAudioFile(format, channels, ms);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < file.size;) {
    const chunk = file.chunk(offset);
    expect(chunk.length).toBeGreaterThan(0);
    expect(chunk.length).toBeLessThanOrEqual(AUDIO_CHUNK_BYTES);
    chunks.push(chunk);
    offset += chunk.length;
  }
  return Buffer.concat(chunks);
}

describe('a streamed recording file', () => {
  // Lengths around the chunk and frame boundaries, none, and past the cap on served audio.
  const lengths = [0, 1, 36, 4095, 4096, 4097, 16_380, 16_416, 65_000, 300_000, MAX_AUDIO_SECS * 1000 + 60_000];
  for (const format of ['wav', 'mp3'] as const) {
    for (const channels of ['single', 'dual'] as const) {
      it(`is byte for byte the whole ${format} file (${channels}) for every length`, () => {
        for (const ms of lengths) {
          const whole = recordingAudio(format, channels, ms);
          expect(recordingAudioFile(format, channels, ms).size, `${ms} ms`).toBe(whole.length);
          expect(streamed(format, channels, ms).equals(whole), `${ms} ms`).toBe(true);
        }
      });
    }
  }
});

/** A saved 5-minute stereo WAV (the largest file served) and its URL. */
async function longRecording(e: AppEnv): Promise<string> {
  await e.mock('POST', '/clock/freeze');
  const id = await e.call();
  await e.api.calls.actions.startRecording(id, { format: 'wav', channels: 'dual' });
  await e.mock('POST', '/clock/advance', { seconds: MAX_AUDIO_SECS });
  await e.api.calls.actions.stopRecording(id, {});
  const saved = (await e.drain()).find((d) => d.json.data.event_type === 'call.recording.saved');
  return (saved!.json.data.payload as { recording_urls: { wav: string } }).recording_urls.wav;
}

const get = (e: AppEnv, url: string) => e.em.app.fetch(new Request(url));
const FULL_WAV = 44 + MAX_AUDIO_SECS * 8000 * 4;

describe('recording downloads', () => {
  it('100 downloads left unread hold about one chunk each, not 100 whole files (9.6 MB each)', async () => {
    env = appEnv({ quotas: { downloads: 100 } });
    const url = await longRecording(env);
    const before = process.memoryUsage().arrayBuffers;
    const responses: Response[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await get(env, url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(FULL_WAV));
      responses.push(res);
    }
    const held = process.memoryUsage().arrayBuffers - before;
    // Whole files would be 960 MB; a chunk each (64 KiB) is 6.4 MB. Headroom for the allocator.
    expect(held).toBeLessThan(50 * 1024 * 1024);
    // Each still serves the whole file when read.
    const first = Buffer.from(await responses[0].arrayBuffer());
    expect(first.equals(recordingAudio('wav', 'dual', MAX_AUDIO_SECS * 1000))).toBe(true);
    for (const res of responses.slice(1)) await res.body!.cancel();
  });

  it(`answers 429 naming the cap once an account has its downloads open (${QUOTA_DEFAULTS.downloads} by default), and a slot frees when one ends`, async () => {
    env = appEnv({ quotas: { downloads: 2 } });
    const url = await longRecording(env);
    const a = await get(env, url);
    const b = await get(env, url);
    expect([a.status, b.status]).toEqual([200, 200]);
    const refused = await get(env, url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const error = (await refused.json()).errors[0];
    expect(error.code).toBe('10011');
    expect(error.detail).toContain('2 recording downloads open');
    expect(error.detail).toContain('TELNYX_MOCK_MAX_DOWNLOADS');
    // The account is named by a shortened key, never the key itself.
    expect(error.detail).toContain('KEY_we…ks');
    expect(error.detail).not.toContain('KEY_webhooks');
    // One read to the end, one abandoned: both slots free again.
    expect((await a.arrayBuffer()).byteLength).toBe(FULL_WAV);
    await b.body!.cancel();
    const again = [await get(env, url), await get(env, url)];
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    for (const r of again) await r.body!.cancel();
  });

  it('errors the stream of a reader that leaves a chunk unread past the send timeout, and frees its slot', async () => {
    env = appEnv({ quotas: { downloads: 1, downloadSendTimeoutMs: 50 } });
    const url = await longRecording(env);
    const res = await get(env, url);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    // The reader takes nothing more: the timeout errors the stream (awaited, not raced against a timer).
    await expect(reader.closed).rejects.toThrow(/stalled: no chunk read for 50 ms/);
    const next = await get(env, url);
    expect(next.status).toBe(200);
    await next.body!.cancel();
  });
});
