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
    const env = await envWith({ webhookAttempts: 8, webhookBackoffMs: 20, webhookBackoffMaxMs: 40 });
    // Refuses the first 7 attempts, accepts the 8th.
    env.receiver.respondWith((_d, i) => (i < 7 ? 503 : 200));
    await env.call({ answered: false });
    await env.receiver.accepts(1, 5000);

    const attempts = env.receiver.requests;
    expect(attempts.map((r) => r.json.meta.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(attempts.map((r) => r.json.data.id)).size).toBe(1);
    const waits = gaps(attempts.map((r) => r.at));
    // Waits of 20, 40, 40, 40, 40, 40, 40 ms; doubling without the cap would be 20, 40, 80, 160,
    // 320, 640, 1280 (2.5 s in all). Timers may run late under load, so allow generous slack.
    const SLACK = 120;
    for (const [i, wait] of waits.entries()) {
      expect(wait, `wait before attempt ${i + 2}: ${waits.map(Math.round).join(', ')}`).toBeLessThan(40 + SLACK);
    }
    // The 6th attempt comes well before an uncapped backoff could allow it (20+40+80+160+320 =
    // 620 ms after the 1st; capped, 180 ms), and the 8th long before (2.5 s uncapped; capped, 260 ms).
    expect(attempts[5].at - attempts[0].at).toBeLessThan(450);
    expect(attempts[7].at - attempts[0].at).toBeLessThan(1200);
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
