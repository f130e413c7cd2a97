import { mockControl } from '../../src/lib.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, verifyAll, type Delivery, type Receiver } from '../support/receiver.js';
import { webhookEnv, type Env } from './env.js';
import { whenChanged } from '../support/changes.js';
import type { Config } from '../../src/config.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function envWith(config: Partial<Config> = {}, account?: string): Promise<Env> {
  const env = await webhookEnv(config, account);
  open.push(env);
  return env;
}
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

const logOf = async (env: Env, query = '') => (await env.mock('GET', `/webhooks${query}`)).json;
const idOf = (d: Delivery) => d.json.data.id;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the account's log has nothing pending and returns it (re-read on each change the account notifies). */
function settled(env: Env, timeoutMs = 5000) {
  return whenChanged(env.em, env.account, async () => {
    const log = await logOf(env);
    return log.data.every((e: { status: string }) => e.status !== 'pending') ? log.data : undefined;
  }, { timeoutMs, what: 'no webhook pending' });
}

describe('webhook delivery', () => {
  it('retries a receiver that refuses for a while until every event arrives once, in order, with rising attempt numbers', async () => {
    const env = await envWith({ webhookAttempts: 6 });
    let refusals = 0;
    env.receiver.respondWith(() => (refusals++ < 8 ? 503 : 200));
    const a = await env.call({ answered: false });
    await env.client.calls.actions.answer(a, {});
    const b = await env.call({ from: '+15550000002' });
    const conf = (await env.client.conferences.create({ call_control_id: a, name: 'retry' })).data!;
    await env.client.conferences.actions.join(conf.id, { call_control_id: b });
    await env.client.conferences.actions.endConference(conf.id, {});

    const log = await settled(env);
    expect(log.every((e: { status: string }) => e.status === 'delivered')).toBe(true);
    const accepted = env.receiver.accepted();
    // Every event exactly once, and nothing accepted that was not recorded.
    expect(accepted.map(idOf).sort()).toEqual(log.map((e: { id: string }) => e.id).sort());
    // No (event, attempt) pair sent twice; each event's attempts count 1, 2, 3…
    const sent = env.receiver.requests.map((d) => `${idOf(d)}#${d.json.meta.attempt}`);
    expect(new Set(sent).size).toBe(sent.length);
    for (const e of log) {
      const attempts = env.receiver.requests.filter((d) => idOf(d) === e.id).map((d) => d.json.meta.attempt);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
      expect(e.attempts.map((x: { status: number }) => x.status)).toEqual([...attempts.slice(1).map(() => 503), 200]);
    }
    expect(env.receiver.requests.filter((d) => d.answer === 503)).toHaveLength(8);
    // Per call, the order received is the order recorded.
    for (const id of [a, b]) {
      const recorded = log.filter((e: { call_control_id: string }) => e.call_control_id === id).map((e: { id: string }) => e.id);
      expect(accepted.filter((d) => d.json.data.payload.call_control_id === id && recorded.includes(idOf(d))).map(idOf)).toEqual(recorded);
    }
    await verifyAll(env.em.webhooks.publicKey, env.receiver.requests);
  });

  it('counts a dropped connection and a timeout as failed attempts, recording why', async () => {
    const env = await envWith({ webhookTimeoutMs: 150 });
    const answers = ['reset', 'hang', 200] as const;
    env.receiver.respondWith((_d, i) => answers[Math.min(i, 2)]);
    await env.call({ answered: false });
    const [entry] = await settled(env);
    expect(entry.status).toBe('delivered');
    expect(entry.attempts).toMatchObject([
      { attempt: 1, url: env.receiver.url, status: null, error: expect.any(String) },
      { attempt: 2, url: env.receiver.url, status: null, error: 'timed out after 150 ms' },
      { attempt: 3, url: env.receiver.url, status: 200 },
    ]);
    expect(env.receiver.requests.map((d) => d.json.meta.attempt)).toEqual([1, 2, 3]);
  });

  it("moves to the failover URL once the primary's attempts are used up, and fails the event when both give up", async () => {
    const failover = await receiver();
    const env = await envWith({ webhookAttempts: 2, webhookFailoverUrl: failover.url });
    env.receiver.respondWith(() => 500);
    await env.call({ answered: false });
    const [delivered] = await settled(env);
    expect(delivered).toMatchObject({ status: 'delivered', url: failover.url });
    expect(delivered.attempts.map((a: { url: string; status: number }) => [a.url, a.status]))
      .toEqual([[env.receiver.url, 500], [env.receiver.url, 500], [failover.url, 200]]);
    const [d] = failover.accepted();
    expect(d.json.meta).toEqual({ attempt: 3, delivered_to: failover.url });
    await verifyAll(env.em.webhooks.publicKey, [d]);

    failover.respondWith(() => 502);
    const id = await env.call({ answered: false, from: '+15550000009' });
    const [failed] = (await settled(env)).filter((e: { call_control_id: string }) => e.call_control_id === id);
    expect(failed.status).toBe('failed');
    expect(failed.attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 502, 502]);
  });

  it("holds a call's later events until its earlier one is delivered, while other calls' events go ahead", async () => {
    const env = await envWith({ webhookAttempts: 10, webhookBackoffMs: 40, webhookBackoffMaxMs: 40 });
    // Only the slow call's first event is refused (three times); its later events would be
    // accepted at once, so nothing but per-call ordering keeps them back. Known by its number,
    // so the very first attempt is already refused.
    const SLOW = '+15550000666';
    env.receiver.respondWith((d) => (d.json.data.payload.from === SLOW && d.json.data.event_type === 'call.initiated'
      && d.json.meta.attempt < 4 ? 503 : 200));
    const slow = await env.call({ from: SLOW, answered: false });
    await env.client.calls.actions.answer(slow, {});
    await env.client.calls.actions.hangup(slow, {});
    const fast = await env.call({ from: '+15550000002' });
    await settled(env);
    // Not one request for the slow call's later events before its first was accepted.
    const ofSlow = env.receiver.requests.filter((d) => d.json.data.payload.call_control_id === slow)
      .map((d) => `${d.json.data.event_type}#${d.json.meta.attempt}=${d.answer}`);
    expect(ofSlow).toEqual([
      'call.initiated#1=503', 'call.initiated#2=503', 'call.initiated#3=503', 'call.initiated#4=200',
      'call.answered#1=200', 'call.hangup#1=200',
    ]);
    // The other call was not held up behind the first call's retries.
    const order = env.receiver.accepted().map((d) => `${d.json.data.payload.call_control_id === slow ? 'slow' : 'fast'}:${d.json.data.event_type}`);
    expect(order.filter((o) => o.startsWith('fast'))).toEqual(['fast:call.initiated', 'fast:call.answered']);
    expect(order.indexOf('fast:call.answered')).toBeLessThan(order.indexOf('slow:call.initiated'));
    expect(fast).toBeTruthy();
  });

  it('sends to the webhook_url given when dialing, else to the URL set for the connection, else to the global URL', async () => {
    const env = await envWith();
    const [byDial, byConnection, byConnectionFailover] = [await receiver(), await receiver(), await receiver()];
    const put = await env.mock('PUT', '/connections/conn-app', { webhook_url: byConnection.url, webhook_failover_url: byConnectionFailover.url });
    expect(put).toEqual({ status: 200, json: { data: {
      record_type: 'connection', connection_id: 'conn-app', webhook_url: byConnection.url, webhook_failover_url: byConnectionFailover.url,
    } } });
    expect((await env.mock('GET', '/connections/conn-app')).json).toEqual(put.json);

    const dialed = (await env.client.calls.dial({ connection_id: 'conn-app', from: '+15550000001', to: '+15550000002', webhook_url: byDial.url })).data!;
    const onConnection = await env.call({ connectionId: 'conn-app' });
    const elsewhere = await env.call({ connectionId: 'conn-other' });
    await settled(env);
    const callsAt = (r: Receiver) => new Set(r.accepted().map((d) => d.json.data.payload.call_control_id));
    expect(callsAt(byDial)).toEqual(new Set([dialed.call_control_id]));
    expect(callsAt(byConnection)).toEqual(new Set([onConnection]));
    expect(callsAt(env.receiver)).toEqual(new Set([elsewhere]));
    expect(byConnectionFailover.requests).toHaveLength(0);
  });

  it('validates connection URLs and answers 404 for a connection never set', async () => {
    const env = await envWith();
    const bad = await env.mock('PUT', '/connections/conn-1', { webhook_url: 'ftp://example.com/hook' });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/webhook_url' } });
    expect((await env.mock('GET', '/connections/never')).status).toBe(404);
    expect((await env.mock('DELETE', '/connections/never')).status).toBe(404);
  });

  it('records events in the log when no URL is configured anywhere, without sending them', async () => {
    const env = await envWith({ webhookUrl: undefined });
    await env.call();
    const log = await settled(env);
    expect(log.map((e: { event_type: string }) => e.event_type)).toEqual(['call.initiated', 'call.answered']);
    expect(log[0]).toMatchObject({ status: 'failed', url: null, attempts: [], body: null, data: { event_type: 'call.initiated' } });
    expect(env.receiver.requests).toHaveLength(0);
  });

  it('lists the exact bodies sent with their attempts, filters by event type and call, pages, and clears per account', async () => {
    const env = await envWith();
    const first = await env.call();
    const second = await env.call({ from: '+15550000002' });
    const other = await envWith({}, 'KEY_other');
    await other.call();
    const log = await settled(env);
    await settled(other);

    expect(log).toHaveLength(4);
    for (const entry of log) {
      const got = env.receiver.accepted().find((d) => idOf(d) === entry.id)!;
      expect(entry.body).toBe(got.body);
      // Each attempt keeps the exact body and headers it sent (recorded before sending, shown as
      // recorded, never signed again) and the answer (for /v2/webhook_deliveries).
      expect(entry.attempts).toEqual([{
        attempt: 1, url: env.receiver.url, status: 200, at: expect.stringMatching(/Z$/), finished_at: expect.stringMatching(/Z$/),
        body: got.body,
        request_headers: [
          ['content-type', 'application/json'], ['user-agent', 'telnyx-mock-webhooks'],
          ['telnyx-timestamp', got.headers['telnyx-timestamp']], ['telnyx-signature-ed25519', got.headers['telnyx-signature-ed25519']],
        ],
        response: { headers: expect.arrayContaining([['content-type', 'text/plain']]), body: 'ok' },
      }]);
    }
    const answered = await logOf(env, '?event_type=call.answered');
    expect(answered.data.map((e: { call_control_id: string }) => e.call_control_id)).toEqual([first, second]);
    const ofSecond = await logOf(env, `?call_control_id=${encodeURIComponent(second)}`);
    expect(ofSecond.data.map((e: { event_type: string }) => e.event_type)).toEqual(['call.initiated', 'call.answered']);
    const page2 = await logOf(env, '?page[size]=3&page[number]=2');
    expect(page2.data.map((e: { id: string }) => e.id)).toEqual([log[3].id]);
    expect(page2.meta).toEqual({ page_number: 2, page_size: 3, total_pages: 2, total_results: 4 });
    expect((await env.mock('GET', '/webhooks?status=sent')).status).toBe(422);

    expect((await env.mock('DELETE', '/webhooks')).json).toEqual({ data: { result: 'ok', deleted: 4 } });
    expect((await logOf(env)).data).toEqual([]);
    expect((await logOf(other)).data).toHaveLength(2);
  });

  it('drops undelivered events when the log is cleared', async () => {
    const env = await envWith({ webhookAttempts: 50 });
    env.receiver.respondWith(() => 503);
    await env.call();
    await env.receiver.until(() => env.receiver.requests.length >= 2);
    await env.mock('DELETE', '/webhooks');
    env.receiver.respondWith(() => 200);
    await sleep(300);
    expect(env.receiver.accepted()).toHaveLength(0);
  });

  it('starts no more deliveries per second than webhookMaxPerSecond allows', async () => {
    const env = await envWith({ webhookMaxPerSecond: 100 });
    // 40 events recorded at once, across 20 calls, so nothing but the rate holds them back.
    for (let i = 0; i < 20; i++) {
      mockControl(env.em, env.account).placeCall({ from: `+1555000${String(i).padStart(4, '0')}`, to: '+15559990000', connectionId: 'c', answered: true });
    }
    await settled(env);
    const times = env.receiver.requests.map((d) => d.at);
    expect(times).toHaveLength(40);
    // A burst of 8 may go at once; the other 32 need at least 32 / 100 s.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(300);
  });

  it('keeps at most webhookConcurrency deliveries in flight, and a receiver that never answers does not slow the API', async () => {
    const env = await envWith({ webhookConcurrency: 4, webhookTimeoutMs: 10_000 });
    env.receiver.respondWith(() => 'hang');
    const started = Date.now();
    const calls = [];
    for (let i = 0; i < 20; i++) calls.push(await env.call({ from: `+1555000${String(i).padStart(4, '0')}` }));
    for (const id of calls) expect((await env.client.calls.retrieveStatus(id)).data!.is_alive).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    await env.receiver.until(() => env.receiver.requests.length >= 4);
    await sleep(100);
    expect(env.receiver.requests).toHaveLength(4);
    const pending = (await logOf(env, '?status=pending')).data;
    expect(pending).toHaveLength(40);
  });
});
