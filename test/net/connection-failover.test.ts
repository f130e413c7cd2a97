import { afterEach, describe, expect, it, vi } from 'vitest';
import { startReceiver, verifyAll, type Receiver } from '../support/receiver.js';
import type { Config } from '../../src/config.js';
import { enc, logOf, offline, type Entry, type Offline } from './support.js';

/**
 * A connection's own failover URL, delivered for real. README: "Where they go, first match wins …
 * 2. the URLs set for the call's `connection_id`: `PUT /_mock/connections/conn-1 …
 * {"webhook_url": …, "webhook_failover_url": …}`; 3. `TELNYX_MOCK_WEBHOOK_URL` /
 * `TELNYX_MOCK_WEBHOOK_FAILOVER_URL`", and "once the primary URL's attempts are used up, the
 * failover URL gets as many". So a call on a connection with both URLs fails over to the
 * connection's failover, never to the server's; a call whose first match has no failover URL has
 * none at all.
 */
const KEY = 'KEY_net_failover';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function receivers(...answers: Array<Parameters<typeof startReceiver>[0]>): Promise<Receiver[]> {
  const all = [];
  for (const a of answers) {
    const r = await startReceiver(a);
    open.push(r);
    all.push(r);
  }
  return all;
}
function emulator(config: Partial<Config>): Offline {
  const t = offline(KEY, { webhookAttempts: 2, webhookBackoffMs: 10, webhookBackoffMaxMs: 20, ...config });
  open.push({ close: () => t.close() });
  return t;
}

