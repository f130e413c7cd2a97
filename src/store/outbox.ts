import type { DeliveryAttempt } from '../../schema/index.js';
import type { WebhookStatus } from '../../schema/enums.js';
import type { Db } from './db.js';

/** The columns GET /v2/webhook_deliveries sorts and filters on (schema/webhooks.ts), in ms. */
export interface DeliveryColumns {
  listedAt: number | null;
  deliveryStartedAt: number | null;
  deliveryFinishedAt: number | null;
}

/** An attempt has finished once it has an answer or an error (as serialize/webhook-deliveries.ts shows it). */
const finished = (a: DeliveryAttempt) => a.status !== null || a.error !== undefined || a.finished_at !== undefined;

/**
 * The delivery's sort and filter keys, derived from its attempts when they are recorded: listed
 * once an attempt finished (or it failed with none), ordered by that attempt's start; started at
 * its first attempt; finished, once settled, where its last finished attempt ended.
 */
export function deliveryColumns(status: WebhookStatus, attempts: DeliveryAttempt[], occurredAt: string): DeliveryColumns {
  let last: DeliveryAttempt | undefined;
  for (let i = attempts.length - 1; i >= 0 && !last; i--) if (finished(attempts[i])) last = attempts[i];
  const settled = status !== 'pending';
  return {
    listedAt: last ? Date.parse(last.at) : settled ? Date.parse(occurredAt) : null,
    deliveryStartedAt: attempts[0] ? Date.parse(attempts[0].at) : null,
    deliveryFinishedAt: settled && last ? Date.parse(last.finished_at ?? last.at) : null,
  };
}

export interface PendingRef {
  seq: number;
  account: string;
  orderingKey: string;
  nextAttemptAt: number | null;
}

/**
 * The outbox as the dispatcher reads it, across accounts. The dispatcher's are prepared and
 * go by primary key, so each delivery costs a few microseconds of synchronous work.
 */
export class OutboxStore {
  private readonly q;

  constructor(db: Db) {
    this.tx = db.$client.transaction((fn: () => unknown) => fn());
    // The dispatcher's statements in plain SQL: NOT INDEXED keeps SQLite on the primary key, a
    // range scan from the last seq seen (a status index made it scan every pending row each look).
    const raw = db.$client;
    this.q = {
      pendingAfter: raw.prepare<[number, number], PendingRef>(
        `SELECT seq, account, ordering_key AS orderingKey, next_attempt_at AS nextAttemptAt FROM webhook_events NOT INDEXED
         WHERE seq > ? AND status = 'pending' ORDER BY seq LIMIT ?`),
      bySeq: raw.prepare<[number], { account: string; data: string; url: string | null; failoverUrl: string | null; timeoutMs: number | null; status: WebhookStatus; attempts: string; occurredAt: string }>(
        'SELECT account, data, url, failover_url AS failoverUrl, timeout_ms AS timeoutMs, status, attempts, occurred_at AS occurredAt FROM webhook_events WHERE seq = ?'),
      update: raw.prepare<[WebhookStatus, string, number | null, number | null, number | null, number | null, number]>(
        `UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_at = ?,
         listed_at = ?, delivery_started_at = ?, delivery_finished_at = ? WHERE seq = ?`),
    };
  }

  /** One transaction (the wrapper is built once: building it per call is costly). */
  transaction<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }
  private readonly tx;

  /** Pending events recorded after `after`, oldest first (a range scan on the primary key). */
  pendingAfter(after: number, limit: number): PendingRef[] {
    return this.q.pendingAfter.all(after, limit);
  }

  row(seq: number) {
    const r = this.q.bySeq.get(seq);
    return r && { ...r, attempts: JSON.parse(r.attempts) as DeliveryAttempt[] };
  }

  /** Records the event's status and attempts, with the delivery columns derived from them. */
  update(seq: number, status: WebhookStatus, attempts: DeliveryAttempt[], nextAttemptAt: number | null, occurredAt: string): void {
    const d = deliveryColumns(status, attempts, occurredAt);
    this.q.update.run(status, JSON.stringify(attempts), nextAttemptAt, d.listedAt, d.deliveryStartedAt, d.deliveryFinishedAt, seq);
  }
}
