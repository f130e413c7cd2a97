/**
 * GET /v2/webhook_deliveries[/{id}]: Telnyx's own view of the delivery log, served from the same
 * outbox rows as GET /_mock/webhooks (SDK `client.webhookDeliveries`, spec `webhook_delivery`).
 *
 * - A delivery's id is its event's id (`webhook.id`, the `id` of /_mock/webhooks).
 * - `status` is "'delivered' when successfuly delivered or 'failed' if all attempts have failed":
 *   the spec has no third value. A delivery is listed once its first attempt has finished; while
 *   attempts remain it is reported `failed` (every attempt so far failed) with no `finished_at`
 *   ("when the last webhook response has been received"), which it gets when it settles. An
 *   event with no URL anywhere is `failed` with no attempts.
 * - `attempts` are "ordered by most recent"; an attempt still in flight is not shown.
 * - The list is per account, the most recent attempt first.
 */
import { createHash } from 'node:crypto';
import type { DeliveryAttempt } from '../../schema/index.js';
import type { Page, Paged, WebhookEventRow } from '../model/entities.js';
import { errors } from '../model/errors.js';
import type { Account } from './account.js';

export const DELIVERY_STATUSES = ['delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `Attempt` of the SDK's resources/webhook-deliveries.d.ts. */
export interface WebhookDeliveryAttempt {
  started_at: string;
  finished_at: string;
  status: DeliveryStatus;
  http: {
    request: { url: string; headers: string[][] };
    response?: { status: number; headers: string[][]; body: string };
  };
}

/** `WebhookDelivery` of the SDK's resources/webhook-deliveries.d.ts. */
export interface WebhookDelivery {
  id: string;
  record_type: 'webhook_delivery';
  user_id: string;
  status: DeliveryStatus;
  started_at?: string;
  finished_at?: string;
  attempts: WebhookDeliveryAttempt[];
  webhook: { record_type: 'event'; event_type: string; id: string; occurred_at: string; payload: Record<string, unknown> };
}

/** The documented filters, as the query string gives them (`filter[status][eq]`, …). */
export interface DeliveryQuery {
  status?: string;
  eventType?: string;
  webhookContains?: string;
  attemptsContains?: string;
  startedGte?: string;
  startedLte?: string;
  finishedGte?: string;
  finishedLte?: string;
}

const delivered = (a: DeliveryAttempt) => a.status !== null && a.status >= 200 && a.status < 300;

/** An attempt has finished once it has an answer or an error (an interrupted one has its error). */
const finished = (a: DeliveryAttempt) => a.status !== null || a.error !== undefined || a.finished_at !== undefined;

/** The account as `user_id` (a uuid): derived from the key, the same for the same key. */
function userId(account: string): string {
  const h = createHash('sha256').update(`telnyx-mock user ${account}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function attemptOf(a: DeliveryAttempt): WebhookDeliveryAttempt {
  return {
    started_at: a.at,
    // Attempts recorded before finished_at was kept (or cut off by a stop) end where they began.
    finished_at: a.finished_at ?? a.at,
    status: delivered(a) ? 'delivered' : 'failed',
    http: {
      request: { url: a.url, headers: a.request_headers ?? [] },
      ...(a.status !== null ? { response: { status: a.status, headers: a.response?.headers ?? [], body: a.response?.body ?? '' } } : {}),
    },
  };
}

/** The delivery as Telnyx shows it, or undefined while its first attempt has not finished. */
function deliveryOf(row: WebhookEventRow, user: string): WebhookDelivery | undefined {
  const done = row.attempts.filter(finished);
  if (row.status === 'pending' && done.length === 0) return undefined;
  const first = row.attempts[0];
  const last = done[done.length - 1];
  return {
    id: row.id,
    record_type: 'webhook_delivery',
    user_id: user,
    status: row.status === 'delivered' ? 'delivered' : 'failed',
    ...(first ? { started_at: first.at } : {}),
    ...(row.status !== 'pending' && last ? { finished_at: attemptOf(last).finished_at } : {}),
    attempts: done.map(attemptOf).reverse(),
    webhook: JSON.parse(row.data) as WebhookDelivery['webhook'],
  };
}

/** An ISO 8601 datetime filter value, as milliseconds; anything else is a 422 naming the parameter. */
function instant(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw errors.paramInvalid(name, `The '${name}' filter must be an ISO 8601 datetime.`);
  return ms;
}

const within = (value: string | undefined, gte: number | undefined, lte: number | undefined) => {
  if (gte === undefined && lte === undefined) return true;
  if (value === undefined) return false;
  const t = Date.parse(value);
  return (gte === undefined || t >= gte) && (lte === undefined || t <= lte);
};

/** When the delivery was last attempted: its ordering key, most recent first. */
const lastActivity = (d: WebhookDelivery) => Date.parse(d.attempts[0]?.started_at ?? d.webhook.occurred_at);

/** GET /webhook_deliveries: the account's deliveries, most recent attempt first, filtered and paged. */
export function listWebhookDeliveries(a: Account, q: DeliveryQuery, page: Page): Paged<WebhookDelivery> {
  if (q.status !== undefined && q.status !== '' && !(DELIVERY_STATUSES as readonly string[]).includes(q.status)) {
    throw errors.paramBadEnum('filter[status][eq]', DELIVERY_STATUSES);
  }
  const started = [instant('filter[started_at][gte]', q.startedGte), instant('filter[started_at][lte]', q.startedLte)] as const;
  const ended = [instant('filter[finished_at][gte]', q.finishedGte), instant('filter[finished_at][lte]', q.finishedLte)] as const;
  // "Accepts multiple values separated by a `,`."
  const types = q.eventType ? new Set(q.eventType.split(',').map((t) => t.trim()).filter(Boolean)) : undefined;

  const rows = a.read((ctx) => ctx.store.webhookLog({}).rows);
  const user = userId(a.id);
  const all = rows
    .filter((r) => !types || types.has(r.eventType))
    .filter((r) => !q.webhookContains || r.data.includes(q.webhookContains))
    .map((r) => deliveryOf(r, user))
    .filter((d): d is WebhookDelivery => d !== undefined)
    .filter((d) => !q.status || d.status === q.status)
    .filter((d) => !q.attemptsContains || JSON.stringify(d.attempts).includes(q.attemptsContains))
    .filter((d) => within(d.started_at, ...started) && within(d.finished_at, ...ended))
    .map((d, i) => ({ d, i, at: lastActivity(d) }))
    // Most recent first; among equals, the later recorded first.
    .sort((x, y) => y.at - x.at || y.i - x.i)
    .map(({ d }) => d);
  const start = (page.number - 1) * page.size;
  return { rows: all.slice(start, start + page.size), total: all.length };
}

/** GET /webhook_deliveries/{id}: one delivery; unknown (or not yet attempted) is Telnyx's 404. */
export function getWebhookDelivery(a: Account, id: string): WebhookDelivery {
  const row = a.read((ctx) => ctx.store.webhookById(id));
  const delivery = row && deliveryOf(row, userId(a.id));
  if (!delivery) throw errors.notFound('WebhookDelivery');
  return delivery;
}
