import { afterEach, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { defaultConfig, startEmulator, type RunningEmulator } from '../../src/server.js';
import { startReceiver, verifyAll, type Receiver } from '../support/receiver.js';

/**
 * Issue 17, "Done when": a snapshot round trip (export → import into a fresh server → export) is
 * identical for a state with a running conference of 50, a queue of 10, pending timers and
 * undelivered webhooks; after import the timers fire and the webhooks deliver as they would have.
 */
const KEY = 'KEY_snapshot_source';
const SEED = Buffer.alloc(32, 7).toString('base64');

const servers: RunningEmulator[] = [];
let receiver: Receiver | undefined;
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await receiver?.close();
  receiver = undefined;
});

async function server(): Promise<RunningEmulator> {
  const em = await startEmulator(defaultConfig({ webhookUrl: receiver!.url, signingKey: SEED }));
  servers.push(em);
  return em;
}

const control = (em: RunningEmulator, key: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${em.url}/_mock${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
};

/** A caller already answered, as the control API places one. */
async function caller(mock: ReturnType<typeof control>, n: number): Promise<string> {
  const res = await mock('POST', '/calls', {
    from: `+1555000${String(n).padStart(4, '0')}`, to: '+15559870000', connection_id: 'my-app', answered: true,
  });
  expect(res.status).toBe(201);
  return res.json.data.call_control_id as string;
}

/**
 * The source state: the clock frozen (so the document does not move with wall time), a
 * conference of 50, a queue of 10 with a wait limit, a dialed number's behaviour and an
 * application, all through the official SDK where it has a method; the source's webhook
 * dispatcher is stopped first, so every webhook is still undelivered when the snapshot is taken.
 */
async function buildSource(em: RunningEmulator) {
  await em.webhooks.close();
  const mock = control(em, KEY);
  const client = new Telnyx({ apiKey: KEY, baseURL: `${em.url}/v2`, maxRetries: 0 });
  expect((await mock('POST', '/clock/freeze')).status).toBe(200);
  const host = await caller(mock, 0);
  const conference = await client.conferences.create({ call_control_id: host, name: 'all-hands' });
  for (let i = 1; i < 50; i++) {
    await client.conferences.actions.join(conference.data!.id, { call_control_id: await caller(mock, i) });
  }
  for (let i = 0; i < 10; i++) {
    await client.calls.actions.enqueue(await caller(mock, 100 + i), { queue_name: 'support', max_wait_time_secs: 600 });
  }
  await mock('PUT', '/numbers/+15557770001', { behaviour: 'busy' });
  await client.callControlApplications.create({ application_name: 'front door', webhook_event_url: 'https://example.com/hooks' });
  return { conferenceId: conference.data!.id };
}

describe('a state snapshot', () => {
  it('round-trips byte for byte: export, import into a fresh server, export again', async () => {
    receiver = await startReceiver();
    const source = await server();
    await buildSource(source);
    const exported = await control(source, KEY)('GET', '/snapshot');
    expect(exported.status).toBe(200);
    const doc = exported.json;
    expect(doc.telnyx_mock_snapshot).toBe(1);
    const tables = doc.accounts[0].tables;
    expect(tables.participants).toHaveLength(50);
    expect(tables.queue_calls).toHaveLength(10);
    expect(tables.timers.length).toBeGreaterThanOrEqual(11); // the conference's expiry and ten queue timeouts
    expect(tables.webhook_events.every((e: { status: string }) => e.status === 'pending')).toBe(true);
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(['call_legs', 'conferences', 'queues', 'numbers', 'call_control_applications']));

    // The fresh server's dispatcher is stopped too: delivering would (rightly) change the outbox between the two exports.
    const fresh = await server();
    await fresh.webhooks.close();
    const imported = await control(fresh, KEY)('PUT', '/snapshot', exported.text);
    expect(imported.status).toBe(201);
    const again = await control(fresh, KEY)('GET', '/snapshot');
    expect(again.text).toBe(exported.text);
  });

  it('after import, the undelivered webhooks deliver (signed, verified by the SDK) and the timers fire as the clock moves', async () => {
    receiver = await startReceiver();
    const source = await server();
    const { conferenceId } = await buildSource(source);
    const exported = await control(source, KEY)('GET', '/snapshot');
    const pending = exported.json.accounts[0].tables.webhook_events.length as number;
    expect(receiver.requests).toHaveLength(0);

    const fresh = await server();
    const mock = control(fresh, 'KEY_snapshot_target');
    expect((await mock('PUT', '/snapshot', exported.text)).status).toBe(201);
    // Delivered in order per call, as they would have been: every one, with its own event id.
    const delivered = await receiver.accepts(pending, 15_000);
    const events = await verifyAll(fresh.webhooks.publicKey, delivered);
    expect(new Set(events.map((e) => (e as { data?: { id?: string } }).data?.id)).size).toBe(pending);
    const ids = exported.json.accounts[0].tables.webhook_events.map((e: { id: string }) => e.id).sort();
    expect(delivered.map((d) => d.json.data.id).sort()).toEqual(ids);

    // The queue's wait limit (600 s) and the conference's 4-hour expiry are timers on the imported clock.
    const client = new Telnyx({ apiKey: 'KEY_snapshot_target', baseURL: `${fresh.url}/v2`, maxRetries: 0 });
    expect((await client.queues.retrieve('support')).data?.current_size).toBe(10);
    expect((await mock('POST', '/clock/advance', { seconds: 601 })).status).toBe(200);
    expect((await client.queues.retrieve('support')).data?.current_size).toBe(0);
    expect((await mock('POST', '/clock/advance', { duration: 'PT4H' })).status).toBe(200);
    expect((await client.conferences.retrieve(conferenceId)).data?.status).toBe('completed');
    const after = await receiver.until(() => receiver!.accepted().some((d) => d.json.data.event_type === 'conference.ended'), 15_000)
      .then(() => receiver!.accepted().slice(pending));
    expect(after.filter((d) => d.json.data.event_type === 'call.dequeued')).toHaveLength(10);
    expect(after.filter((d) => d.json.data.event_type === 'conference.ended')).toHaveLength(1);
  });
});
