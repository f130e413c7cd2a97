import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { placeCall } from '../../src/commands/callers.js';
import { enqueueCall } from '../../src/commands/calls.js';
import { doors, type LoggedWebhook } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

/**
 * Bounded slices of work (issue 19, rows 1 and 4): an advance fires its due timers in slices and a
 * scenario runs its steps in slices, each giving the event loop a turn before the next, so another
 * account's request is answered while they run. The advance still answers after every due timer
 * fired, in due order, with the webhooks one long step gives. In process: the event loop is the
 * same, and "answered before the advance finished" is an ordering, not a timing.
 */
const BUSY = 'KEY_busy_neighbour';
const QUIET = 'KEY_quiet_tenant';
/** More timers than one slice fires (200), so the advance must yield at least twice. */
const CALLERS = 500;

let em: Emulator;
let http: ReturnType<typeof api>;
beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

/**
 * CALLERS callers in one queue, the i-th timing out after i + 1 seconds on a frozen clock; their
 * ids in that order. Placed and enqueued by the commands the routes run (POST /_mock/calls, the
 * enqueue action), with the bodies doors() sends, but not through the app: the setup is not what
 * these tests are about, and 1,000 requests through the app cost twice the CPU of the commands.
 */
async function queueWithTimeouts(key: string): Promise<string[]> {
  await doors(http, key).freeze();
  const account = em.account(key);
  const ids: string[] = [];
  for (let i = 0; i < CALLERS; i++) {
    const id = placeCall(account, { from: `+1555${String(2_000_000 + i)}`, to: '+15559990000', connection_id: 'conn-1', answered: true }).callControlId;
    enqueueCall(account, id, { queue_name: 'hold', max_size: 5000, max_wait_time_secs: i + 1 });
    ids.push(id);
  }
  // A command that refuses throws; the queue as the API shows it holds them all.
  const queue = await http.as(key).get('/v2/queues/hold');
  expect(queue.status, JSON.stringify(queue.body)).toBe(200);
  expect(queue.body.data.current_size).toBe(CALLERS);
  return ids;
}

/** Counts the busy account's committed writes (one per fired timer during an advance). */
function writesOf(key: string): { count: number; stop: () => void; first: Promise<void> } {
  let signal!: () => void;
  const first = new Promise<void>((resolve) => { signal = resolve; });
  const counter = { count: 0, stop: () => {}, first };
  counter.stop = em.account(key).changes.subscribe((kind) => {
    if (kind !== 'state') return;
    counter.count++;
    signal();
  });
  return counter;
}

