import { and, asc, count, desc, eq, gt, type SQL } from 'drizzle-orm';
import { connections, webhookEvents, type DeliveryAttempt } from '../../schema/index.js';
import type { WebhookStatus } from '../../schema/enums.js';
import type { Db } from '../store/db.js';
import type { Page, WebhookEventRow } from '../store/repository.js';

export interface PendingRef {
  seq: number;
  orderingKey: string;
  nextAttemptAt: number | null;
}

export interface LogFilter {
  eventType?: string;
  callControlId?: string;
  conferenceId?: string;
  status?: WebhookStatus;
  /** Only events recorded after this sequence number (see `lastSeq`). */
  after?: number;
}

export interface Connection {
  connectionId: string;
  webhookUrl: string | null;
  webhookFailoverUrl: string | null;
}

/**
 * The outbox and connection queries of the webhook module. The dispatcher's are prepared and
 * go by primary key, so each delivery costs a few microseconds of synchronous work.
 */
export class WebhookStore {
  private readonly q;

  constructor(readonly db: Db) {
    this.tx = db.$client.transaction((fn: () => unknown) => fn());
    // The dispatcher's statements in plain SQL: NOT INDEXED keeps SQLite on the primary key, a
    // range scan from the last seq seen (a status index made it scan every pending row each look).
    const raw = db.$client;
    this.q = {
      pendingAfter: raw.prepare<[number, number], { seq: number; orderingKey: string; nextAttemptAt: number | null }>(
        `SELECT seq, ordering_key AS orderingKey, next_attempt_at AS nextAttemptAt FROM webhook_events NOT INDEXED
         WHERE seq > ? AND status = 'pending' ORDER BY seq LIMIT ?`),
      bySeq: raw.prepare<[number], { data: string; url: string | null; failoverUrl: string | null; status: WebhookStatus; attempts: string }>(
        'SELECT data, url, failover_url AS failoverUrl, status, attempts FROM webhook_events WHERE seq = ?'),
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

  /** The delivery log of an account, oldest first; every row when no page is asked for. */
  list(account: string, filter: LogFilter, page?: Page): { rows: WebhookEventRow[]; total: number } {
    const where: SQL[] = [eq(webhookEvents.account, account)];
    if (filter.eventType !== undefined) where.push(eq(webhookEvents.eventType, filter.eventType));
    if (filter.callControlId !== undefined) where.push(eq(webhookEvents.callControlId, filter.callControlId));
    if (filter.conferenceId !== undefined) where.push(eq(webhookEvents.conferenceId, filter.conferenceId));
    if (filter.status !== undefined) where.push(eq(webhookEvents.status, filter.status));
    if (filter.after !== undefined) where.push(gt(webhookEvents.seq, filter.after));
    const cond = and(...where);
    const query = this.db.select().from(webhookEvents).where(cond).orderBy(asc(webhookEvents.seq));
    const rows = page ? query.limit(page.size).offset((page.number - 1) * page.size).all() : query.all();
    const total = page ? this.db.select({ n: count() }).from(webhookEvents).where(cond).get()?.n ?? 0 : rows.length;
    return { rows, total };
  }

  /** The sequence number of the account's latest event (0 when none): a "since" mark. */
  lastSeq(account: string): number {
    return this.db.select({ seq: webhookEvents.seq }).from(webhookEvents)
      .where(eq(webhookEvents.account, account)).orderBy(desc(webhookEvents.seq)).limit(1).get()?.seq ?? 0;
  }

  /** Clears an account's log; its undelivered events are dropped with it. */
  clear(account: string): number {
    return this.db.delete(webhookEvents).where(eq(webhookEvents.account, account)).run().changes;
  }

  connection(account: string, connectionId: string): Connection | undefined {
    const row = this.db.select().from(connections)
      .where(and(eq(connections.account, account), eq(connections.connectionId, connectionId))).get();
    return row && { connectionId: row.connectionId, webhookUrl: row.webhookUrl, webhookFailoverUrl: row.webhookFailoverUrl };
  }

  saveConnection(account: string, c: Connection): Connection {
    const row = { account, ...c };
    this.db.insert(connections).values(row)
      .onConflictDoUpdate({ target: [connections.account, connections.connectionId], set: row }).run();
    return c;
  }

  deleteConnection(account: string, connectionId: string): boolean {
    return this.db.delete(connections)
      .where(and(eq(connections.account, account), eq(connections.connectionId, connectionId))).run().changes > 0;
  }
}
