import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import Telnyx from 'telnyx';
import type { TelnyxMock } from '../../src/lib.js';
import { whenChanged } from '../support/changes.js';

/** One delivery as it reached the receiver: the exact body and the two signature headers. */
export interface Seen {
  body: string;
  timestamp: string;
  signature: string;
  /** The call (or conference) the event is about: the ordering key webhooks keep their order by. */
  key: string;
}

/**
 * A webhook receiver at one fixed URL for both runs (the body's meta.delivered_to names it), which
 * records every delivery byte for byte and forwards it to `forward` (the reference app of the
 * current run) when set, answering what it answers; else 200.
 */
export async function startTap() {
  const seen: Seen[] = [];
  let forward: string | undefined;
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = (JSON.parse(body) as { data: { payload: { call_control_id?: string; conference_id?: string } } }).data.payload;
      seen.push({
        body, timestamp: String(req.headers['telnyx-timestamp']), signature: String(req.headers['telnyx-signature-ed25519']),
        key: payload.call_control_id ?? payload.conference_id ?? '',
      });
      for (const w of waiters) w();
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host')) as Record<string, string>;
      if (!forward) return void res.writeHead(200).end('ok');
      void fetch(forward, { method: 'POST', headers, body }).then(async (r) => {
        res.writeHead(r.status).end(await r.text());
      }, () => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    seen,
    forwardTo(url: string | undefined) { forward = url; },
    /** Forgets what it saw, for the next run. */
    clear() { seen.length = 0; },
    /** Resolves once `n` deliveries have arrived. */
    until(n: number, timeoutMs = 10_000): Promise<void> {
      if (seen.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = () => { if (seen.length >= n) { clearTimeout(timer); waiters.delete(done); resolve(); } };
        const timer = setTimeout(() => { waiters.delete(done); reject(new Error(`${seen.length} of ${n} webhooks arrived`)); }, timeoutMs);
        waiters.add(done);
      });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
export type Tap = Awaited<ReturnType<typeof startTap>>;

/**
 * Resolves once every webhook the mock recorded is settled (none pending) and the tap has seen
 * each: a run's stream is complete before it is compared. Waits on the mock's change notifications.
 */
export async function settled(mock: TelnyxMock, tap: Tap): Promise<void> {
  await whenChanged(mock.emulator, mock.apiKey, async () => {
    const all = await mock.webhooks();
    return all.every((w) => w.status !== 'pending') && tap.seen.length >= all.length ? true : undefined;
  }, { timeoutMs: 15_000, what: 'every webhook delivered' });
}

/** The deliveries of one run in the order each call (or conference) got them: the order Telnyx keeps. */
export function perKey(seen: Seen[]): Record<string, string[]> {
  const by: Record<string, string[]> = {};
  for (const s of seen) (by[s.key] ??= []).push(`${s.timestamp} ${s.signature} ${s.body}`);
  return by;
}

/** Every delivery, sorted: deliveries to different calls may interleave differently from run to run. */
export const sortedDeliveries = (seen: Seen[]) => seen.map((s) => `${s.timestamp} ${s.signature} ${s.body}`).sort();

/**
 * The official SDK's `webhooks.unwrap` with its clock pinned to the delivery's telnyx-timestamp:
 * the SDK refuses signatures more than 300 s off `Date.now()` and takes no tolerance option, so a
 * deterministic run's signatures (signed at the virtual time) are checked at that time.
 */
export async function unwrapAtItsTime(publicKey: string, s: Seen) {
  const client = new Telnyx({ apiKey: 'KEY_unused', publicKey });
  vi.useFakeTimers({ toFake: ['Date'], now: Number(s.timestamp) * 1000 });
  try {
    return await client.webhooks.unwrap(s.body, { headers: { 'telnyx-timestamp': s.timestamp, 'telnyx-signature-ed25519': s.signature } });
  } finally {
    vi.useRealTimers();
  }
}
