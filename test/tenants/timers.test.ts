import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../support/harness.js';
import { doors, firstError } from '../support/doors.js';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';
import { accountIdMapper } from '../../src/store/account-id.js';

/**
 * Sealed tenants, timers and clocks (issue 11, rows 5, 6 and 13): one account's timer that throws,
 * or its clock pushed as far as it goes, is that account's problem only; the sweep that fires
 * every account's timers costs by the timers due, not by the accounts that exist (that last part,
 * with 10,000 accounts, is timer-sweep.test.ts: a scale test, in the full tier).
 */
let wall = Date.parse('2026-01-01T00:00:00Z');
let em: Emulator;
const clocked = () => buildEmulator(defaultConfig(), { ticker: false, wall: () => wall });
afterEach(async () => {
  vi.restoreAllMocks();
  await em?.dispose();
});

const YEAR_SECS = 366 * 86_400;

describe('a timer that throws', () => {
  it('is recorded as failed for its own account, logged once, and the sweep goes on to the other accounts', async () => {
    em = clocked();
    const http = api(em);
    const broken = doors(http, 'KEY_a_broken');
    const healthy = doors(http, 'KEY_b_healthy');
    // A timer no version of the engine knows how to fire (as a row left by a newer version would be).
    // Rows name the account by its id (store/account-id.ts), never by its key.
    const brokenId = em.account('KEY_a_broken').id;
    em.db.$client.prepare("insert into timers (account, due_at, kind, subject_id) values (?, ?, 'unheard_of', 'x')")
      .run(brokenId, wall);
    // Its clock moves (the timer's wall due instant follows the clock).
    await broken.freeze();
    expect((await broken.v2.post('/_mock/clock/unfreeze')).status).toBe(200);

    const caller = await healthy.call();
    await healthy.enqueue(caller, 'sales', { max_wait_time_secs: 5 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    wall += 6000;
    em.tick();
    em.tick();

    expect((await healthy.payloads('call.dequeued'))[0]).toMatchObject({ reason: 'timeout' });
    const failed = em.db.$client.prepare('select kind, error from timers where account = ?').all(brokenId) as { error: string | null }[];
    expect(failed).toEqual([{ kind: 'unheard_of', error: expect.stringContaining('unheard_of') }]);
    expect(logged).toHaveBeenCalledTimes(1);
    // The line names the account by its id: a log never prints an API key.
    expect(String(logged.mock.calls[0][0])).toContain(brokenId);
    expect(String(logged.mock.calls[0][0])).not.toContain('KEY_a_broken');
    // The account itself keeps working.
    expect((await broken.v2.get('/v2/queues')).status).toBe(200);
  });
});

describe("an account's clock", () => {
  it('runs at most a hundred years ahead: the advance that would pass it is a 422 10033 on /seconds, and nothing moves', async () => {
    em = clocked();
    const d = doors(api(em), 'KEY_far_future');
    let refused: Awaited<ReturnType<typeof d.v2.post>> | undefined;
    for (let i = 0; i < 120 && !refused; i++) {
      const res = await d.v2.post('/_mock/clock/advance', { seconds: YEAR_SECS });
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(422);
    expect(firstError(refused!)).toMatchObject({ code: '10033', source: { pointer: '/seconds' } });
    const before = (await d.v2.get('/_mock/clock')).body.data;
    expect((await d.v2.post('/_mock/clock/advance', { seconds: YEAR_SECS })).status).toBe(422);
    expect((await d.v2.get('/_mock/clock')).body.data.now).toBe(before.now);
    expect(Date.parse(before.now) - wall).toBeLessThanOrEqual(100 * 365.25 * 86_400_000);
  });

  it('pushed to the limit with a timer pending, still fires it and still answers', async () => {
    em = clocked();
    const d = doors(api(em), 'KEY_at_the_limit');
    for (let i = 0; i < 120; i++) {
      if ((await d.v2.post('/_mock/clock/advance', { seconds: YEAR_SECS })).status !== 200) break;
    }
    const caller = await d.call();
    await d.enqueue(caller, 'sales', { max_wait_time_secs: 5 });
    wall += 6000;
    em.tick();
    expect((await d.payloads('call.dequeued'))[0]).toMatchObject({ reason: 'timeout' });
    expect((await d.v2.get('/v2/queues')).status).toBe(200);
  });

  it('saved past the limit (a database an older version wrote) recovers: clamped when loaded, every request answers', async () => {
    em = clocked();
    // Stored under the key's id (store/account-id.ts), before the account is first opened and its clock loaded.
    // Years ahead of what JavaScript's Date can show: every date this account renders would throw.
    em.db.$client.prepare('insert into clocks (account, offset_ms, frozen_at) values (?, ?, null)').run(accountIdMapper(em.db)('KEY_overflowed'), 8.64e15);
    const d = doors(api(em), 'KEY_overflowed');
    const clock = await d.v2.get('/_mock/clock');
    expect(clock.status).toBe(200);
    expect(clock.body.data.offset_ms).toBeLessThanOrEqual(100 * 365.25 * 86_400_000);
    const caller = await d.call();
    await d.enqueue(caller, 'sales', { max_wait_time_secs: 5 });
    wall += 6000;
    em.tick();
    expect((await d.payloads('call.dequeued'))[0]).toMatchObject({ reason: 'timeout' });
    // At the limit: further moves are refused, as a 422.
    expect((await d.v2.post('/_mock/clock/advance', { seconds: 10 })).status).toBe(422);
  });
});

describe('the sweep in slices', () => {
  it("fires every due timer however its round is cut into slices: an account left with more in an early slice is served again (em.tick sweeps until none is due)", () => {
    em = clocked();
    const idOf = accountIdMapper(em.db);
    const insert = em.db.$client.prepare("insert into timers (account, due_at, wall_due_at, kind, subject_id) values (?, ?, ?, 'queue_timeout', ?)");
    // Three accounts with more timers than one batch serves in its time, due first; the last of
    // the round has one, due last (queue timeouts of queues that do not exist: firing is a no-op).
    for (const key of ['KEY_busy_1', 'KEY_busy_2', 'KEY_busy_3']) {
      for (let i = 0; i < 40; i++) insert.run(idOf(key), wall - 2000, wall - 2000, `${key}-q${i}`);
    }
    insert.run(idOf('KEY_last'), wall - 1, wall - 1, 'last-q');
    // A clock that moves a millisecond each time it is read: every slice (10 ms of work) and every
    // batch runs out of time after a few timers, so the round spans many slices.
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => ++t);
    em.tick();
    expect(em.db.$client.prepare('select count(*) as n from timers').get()).toEqual({ n: 0 });
  });
});
