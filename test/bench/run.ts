/**
 * npm run bench — throughput of the emulator beside a bare Hono + better-sqlite3 route serving
 * the same JSON AND beside the previous build of the emulator, all three measured in one run on
 * this machine, and printed as ratios. Targets (issues "stateful core" and i15): reads ≥ 90% of the
 * bare route, the mute write ≥ 100%; each case not slower than the previous build; the server's
 * ready-to-listen time not above the previous build's.
 *
 *   npm run bench                               # baseline: merge-base with main, else a03f5e9
 *   npm run bench -- --baseline=<git ref>       # or BENCH_BASELINE=<git ref>; `none` skips it
 *   BENCH_PARTS=ready,api npm run bench         # only some parts (default: all, see PARTS)
 *   BENCH_CASES=mute npm run bench               # only the API cases whose names have these words
 *   BENCH_BASELINE=/some/checkout BENCH_NO_BUILD=1 …  # an existing, already built checkout; no tsc
 *
 * Env: BENCH_SECS (5, per measurement), BENCH_ROUNDS (5), BENCH_CONFERENCES (1000 seeded
 * conferences per server, as the issue measured), BENCH_READY_ROUNDS (15).
 *
 * The previous build is checked out into a temporary git worktree and compiled; so is this
 * checkout; every server runs compiled (test/bench/builds.ts says why not tsx). Each ratio is of
 * the medians of BENCH_ROUNDS measurements per server, bare, previous and ours alternating in
 * every round, so all three see the same machine (other work on it moves all three); each round's
 * numbers are printed as it ends, and the table shows the spread.
 *
 * The mute case alternates mute and unmute on each conference, and no two connections touch the
 * same conference at once, so every request changes its participants' rows on both sides (ours
 * skips participants already in the asked state; the bare route would not).
 *
 * Then 800 concurrent joins into one conference (wall time, target ≤ 0.5 s), webhook delivery
 * (test/bench/webhooks.ts) and a noisy neighbour (test/bench/noisy.ts: another account's reads
 * while one account hammers a hung receiver with 100 scenarios waiting, target ≥ 80% of idle), a
 * long advance's cost (test/bench/timers.ts) and the busy neighbours of issue 19 rows 1-5
 * (test/bench/busy.ts: another account's GET p99 < 250 ms and its webhooks once, each row at its size).
 */
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { KEY } from './servers.js';
import { muteToggles as toggles } from './toggles.js';
import { benchWebhooks } from './webhooks.js';
import { benchConsole, printConsoleBench } from './console.js';
import { benchNoisyNeighbour, printNoisy } from './noisy.js';
import { benchTimers, printTimers } from './timers.js';
import { benchBusy, printBusy } from './busy.js';
import { baselineRef, baselineWorktree, compile, cpuMs, currentBuild, launch, readyTime, type Build, type Server } from './builds.js';

