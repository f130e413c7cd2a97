import { afterEach, describe, expect, it, vi } from 'vitest';
import { startReceiver, verifyAll, type Receiver } from '../support/receiver.js';
import type { Config } from '../../src/config.js';
import { REFUSED, logOf, msBetween, offline, type Entry, type Offline } from './support.js';

/**
 * The retry schedule, measured on the attempts the delivery log records (each has `at`, when it
 * started, and `finished_at`): README "Connection errors, timeouts and other statuses are retried
 * with exponential backoff (`meta.attempt` counts 1, 2, 3…); once the primary URL's attempts are
 * used up, the failover URL gets as many." Configuration: "`TELNYX_MOCK_WEBHOOK_ATTEMPTS` — delivery
 * attempts per URL (primary, then failover)", "`TELNYX_MOCK_WEBHOOK_BACKOFF_MS` — wait before the
 * 2nd attempt; doubles after each failure", "`TELNYX_MOCK_WEBHOOK_BACKOFF_MAX_MS` — longest wait
 * between attempts". So the wait after the n-th failed attempt at a URL is
 * min(backoffMs·2^(n−1), backoffMaxMs), and there is none when moving on to the failover URL
 * (the spec: "otherwise we will reattempt delivery at the failover webhook URL").
 *
 * A wait is never shorter than scheduled (checked exactly); it may be longer on a loaded machine,
 * so upper bounds are loose, yet each is below what the schedule's likely mistakes would give.
 */
const KEY = 'KEY_net_retries';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function receiver(answer: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(answer);
  open.push(r);
  return r;
}
function emulator(config: Partial<Config>): Offline {
  const t = offline(KEY, config);
  open.push({ close: () => t.close() });
  return t;
}

/** One caller rings (answered: false): a single event, call.initiated. */
async function oneEvent(t: Offline, from = '+15550500001', webhookUrl?: string): Promise<string> {
  const res = await t.v2.post('/_mock/calls', { from, to: '+15559990000', connection_id: 'conn-1', webhook_url: webhookUrl });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.call_control_id as string;
}

/** The log entry of the call's call.initiated once it has settled (delivered or failed). */
async function settled(t: Offline, callControlId: string): Promise<Entry> {
  let entry: Entry | undefined;
  await vi.waitFor(async () => {
    [entry] = await logOf(t.v2, { call_control_id: callControlId, event_type: 'call.initiated' });
    expect(entry.status).not.toBe('pending');
  }, { timeout: 15_000, interval: 10 });
  return entry!;
}

/** Waits between attempts as recorded: from one attempt's end to the next one's start. */
const waits = (e: Entry) => e.attempts.slice(1).map((a, i) => msBetween(e.attempts[i].finished_at!, a.at));

