import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { DELIVERY_ATTEMPTS_JSON } from '../../src/store/account-store.js';
import { webhookDeliveryJson } from '../../src/serialize/webhook-deliveries.js';
import type { DeliveryAttempt } from '../../schema/index.js';
import type { WebhookEventRow } from '../../src/model/entities.js';

/**
 * GET /v2/webhook_deliveries reads a page from the database: the dispatcher keeps what it sorts
 * and filters on as columns (store/outbox.ts deliveryColumns), so a page of one costs the same on
 * a log of 300 events as on one of 30,000 (issue 19: it used to read and parse the whole log,
 * 3.3 s and +121 MB for a page of one on 30,006 events).
 */
const KEY = 'KEY_delivery_pages';
let em: Emulator;

beforeEach(() => { em = inMemory(); });
afterEach(() => em.dispose());

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `n` settled events recorded the way the dispatcher records them: a row, then its attempts through
 * OutboxStore.update (which derives the delivery columns). Every third one failed twice then got
 * a 200; each answer carries a 1 KiB body, as a real receiver's page might.
 */
function seed(account: string, n: number, from = 0): void {
  const raw = em.db.$client;
  const outbox = new OutboxStore(em.db);
  const insert = raw.prepare(`INSERT INTO webhook_events (id, account, event_type, call_control_id, ordering_key, occurred_at, data, url,
    status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'http://app/hook', 'pending', '[]', NULL, ?) RETURNING seq`);
  const answer = 'x'.repeat(1024);
  // Rows name the account by its id, never its key (store/account-id.ts).
  const stored = em.account(account).id;
  raw.transaction(() => {
    for (let i = from; i < from + n; i++) {
      const at = T0 + i * 1000;
      const id = `evt-${account}-${i}`;
      const data = JSON.stringify({ record_type: 'event', event_type: i % 2 ? 'call.hangup' : 'call.answered', id, occurred_at: iso(at), payload: { call_control_id: `v3:${i}`, client_state: null } });
      const { seq } = insert.get(id, stored, i % 2 ? 'call.hangup' : 'call.answered', `v3:${i}`, `v3:${i}`, iso(at), data, at) as { seq: number };
      const attempt = (k: number, status: number | null): DeliveryAttempt => ({
        attempt: k, url: 'http://app/hook', status, at: iso(at + k * 10), finished_at: iso(at + k * 10 + 5),
        request_headers: [['content-type', 'application/json']], body: data, ...(status === null ? { error: 'ECONNREFUSED' } : { response: { headers: [], body: answer } }),
      });
      const attempts = i % 3 === 0 ? [attempt(1, 500), attempt(2, null), attempt(3, 200)] : [attempt(1, 200)];
      outbox.update(seq, 'delivered', attempts, null, iso(at));
    }
  })();
}

