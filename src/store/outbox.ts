import type { DeliveryAttempt } from '../../schema/index.js';
import type { WebhookStatus } from '../../schema/enums.js';
import type { Db } from './db.js';

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
      bySeq: raw.prepare<[number], { account: string; data: string; url: string | null; failoverUrl: string | null; timeoutMs: number | null; status: WebhookStatus; attempts: string }>(
        'SELECT account, data, url, failover_url AS failoverUrl, timeout_ms AS timeoutMs, status, attempts FROM webhook_events WHERE seq = ?'),
      update: raw.prepare<[WebhookStatus, string, number | null, number]>(
        'UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_at = ? WHERE seq = ?'),
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

  update(seq: number, status: WebhookStatus, attempts: DeliveryAttempt[], nextAttemptAt: number | null): void {
    this.q.update.run(status, JSON.stringify(attempts), nextAttemptAt, seq);
  }
}
