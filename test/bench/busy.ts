/**
 * Busy neighbours (issue 19 rows 1–5): what another account sees while one account does something
 * large but valid, at the sizes the issue measured. For each row, a fresh emulator (in this
 * process, in-memory, as startMock() runs it) and two accounts:
 *   - the busy one does the row's work;
 *   - the quiet one reads (GET /v2/conferences?page[size]=1 over a socket, back to back with 5 ms
 *     pauses: its p99 is the figure, target < 250 ms) and places a call every 100 ms whose
 *     webhook goes to a receiver answering in 50 ms: each must arrive exactly once (an attempt that
 *     timed out behind the busy work used to be retried and arrive twice).
 * Rows:
 *   1 advance    — 2,500 answered calls with 8 queued speeches each (20,000 timers), one advance of a day;
 *   2 deliveries — a 30,000-event webhook log, read by 8 clients in parallel for BENCH_BUSY_SECS;
 *   3 console    — an 800-participant conference watched by 50 console streams, muted/unmuted 5×/s;
 *   4 scenario   — one scenario of a call and 999 `press` steps of 128 digits (127,872 webhooks);
 *   5 downloads  — 100 downloads of a 10-minute WAV recording that never read a byte.
 *
 *   npx tsx test/bench/busy.ts                 # all rows
 *   BUSY_ROWS=1,3 npx tsx test/bench/busy.ts   # some rows
 *   BUSY_SCALE=0.1 …                           # a tenth of each size (to try the bench itself)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { placeCall, farEndHangup } from '../../src/commands/callers.js';
import { speak } from '../../src/commands/call-media.js';
import { createConference, joinConference } from '../../src/commands/conferences.js';

const BUSY = 'KEY_bench_busy';
const QUIET = 'KEY_bench_quiet';
export const BUSY_P99_TARGET_MS = 250;
const SCALE = Number(process.env.BUSY_SCALE ?? 1);
const BUSY_SECS = Number(process.env.BENCH_BUSY_SECS ?? 5);
const ROWS = ['1', '2', '3', '4', '5'] as const;
const n = (x: number) => Math.max(1, Math.round(x * SCALE));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BusyRow {
  row: string;
  what: string;
  busyMs: number;
  p99Ms: number;
  reads: number;
  /** Quiet-account webhooks sent during the row, and how many arrived more than once. */
  webhooks: number;
  duplicates: number;
  missing: number;
  note?: string;
}

