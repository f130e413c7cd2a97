/**
 * Noisy neighbour (issue 11 "Sealed tenants"): another account's read throughput while one
 * account hammers a receiver that never answers and keeps 100 scenarios waiting, against the same
 * reads on a server with nothing else going on. Target: ≥ 80% of the idle figure.
 *
 * Two emulator processes (this file with `--serve`), the server's own delivery defaults (64 in
 * flight per account, 10 s per attempt), as a user would run it:
 *   quiet — only the measured account (one conference, read by GET /v2/conferences/{id});
 *   noisy — the same, plus the noisy account: 2,000 webhooks queued to a hung receiver, 100
 *           scenarios each parked on a `wait` that never comes true, and a new call of its own
 *           every 20 ms (each one a write, a webhook to the hung receiver, and a wake for the waits).
 * autocannon measures the two in alternate rounds (BENCH_ROUNDS, default 5; BENCH_SECS each) and
 * the medians are compared.
 *
 *   npx tsx test/bench/noisy.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';

const QUIET = 'KEY_bench_quiet';
const NOISY = 'KEY_bench_noisy';
const HUNG_EVENTS = 2000;
const WAITING_SCENARIOS = 100;
const HAMMER_EVERY_MS = 20;
const DURATION_SECS = Number(process.env.BENCH_SECS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 10;
export const NOISY_TARGET = 0.8;

// The server side (child process).

async function serve(mode: 'quiet' | 'noisy', hungUrl: string) {
  const { startEmulator, defaultConfig } = await import('../../src/server.js');
  const { WEBHOOK_DEFAULTS } = await import('../../src/config.js');
  const { placeCall, farEndHangup } = await import('../../src/commands/callers.js');
  const { createConference } = await import('../../src/commands/conferences.js');
  const em = await startEmulator(defaultConfig({ ...WEBHOOK_DEFAULTS }));
  const quiet = em.account(QUIET);
  const conference = createConference(quiet, {
    call_control_id: placeCall(quiet, { from: '+15550000000', to: '+15559990000', connection_id: 'quiet', answered: true }).callControlId,
    name: 'bench-quiet',
  }).id;
  if (mode === 'noisy') {
    const noisy = em.account(NOISY);
    for (let i = 0; i < HUNG_EVENTS / 2; i++) {
      const call = placeCall(noisy, { from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'noisy', webhook_url: hungUrl });
      farEndHangup(noisy, call.callControlId);
    }
  }
  console.log(JSON.stringify({ url: em.url, conference }));
}

// The bench side.

interface Server { url: string; conference: string; child: ChildProcess }

async function launch(mode: 'quiet' | 'noisy', hungUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', mode, hungUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { ...JSON.parse(line), child };
}

/** A receiver that accepts connections and never answers. */
async function hungReceiver() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    open: () => sockets.size,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function reads(s: Server): Promise<number> {
  const result = await autocannon({
    url: `${s.url}/v2/conferences/${s.conference}`, connections: CONNECTIONS, duration: DURATION_SECS,
    headers: { authorization: `Bearer ${QUIET}` },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`reads: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function post(s: Server, path: string, body: object, signal?: AbortSignal) {
  return fetch(s.url + path, {
    method: 'POST', signal, body: JSON.stringify(body),
    headers: { authorization: `Bearer ${NOISY}`, 'content-type': 'application/json' },
  });
}

export interface NoisyBench {
  idleRps: number;
  noisyRps: number;
  idleRounds: number[];
  noisyRounds: number[];
  /** Requests the hung receiver held open at the end (its account's share of delivery slots). */
  hungOpen: number;
  /** Scenarios still waiting at the end (all of them, or the noise was not what it says). */
  waiting: number;
}

export async function benchNoisyNeighbour(): Promise<NoisyBench> {
  const hung = await hungReceiver();
  const [quiet, noisy] = [await launch('quiet', hung.url), await launch('noisy', hung.url)];
  const stop = new AbortController();
  try {
    // 100 scenarios parked on a wait that never comes true (each request stays open).
    let finished = 0;
    for (let i = 0; i < WAITING_SCENARIOS; i++) {
      void post(noisy, '/_mock/scenarios/run', {
        scenario: { name: `parked-${i}`, steps: [{ wait: { webhook: 'call.bridged' }, timeout: 'PT10M' }] },
      }, stop.signal).then((r) => r.arrayBuffer()).catch(() => {}).finally(() => { finished++; });
    }
    // The noisy account keeps writing: each new call a webhook to the hung receiver and a wake for the waits.
    let n = 0;
    const hammer = setInterval(() => {
      void post(noisy, '/_mock/calls', {
        from: `+1556${String(n++).padStart(7, '0')}`, to: '+15559990000', connection_id: 'noisy', webhook_url: hung.url,
      }, stop.signal).then((r) => r.arrayBuffer()).catch(() => {});
    }, HAMMER_EVERY_MS);
    try {
      const idleRounds: number[] = [];
      const noisyRounds: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        idleRounds.push(await reads(quiet));
        noisyRounds.push(await reads(noisy));
      }
      return {
        idleRps: median(idleRounds), noisyRps: median(noisyRounds), idleRounds, noisyRounds,
        hungOpen: hung.open(), waiting: WAITING_SCENARIOS - finished,
      };
    } finally {
      clearInterval(hammer);
    }
  } finally {
    stop.abort();
    quiet.child.kill();
    noisy.child.kill();
    hung.close();
  }
}

export function printNoisy(r: NoisyBench): void {
  const ratio = r.noisyRps / r.idleRps;
  console.log(`\nnoisy neighbour: another account hammering a hung receiver (${HUNG_EVENTS} webhooks queued, a call every ${HAMMER_EVERY_MS} ms) `
    + `with ${WAITING_SCENARIOS} waiting scenarios; GET /v2/conferences/{id} of a quiet account, median of ${ROUNDS} rounds, alternating`);
  console.table([{
    case: 'reads beside a noisy neighbour vs idle',
    value: `${Math.round(r.noisyRps)} / ${Math.round(r.idleRps)} req/s = ${(ratio * 100).toFixed(0)}%`,
    target: `≥ ${NOISY_TARGET * 100}%`, met: ratio >= NOISY_TARGET ? 'yes' : 'NO',
    'noisy rounds': r.noisyRounds.map(Math.round).join(' '), 'idle rounds': r.idleRounds.map(Math.round).join(' '),
    'hung receiver open requests': r.hungOpen, 'scenarios waiting': r.waiting,
  }]);
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as 'quiet' | 'noisy', process.argv[4]);
else if (import.meta.url === pathToFileURL(process.argv[1]).href) printNoisy(await benchNoisyNeighbour());
