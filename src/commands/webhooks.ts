/** The account's webhook log (control API); a connection's URLs are in connections.ts. */
import { WEBHOOK_STATUSES, type WebhookStatus } from '../../schema/enums.js';
import type { Page, Paged, WebhookEventRow } from '../model/entities.js';
import { errors } from '../model/errors.js';
import type { WebhookLogFilter } from '../domain/store.js';
import type { Account } from './account.js';

export interface WebhookLogQuery extends Omit<WebhookLogFilter, 'status'> {
  status?: string;
}

/** The webhooks recorded for the account, oldest first, whether delivered yet or not. */
export function webhookLog(a: Account, q: WebhookLogQuery, page?: Page): Paged<WebhookEventRow> {
  if (q.status !== undefined && !(WEBHOOK_STATUSES as readonly string[]).includes(q.status)) {
    throw errors.badEnum('status', WEBHOOK_STATUSES);
  }
  return a.read((ctx) => ctx.store.webhookLog({ ...q, status: q.status as WebhookStatus | undefined }, page));
}

/** The sequence number of the account's latest webhook (0 when none): a "since" mark. */
export function webhookMark(a: Account): number {
  return a.read((ctx) => ctx.store.lastWebhookSeq());
}

/**
 * Sends a recorded webhook again: a new delivery of the same event (same event id and body data),
 * to the destination the event had, recorded as a resend of it. A debugging aid (the console's
 * "resend"): Telnyx's portal can resend a delivery too.
 */
export function resendWebhook(a: Account, seq: number): WebhookEventRow {
  return a.write((ctx) => {
    const original = Number.isInteger(seq) && seq > 0 ? ctx.store.webhookEntry(seq) : undefined;
    if (!original) throw errors.notFound('Webhook');
    if (!original.url && !original.failoverUrl) throw errors.webhookHasNoUrl();
    return ctx.resend(original);
  });
}

/** Clears the log; undelivered events are dropped with it. */
export function clearWebhookLog(a: Account): number {
  return a.write((ctx) => ctx.store.clearWebhookLog());
}
