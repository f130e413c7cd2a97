/**
 * Busy neighbour, timers (issue 19 rows 1 and 4): what one account's long advance costs, and what
 * another account's reads see while it runs.
 *   - one call with 1,000 queued speeches, advanced through all: time (linear in the timers fired);
 *   - one queue of 3,000 callers with timeouts, advanced through all: time;
 *   - enqueue at depth 0 and at depth 2,000: ms each (the same: positions and sizes are indexed);
 *   - another account's GET p99 over a socket while the 3,000-caller advance runs (target < 250 ms).
 * In this process, with an in-memory database, as startMock() runs it.
 *
 *   npx tsx test/bench/timers.ts
 */
import { pathToFileURL } from 'node:url';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { placeCall } from '../../src/commands/callers.js';

const BUSY = 'KEY_bench_busy';
const QUIET = 'KEY_bench_quiet';
export const NEIGHBOUR_P99_TARGET_MS = 250;

export interface TimersBench {
  speaks: { count: number; advanceMs: number };
  queue: { count: number; advanceMs: number; enqueueAt0Ms: number; enqueueAt2000Ms: number };
  neighbourP99Ms: number;
  neighbourReads: number;
}

async function post(em: RunningEmulator, key: string, path: string, body: object) {
  const res = await fetch(`${em.url}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const answered = (em: RunningEmulator, key: string) =>
  placeCall(em.account(key), { from: '+15550001000', to: '+15559990000', connection_id: 'bench', answered: true }).callControlId;

async function speaks(count: number) {
  const em = await startEmulator(defaultConfig({}));
  try {
    await post(em, BUSY, '/_mock/clock/freeze', {});
    const id = answered(em, BUSY);
    for (let i = 0; i < count; i++) await post(em, BUSY, `/v2/calls/${id}/actions/speak`, { payload: 'hello there', voice: 'female' });
    const t0 = performance.now();
    await post(em, BUSY, '/_mock/clock/advance', { seconds: 86_400 });
    return { count, advanceMs: performance.now() - t0 };
  } finally { await em.close(); }
}

async function queue(count: number) {
  const em = await startEmulator(defaultConfig({}));
  try {
    await post(em, BUSY, '/_mock/clock/freeze', {});
    const ids = Array.from({ length: count }, () => answered(em, BUSY));
    const took: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await post(em, BUSY, `/v2/calls/${ids[i]}/actions/enqueue`, { queue_name: 'hold', max_size: 5000, max_wait_time_secs: 60 + i });
      took.push(performance.now() - t);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    // Another account reads throughout the advance: its latencies.
    const latencies: number[] = [];
    let done = false;
    const reader = (async () => {
      while (!done) {
        const t = performance.now();
        await fetch(`${em.url}/_mock/clock`, { headers: { authorization: `Bearer ${QUIET}` } }).then((r) => r.arrayBuffer());
        latencies.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const t0 = performance.now();
    await post(em, BUSY, '/_mock/clock/advance', { seconds: 86_400 });
    const advanceMs = performance.now() - t0;
    done = true;
    await reader;
    latencies.sort((x, y) => x - y);
    return {
      result: { count, advanceMs, enqueueAt0Ms: mean(took.slice(0, 20)), enqueueAt2000Ms: mean(took.slice(2000, 2020)) },
      neighbourP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
      neighbourReads: latencies.length,
    };
  } finally { await em.close(); }
}

export async function benchTimers(): Promise<TimersBench> {
  const s = await speaks(1000);
  const q = await queue(3000);
  return { speaks: s, queue: q.result, neighbourP99Ms: q.neighbourP99Ms, neighbourReads: q.neighbourReads };
}

export function printTimers(r: TimersBench): void {
  const ms = (x: number) => `${x < 10 ? x.toFixed(2) : Math.round(x)} ms`;
  console.table([
    { case: `advance through ${r.speaks.count} queued speeches on one call`, value: ms(r.speaks.advanceMs) },
    { case: `advance through a queue of ${r.queue.count} callers with timeouts`, value: ms(r.queue.advanceMs) },
    { case: 'enqueue at depth 0 / 2,000', value: `${ms(r.queue.enqueueAt0Ms)} / ${ms(r.queue.enqueueAt2000Ms)}` },
    {
      case: `another account's GET p99 during that advance (${r.neighbourReads} reads)`, value: ms(r.neighbourP99Ms),
      target: `< ${NEIGHBOUR_P99_TARGET_MS} ms`, met: r.neighbourP99Ms < NEIGHBOUR_P99_TARGET_MS ? 'yes' : 'NO',
    },
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printTimers(await benchTimers());
