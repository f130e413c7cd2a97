/** The account's webhook log and per-connection webhook URLs (control API). */
import { WEBHOOK_STATUSES, type WebhookStatus } from '../../schema/enums.js';
import type { Connection, Page, Paged, WebhookEventRow } from '../model/entities.js';
import { errors } from '../model/errors.js';
import type { WebhookLogFilter } from '../domain/store.js';
import type { Account } from './account.js';
import { body } from './schema.js';
import { webhookUrl } from './fields.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

export const SaveConnection = body({ webhook_url: webhookUrl, webhook_failover_url: webhookUrl });

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

export function getConnection(a: Account, connectionId: string): Connection {
  const conn = a.read((ctx) => ctx.store.connection(connectionId));
  if (!conn) throw errors.notFound('Connection');
  return conn;
}

export function saveConnection(a: Account, connectionId: string, input: unknown): Connection {
  const b = SaveConnection.parse(input);
  const conn = { connectionId, webhookUrl: b.webhook_url ?? null, webhookFailoverUrl: b.webhook_failover_url ?? null };
  a.write((ctx) => ctx.store.saveConnection(conn));
  return conn;
}

export function deleteConnection(a: Account, connectionId: string): void {
  if (!a.write((ctx) => ctx.store.deleteConnection(connectionId))) throw errors.notFound('Connection');
}
