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
import type { Page, Paged } from '../model/entities.js';
import { errors } from '../model/errors.js';
import {
  DELIVERY_STATUSES, userId, webhookDeliveryJson, type DeliveryStatus, type WebhookDelivery,
} from '../serialize/webhook-deliveries.js';
import type { Account } from './account.js';

export { DELIVERY_STATUSES };

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

/** An ISO 8601 datetime filter value, as milliseconds; anything else is a 422 naming the parameter. */
function instant(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw errors.paramInvalid(name, `The '${name}' filter must be an ISO 8601 datetime.`);
  return ms;
}

/** GET /webhook_deliveries: the account's deliveries, most recent attempt first, filtered and paged. */
export function listWebhookDeliveries(a: Account, q: DeliveryQuery, page: Page): Paged<WebhookDelivery> {
  if (q.status !== undefined && q.status !== '' && !(DELIVERY_STATUSES as readonly string[]).includes(q.status)) {
    throw errors.paramBadEnum('filter[status][eq]', DELIVERY_STATUSES);
  }
  // "Accepts multiple values separated by a `,`."
  const types = q.eventType ? [...new Set(q.eventType.split(',').map((t) => t.trim()).filter(Boolean))] : [];
  // Filtered, ordered and paged in the database (the delivery columns the dispatcher keeps):
  // a page costs the same on a log of 300 events or 30,000.
  const { rows, total } = a.read((ctx) => ctx.store.webhookDeliveries({
    status: (q.status || undefined) as DeliveryStatus | undefined,
    eventTypes: types.length > 0 ? types : undefined,
    webhookContains: q.webhookContains || undefined,
    attemptsContains: q.attemptsContains || undefined,
    startedGte: instant('filter[started_at][gte]', q.startedGte),
    startedLte: instant('filter[started_at][lte]', q.startedLte),
    finishedGte: instant('filter[finished_at][gte]', q.finishedGte),
    finishedLte: instant('filter[finished_at][lte]', q.finishedLte),
  }, page));
  const user = userId(a.key ?? a.id);
  // Every listed row serializes (listed_at is set once an attempt finished or it failed).
  return { rows: rows.map((r) => webhookDeliveryJson(r, user)).filter((d): d is WebhookDelivery => d !== undefined), total };
}

/** GET /webhook_deliveries/{id}: one delivery; unknown (or not yet attempted) is Telnyx's 404. */
export function getWebhookDelivery(a: Account, id: string): WebhookDelivery {
  const row = a.read((ctx) => ctx.store.webhookById(id));
  const delivery = row && webhookDeliveryJson(row, userId(a.key ?? a.id));
  if (!delivery) throw errors.notFound('WebhookDelivery');
  return delivery;
}
