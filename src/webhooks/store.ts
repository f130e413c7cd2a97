import { and, asc, count, eq, gt, sql, type SQL } from 'drizzle-orm';
import { connections, webhookEvents, type DeliveryAttempt } from '../../schema/index.js';
import type { WebhookStatus } from '../../schema/enums.js';
import type { Db } from '../store/db.js';
import type { Page, WebhookEventRow } from '../store/repository.js';

const p = (name: string) => sql.placeholder(name);

export interface PendingRef {
  seq: number;
  orderingKey: string;
  nextAttemptAt: number | null;
}

export interface LogFilter {
  eventType?: string;
  callControlId?: string;
  status?: WebhookStatus;
}

export interface Connection {
  connectionId: string;
  webhookUrl: string | null;
  webhookFailoverUrl: string | null;
}

/**
 * The outbox and connection queries of the webhook module. The dispatcher's are prepared and
 * touch one row by primary key, so each delivery costs a few microseconds of synchronous work.
 */
export class WebhookStore {
  private readonly q;

  constructor(readonly db: Db) {
    this.q = {
      pendingAfter: db.select({
        seq: webhookEvents.seq, orderingKey: webhookEvents.orderingKey, nextAttemptAt: webhookEvents.nextAttemptAt,
      }).from(webhookEvents)
        .where(and(gt(webhookEvents.seq, p('after')), eq(webhookEvents.status, 'pending')))
        .orderBy(asc(webhookEvents.seq)).limit(p('limit')).prepare(),
      bySeq: db.select({
        seq: webhookEvents.seq, data: webhookEvents.data, url: webhookEvents.url,
        failoverUrl: webhookEvents.failoverUrl, status: webhookEvents.status, attempts: webhookEvents.attempts,
      }).from(webhookEvents).where(eq(webhookEvents.seq, p('seq'))).prepare(),
      update: db.update(webhookEvents).set({
        status: p('status') as never, attempts: p('attempts') as never, nextAttemptAt: p('nextAttemptAt') as never,
      }).where(eq(webhookEvents.seq, p('seq'))).prepare(),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.$client.transaction(fn).immediate();
  }

  /** Pending events recorded after `after`, oldest first (a range scan on the primary key). */
  pendingAfter(after: number, limit: number): PendingRef[] {
    return this.q.pendingAfter.all({ after, limit });
  }

  row(seq: number) {
    return this.q.bySeq.get({ seq });
  }

  update(seq: number, status: WebhookStatus, attempts: DeliveryAttempt[], nextAttemptAt: number | null): void {
    // The json column encodes placeholder values itself.
    this.q.update.run({ seq, status, attempts: attempts as never, nextAttemptAt });
  }

  /** The delivery log of an account, oldest first; every row when no page is asked for. */
  list(account: string, filter: LogFilter, page?: Page): { rows: WebhookEventRow[]; total: number } {
    const where: SQL[] = [eq(webhookEvents.account, account)];
    if (filter.eventType !== undefined) where.push(eq(webhookEvents.eventType, filter.eventType));
    if (filter.callControlId !== undefined) where.push(eq(webhookEvents.callControlId, filter.callControlId));
    if (filter.status !== undefined) where.push(eq(webhookEvents.status, filter.status));
    const cond = and(...where);
    const query = this.db.select().from(webhookEvents).where(cond).orderBy(asc(webhookEvents.seq));
    const rows = page ? query.limit(page.size).offset((page.number - 1) * page.size).all() : query.all();
    const total = page ? this.db.select({ n: count() }).from(webhookEvents).where(cond).get()?.n ?? 0 : rows.length;
    return { rows, total };
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
