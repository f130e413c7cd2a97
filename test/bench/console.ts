/**
 * The live console under load (issue "live console"): API throughput on an account while a
 * console watches it (an open event stream on /console/api/events), against the same run with
 * nothing watching. Target: ≥ 90%.
 *
 * Two workloads on the benchmark's seeded emulator (test/bench/servers.ts, 20 conferences of 5):
 * reads (GET one conference), and mute/unmute, where every request changes state, so the stream
 * sends an update every 200 ms the whole time. Rounds alternate without and with the stream (ABBA
 * order, after a warm-up); the medians are compared.
 *
 *   npx tsx test/bench/console.ts
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { KEY } from './servers.js';
import { muteToggles } from './toggles.js';

const DURATION_SECS = Number(process.env.BENCH_SECS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 10;
const TARGET = 0.9;

type Request = NonNullable<autocannon.Options['requests']>[number];
interface Seeded { url: string; conferenceId: string; conferenceIds: string[] }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * An open console on the account: reads the stream as a browser would; counts the updates. With
 * `debugger`, it also has the timeline open on "errors only", as the page does: each `timeline`
 * nudge reloads that page (one load at a time, a nudge during a load loads once more after it).
 */
async function watch(url: string, opts: { debugger?: boolean } = {}) {
  const controller = new AbortController();
  const res = await fetch(`${url}/console/api/events?key=${KEY}`, { signal: controller.signal });
  let updates = 0;
  let loading: Promise<void> | undefined;
  let again = false;
  const loadTimeline = () => {
    if (loading) { again = true; return; }
    loading = fetch(`${url}/console/api/timeline?key=${KEY}&errors=true&limit=100`, { signal: controller.signal })
      .then((r) => r.arrayBuffer()).then(() => undefined, () => undefined)
      .finally(() => { loading = undefined; if (again) { again = false; loadTimeline(); } });
  };
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        updates += (text.match(/^event: snapshot$/gm) ?? []).length;
        if (opts.debugger && /^event: timeline$/m.test(text)) loadTimeline();
      }
    } catch { /* closed */ }
  })();
  return { updates: () => updates, close: async () => { controller.abort(); await reading; await loading; } };
}

export interface ConsoleBench {
  case: string;
  without: number[];
  with: number[];
  /** Snapshots the console received per second of the "with" rounds. */
  updatesPerSec: number;
}

export async function benchConsole(): Promise<ConsoleBench[]> {
  const script = fileURLToPath(new URL('./servers.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'ours'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const s: Seeded = JSON.parse(await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  }));
  try {
    for (const id of s.conferenceIds) {
      await fetch(`${s.url}/v2/conferences/${id}/actions/unmute`, {
        method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{}',
      });
    }
    const workloads = [
      { name: 'GET one conference', path: `/v2/conferences/${s.conferenceId}`, requests: undefined as (() => Request[]) | undefined, debugger: false },
      { name: 'POST mute/unmute', path: '/', requests: () => muteToggles(s.conferenceIds), debugger: false },
      // The debugger view: the timeline open on errors only, reloaded on every nudge while every request is journaled.
      { name: 'POST mute/unmute, debugger open', path: '/', requests: () => muteToggles(s.conferenceIds), debugger: true },
    ];
    const results: ConsoleBench[] = [];
    for (const w of workloads) {
      const r: ConsoleBench = { case: w.name, without: [], with: [], updatesPerSec: 0 };
      let updates = 0;
      // Warm-up (JIT, caches), not counted.
      await autocannon({ url: s.url + w.path, connections: CONNECTIONS, duration: 2, headers: { authorization: `Bearer ${KEY}` }, requests: w.requests?.() });
      for (let round = 0; round < ROUNDS; round++) {
        // ABBA order, so a drift in the machine's load weighs on both sides alike.
        for (const watched of round % 2 ? [true, false] : [false, true]) {
          const console = watched ? await watch(s.url, { debugger: w.debugger }) : undefined;
          const out = await autocannon({
            url: s.url + w.path, connections: CONNECTIONS, duration: DURATION_SECS,
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, requests: w.requests?.(),
          });
          if (out.non2xx > 0 || out.errors > 0) throw new Error(`${w.name}: ${out.non2xx} non-2xx, ${out.errors} errors`);
          if (console) { updates += console.updates(); await console.close(); }
          (watched ? r.with : r.without).push(out.requests.average);
        }
      }
      r.updatesPerSec = updates / (ROUNDS * DURATION_SECS);
      results.push(r);
    }
    return results;
  } finally {
    child.kill();
  }
}

export function printConsoleBench(results: ConsoleBench[]): void {
  console.log(`\nthe live console: API throughput with an open event stream on the account vs none (${CONNECTIONS} connections, `
    + `${DURATION_SECS}s, median of ${ROUNDS} alternating rounds)`);
  console.table(results.map((r) => {
    const ratio = median(r.with) / median(r.without);
    return {
      case: r.case, 'watched req/s': Math.round(median(r.with)), 'unwatched req/s': Math.round(median(r.without)),
      ratio: `${(ratio * 100).toFixed(0)}%`, target: `≥ ${TARGET * 100}%`, met: ratio >= TARGET ? 'yes' : 'NO',
      'updates/s': r.updatesPerSec.toFixed(1),
      'watched rounds': r.with.map(Math.round).join(' '), 'unwatched rounds': r.without.map(Math.round).join(' '),
    };
  }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printConsoleBench(await benchConsole());