async function page(account: string, query: string) {
  const res = await api(em).as(account).get(`/v2/webhook_deliveries${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: Array<{ id: string; attempts: unknown[] }>; meta: { total_results: number; total_pages: number } };
}

/** The median time of `runs` requests, in ms. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

describe('GET /v2/webhook_deliveries on a long log', () => {
  it('answers page[size]=1 of 30,000 events in about the time it takes on 300, newest first', async () => {
    seed('KEY_small', 300);
    seed(KEY, 30_000);
    const first = await page(KEY, '?page[size]=1');
    expect(first.data.map((d) => d.id)).toEqual([`evt-${KEY}-29999`]);
    expect(first.meta.total_results).toBe(30_000);
    const deep = await page(KEY, '?page[size]=2&page[number]=3&filter[event_type]=call.answered');
    expect(deep.data.map((d) => d.id)).toEqual([`evt-${KEY}-29990`, `evt-${KEY}-29988`]);

    const small = await median(15, () => page('KEY_small', '?page[size]=1'));
    const heapBefore = process.memoryUsage().heapUsed;
    const big = await median(15, () => page(KEY, '?page[size]=1'));
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`page[size]=1: ${small.toFixed(2)} ms on 300 events, ${big.toFixed(2)} ms on 30,000; heap +${heapMb.toFixed(1)} MB over 15 reads`);
    // Reading the log (the old way) took seconds here; counting 30,000 index entries takes a couple of
    // ms. The margin is for a loaded 2-core machine, not for a scan.
    expect(big).toBeLessThan(small + 25);
    expect(big).toBeLessThan(50);
  }, 60_000);

  it('filters on the delivery columns in the database with the same results as the serialized view', async () => {
    seed(KEY, 30);
    const failedFirst = await page(KEY, `?filter[attempts][contains]=${encodeURIComponent('"status":"failed"')}&page[size]=250`);
    // Events 0, 3, …, 27 had failed attempts before their 200: ten of them, newest first.
    expect(failedFirst.data.map((d) => d.id)).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map((i) => `evt-${KEY}-${i}`));
    const started = await page(KEY, `?filter[started_at][gte]=${iso(T0 + 28_000)}`);
    expect(started.data.map((d) => d.id)).toEqual([`evt-${KEY}-29`, `evt-${KEY}-28`]);
    const finished = await page(KEY, `?filter[finished_at][lte]=${iso(T0 + 1_020)}`);
    expect(finished.data.map((d) => d.id)).toEqual([`evt-${KEY}-1`, `evt-${KEY}-0`]);
    expect((await page(KEY, '?filter[status][eq]=failed')).meta.total_results).toBe(0);
    expect((await page(KEY, '?filter[webhook][contains]=v3:17"')).data.map((d) => d.id)).toEqual([`evt-${KEY}-17`]);
  });

  it('finds attempts text wherever the shown form has it, inside a value or across its punctuation', async () => {
    seed(KEY, 12);
    const rows = em.account(KEY).read((ctx) => ctx.store.webhookLog({}).rows);
    const shown = rows.map((r) => ({ id: r.id, text: JSON.stringify(webhookDeliveryJson(r, 'user')?.attempts ?? []) }));
    const needles = ['failed', '"status":"failed"', 'http://app/hook', ':500', '500', 'xxxx', iso(T0 + 3010), 'delivered"',
      'ECONNREFUSED', 'content-type', 'us":"deli', '],"response"', 'request', 'ok', '05.', 'T00:00:0'];
    for (const needle of needles) {
      const found = await page(KEY, `?filter[attempts][contains]=${encodeURIComponent(needle)}&page[size]=250`);
      const expected = shown.filter((r) => r.text.includes(needle)).map((r) => r.id).reverse();
      expect(found.data.map((d) => d.id).sort(), needle).toEqual(expected.sort());
    }
  });

  it('searches attempts as Telnyx shows them: SQLite encodes them exactly as JSON.stringify of the delivery', () => {
    seed(KEY, 1);
    const raw = em.db.$client;
    const { seq } = raw.prepare('SELECT seq FROM webhook_events WHERE account = ?').get(em.account(KEY).id) as { seq: number };
    const awkward: DeliveryAttempt[] = [
      { attempt: 1, url: 'http://app/h?a=1&b="2"', status: 500, at: iso(T0), finished_at: iso(T0 + 50),
        request_headers: [['x-odd', 'a\u2028b "c" \\ d']], response: { headers: [['k', 'v']], body: 'line1\nline2\t"q" \\ é 😀 \u0001 \u007f </x>' } },
      { attempt: 2, url: 'http://backup/h', status: null, error: 'ECONNREFUSED', at: iso(T0 + 1000) },
      { attempt: 3, url: 'http://backup/h', status: 204, at: iso(T0 + 2000) },
      // Still in flight: not shown.
      { attempt: 4, url: 'http://backup/h', status: null, at: iso(T0 + 3000) },
    ];
    new OutboxStore(em.db).update(seq, 'pending', awkward, null, iso(T0));
    const row = raw.prepare(`SELECT *, ${DELIVERY_ATTEMPTS_JSON} AS shown FROM webhook_events WHERE seq = ?`).get(seq) as Record<string, unknown>;
    const entity = em.account(KEY).read((ctx) => ctx.store.webhookById(`evt-${KEY}-0`)) as WebhookEventRow;
    const delivery = webhookDeliveryJson(entity, 'user');
    expect(delivery?.attempts).toHaveLength(3);
    expect(row.shown).toBe(JSON.stringify(delivery?.attempts));
  });
});
