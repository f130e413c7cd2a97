import { afterEach, describe, expect, it } from 'vitest';
import { mockControl } from '../../src/lib.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import type { Config } from '../../src/config.js';
import { logOf, offline, type Offline } from './support.js';

/**
 * README "Sharing one emulator": "**Webhooks** go out fairly: accounts take turns, and each account
 * and each destination (URL origin) holds at most `TELNYX_MOCK_WEBHOOK_CONCURRENCY` deliveries in
 * flight. A receiver that never answers, with 2,000 events queued behind it, leaves another
 * account's receiver getting its webhooks as fast as with nothing else running".
 *
 * Events are recorded in one go through startMock()'s helpers (mockControl, synchronous), so the
 * dispatcher finds the whole backlog at its first look and only its own rules decide the order.
 */
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
  const t = offline('KEY_net_fair_setup', config);
  open.push({ close: () => t.close() });
  return t;
}

/** `n` callers ring on the account (one call.initiated each, each call its own ordering lane). */
function ring(t: Offline, key: string, n: number, webhookUrl: string, base: number) {
  const mock = mockControl(t.em, key);
  for (let i = 0; i < n; i++) {
    mock.placeCall({ from: `+1555${String(base + i).padStart(7, '0')}`, to: '+15559990000', webhookUrl });
  }
}

describe('webhook delivery takes turns between accounts', () => {
  it("delivers a second account's events among the first, not after the first account's backlog (round robin)", async () => {
    const r = await receiver(() => 200);
    // 16 a second at most: a burst of 8 at once, then one at a time, at least 60 ms apart.
    const t = emulator({ webhookMaxPerSecond: 16 });
    ring(t, 'KEY_net_fair_backlog', 12, `${r.url}/backlog`, 1000);
    ring(t, 'KEY_net_fair_late', 3, `${r.url}/late`, 2000);
    await r.until(() => r.requests.length === 15, 10_000, '15 webhooks');

    const order = r.requests.map((d) => (d.json.meta.delivered_to.endsWith('/late') ? 'late' : 'backlog'));
    // Turns: backlog, late, backlog, late, backlog, late, backlog, backlog … — the late account's
    // three are within the first burst of 8; first come first served would put them last.
    const lateAt = order.flatMap((who, i) => (who === 'late' ? [i] : []));
    expect(lateAt, order.join(' ')).toHaveLength(3);
    expect(Math.max(...lateAt), order.join(' ')).toBeLessThan(8);
  });

  it("keeps one account to webhookConcurrency in flight across its destinations, so another account's webhooks go at once", async () => {
    const hung: Receiver[] = [];
    for (let i = 0; i < 4; i++) hung.push(await receiver(() => 'hang'));
    const healthy = await receiver(() => 200);
    const t = emulator({ webhookConcurrency: 2, webhookTimeoutMs: 10_000 });
    // Four destinations of one account, two events each: eight could be in flight but for the account's share.
    hung.forEach((h, i) => ring(t, 'KEY_net_fair_noisy', 2, h.url, 3000 + i * 10));
    const inFlight = () => hung.reduce((n, h) => n + h.requests.length, 0);
    // Its first two events (turns within an account go in recorded order) are both for hung[0].
    await hung[0].until(() => inFlight() >= 2, 5000, 'two hung deliveries');

    const started = performance.now();
    ring(t, 'KEY_net_fair_quiet', 1, healthy.url, 4000);
    await healthy.until(() => healthy.requests.length === 1, 5000, "the quiet account's webhook");
    // Long before any hung attempt times out (10 s).
    expect(performance.now() - started).toBeLessThan(2000);

    // The noisy account holds exactly its two slots: two attempts recorded, six events not tried yet.
    const noisy = await logOf(t.http.as('KEY_net_fair_noisy'));
    expect(noisy.filter((e) => e.attempts.length > 0)).toHaveLength(2);
    expect(noisy.filter((e) => e.attempts.length === 0)).toHaveLength(6);
    expect(inFlight()).toBe(2);
  });

  it('keeps one destination to webhookConcurrency in flight, whichever accounts send to it', async () => {
    const hung = await receiver(() => 'hang');
    const healthy = await receiver(() => 200);
    const t = emulator({ webhookConcurrency: 2, webhookTimeoutMs: 10_000 });
    // Three accounts, two events each, all to one receiver: each account may have two in flight, the receiver only two.
    const keys = ['KEY_net_fair_a', 'KEY_net_fair_b', 'KEY_net_fair_c'];
    keys.forEach((key, i) => ring(t, key, 2, hung.url, 5000 + i * 10));
    await hung.until(() => hung.requests.length >= 2, 5000, 'two hung deliveries');
    // The same accounts' webhooks to another destination are not held behind it.
    keys.forEach((key, i) => ring(t, key, 1, healthy.url, 6000 + i * 10));
    await healthy.until(() => healthy.requests.length === 3, 5000, 'three healthy deliveries');

    let tried = 0;
    for (const key of keys) tried += (await logOf(t.http.as(key))).filter((e) => e.attempts.length > 0 && e.url === hung.url).length;
    expect(tried).toBe(2);
    expect(hung.requests).toHaveLength(2);
  });
});