const DURATION_SECS = Number(process.env.BENCH_SECS ?? 5);
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const READY_ROUNDS = Number(process.env.BENCH_READY_ROUNDS ?? 15);
/** Conferences each server holds during the API cases (the issue measured with 1,000). */
const SEEDED = Number(process.env.BENCH_CONFERENCES ?? 1000);
// The host and 799 joiners fill a conference of 800, the most max_participants allows (its default is 250).
const JOINS = 799;
const JOINS_TARGET_MS = 500;
const PARTS = ['ready', 'api', 'joins', 'webhooks', 'console', 'noisy', 'timers', 'busy'] as const;
const parts = new Set((process.env.BENCH_PARTS ?? PARTS.join(',')).split(',').map((x) => x.trim()));
for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`BENCH_PARTS: unknown part ${p} (parts: ${PARTS.join(', ')})`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function post(url: string, body: object = {}, key = KEY) {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/**
 * Tops an emulator up to `total` conferences through its own API (a caller placed through
 * /_mock/calls creates each one), whatever its servers.ts seeded, so every build serves the same
 * amount of data.
 */
async function seedConferences(s: Server, total: number): Promise<void> {
  const res = await fetch(`${s.url}/v2/conferences?page[size]=1`, { headers });
  const have = ((await res.json()) as { meta: { total_results: number } }).meta.total_results;
  const created: string[] = [];
  const create = async (i: number) => {
    const call = await post(`${s.url}/_mock/calls`, {
      from: `+1666${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'bench-seed', answered: true,
    });
    created.push((await post(`${s.url}/v2/conferences`, { call_control_id: call.data.call_control_id, name: `seed-${i}` })).data.id);
  };
  for (let i = have; i < total; i += 25) await Promise.all(Array.from({ length: Math.min(25, total - i) }, (_, j) => create(i + j)));
  // A servers.ts of another build that names no ids (or too few) to mute: the seeded ones serve.
  s.conferenceIds = s.conferenceIds?.length > CONNECTIONS ? s.conferenceIds : created.slice(0, 20);
  s.conferenceId ||= created.at(-1) ?? '';
}

type Request = NonNullable<autocannon.Options['requests']>[number];

/** Requests per second, and the server's CPU time per request (µs): the second moves less with other work on the machine. */
async function measure(s: Server, path: string, opts: { method?: 'GET' | 'POST'; body?: string; requests?: Request[] }): Promise<{ rps: number; cpuUs: number }> {
  const url = s.url + path;
  const cpuBefore = cpuMs(s.child.pid);
  const result = await autocannon({
    url, connections: CONNECTIONS, duration: DURATION_SECS, method: opts.method ?? 'GET', body: opts.body,
    requests: opts.requests, headers,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuUs: (cpuMs(s.child.pid) - cpuBefore) * 1000 / result.requests.total };
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

const allCases: Case[] = [
  { name: 'GET one conference', path: (s) => `/v2/conferences/${s.conferenceId}`, target: 0.9 },
  { name: 'GET a list of 20', path: () => '/v2/conferences?page[size]=20', target: 0.9 },
  { name: 'POST mute/unmute', path: () => '/', method: 'POST', requests: muteToggles, target: 1.0 },
];
/** BENCH_CASES=mute (words of the case names, comma-separated) runs only those API cases. */
const wanted = process.env.BENCH_CASES?.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
const cases = wanted ? allCases.filter((c) => wanted.some((w) => c.name.toLowerCase().includes(w))) : allCases;

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

const ours = currentBuild();
const ref = parts.has('ready') || parts.has('api') ? baselineRef() : undefined;
const previous = ref ? baselineWorktree(ref) : undefined;
const removeBaseline = () => previous?.remove();
process.once('SIGINT', () => { removeBaseline(); process.exit(130); });
const builds: Build[] = previous ? [previous, ours] : [ours];
try {
  console.log(`load average ${load()} (${cpus().length} cores) — building ${builds.map((b) => `${b.name} ${b.label}`).join(' and ')} (tsc → dist/)…`);
  await Promise.all(builds.map(compile));

  if (parts.has('ready')) {
    // Ready to listen: spawn → "listening" of node dist/src/index.js, previous and ours alternating.
    const times = new Map<Build, number[]>(builds.map((b) => [b, []]));
    const cpu = new Map<Build, number[]>(builds.map((b) => [b, []]));
    for (const b of builds) await readyTime(b); // warm the file cache, not counted
    for (let round = 0; round < READY_ROUNDS; round++) {
      for (const b of builds) {
        const r = await readyTime(b);
        times.get(b)!.push(r.ms);
        cpu.get(b)!.push(r.cpuMs);
      }
    }
    const mid = (b: Build) => median(times.get(b)!);
    const midCpu = (b: Build) => median(cpu.get(b)!);
    console.log(`\nready to listen (spawn → "listening" of node dist/src/index.js), median of ${READY_ROUNDS}, alternating; `
      + `CPU = the process's CPU time until then (10 ms ticks); load average ${load()}`);
    console.table(builds.map((b) => ({
      build: `${b.name} ${b.label}`, median: `${Math.round(mid(b))} ms`, rounds: times.get(b)!.map(Math.round).join(' '),
      'CPU median': `${Math.round(midCpu(b))} ms`,
      ...(previous && b === ours ? {
        'ours/previous': pct(mid(ours) / mid(previous)), target: '≤ 100%', met: mid(ours) <= mid(previous) ? 'yes' : 'NO',
        'CPU ours/previous': pct(midCpu(ours) / midCpu(previous)),
      } : {}),
    })));
  }

  if (parts.has('api')) await apiCases(previous);
} finally {
  removeBaseline();
}

/** The API cases: bare, previous and ours alternating in every round; ratios of medians. */
async function apiCases(previous: Build | undefined): Promise<void> {
  const servers: [string, Server][] = [['bare', await launch(ours, 'bare', { BENCH_CONFERENCES: String(SEEDED) })]];
  try {
    if (previous) servers.push(['previous', await launch(previous, 'ours')]);
    servers.push(['ours', await launch(ours, 'ours')]);
    for (const [name, s] of servers) if (name !== 'bare') await seedConferences(s, SEEDED);
    console.log(`\nautocannon: ${CONNECTIONS} connections, ${DURATION_SECS}s per measurement, median of ${ROUNDS} rounds, `
      + `${servers.map(([n]) => n).join(', ')} alternating; ${SEEDED} conferences seeded per server; load average ${load()}`);
    const rows = [];
    for (const c of cases) {
      const results = new Map<string, number[]>(servers.map(([n]) => [n, []]));
      const cpu = new Map<string, number[]>(servers.map(([n]) => [n, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, s] of servers) {
          const m = await measure(s, c.path(s), { ...c, requests: await c.requests?.(s) });
          results.get(name)!.push(m.rps);
          cpu.get(name)!.push(m.cpuUs);
        }
        console.log(`  ${c.name} round ${round + 1}: ${servers.map(([n]) => `${n} ${Math.round(results.get(n)!.at(-1)!)}`).join(', ')} req/s; `
          + `server CPU ${servers.map(([n]) => `${n} ${Math.round(cpu.get(n)!.at(-1)!)}`).join(', ')} µs/req (load ${load()})`);
      }
      const mid = (n: string) => median(results.get(n)!);
      const spread = (n: string) => `${Math.round(Math.min(...results.get(n)!))}–${Math.round(Math.max(...results.get(n)!))}`;
      const vsBare = mid('ours') / mid('bare');
      const vsPrev = previous ? mid('ours') / mid('previous') : undefined;
      rows.push({
        case: c.name, 'ours req/s': Math.round(mid('ours')), ...(previous ? { 'previous req/s': Math.round(mid('previous')) } : {}),
        'bare req/s': Math.round(mid('bare')),
        'ours/bare': `${pct(vsBare)} (≥ ${pct(c.target)}: ${vsBare >= c.target ? 'yes' : 'NO'})`,
        ...(vsPrev !== undefined ? { 'ours/previous': `${pct(vsPrev)} (≥ 100%: ${vsPrev >= 1 ? 'yes' : 'NO'})` } : {}),
        'spread (min–max)': servers.map(([n]) => `${n} ${spread(n)}`).join(', '),
        'CPU µs/req (median)': servers.map(([n]) => `${n} ${Math.round(median(cpu.get(n)!))}`).join(', '),
      });
    }
    console.table(rows);
    console.log(`load average at the end: ${load()}`);
  } finally {
    for (const [, s] of servers) s.child.kill();
  }
}

// Concurrent joins (a fresh server; each round a fresh account with its own conference).
if (parts.has('joins')) {
  const joinsServer = await launch(ours, 'empty');
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
}

// Webhooks (issue "Signed webhooks"): end an 800-participant conference, time every signed
// webhook to a local receiver, idle and while reads run; reads while that delivery runs against idle.
if (parts.has('webhooks')) {
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
}

// The live console (issue "live console"): API throughput while a console watches the account.
if (parts.has('console')) printConsoleBench(await benchConsole());

// Noisy neighbour (issue "Sealed tenants"): a quiet account's reads beside an account hammering
// a hung receiver with 100 waiting scenarios, against the same reads on an idle server.
if (parts.has('noisy')) printNoisy(await benchNoisyNeighbour());

// Busy neighbour, timers (issue 19): long advances cost linear time, and another account's reads go on meanwhile.
if (parts.has('timers')) printTimers(await benchTimers());
if (parts.has('busy')) printBusy(await benchBusy());
