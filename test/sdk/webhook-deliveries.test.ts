/**
 * GET /v2/webhook_deliveries[/{id}] through the official SDK's `webhookDeliveries` resource: the
 * same log as GET /_mock/webhooks in Telnyx's `webhook_delivery` shape, validated against the
 * spec's schema (spec/telnyx-openapi/webhook-deliveries.json, vendored from spec3.yml at 12de4dd).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from 'telnyx/resources/webhook-deliveries';
import { validate } from '../support/openapi.js';
import { webhookEnv, type Env } from '../webhooks/env.js';
import { whenChanged } from '../support/changes.js';
import type { Config } from '../../src/config.js';

type Schema = Record<string, unknown>;
const spec = JSON.parse(readFileSync(new URL('../../spec/telnyx-openapi/webhook-deliveries.json', import.meta.url), 'utf8')) as {
  paths: Record<string, { get: { responses: Record<string, { content: { 'application/json': { schema: Schema } } }> } }>;
  components: { schemas: Record<string, Schema> };
};
const listSchema = spec.paths['/webhook_deliveries'].get.responses['200'].content['application/json'].schema;
const oneSchema = spec.paths['/webhook_deliveries/{id}'].get.responses['200'].content['application/json'].schema;

/** Keys the spec's schema does not name (Telnyx's exact shape: nothing more), and formats it states. */
function shapeProblems(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return shapeProblems(spec.components.schemas[String(schema.$ref).split('/').pop()!], value, at);
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => shapeProblems(schema.items as Schema, v, `${at}[${i}]`)) : [];
  const problems: string[] = [];
  if (schema.format === 'date-time' && !(typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value))) problems.push(`${at}: not a date-time`);
  if (schema.format === 'uuid' && !(typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))) problems.push(`${at}: not a uuid`);
  if (value && typeof value === 'object' && schema.properties && !schema.additionalProperties) {
    const props = schema.properties as Record<string, Schema>;
    for (const [k, v] of Object.entries(value)) {
      if (!(k in props)) problems.push(`${at}.${k}: not in the schema`);
      else problems.push(...shapeProblems(props[k], v, `${at}.${k}`));
    }
  }
  return problems;
}
const conforms = (schema: Schema, body: unknown) => [...validate(spec as never, schema, body), ...shapeProblems(schema, body)];

const open: Env[] = [];
afterEach(async () => { for (const e of open.splice(0)) await e.close(); });
async function env(config: Partial<Config> = {}) {
  const e = await webhookEnv(config, 'KEY_deliveries');
  open.push(e);
  return e;
}

/** The /_mock/webhooks log once nothing is pending (re-read on each change the account notifies). */
function settledLog(e: Env) {
  return whenChanged(e.em, e.account, async () => {
    const log = (await e.mock('GET', '/webhooks')).json.data as MockEntry[];
    return log.every((x) => x.status !== 'pending') ? log : undefined;
  }, { what: 'no webhook pending' });
}
interface MockEntry {
  id: string; status: string; event_type: string; call_control_id: string; data: unknown;
  attempts: { url: string; status: number | null; at: string }[];
}

/** Every delivery the SDK's auto-pagination walks through. */
async function all(e: Env, query: Parameters<Env['client']['webhookDeliveries']['list']>[0] = {}) {
  const seen: WebhookDelivery[] = [];
  for await (const d of e.client.webhookDeliveries.list(query)) seen.push(d);
  return seen;
}

