import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from 'node:net';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { MAX_AUDIO_SECS } from '../../src/media/audio.js';

/**
 * Streamed recording downloads over a real socket (issue 19, row 5): a client that requests a
 * 9.6 MB recording and never reads it is cut off after the send timeout, which frees its memory
 * and its download slot; before, each such socket held the whole file for as long as it stayed open.
 */
let em: RunningEmulator | undefined;
afterEach(async () => { await em?.close(); em = undefined; });

const KEY = 'KEY_downloads';
const FULL_WAV = 44 + MAX_AUDIO_SECS * 8000 * 4;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${em!.url}${path}`, {
    method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as any };
}

/** A saved 5-minute stereo WAV's URL, made over HTTP. */
async function longRecording(): Promise<string> {
  await call('POST', '/_mock/clock/freeze');
  const placed = await call('POST', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true });
  const id = encodeURIComponent(placed.json.data.call_control_id);
  expect((await call('POST', `/v2/calls/${id}/actions/record_start`, { format: 'wav', channels: 'dual' })).status).toBe(200);
  await call('POST', '/_mock/clock/advance', { seconds: MAX_AUDIO_SECS });
  expect((await call('POST', `/v2/calls/${id}/actions/record_stop`, {})).status).toBe(200);
  const log = await call('GET', '/_mock/webhooks');
  const saved = log.json.data.find((e: any) => e.data.event_type === 'call.recording.saved');
  return saved.data.payload.recording_urls.wav;
}

describe('a recording download whose client stops reading', () => {
  it('is closed after the send timeout: the client gets less than the file, and the slot frees for the next download', async () => {
    em = await startEmulator(defaultConfig({ quotas: { downloads: 1, downloadSendTimeoutMs: 300 } }));
    const url = new URL(await longRecording());
    const account = em.accounts.peek(KEY);

    const received: Buffer[] = [];
    const socket = connect(em.port, '127.0.0.1');
    socket.pause(); // reads nothing until told
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => { /* a reset is one way of being closed */ });
    socket.write(`GET ${url.pathname} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    await vi.waitFor(() => expect(account.downloads).toBe(1), { timeout: 5_000 });

    // While it stalls, the account's one slot is taken.
    const refused = await fetch(url);
    expect(refused.status).toBe(429);

    // The send timeout closes it server-side (its slot is freed then); the client, reading again,
    // gets what was in flight and the end of the connection, short of the whole file.
    await vi.waitFor(() => expect(account.downloads).toBe(0), { timeout: 10_000, interval: 50 });
    socket.on('data', (c: Buffer) => received.push(c));
    socket.resume();
    await closed;
    const bytes = Buffer.concat(received);
    expect(bytes.toString('latin1', 0, 15)).toBe('HTTP/1.1 200 OK');
    expect(bytes.length).toBeLessThan(FULL_WAV);

    const next = await fetch(url);
    expect(next.status).toBe(200);
    expect((await next.arrayBuffer()).byteLength).toBe(FULL_WAV);
    // A download read to its end frees its slot too.
    await vi.waitFor(() => expect(account.downloads).toBe(0), { timeout: 5_000, interval: 20 });
    const after = await fetch(url);
    expect(after.status).toBe(200);
    await after.body!.cancel();
  });
});
