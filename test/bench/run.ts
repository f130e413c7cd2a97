/**
 * npm run bench — throughput of the emulator beside a bare Hono + better-sqlite3 route serving
 * the same JSON, measured in one run on this machine, and printed as ratios.
 * Targets (issue "stateful core"): reads ≥ 70% of the bare route, the mute write ≥ 60%.
 *
 * Each ratio is of the medians of BENCH_ROUNDS (default 5) measurements per server, bare and ours
 * alternating, so both sides see the same machine (other work on it moves both).
 *
 * The mute case alternates mute and unmute on each conference, and no two connections touch the
 * same conference at once, so every request changes its participants' rows on both sides (ours
 * skips participants already in the asked state; the bare route would not).
 *
 * Then 800 concurrent joins into one conference (wall time, target ≤ 0.5 s), webhook delivery
 * (test/bench/webhooks.ts) and a noisy neighbour (test/bench/noisy.ts: another account's reads
 * while one account hammers a hung receiver with 100 scenarios waiting, target ≥ 80% of idle).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { KEY } from './servers.js';
import { muteToggles as toggles } from './toggles.js';
import { benchWebhooks } from './webhooks.js';
import { benchConsole, printConsoleBench } from './console.js';
import { benchNoisyNeighbour, printNoisy } from './noisy.js';

const DURATION_SECS = Number(process.env.BENCH_SECS ?? 5);
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// The host and 799 joiners fill a conference of 800, the most max_participants allows (its default is 250).
const JOINS = 799;
const JOINS_TARGET_MS = 500;

interface Server { url: string; conferenceId: string; conferenceIds: string[]; child: ChildProcess }

async function launch(which: 'ours' | 'bare' | 'empty'): Promise<Server> {
  const script = fileURLToPath(new URL('./servers.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, which], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${which} server exited with ${code}`)));
  });
  return { ...JSON.parse(line), child };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function post(url: string, body: object = {}, key = KEY) {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

type Request = NonNullable<autocannon.Options['requests']>[number];

async function measure(url: string, opts: { method?: 'GET' | 'POST'; body?: string; requests?: Request[] }): Promise<number> {
  const result = await autocannon({
    url, connections: CONNECTIONS, duration: DURATION_SECS, method: opts.method ?? 'GET', body: opts.body,
    requests: opts.requests, headers,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/**
 * Mute/unmute requests for autocannon: each request leases a conference no other connection is
 * using, flips it (mute if unmuted, unmute if muted) and frees it when answered. Every conference
 * is unmuted first, so the tracked state is the server's.
 */
async function muteToggles(s: Server): Promise<Request[]> {
  for (const id of s.conferenceIds) await post(`${s.url}/v2/conferences/${id}/actions/unmute`);
  if (s.conferenceIds.length <= CONNECTIONS) throw new Error('need more conferences than connections');
  return toggles(s.conferenceIds);
}

interface Case {
  name: string; target: number; method?: 'GET' | 'POST'; body?: string;
  path: (s: Server) => string;
  requests?: (s: Server) => Promise<Request[]>;
}

const cases: Case[] = [
  { name: 'GET one conference', path: (s) => `/v2/conferences/${s.conferenceId}`, target: 0.7 },
  { name: 'GET a list of 20', path: () => '/v2/conferences?page[size]=20', target: 0.7 },
  { name: 'POST mute/unmute', path: () => '/', method: 'POST', requests: muteToggles, target: 0.6 },
];

/**
 * 799 answered callers (placed through /_mock/calls) join one conference of 800 at once: the wall time
 * from firing the first join to the last answer. A fresh account per round.
 */