async function setConnection(t: Offline, id: string, body: object) {
  const res = await t.v2.put(`/_mock/connections/${enc(id)}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A caller rings on `connectionId` (one event: call.initiated). */
async function ring(t: Offline, connectionId: string, webhookUrl?: string): Promise<string> {
  const res = await t.v2.post('/_mock/calls', { from: '+15550600001', to: '+15559990000', connection_id: connectionId, webhook_url: webhookUrl });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.call_control_id as string;
}

async function settledLog(t: Offline): Promise<Entry[]> {
  let log: Entry[] = [];
  await vi.waitFor(async () => {
    log = await logOf(t.v2);
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 'pending')).toEqual([]);
  }, { timeout: 5000, interval: 10 });
  return log;
}

const tried = (e: Entry) => e.attempts.map((a) => [a.attempt, a.url, a.status]);

describe("a connection's failover URL", () => {
  it("gets the event once the connection's primary URL has used up its attempts; the server's URLs get nothing", async () => {
    const [primary, connFailover, global, globalFailover] = await receivers(() => 500, () => 200, () => 200, () => 200);
    const t = emulator({ webhookUrl: global.url, webhookFailoverUrl: globalFailover.url });
    await setConnection(t, 'conn-app', { webhook_url: primary.url, webhook_failover_url: connFailover.url });
    await ring(t, 'conn-app');

    const [entry] = await settledLog(t);
    expect(entry).toMatchObject({ status: 'delivered', url: connFailover.url, failover_url: connFailover.url });
    expect(tried(entry)).toEqual([[1, primary.url, 500], [2, primary.url, 500], [3, connFailover.url, 200]]);
    expect(connFailover.requests.map((r) => r.json.meta)).toEqual([{ attempt: 3, delivered_to: connFailover.url }]);
    expect(global.requests).toHaveLength(0);
    expect(globalFailover.requests).toHaveLength(0);
    await verifyAll(t.em.webhooks.publicKey, connFailover.requests);
  });

  it("gets as many attempts as the primary when it refuses too, then the event fails; the server's failover gets nothing", async () => {
    const [primary, connFailover, globalFailover] = await receivers(() => 503, () => 503, () => 200);
    const t = emulator({ webhookFailoverUrl: globalFailover.url, webhookAttempts: 3 });
    await setConnection(t, 'conn-app', { webhook_url: primary.url, webhook_failover_url: connFailover.url });
    await ring(t, 'conn-app');
    const [entry] = await settledLog(t);
    expect(entry.status).toBe('failed');
    expect(tried(entry)).toEqual([
      [1, primary.url, 503], [2, primary.url, 503], [3, primary.url, 503],
      [4, connFailover.url, 503], [5, connFailover.url, 503], [6, connFailover.url, 503],
    ]);
    expect(globalFailover.requests).toHaveLength(0);
  });

  it("is not borrowed from the server: a connection with a webhook_url and no failover fails after its own attempts", async () => {
    const [primary, globalFailover] = await receivers(() => 500, () => 200);
    const t = emulator({ webhookFailoverUrl: globalFailover.url });
    await setConnection(t, 'conn-app', { webhook_url: primary.url });
    await ring(t, 'conn-app');
    const [entry] = await settledLog(t);
    expect(entry).toMatchObject({ status: 'failed', failover_url: null });
    expect(tried(entry)).toEqual([[1, primary.url, 500], [2, primary.url, 500]]);
    expect(globalFailover.requests).toHaveLength(0);
  });

  it("is not used for a call placed with its own webhook_url: that call's first match has no failover", async () => {
    const [own, connPrimary, connFailover] = await receivers(() => 500, () => 200, () => 200);
    const t = emulator({});
    await setConnection(t, 'conn-app', { webhook_url: connPrimary.url, webhook_failover_url: connFailover.url });
    await ring(t, 'conn-app', own.url);
    const [entry] = await settledLog(t);
    expect(entry).toMatchObject({ status: 'failed', failover_url: null });
    expect(tried(entry)).toEqual([[1, own.url, 500], [2, own.url, 500]]);
    expect(connPrimary.requests).toHaveLength(0);
    expect(connFailover.requests).toHaveLength(0);
  });

  it("serves only its own connection: a call on another connection fails over to the server's failover", async () => {
    const [connPrimary, connFailover, global, globalFailover] = await receivers(() => 200, () => 200, () => 500, () => 200);
    const t = emulator({ webhookUrl: global.url, webhookFailoverUrl: globalFailover.url });
    await setConnection(t, 'conn-app', { webhook_url: connPrimary.url, webhook_failover_url: connFailover.url });
    await ring(t, 'conn-other');
    const [entry] = await settledLog(t);
    expect(tried(entry)).toEqual([[1, global.url, 500], [2, global.url, 500], [3, globalFailover.url, 200]]);
    expect(connPrimary.requests.length + connFailover.requests.length).toBe(0);
  });

  it("serves a transfer's leg B too, B being on A's connection", async () => {
    // README (transfer): B's "webhooks go to the transfer's `webhook_url`, else where the original call's go".
    const [primary, connFailover] = await receivers(() => 500, () => 200);
    const t = emulator({});
    await setConnection(t, 'conn-app', { webhook_url: primary.url, webhook_failover_url: connFailover.url });
    const a = await ring(t, 'conn-app');
    const answer = await t.v2.post(`/v2/calls/${enc(a)}/actions/answer`, {});
    expect(answer.status).toBe(200);
    const res = await t.v2.post(`/v2/calls/${enc(a)}/actions/transfer`, { to: '+15550600099' });
    expect(res.status).toBe(200);
    const log = await settledLog(t);
    const ofB = log.filter((e) => e.call_control_id !== a);
    expect(ofB.map((e) => e.event_type)).toEqual(['call.initiated', 'call.answered', 'call.bridged']);
    for (const e of ofB) expect(tried(e)).toEqual([[1, primary.url, 500], [2, primary.url, 500], [3, connFailover.url, 200]]);
    expect(connFailover.accepted().map((d) => d.json.data.event_type).sort())
      .toEqual(['call.answered', 'call.answered', 'call.bridged', 'call.bridged', 'call.initiated', 'call.initiated']);
  });
});