describe('an advance over many timers', () => {
  it("lets another account's GET be answered while it fires, and answers itself after every due timer fired", async () => {
    await queueWithTimeouts(BUSY);
    const writes = writesOf(BUSY);
    const order: string[] = [];
    const advance = http.as(BUSY).post('/_mock/clock/advance', { seconds: 3600 })
      .then((res) => { order.push('advance'); return res; });
    // Asked once the advance has started firing: without slices it would run to its end first.
    await writes.first;
    let firedWhenAnswered = -1;
    const other = http.as(QUIET).get('/_mock/clock').then((res) => {
      firedWhenAnswered = writes.count;
      order.push('other account');
      return res;
    });
    const [moved, read] = await Promise.all([advance, other]);
    writes.stop();
    expect(read.status).toBe(200);
    expect(order).toEqual(['other account', 'advance']);
    expect(firedWhenAnswered).toBeGreaterThan(0);
    expect(firedWhenAnswered).toBeLessThan(CALLERS);
    expect(moved.body.data.fired).toBe(CALLERS);
  });

  it('fires them in due order, each once, at its due instant, as a step-by-step advance does', async () => {
    const ids = await queueWithTimeouts(BUSY);
    const start = Date.parse((await http.as(BUSY).get('/_mock/clock')).body.data.now);
    expect((await http.as(BUSY).post('/_mock/clock/advance', { seconds: 3600 })).body.data.fired).toBe(CALLERS);
    const dequeued = await doors(http, BUSY).webhooks({ event_type: 'call.dequeued' });
    // "Each caller leaves when its max_wait_time_secs runs out": the first in line each time (position 1).
    expect(dequeued.map((w: LoggedWebhook) => w.call_control_id)).toEqual(ids);
    expect(dequeued.map((w) => Date.parse(w.occurred_at) - start)).toEqual(ids.map((_, i) => (i + 1) * 1000));
    expect(dequeued.every((w) => w.data.payload.queue_position === 1 && w.data.payload.reason === 'timeout')).toBe(true);

    // The same queue on another account, moved a second at a time (each step one timer, no slicing): the same webhooks.
    const stepIds = await queueWithTimeouts(QUIET);
    const quietStart = Date.parse((await http.as(QUIET).get('/_mock/clock')).body.data.now);
    for (let i = 0; i < CALLERS; i++) await http.as(QUIET).post('/_mock/clock/advance', { seconds: 1 });
    const stepped = await doors(http, QUIET).webhooks();
    const busy = await doors(http, BUSY).webhooks();
    const shape = (log: LoggedWebhook[], calls: string[], t0: number) => log.map((w) => ({
      event_type: w.event_type, caller: calls.indexOf(w.call_control_id!), at: Date.parse(w.occurred_at) - t0,
      position: w.data.payload.queue_position, wait: w.data.payload.wait_time_secs,
    }));
    expect(shape(busy, ids, start)).toEqual(shape(stepped, stepIds, quietStart));
  });

  it('ends where a reset of the account meanwhile leaves it: the clock stays reset, nothing more fires', async () => {
    await queueWithTimeouts(BUSY);
    const writes = writesOf(BUSY);
    const advance = http.as(BUSY).post('/_mock/clock/advance', { seconds: 3600 }).then((res) => res);
    await writes.first;
    expect((await http.as(BUSY).post('/_mock/reset', {})).status).toBe(200);
    const moved = (await advance).body.data;
    writes.stop();
    expect(moved.fired).toBeGreaterThan(0);
    expect(moved.fired).toBeLessThan(CALLERS);
    // Back at wall time, as the reset left it (not an hour ahead).
    expect(Math.abs(Date.parse(moved.now) - Date.now())).toBeLessThan(60_000);
    expect(await doors(http, BUSY).webhooks()).toEqual([]);
  });

  it("runs two advances of one account one after the other, the second from where the first ended", async () => {
    await queueWithTimeouts(BUSY);
    const start = Date.parse((await http.as(BUSY).get('/_mock/clock')).body.data.now);
    const [first, second] = await Promise.all([
      http.as(BUSY).post('/_mock/clock/advance', { seconds: 250 }),
      http.as(BUSY).post('/_mock/clock/advance', { seconds: 500 }),
    ]);
    expect(first.body.data).toMatchObject({ fired: 250, now: new Date(start + 250_000).toISOString() });
    expect(second.body.data).toMatchObject({ fired: 250, now: new Date(start + 750_000).toISOString() });
    const at = (await doors(http, BUSY).webhooks({ event_type: 'call.dequeued' })).map((w) => Date.parse(w.occurred_at));
    expect(at).toEqual([...at].sort((x, y) => x - y));
  });
});

describe('a long scenario', () => {
  // In process another account's request is served in microtasks, which interleave with any
  // awaiting loop; what a socket's request needs is a turn of the event loop (its I/O callbacks),
  // so that is what this looks for: a callback queued on the loop once the run is underway runs
  // before the run ends. (test/tenants/slices.test.ts shows the same with a real socket.)
  it('gives the event loop turns between its steps, and its result is unchanged', async () => {
    const steps = [
      { call: 'alice', from: '+15550001000', to: '+15559990000', answered: true },
      ...Array.from({ length: 400 }, () => ({ press: 'alice', digits: '0123456789*#0123' })),
    ];
    const writes = writesOf(BUSY);
    const order: string[] = [];
    const run = http.as(BUSY).post('/_mock/scenarios/run', { name: 'many presses', steps })
      .then((res) => { order.push('scenario'); return res; });
    await Promise.race([writes.first, run]);
    let stepsWhenTurned = -1;
    const turned = new Promise<void>((resolve) => setImmediate(() => {
      stepsWhenTurned = writes.count;
      order.push('a turn of the loop');
      resolve();
    }));
    const [result] = await Promise.all([run, turned]);
    writes.stop();
    expect(order).toEqual(['a turn of the loop', 'scenario']);
    expect(stepsWhenTurned).toBeLessThan(steps.length);
    expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(200);
    expect(result.body.data.passed).toBe(true);
    expect(result.body.data.steps).toHaveLength(steps.length);
    const digits = await doors(http, BUSY).webhooks({ event_type: 'call.dtmf.received' });
    expect(digits).toHaveLength(400 * 16);
  });
});
