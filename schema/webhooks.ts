import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { WebhookFaultKind, WebhookStatus } from './enums.js';

export interface DeliveryAttempt {
  attempt: number;
  url: string;
  status: number | null;
  error?: string;
  at: string;
  /** When the answer or the error came (ISO, wall time); absent while in flight. */
  finished_at?: string;
  /** The request's headers as sent, [name, value] pairs (recorded before it is sent). */
  request_headers?: [string, string][];
  /** The request's body as sent, byte for byte what was signed (recorded before it is sent). */
  body?: string;
  /** The answer's headers and body, each bounded (see webhooks/transport.ts), when there was one. */
  response?: { headers: [string, string][]; body: string };
  /** The webhook fault that touched this attempt (POST /_mock/webhook_faults), as the journal names a request fault. */
  fault_id?: number;
  fault?: WebhookFaultKind;
}

/**
 * The outbox: one row per webhook, written in the same transaction as the state change that
 * caused it and delivered after commit.
 */
export const webhookEvents = sqliteTable('webhook_events', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  account: text('account').notNull(),
  eventType: text('event_type').notNull(),
  callControlId: text('call_control_id'),
  conferenceId: text('conference_id'),
  /** Events for one call (or one conference, when no call) are delivered in order. */
  orderingKey: text('ordering_key').notNull(),
  occurredAt: text('occurred_at').notNull(),
  /** `data` of the envelope: { record_type, event_type, id, occurred_at, payload }. */
  data: text('data').notNull(),
  url: text('url'),
  failoverUrl: text('failover_url'),
  /** How long one attempt may take (ms), when the call's application says (webhook_timeout_secs); null: the server's. */
  timeoutMs: integer('timeout_ms'),
  status: text('status').$type<WebhookStatus>().notNull(),
  attempts: text('attempts', { mode: 'json' }).$type<DeliveryAttempt[]>().notNull(),
  nextAttemptAt: integer('next_attempt_at'),
  createdAt: integer('created_at').notNull(),
  /** A resend (the console's or POST /_mock/webhooks/{seq}/resend): the seq of the event it delivers again. */
  resendOf: integer('resend_of'),
  /**
   * What GET /v2/webhook_deliveries sorts and filters on, kept by the dispatcher as it records
   * attempts (store/outbox.ts deliveryColumns) so a page is read from an index, not out of JSON.
   * listed_at: when the delivery was last attempted (ms; its occurred_at when it failed with no
   * attempt), null while it is not listed (pending, no attempt finished).
   */
  listedAt: integer('listed_at'),
  /** Its first attempt's start (ms): `started_at`. */
  deliveryStartedAt: integer('delivery_started_at'),
  /** When it settled (ms), the last attempt's end: `finished_at`; null while attempts remain. */
  deliveryFinishedAt: integer('delivery_finished_at'),
}, (t) => [
  index('webhook_events_account').on(t.account, t.seq),
  // One call's events (its timeline, the console's last event of a call) without reading the account's whole log.
  index('webhook_events_call').on(t.account, t.callControlId, t.seq),
  // GET /v2/webhook_deliveries: the most recently attempted first, a page read from the index.
  index('webhook_events_listed').on(t.account, t.listedAt, t.seq),
]);
