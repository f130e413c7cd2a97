import { afterEach, describe, expect, it } from 'vitest';
import { webhookEnv, type Env } from './env.js';
import type { Config } from '../../src/config.js';

/**
 * The wait between delivery attempts: `webhookBackoffMs` before the 2nd attempt, doubling after
 * each failure, never longer than `webhookBackoffMaxMs` (README: "TELNYX_MOCK_WEBHOOK_BACKOFF_MAX_MS
 * — longest wait between attempts").
 */
const open: Env[] = [];
afterEach(async () => {
  for (const env of open.splice(0)) await env.close();
});

async function envWith(config: Partial<Config>): Promise<Env> {
  const env = await webhookEnv(config, 'KEY_backoff');
  open.push(env);
  return env;
}

/** Milliseconds between one request and the next, in arrival order. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe('webhook retry backoff', () => {
  it('never waits longer than webhookBackoffMaxMs between attempts, however many failed', async () => {
    const env = await envWith({ webhookAttempts: 8, webhookBackoffMs: 100, webhookBackoffMaxMs: 200 });
    // Refuses the first 7 attempts, accepts the 8th.
    env.receiver.respondWith((_d, i) => (i < 7 ? 503 : 200));
    await env.call({ answered: false });
    await env.receiver.accepts(1, 10_000);

    const attempts = env.receiver.requests;
    expect(attempts.map((r) => r.json.meta.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(attempts.map((r) => r.json.data.id)).size).toBe(1);
    const waits = gaps(attempts.map((r) => r.at));
    // Waits of 100, 200, 200, 200, 200, 200, 200 ms; doubling without the cap would be 100, 200,
    // 400, 800, 1600, 3200, 6400 (12.7 s in all). Timers may run late under load (a test worker per
    // core and one more), so the slack is generous: steps of 100 ms, not 20, keep it below what a
    // missing cap gives.
    const SLACK = 300;
    for (const [i, wait] of waits.entries()) {
      expect(wait, `wait before attempt ${i + 2}: ${waits.map(Math.round).join(', ')}`).toBeLessThan(200 + SLACK);
    }
    // The 6th attempt comes well before an uncapped backoff could allow it (100+200+400+800+1600 =
    // 3.1 s after the 1st; capped, 0.9 s), and the 8th long before (12.7 s uncapped; capped, 1.3 s).
    expect(attempts[5].at - attempts[0].at).toBeLessThan(2000);
    expect(attempts[7].at - attempts[0].at).toBeLessThan(4000);
  });

  it('waits at least webhookBackoffMs, doubling, before retrying', async () => {
    const env = await envWith({ webhookAttempts: 4, webhookBackoffMs: 30, webhookBackoffMaxMs: 1000 });
    env.receiver.respondWith((_d, i) => (i < 3 ? 503 : 200));
    await env.call({ answered: false });
    await env.receiver.accepts(1, 5000);
    const waits = gaps(env.receiver.requests.map((r) => r.at));
    expect(waits).toHaveLength(3);
    // 30, 60, 120 ms, give or take a millisecond of timer rounding.
    waits.forEach((wait, i) => expect(wait, `wait before attempt ${i + 2}`).toBeGreaterThanOrEqual(30 * 2 ** i - 2));
  });
});