describe('the retry schedule against the configured backoff', () => {
  it('waits backoffMs·2^(n−1) capped at backoffMaxMs per URL, not at all when moving to the failover URL, webhookAttempts at each', async () => {
    const primary = await receiver(() => 503);
    const failover = await receiver(() => 503);
    const t = emulator({
      webhookUrl: primary.url, webhookFailoverUrl: failover.url,
      webhookAttempts: 5, webhookBackoffMs: 250, webhookBackoffMaxMs: 1000,
    });
    const call = await oneEvent(t);
    const entry = await settled(t, call);

    expect(entry.status).toBe('failed');
    expect(entry.attempts.map((a) => [a.attempt, a.url, a.status])).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => [n, primary.url, 503]),
      ...[6, 7, 8, 9, 10].map((n) => [n, failover.url, 503]),
    ]);
    expect(primary.requests.map((r) => r.json.meta)).toEqual([1, 2, 3, 4, 5].map((attempt) => ({ attempt, delivered_to: primary.url })));
    expect(failover.requests.map((r) => r.json.meta)).toEqual([6, 7, 8, 9, 10].map((attempt) => ({ attempt, delivered_to: failover.url })));
    await verifyAll(t.em.webhooks.publicKey, [...primary.requests, ...failover.requests]);

    // primary: 250, 500, 1000, 1000 (capped: uncapped 2000); on to the failover: 0; failover: 250, 500, 1000, 1000 again.
    // (Steps of 250 ms, not 100: the bounds below then leave a loaded machine 240 ms of lateness, where
    // 100 ms steps left 90, and a wait came 134 ms late with three test workers on two cores.)
    const expected = [250, 500, 1000, 1000, 0, 250, 500, 1000, 1000];
    const got = waits(entry);
    const shown = `waits ${got.join(', ')} ms, scheduled ${expected.join(', ')}`;
    got.forEach((w, i) => expect(w, `${shown} (wait ${i + 1} too short)`).toBeGreaterThanOrEqual(expected[i]));
    // Loose upper bounds, each below what a wrong schedule gives: doubling one step early (500
    // instead of 250, 1000 instead of 500), no cap (2000 instead of 1000), the failover's backoff not
    // starting over (1000 instead of 250), a wait when switching (1000 instead of 0).
    const upper = [490, 990, 1900, 1900, 240, 490, 990, 1900, 1900];
    got.forEach((w, i) => expect(w, `${shown} (wait ${i + 1} too long)`).toBeLessThan(upper[i]));
  });

  it('sends exactly webhookAttempts attempts to a lone primary URL, then fails the event with nothing scheduled', async () => {
    const primary = await receiver(() => 500);
    const t = emulator({ webhookUrl: primary.url, webhookAttempts: 3, webhookBackoffMs: 10, webhookBackoffMaxMs: 20 });
    const entry = await settled(t, await oneEvent(t));
    expect(entry).toMatchObject({ status: 'failed', url: primary.url, failover_url: null, next_attempt_at: null });
    expect(entry.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(primary.requests).toHaveLength(3);
  });

  it('with webhookAttempts 1: one attempt at the primary, one at the failover, no wait between them', async () => {
    const primary = await receiver(() => 502);
    const failover = await receiver(() => 502);
    const t = emulator({ webhookUrl: primary.url, webhookFailoverUrl: failover.url, webhookAttempts: 1, webhookBackoffMs: 1000, webhookBackoffMaxMs: 1000 });
    const entry = await settled(t, await oneEvent(t));
    expect(entry.attempts.map((a) => [a.url, a.status])).toEqual([[primary.url, 502], [failover.url, 502]]);
    // A backoff here would be a second: none is taken moving on to the failover URL.
    expect(waits(entry)[0]).toBeLessThan(500);
  });

  it('stops at the first 2xx: a failover that accepts its second attempt gets exactly two, and the event is delivered', async () => {
    const primary = await receiver(() => 503);
    const failover = await receiver((_d, i) => (i === 0 ? 503 : 200));
    const t = emulator({ webhookUrl: primary.url, webhookFailoverUrl: failover.url, webhookAttempts: 2, webhookBackoffMs: 20, webhookBackoffMaxMs: 40 });
    const entry = await settled(t, await oneEvent(t));
    expect(entry).toMatchObject({ status: 'delivered', url: failover.url, next_attempt_at: null });
    expect(entry.attempts.map((a) => [a.attempt, a.url, a.status])).toEqual([
      [1, primary.url, 503], [2, primary.url, 503], [3, failover.url, 503], [4, failover.url, 200],
    ]);
    expect(failover.accepted().map((r) => r.json.meta.attempt)).toEqual([4]);
  });

  it('schedules the next attempt backoffMs after a failure, and shows it as next_attempt_at while pending', async () => {
    // README: each entry has "`next_attempt_at`".
    const t = emulator({ webhookUrl: REFUSED, webhookAttempts: 3, webhookBackoffMs: 30_000, webhookBackoffMaxMs: 60_000 });
    const call = await oneEvent(t);
    let entry!: Entry;
    await vi.waitFor(async () => {
      [entry] = await logOf(t.v2, { call_control_id: call });
      expect(entry.attempts[0]?.finished_at).toBeDefined();
      expect(entry.next_attempt_at).not.toBeNull();
    }, { timeout: 5000, interval: 10 });
    expect(entry.status).toBe('pending');
    expect(entry.attempts).toHaveLength(1);
    expect(entry.attempts[0]).toMatchObject({ attempt: 1, url: REFUSED, status: null, error: expect.any(String) });
    const scheduled = msBetween(entry.attempts[0].finished_at!, entry.next_attempt_at!);
    expect(scheduled).toBeGreaterThanOrEqual(30_000);
    expect(scheduled).toBeLessThan(30_500);
  });

  it('caps even the first wait at backoffMaxMs when backoffMs is larger', async () => {
    const t = emulator({ webhookUrl: REFUSED, webhookAttempts: 3, webhookBackoffMs: 40_000, webhookBackoffMaxMs: 20_000 });
    const call = await oneEvent(t);
    let entry!: Entry;
    await vi.waitFor(async () => {
      [entry] = await logOf(t.v2, { call_control_id: call });
      expect(entry.next_attempt_at).not.toBeNull();
    }, { timeout: 5000, interval: 10 });
    const scheduled = msBetween(entry.attempts[0].finished_at!, entry.next_attempt_at!);
    expect(scheduled).toBeGreaterThanOrEqual(20_000);
    expect(scheduled).toBeLessThan(20_500);
  });

  it('counts any 2xx as delivered and anything else (3xx included) as a failed attempt', async () => {
    // README: "A 2xx answer within the timeout counts as delivered."
    const STATUS_BY_FROM: Record<string, number> = {
      '+15550500200': 200, '+15550500204': 204, '+15550500299': 299,
      '+15550500300': 300, '+15550500302': 302, '+15550500404': 404, '+15550500500': 500,
    };
    const r = await receiver((d) => STATUS_BY_FROM[d.json.data.payload.from as string]);
    const t = emulator({ webhookUrl: r.url, webhookAttempts: 2, webhookBackoffMs: 10, webhookBackoffMaxMs: 10 });
    const outcome: Record<string, [string, number[]]> = {};
    for (const from of Object.keys(STATUS_BY_FROM)) {
      const entry = await settled(t, await oneEvent(t, from));
      outcome[STATUS_BY_FROM[from]] = [entry.status, entry.attempts.map((a) => a.status!)];
    }
    expect(outcome).toEqual({
      200: ['delivered', [200]], 204: ['delivered', [204]], 299: ['delivered', [299]],
      300: ['failed', [300, 300]], 302: ['failed', [302, 302]], 404: ['failed', [404, 404]], 500: ['failed', [500, 500]],
    });
  });
});
