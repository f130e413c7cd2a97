/**
 * npm run bench — throughput of the emulator beside a bare Hono + better-sqlite3 route serving
 * the same JSON, measured in one run on this machine, and printed as ratios.
 * Targets (issue "stateful core"): reads ≥ 70% of the bare route, the mute write ≥ 60%.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { KEY } from './servers.js';
import { benchWebhooks } from './webhooks.js';

const DURATION_SECS = Number(process.env.BENCH_SECS ?? 5);
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Server { url: string; conferenceId: string; child: ChildProcess }

async function launch(which: 'ours' | 'bare'): Promise<Server> {
  const script = fileURLToPath(new URL('./servers.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, which], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${which} server exited with ${code}`)));
  });
  return { ...JSON.parse(line), child };
}

async function measure(url: string, opts: { method?: 'GET' | 'POST'; body?: string }): Promise<number> {
  const result = await autocannon({
    url, connections: CONNECTIONS, duration: DURATION_SECS, method: opts.method ?? 'GET', body: opts.body,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const cases = [
  { name: 'GET one conference', path: (s: Server) => `/v2/conferences/${s.conferenceId}`, target: 0.7 },
  { name: 'GET a list of 20', path: () => '/v2/conferences?page[size]=20', target: 0.7 },
  { name: 'POST mute', path: (s: Server) => `/v2/conferences/${s.conferenceId}/actions/mute`, method: 'POST' as const, body: '{}', target: 0.6 },
];

const [ours, bare] = [await launch('ours'), await launch('bare')];
try {
  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_SECS}s per measurement, best of ${ROUNDS} rounds, alternating\n`);
  const rows = [];
  for (const c of cases) {
    let best = { ours: 0, bare: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const b = await measure(bare.url + c.path(bare), c);
      const o = await measure(ours.url + c.path(ours), c);
      best = { ours: Math.max(best.ours, o), bare: Math.max(best.bare, b) };
    }
    const ratio = best.ours / best.bare;
    rows.push({ case: c.name, 'ours req/s': Math.round(best.ours), 'bare req/s': Math.round(best.bare),
      ratio: `${(ratio * 100).toFixed(0)}%`, target: `≥ ${c.target * 100}%`, met: ratio >= c.target ? 'yes' : 'NO' });
  }
  console.table(rows);
} finally {
  ours.child.kill();
  bare.child.kill();
}

// Webhooks (issue "Signed webhooks"): end a 1,000-participant conference, time every signed
// webhook to a local receiver; reads while that delivery runs against idle.
const wh = await benchWebhooks();
const during = wh.readsDuringDeliveryRps / wh.readsIdleRps;
console.log(`\nwebhooks caused by ending a 1,000-participant conference: ${JSON.stringify(wh.webhooksPerEnd)}`);
console.table([
  { case: 'all webhooks delivered', value: `${Math.round(wh.deliverAllMs)} ms`, target: '< 2000 ms', met: wh.deliverAllMs < 2000 ? 'yes' : 'NO' },
  { case: 'reads during delivery vs idle', value: `${Math.round(wh.readsDuringDeliveryRps)} / ${Math.round(wh.readsIdleRps)} req/s = ${(during * 100).toFixed(0)}%`,
    target: '≥ 50%', met: during >= 0.5 ? 'yes' : 'NO' },
]);