async function call(em: RunningEmulator, key: string, method: string, path: string, body?: object) {
  const res = await fetch(`${em.url}${path}`, {
    method, body: body && JSON.stringify(body),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A webhook receiver answering each request after `delayMs`, counting event ids. */
async function receiver(delayMs: number) {
  const seen = new Map<string, number>();
  let total = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      total++;
      try {
        const id = JSON.parse(Buffer.concat(chunks).toString()).data.id as string;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      } catch { /* not a webhook */ }
      setTimeout(() => res.end('ok'), delayMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    seen, total: () => total,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The quiet account's reads and calls while `busy` runs. */
async function beside(em: RunningEmulator, row: string, what: string, busy: () => Promise<string | void>): Promise<BusyRow> {
  const hook = await receiver(50);
  try {
    await call(em, QUIET, 'GET', '/v2/conferences?page[size]=1');
    const latencies: number[] = [];
    let done = false;
    let placed = 0;
    const reader = (async () => {
      while (!done) {
        const t = performance.now();
        await fetch(`${em.url}/v2/conferences?page[size]=1`, { headers: { authorization: `Bearer ${QUIET}` } }).then((r) => r.arrayBuffer());
        latencies.push(performance.now() - t);
        await sleep(5);
      }
    })();
    const caller = (async () => {
      while (!done) {
        await call(em, QUIET, 'POST', '/_mock/calls', { from: `+1557${String(placed++).padStart(7, '0')}`, to: '+15559990000', webhook_url: hook.url });
        await sleep(100);
      }
    })();
    const t0 = performance.now();
    const note = await busy();
    const busyMs = performance.now() - t0;
    done = true;
    await Promise.all([reader, caller]);
    // Each quiet call sends call.initiated; give the last ones time to arrive.
    const deadline = Date.now() + 15_000;
    while (hook.seen.size < placed && Date.now() < deadline) await sleep(50);
    latencies.sort((x, y) => x - y);
    const duplicates = [...hook.seen.values()].filter((k) => k > 1).length;
    return {
      row, what, busyMs, reads: latencies.length, webhooks: placed, duplicates, missing: placed - hook.seen.size,
      p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
      ...(note ? { note } : {}),
    };
  } finally { await hook.close(); }
}

const answered = (em: RunningEmulator, key: string, i: number, webhookUrl?: string) =>
  placeCall(em.account(key), {
    from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', answered: true, ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
  }).callControlId;

async function withEmulator<T>(fn: (em: RunningEmulator) => Promise<T>, config: Parameters<typeof defaultConfig>[0] = {}): Promise<T> {
  const em = await startEmulator(defaultConfig(config));
  try { return await fn(em); } finally { await em.close(); }
}

/** Row 1: one advance over 2,500 calls' queued speeches. */
const advance = () => withEmulator(async (em) => {
  const calls = n(2500);
  await call(em, BUSY, 'POST', '/_mock/clock/freeze', {});
  const a = em.account(BUSY);
  for (let i = 0; i < calls; i++) {
    const id = answered(em, BUSY, i);
    for (let k = 0; k < 8; k++) speak(a, id, { payload: 'hello there', voice: 'female' });
  }
  return beside(em, '1', `one advance through ${calls} calls × 8 queued speeches`, async () => {
    const res = await call(em, BUSY, 'POST', '/_mock/clock/advance', { seconds: 86_400 });
    return `${res.data.fired} timers fired`;
  });
});

/** Row 2: 8 parallel readers of a 30,000-event webhook log. */
const deliveries = () => withEmulator(async (em) => {
  const events = n(30_000);
  const sink = await receiver(0);
  try {
    const a = em.account(BUSY);
    // Each call sends call.initiated and call.hangup.
    for (let i = 0; i < events / 2; i++) farEndHangup(a, placeCall(a, { from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', webhook_url: sink.url }).callControlId);
    const deadline = Date.now() + 120_000;
    while (sink.total() < events && Date.now() < deadline) await sleep(100);
    const total = (await call(em, BUSY, 'GET', '/v2/webhook_deliveries?page[size]=1')).meta.total_results as number;
    return beside(em, '2', `8 parallel readers of /v2/webhook_deliveries on ${total} events, ${BUSY_SECS} s`, async () => {
      const until = Date.now() + BUSY_SECS * 1000;
      let reads = 0;
      await Promise.all(Array.from({ length: 8 }, async (_, k) => {
        while (Date.now() < until) {
          await call(em, BUSY, 'GET', `/v2/webhook_deliveries?page[size]=${k % 2 ? 1 : 20}&page[number]=${1 + (reads % 50)}`);
          reads++;
        }
      }));
      return `${reads} pages read`;
    });
  } finally { await sink.close(); }
  // 15,000 calls: past the default quota of stored calls (10,000), which the issue's sizes predate.
}, { quotas: { calls: 20_000 } });

/** Row 3: 50 console streams on an 800-participant conference muted 5 times a second. */
const consoleStreams = () => withEmulator(async (em) => {
  const participants = n(800);
  const a = em.account(BUSY);
  const host = answered(em, BUSY, 0);
  const conference = createConference(a, { call_control_id: host, name: 'busy-room', max_participants: 800 }).id;
  for (let i = 1; i < participants; i++) joinConference(a, conference, { call_control_id: answered(em, BUSY, i) });
  const stop = new AbortController();
  const streams = await Promise.all(Array.from({ length: 50 }, async () => {
    const res = await fetch(`${em.url}/console/api/events?key=${BUSY}`, { signal: stop.signal });
    if (!res.ok) return 0;
    let bytes = 0;
    void (async () => { try { for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length; } catch { /* aborted */ } })();
    return 1;
  }));
  try {
    return await beside(em, '3', `${streams.reduce((s: number, x) => s + x, 0)} console streams on a ${participants}-participant conference, 5 writes/s, ${BUSY_SECS} s`, async () => {
      const until = Date.now() + BUSY_SECS * 1000;
      for (let k = 0; Date.now() < until; k++) {
        await call(em, BUSY, 'POST', `/v2/conferences/${conference}/actions/${k % 2 ? 'unmute' : 'mute'}`, {});
        await sleep(200);
      }
    });
  } finally { stop.abort(); }
});

/** Row 4: one scenario of 999 press steps of 128 digits. */
const scenario = () => withEmulator(async (em) => {
  const presses = n(999);
  const digits = '1234567890*#ABCD'.repeat(8);
  const steps = [{ call: 'alice', from: '+15550001000', to: '+15559990000', answered: true }, ...Array.from({ length: presses }, () => ({ press: 'alice', digits }))];
  return beside(em, '4', `one scenario: a call and ${presses} press steps × 128 digits`, async () => {
    const res = await call(em, BUSY, 'POST', '/_mock/scenarios/run', { scenario: { name: 'presses', steps } });
    const result = res.data ?? res;
    return `scenario ${result.passed ? 'passed' : 'FAILED'}, ${result.steps?.length ?? 0} steps`;
  });
});

/** Row 5: 100 downloads of a 10-minute WAV that never read a byte. */
const downloads = () => withEmulator(async (em) => {
  const count = n(100);
  await call(em, BUSY, 'POST', '/_mock/clock/freeze', {});
  const id = answered(em, BUSY, 0);
  await call(em, BUSY, 'POST', `/v2/calls/${id}/actions/record_start`, { format: 'wav', channels: 'single' });
  await call(em, BUSY, 'POST', '/_mock/clock/advance', { seconds: 600 });
  await call(em, BUSY, 'POST', `/v2/calls/${id}/actions/record_stop`, {});
  const saved = (await call(em, BUSY, 'GET', '/_mock/webhooks?event_type=call.recording.saved')).data.at(-1);
  const url = new URL(saved.data.payload.recording_urls.wav);
  const sockets: Socket[] = [];
  const rssBefore = process.memoryUsage().rss;
  try {
    return await beside(em, '5', `${count} downloads of a 10-minute WAV that never read, ${BUSY_SECS} s`, async () => {
      for (let i = 0; i < count; i++) {
        const s = connect(em.port, '127.0.0.1', () => s.write(`GET ${url.pathname} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
        s.on('error', () => {});
        s.pause();
        sockets.push(s);
      }
      await sleep(BUSY_SECS * 1000);
      return `RSS +${Math.round((process.memoryUsage().rss - rssBefore) / 1048576)} MB while they were open`;
    });
  } finally { for (const s of sockets) s.destroy(); }
});

const CASES: Record<(typeof ROWS)[number], () => Promise<BusyRow>> = { 1: advance, 2: deliveries, 3: consoleStreams, 4: scenario, 5: downloads };

export async function benchBusy(rows: readonly string[] = (process.env.BUSY_ROWS ?? ROWS.join(',')).split(',')): Promise<BusyRow[]> {
  const out: BusyRow[] = [];
  for (const r of rows) {
    const run = CASES[r.trim() as (typeof ROWS)[number]];
    if (!run) throw new Error(`BUSY_ROWS: unknown row ${r} (rows: ${ROWS.join(', ')})`);
    out.push(await run());
  }
  return out;
}

export function printBusy(rows: BusyRow[]): void {
  const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  console.log(`\nbusy neighbours (issue 19 rows 1-5${SCALE !== 1 ? `, sizes × ${SCALE}` : ''}): another account's GET p99 and webhooks while one account works`);
  console.table(rows.map((r) => ({
    row: r.row, 'the busy account': r.what, 'its work took': ms(r.busyMs), note: r.note ?? '',
    "other account's GET p99": `${ms(r.p99Ms)} (${r.reads} reads)`, target: `< ${BUSY_P99_TARGET_MS} ms`,
    'its webhooks': `${r.webhooks} sent, ${r.duplicates} twice, ${r.missing} missing`,
    met: r.p99Ms < BUSY_P99_TARGET_MS && r.duplicates === 0 && r.missing === 0 ? 'yes' : 'NO',
  })));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printBusy(await benchBusy());