/** A port that refuses connections: deliveries there fail. */
async function deadUrl() {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hooks`;
  await new Promise((r) => s.close(r));
  return url;
}

describe('webhook_deliveries: the delivery log in Telnyx\'s shape', () => {
  it('shows what /_mock/webhooks shows, most recent first, each attempt with its request and answer', async () => {
    const e = await env();
    // The first try of call.answered is refused, with a body and a header Telnyx would keep.
    let refused = false;
    e.receiver.respondWith((d) => {
      if (d.json.data.event_type === 'call.answered' && !refused) { refused = true; return 503; }
      return 200;
    });
    const call = await e.call();
    await e.client.calls.actions.hangup(call, {});
    const log = await settledLog(e);
    expect(log.map((x) => x.event_type)).toEqual(['call.initiated', 'call.answered', 'call.hangup']);

    const page = await e.client.webhookDeliveries.list();
    expect(conforms(listSchema, { data: page.data, meta: page.meta })).toEqual([]);
    expect(page.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 3 });
    // Per account, the most recent attempt first.
    expect(page.data.map((d) => d.webhook!.event_type)).toEqual(['call.hangup', 'call.answered', 'call.initiated']);

    for (const entry of log) {
      const d = page.data.find((x) => x.id === entry.id)!;
      expect(d).toMatchObject({ record_type: 'webhook_delivery', status: 'delivered', webhook: entry.data });
      expect(d.user_id).toBe(page.data[0].user_id);
      // "Detailed delivery attempts, ordered by most recent."
      expect(d.attempts!.map((a) => [a.http!.request!.url, a.http!.response!.status, a.status]))
        .toEqual([...entry.attempts].reverse().map((a) => [a.url, a.status, a.status === 200 ? 'delivered' : 'failed']));
      expect(d.started_at).toBe(entry.attempts[0].at);
      expect(d.finished_at).toBe(d.attempts![0].finished_at);
      expect(Date.parse(d.finished_at!)).toBeGreaterThanOrEqual(Date.parse(d.started_at!));
      // The request as sent (signed), the answer as received.
      const sent = e.receiver.requests.filter((r) => r.json.data.id === entry.id).reverse();
      d.attempts!.forEach((a, i) => {
        expect(a.http!.request!.headers).toContainEqual(['telnyx-signature-ed25519', sent[i].headers['telnyx-signature-ed25519']]);
        expect(a.http!.response).toMatchObject({ body: 'ok', headers: expect.arrayContaining([['content-type', 'text/plain']]) });
      });

      const one = await e.client.webhookDeliveries.retrieve(entry.id);
      expect(conforms(oneSchema, one)).toEqual([]);
      expect(one.data).toEqual(d);
    }
    const retried = page.data.find((d) => d.webhook!.event_type === 'call.answered')!;
    expect(retried.attempts!.map((a) => a.status)).toEqual(['delivered', 'failed']);
  });

  it('answers an unknown id with Telnyx\'s 404, and keeps each account\'s deliveries to itself', async () => {
    const e = await env();
    await e.call();
    await settledLog(e);
    await expect(e.client.webhookDeliveries.retrieve('c9c0797e-901d-4349-a33c-c2c8f31a92c2'))
      .rejects.toMatchObject({ status: 404, error: { errors: [{ code: '10007', detail: 'WebhookDelivery not found' }] } });
    const [mine] = await all(e);
    const other = new (e.client.constructor as new (o: object) => Env['client'])({ apiKey: 'KEY_someone_else', baseURL: e.client.baseURL, maxRetries: 0 });
    expect((await other.webhookDeliveries.list()).data).toEqual([]);
    await expect(other.webhookDeliveries.retrieve(mine.id!)).rejects.toMatchObject({ status: 404 });
  });

  it('takes every documented filter, and pages flat with page[number] and page[size]', async () => {
    const e = await env();
    const dead = await deadUrl();
    const good = await e.call();
    await settledLog(e);
    await new Promise((r) => setTimeout(r, 5));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const bad = await e.call({ from: '+15550001001', webhookUrl: dead });
    await e.client.calls.actions.hangup(good, {});
    const log = await settledLog(e);
    const ids = (ds: WebhookDelivery[]) => ds.map((d) => d.id).sort();
    const idsOf = (pred: (x: MockEntry) => boolean) => log.filter(pred).map((x) => x.id).sort();

    // filter[status][eq]: "Return only webhook_deliveries matching the given `status`"
    expect(ids(await all(e, { filter: { status: { eq: 'failed' } } }))).toEqual(idsOf((x) => x.status === 'failed'));
    expect(ids(await all(e, { filter: { status: { eq: 'delivered' } } }))).toEqual(idsOf((x) => x.status === 'delivered'));
    expect(idsOf((x) => x.status === 'failed')).toEqual(idsOf((x) => x.call_control_id === bad));
    // filter[event_type]: "Accepts multiple values separated by a `,`."
    expect(ids(await all(e, { filter: { event_type: 'call.initiated,call.hangup' } })))
      .toEqual(idsOf((x) => ['call.initiated', 'call.hangup'].includes(x.event_type)));
    // filter[webhook][contains]: "whose `webhook` component contains the given text"
    expect(ids(await all(e, { filter: { webhook: { contains: bad } } }))).toEqual(idsOf((x) => x.call_control_id === bad));
    // filter[attempts][contains]: "whose `attempts` component contains the given text"
    expect(ids(await all(e, { filter: { attempts: { contains: dead } } }))).toEqual(idsOf((x) => x.call_control_id === bad));
    expect(await all(e, { filter: { attempts: { contains: 'nowhere.example' } } })).toEqual([]);
    // filter[started_at][gte|lte], filter[finished_at][gte|lte]
    const before = idsOf((x) => x.call_control_id === good && x.event_type !== 'call.hangup');
    const after = idsOf((x) => !before.includes(x.id));
    expect(ids(await all(e, { filter: { started_at: { lte: between } } }))).toEqual(before);
    expect(ids(await all(e, { filter: { started_at: { gte: between } } }))).toEqual(after);
    expect(ids(await all(e, { filter: { finished_at: { lte: between } } }))).toEqual(before);
    expect(ids(await all(e, { filter: { finished_at: { gte: between } } }))).toEqual(after);
    expect(ids(await all(e, { filter: { started_at: { gte: between }, status: { eq: 'delivered' } } })))
      .toEqual(idsOf((x) => x.call_control_id === good && x.event_type === 'call.hangup'));

    // Flat pagination: auto-pagination walks every page, meta as PaginationMetaSimple.
    const page = await e.client.webhookDeliveries.list({ 'page[size]': 2 });
    expect(page.meta).toEqual({ page_number: 1, page_size: 2, total_pages: Math.ceil(log.length / 2), total_results: log.length });
    expect(ids(await all(e, { 'page[size]': 2 }))).toEqual(log.map((x) => x.id).sort());
    expect((await e.client.webhookDeliveries.list({ 'page[size]': 2, 'page[number]': 2 })).data)
      .toEqual((await e.client.webhookDeliveries.list()).data.slice(2, 4));

    await expect(e.client.webhookDeliveries.list({ filter: { status: { eq: 'pending' as never } } }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10032', source: { parameter: 'filter[status][eq]' } }] } });
    await expect(e.client.webhookDeliveries.list({ filter: { started_at: { gte: 'yesterday' } } }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10015', source: { parameter: 'filter[started_at][gte]' } }] } });
    await expect(e.client.webhookDeliveries.list({ 'page[size]': 251 }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10033', source: { parameter: 'page[size]' } }] } });
  });

  it('reports a delivery still being retried as failed so far, without finished_at, until it settles', async () => {
    // status: "'delivered' when successfuly delivered or 'failed' if all attempts have failed" —
    // the spec has no third value; finished_at is "when the last webhook response has been received".
    const e = await env({ webhookBackoffMs: 60_000, webhookBackoffMaxMs: 60_000 });
    e.receiver.respondWith(() => 500);
    await e.call({ answered: false });
    await e.receiver.until(() => e.receiver.requests.length >= 1);
    // The receiver has answered; the attempt is listed once the dispatcher has recorded it.
    const listed = await whenChanged(e.em, e.account, async () => {
      const seen = await all(e);
      return seen.length > 0 ? seen : undefined;
    }, { what: 'the first attempt listed' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'failed', webhook: { event_type: 'call.initiated' } });
    expect(listed[0]).not.toHaveProperty('finished_at');
    expect(listed[0].attempts!.map((a) => [a.status, a.http!.response!.status])).toEqual([['failed', 500]]);
    expect((await e.mock('GET', '/webhooks')).json.data[0].status).toBe('pending');
    expect(conforms(listSchema, { data: listed })).toEqual([]);
  });
});
