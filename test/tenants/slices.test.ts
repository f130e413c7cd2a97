import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../support/bundle.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

/**
 * Bounded slices of work over real sockets and a real kill (issue 19, rows 1, 4 and 9): a long
 * advance or scenario of one account leaves another account's requests answered while it runs,
 * and a SIGKILL in the middle of an advance restarts with the clock at or past every event it had
 * fired, each timer fired once. The in-process rules are test/api/advance-slices.test.ts.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUSY = 'KEY_busy_neighbour';
const QUIET = 'KEY_quiet_tenant';

interface Server { child: ChildProcess; url: string }

const children: ChildProcess[] = [];
let dir: string | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  agent.destroy();
  agent = new Agent({ keepAlive: true });
  await receiver?.close();
  receiver = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The real entry point in its own process, on a free port (as test/webhooks/restart.test.ts). */
async function launch(env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [await bundled('src/index.ts')], {
    cwd: root, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const found = /API base URL +(\S+)\/v2$/.exec(line)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url };
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

/**
 * Kept-alive connections, as fetch keeps them, through node:http: a third of fetch's CPU per
 * request, and the setup alone sends thousands (the speeches the advances then fire).
 */
let agent = new Agent({ keepAlive: true });
async function call(server: Server, key: string, method: string, path: string, body?: object): Promise<any> {
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method, agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode!, text })).on('error', reject);
    });
    req.on('error', reject).end(body && JSON.stringify(body));
  });
  const json = JSON.parse(text);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(json)}`);
  return json;
}

/** How many webhooks of a type the account has logged (one read of a one-entry page). */
async function logged(server: Server, key: string, eventType: string): Promise<number> {
  return (await call(server, key, 'GET', `/_mock/webhooks?event_type=${eventType}&page[size]=1`)).meta.total_results;
}

/** Every webhook of a type the account logged, oldest first (page by page). */
async function allLogged(server: Server, key: string, eventType: string) {
  const all: { call_control_id: string; occurred_at: string }[] = [];
  for (let page = 1; ; page++) {
    const res = await call(server, key, 'GET', `/_mock/webhooks?event_type=${eventType}&page[size]=250&page[number]=${page}`);
    all.push(...res.data);
    if (res.data.length < 250) return all;
  }
}

/** `calls` answered callers, each with `speaks` speeches queued (a second each, one after another on a frozen clock). */
async function queuedSpeech(server: Server, key: string, calls: number, speaks: number): Promise<string[]> {
  await call(server, key, 'POST', '/_mock/clock/freeze');
  const ids: string[] = [];
  for (let i = 0; i < calls; i++) {
    const placed = await call(server, key, 'POST', '/_mock/calls', {
      from: `+1555000${String(1000 + i)}`, to: '+15559990000', connection_id: 'conn-1', answered: true,
    });
    ids.push(placed.data.call_control_id);
  }
  for (let s = 0; s < speaks; s++) {
    await Promise.all(ids.map((id) => call(server, key, 'POST', `/v2/calls/${id}/actions/speak`, { payload: 'hello there', voice: 'female' })));
  }
  return ids;
}

/**
 * Reads `probe` on the other account until `done` settles; true when some read, sent after the
 * busy account's work had visibly begun (`progress` > 0) and before it was all done, was answered
 * before `done` was: the server gave other work turns in the middle of it.
 */
async function answeredMidway(done: Promise<unknown>, progress: () => Promise<number>, total: number, probe: () => Promise<unknown>) {
  let finished = false;
  void done.finally(() => { finished = true; });
  let midway = false;
  while (!finished) {
    const seen = await progress();
    await probe();
    if (!finished && seen > 0 && seen < total) midway = true;
  }
  await done;
  return midway;
}

describe('a busy neighbour', () => {
  it("a long advance leaves another account's reads answered while it fires", async () => {
    const server = await launch();
    const ids = await queuedSpeech(server, BUSY, 10, 150);
    const total = ids.length * 150;
    const advance = call(server, BUSY, 'POST', '/_mock/clock/advance', { seconds: 3600 });
    const midway = await answeredMidway(advance,
      () => logged(server, BUSY, 'call.speak.ended'), total,
      () => call(server, QUIET, 'GET', '/_mock/clock'));
    expect(midway).toBe(true);
    expect((await advance).data.fired).toBe(total);
  });

  it("a long advance leaves another account's webhooks delivered while it fires, each once", async () => {
    receiver = await startReceiver();
    const server = await launch();
    // Long enough (3,000 timers) that a delivery's round trip fits well inside it on a fast machine.
    const ids = await queuedSpeech(server, BUSY, 20, 150);
    let finished = false;
    const advance = call(server, BUSY, 'POST', '/_mock/clock/advance', { seconds: 3600 }).finally(() => { finished = true; });
    while (await logged(server, BUSY, 'call.speak.ended') === 0) { /* until it has begun */ }
    // The quiet account's caller arrives mid-advance; its webhooks reach its receiver before the advance ends.
    await call(server, QUIET, 'POST', '/_mock/calls', {
      from: '+15550002000', to: '+15559990000', connection_id: 'conn-1', answered: true, webhook_url: receiver.url,
    });
    await receiver.accepts(2, 10_000);
    expect(finished, 'delivered while the advance still ran').toBe(false);
    expect((await advance).data.fired).toBe(ids.length * 150);
    expect(receiver.requests.map((r) => [r.json.data.event_type, r.json.meta.attempt])).toEqual([['call.initiated', 1], ['call.answered', 1]]);
  });

  it("a long scenario leaves another account's reads answered while it runs", async () => {
    const server = await launch();
    const presses = 400;
    const steps = [
      { call: 'alice', from: '+15550001000', to: '+15559990000', answered: true },
      ...Array.from({ length: presses }, () => ({ press: 'alice', digits: '0123456789*#0123' })),
    ];
    const run = call(server, BUSY, 'POST', '/_mock/scenarios/run', { name: 'many presses', steps });
    const midway = await answeredMidway(run,
      () => logged(server, BUSY, 'call.dtmf.received'), presses * 16,
      () => call(server, QUIET, 'GET', '/_mock/clock'));
    expect(midway).toBe(true);
    expect((await run).data.passed).toBe(true);
    expect(await logged(server, BUSY, 'call.dtmf.received')).toBe(presses * 16);
  });
});

describe('a kill in the middle of an advance', () => {
  it('restarts with the clock at or past the last event fired, and every timer fires exactly once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-slices-'));
    const env = { TELNYX_MOCK_DB: join(dir, 'mock.db') };
    const first = await launch(env);
    const speaks = 200;
    const ids = await queuedSpeech(first, BUSY, 10, speaks);
    const total = ids.length * speaks;

    const advance = call(first, BUSY, 'POST', '/_mock/clock/advance', { seconds: 3600 });
    advance.catch(() => { /* answered never: the server is killed */ });
    // Killed once some have fired (read between two slices of the advance).
    while (await logged(first, BUSY, 'call.speak.ended') === 0) { /* again */ }
    await killed(first.child);

    const second = await launch(env);
    const fired = await allLogged(second, BUSY, 'call.speak.ended');
    expect(fired.length, 'killed in the middle: some fired, not all').toBeGreaterThan(0);
    expect(fired.length).toBeLessThan(total);
    const last = Math.max(...fired.map((w) => Date.parse(w.occurred_at)));
    const now = Date.parse((await call(second, BUSY, 'GET', '/_mock/clock')).data.now);
    expect(now).toBeGreaterThanOrEqual(last);

    // The rest fire on the next advance; none again, none lost.
    await call(second, BUSY, 'POST', '/_mock/clock/advance', { seconds: 3600 });
    const ended = await allLogged(second, BUSY, 'call.speak.ended');
    expect(ended).toHaveLength(total);
    expect(await logged(second, BUSY, 'call.speak.started')).toBe(total);
    for (const id of ids) {
      const media = (await call(second, BUSY, 'GET', `/_mock/calls/${id}/media`)).data as { state: string; status: string }[];
      expect(media.filter((m) => m.state === 'ended' && m.status === 'completed')).toHaveLength(speaks);
      // Each call's speeches end a second apart, in order: none skipped, none twice.
      const at = ended.filter((w) => w.call_control_id === id).map((w) => Date.parse(w.occurred_at));
      expect(at.slice(1).map((t, i) => t - at[i])).toEqual(Array(speaks - 1).fill(1000));
    }
    await killed(second.child);
  });
});