async function concurrentJoins(s: Server, round: number): Promise<number> {
  const key = `KEY_bench_joins_${round}`;
  const place = (i: number) => post(`${s.url}/_mock/calls`, {
    from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'bench-joins', answered: true,
  }, key).then((r) => r.data.call_control_id as string);
  const calls: string[] = [];
  for (let i = 0; i <= JOINS; i += 50) {
    calls.push(...await Promise.all(Array.from({ length: Math.min(50, JOINS + 1 - i) }, (_, j) => place(i + j))));
  }
  const [host, ...callers] = calls;
  const conf = (await post(`${s.url}/v2/conferences`, { call_control_id: host, name: `joins-${round}`, max_participants: 800 }, key)).data.id as string;

  const started = performance.now();
  const statuses = await Promise.all(callers.map(async (id) => {
    const res = await fetch(`${s.url}/v2/conferences/${conf}/actions/join`, {
      method: 'POST', headers: { ...headers, authorization: `Bearer ${key}` }, body: JSON.stringify({ call_control_id: id }),
    });
    await res.arrayBuffer();
    return res.status;
  }));
  const ms = performance.now() - started;

  const failed = statuses.filter((x) => x !== 200);
  if (failed.length > 0) throw new Error(`${failed.length} of ${JOINS} joins failed (statuses ${[...new Set(failed)].join(', ')})`);
  const list = await (await fetch(`${s.url}/v2/conferences/${conf}/participants?page[size]=1`, {
    headers: { authorization: `Bearer ${key}` },
  })).json();
  if (list.meta.total_results !== JOINS + 1) throw new Error(`expected ${JOINS + 1} participants, found ${list.meta.total_results}`);
  return ms;
}

const [ours, bare] = [await launch('ours'), await launch('bare')];
try {
  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_SECS}s per measurement, median of ${ROUNDS} rounds, bare and ours alternating\n`);
  const rows = [];
  for (const c of cases) {
    const results = { ours: [] as number[], bare: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, s] of [['bare', bare], ['ours', ours]] as const) {
        results[name].push(await measure(s.url + c.path(s), { ...c, requests: await c.requests?.(s) }));
      }
    }
    const [o, b] = [median(results.ours), median(results.bare)];
    const ratio = o / b;
    rows.push({ case: c.name, 'ours req/s': Math.round(o), 'bare req/s': Math.round(b),
      ratio: `${(ratio * 100).toFixed(0)}%`, target: `≥ ${c.target * 100}%`, met: ratio >= c.target ? 'yes' : 'NO',
      'ours rounds': results.ours.map(Math.round).join(' '), 'bare rounds': results.bare.map(Math.round).join(' ') });
  }
  console.table(rows);
} finally {
  ours.child.kill();
  bare.child.kill();
}

// Concurrent joins (a fresh server; each round a fresh account with its own conference).
const joinsServer = await launch('empty');
try {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) times.push(await concurrentJoins(joinsServer, round));
  const mid = median(times);
  console.log(`\n${JOINS} concurrent POST /v2/conferences/{id}/actions/join (all ${JOINS} answered 200, ${JOINS + 1} participants), median of ${ROUNDS} rounds`);
  console.table([{ case: `${JOINS} concurrent joins`, 'wall time': `${Math.round(mid)} ms`, rounds: times.map((t) => `${Math.round(t)}`).join(' '),
    target: `≤ ${JOINS_TARGET_MS} ms`, met: mid <= JOINS_TARGET_MS ? 'yes' : 'NO' }]);
} finally {
  joinsServer.child.kill();
}

// Webhooks (issue "Signed webhooks"): end an 800-participant conference, time every signed
// webhook to a local receiver, idle and while reads run; reads while that delivery runs against idle.
const wh = await benchWebhooks();
const during = wh.readsDuringDeliveryRps / wh.readsIdleRps;
console.log(`\nwebhooks caused by ending an 800-participant conference: ${JSON.stringify(wh.webhooksPerEnd)}`);
console.table([
  { case: 'all webhooks delivered (idle)', value: `${Math.round(wh.deliverAllMs)} ms`, target: '< 2000 ms', met: wh.deliverAllMs < 2000 ? 'yes' : 'NO' },
  { case: 'all webhooks delivered (while reads run)', value: `${Math.round(wh.deliverAllDuringReadsMs)} ms`,
    target: '< 2000 ms', met: wh.deliverAllDuringReadsMs < 2000 ? 'yes' : 'NO' },
  { case: 'reads during delivery vs idle', value: `${Math.round(wh.readsDuringDeliveryRps)} / ${Math.round(wh.readsIdleRps)} req/s = ${(during * 100).toFixed(0)}%`,
    target: '≥ 50%', met: during >= 0.5 ? 'yes' : 'NO' },
]);

// The live console (issue "live console"): API throughput while a console watches the account.
printConsoleBench(await benchConsole());

// Noisy neighbour (issue "Sealed tenants"): a quiet account's reads beside an account hammering
// a hung receiver with 100 waiting scenarios, against the same reads on an idle server.
printNoisy(await benchNoisyNeighbour());
