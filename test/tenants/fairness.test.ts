import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { placeCall, farEndHangup } from '../../src/commands/callers.js';
import { startReceiver } from '../support/receiver.js';

/**
 * Sealed tenants, webhook delivery (issue 11, row 4): one account's receiver that never answers,
 * with thousands of its events queued, holds its own account's delivery slots and no one else's.
 * Before, one FIFO and 64 shared slots (10 s timeout × 3 attempts) meant another account's healthy
 * receiver got 0 of 25 webhooks in 25 s.
 */
let em: RunningEmulator | undefined;
const receivers: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  await em?.close();
  for (const r of receivers.splice(0)) await r.close();
});

const HUNG_EVENTS = 2000;
const HEALTHY_CALLS = 25;

describe('webhook delivery across accounts', () => {
  it("delivers a healthy receiver's webhooks at once while another account's receiver hangs with 2,000 events queued", async () => {
    const hung = await startReceiver(() => 'hang');
    const healthy = await startReceiver(() => 200);
    receivers.push(hung, healthy);
    // The server's own delivery defaults: 64 in flight, 10 s per attempt.
    em = await startEmulator(defaultConfig({ webhookTimeoutMs: 10_000, webhookConcurrency: 64, webhookBackoffMs: 1000 }));

    // The noisy account: 1,000 callers who ring and hang up, every webhook to the hung receiver.
    const noisy = em.account('KEY_noisy');
    for (let i = 0; i < HUNG_EVENTS / 2; i++) {
      const call = placeCall(noisy, {
        from: `+1555${String(i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'noisy', webhook_url: hung.url,
      });
      farEndHangup(noisy, call.callControlId);
    }
    await hung.until(() => hung.requests.length >= 64, 10_000, 'the hung receiver to hold every slot it may');

    // The healthy account places its calls over HTTP, one at a time; each call.initiated must arrive.
    const latencies: number[] = [];
    for (let i = 0; i < HEALTHY_CALLS; i++) {
      const placed = performance.now();
      const res = await fetch(`${em.url}/_mock/calls`, {
        method: 'POST', headers: { authorization: 'Bearer KEY_healthy', 'content-type': 'application/json' },
        body: JSON.stringify({ from: `+1555900${String(i).padStart(4, '0')}`, to: '+15559990000', connection_id: 'healthy', webhook_url: healthy.url }),
      });
      expect(res.status).toBe(201);
      await healthy.until(() => healthy.requests.length > i, 5000, `webhook ${i + 1} of the healthy account`);
      latencies.push(healthy.requests[i].at - placed);
    }
    latencies.sort((a, b) => a - b);
    console.log(`healthy receiver beside a hung one: median ${latencies[12].toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
    expect(healthy.requests).toHaveLength(HEALTHY_CALLS);
    // Beside a hung receiver as without one (about 25 ms on a loaded 2-core machine, loopback);
    // generous bounds so a loaded CI machine cannot make it flaky (before: never delivered).
    expect(latencies[12]).toBeLessThan(250);
    expect(latencies.at(-1)).toBeLessThan(2000);
    // The hung account holds its own slots only: no more than 64 of its requests are open.
    expect(hung.requests.length).toBeLessThanOrEqual(64);
  }, 60_000);
});
