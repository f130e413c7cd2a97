import { and, asc, desc, eq, getTableColumns, getTableName, inArray, lte, ne, sql, count, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  callLegs, conferences, participants, queues, queueCalls, timers, commandIds, mediaPlaybacks,
  webhookEvents, clocks, numbers,
} from '../../schema/index.js';
import type { Db } from './db.js';
import type { AccountTime, ClockPersistence } from '../clock.js';

export type CallLeg = typeof callLegs.$inferSelect;
export type Conference = typeof conferences.$inferSelect;
export type Participant = typeof participants.$inferSelect;
export type Queue = typeof queues.$inferSelect;
export type QueueCall = typeof queueCalls.$inferSelect;
export type Timer = typeof timers.$inferSelect;
export type MediaPlayback = typeof mediaPlaybacks.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type NumberRow = typeof numbers.$inferSelect;

/** The columns the API shows of a conference: reads select only these (mapping columns costs). */
const conferenceViewColumns = {
  id: conferences.id, name: conferences.name, status: conferences.status, region: conferences.region,
  connectionId: conferences.connectionId, createdAt: conferences.createdAt, updatedAt: conferences.updatedAt,
  expiresAt: conferences.expiresAt, endReason: conferences.endReason,
  endedByCallControlId: conferences.endedByCallControlId, endedByCallSessionId: conferences.endedByCallSessionId,
};
export type ConferenceView = Pick<Conference, keyof typeof conferenceViewColumns>;

export interface Page { number: number; size: number }
export interface Paged<T> { rows: T[]; total: number }

const p = (name: string) => sql.placeholder(name);

/** filter[name] / filter[status], each optional: one prepared statement serves every combination. */
const conferenceFilter = and(
  eq(conferences.account, p('account')),
  sql`(${p('name')} is null or ${conferences.name} = ${p('name')})`,
  sql`(${p('status')} is null or ${conferences.status} = ${p('status')})`,
);

/**
 * A prepared single-table read whose rows are mapped by a precomputed column list: drizzle's
 * generic row mapping costs more than the query itself on the hottest lookups (one call, one
 * conference, a conference's participants), so those skip it. Booleans and JSON are decoded as
 * drizzle's own column types decode them.
 */
function fastRead<T extends SQLiteTable>(db: Db, table: T, where: string, order = '') {
  const columns = Object.entries(getTableColumns(table) as Record<string, {
    name: string; columnType: string; mapFromDriverValue(v: unknown): unknown;
  }>).map(([key, col]) => ({
    key, name: col.name,
    decode: col.columnType === 'SQLiteBoolean' || col.columnType === 'SQLiteTextJson' ? col : null,
  }));
  const stmt = db.$client.prepare(`select * from "${getTableName(table)}" where ${where} ${order}`);
  const map = (raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const v = raw[c.name];
      row[c.key] = v === null || c.decode === null ? v : c.decode.mapFromDriverValue(v);
    }
    return row as T['$inferSelect'];
  };
  return {
    get: (...args: unknown[]) => {
      const raw = stmt.get(...args) as Record<string, unknown> | undefined;
      return raw ? map(raw) : undefined;
    },
    all: (...args: unknown[]) => (stmt.all(...args) as Record<string, unknown>[]).map(map),
  };
}

/** A prepared insert-or-replace of a whole row, keyed by the table's primary key. */
function upsert<T extends SQLiteTable>(db: Db, table: T, key: keyof T['$inferSelect'] & string) {
  const cols = getTableColumns(table) as Record<string, unknown>;
  const values = Object.fromEntries(Object.keys(cols).map((k) => [k, p(k)]));
  const { [key]: _key, ...set } = values;
  const stmt = db.insert(table).values(values as never)
    .onConflictDoUpdate({ target: cols[key] as never, set: set as never }).prepare();
  return (row: T['$inferSelect']) => { stmt.run(row as never); };
}

/**
 * Storage behind a small interface: every query is scoped by account, hot ones are prepared.
 * No business rules here; the domain decides, this only loads and saves.
 */
export class Repository {
  readonly saveCall; readonly saveConference; readonly saveParticipant; readonly saveQueue;
  readonly saveQueueCall; readonly saveMedia;

  private readonly q;

  constructor(readonly db: Db) {
    this.tx = db.$client.transaction((fn: () => unknown) => fn());
    this.saveCall = upsert(db, callLegs, 'callControlId');
    this.saveConference = upsert(db, conferences, 'id');
    this.saveParticipant = upsert(db, participants, 'id');
    this.saveQueue = upsert(db, queues, 'id');
    this.saveQueueCall = upsert(db, queueCalls, 'callControlId');
    this.saveMedia = upsert(db, mediaPlaybacks, 'id');
    this.q = {
      call: fastRead(db, callLegs, 'account = ? and call_control_id = ?'),
      conference: fastRead(db, conferences, 'account = ? and id = ?'),
      activeConferenceByName: db.select().from(conferences)
        .where(and(eq(conferences.account, p('account')), eq(conferences.name, p('name')),
          ne(conferences.status, 'completed'))).prepare(),
      participants: db.select().from(participants)
        .where(and(eq(participants.account, p('account')), eq(participants.conferenceId, p('conferenceId'))))
        .orderBy(asc(participants.seq)).prepare(),
      activeParticipants: fastRead(db, participants, "account = ? and conference_id = ? and status != 'left'", 'order by seq'),
      participantOfCall: fastRead(db, participants, "account = ? and call_control_id = ? and status != 'left'"),
      queueByName: db.select().from(queues)
        .where(and(eq(queues.account, p('account')), eq(queues.name, p('name')))).prepare(),
      queueById: db.select().from(queues).where(eq(queues.id, p('id'))).prepare(),
      queueCall: db.select().from(queueCalls)
        .where(and(eq(queueCalls.account, p('account')), eq(queueCalls.callControlId, p('id')))).prepare(),
      queueCallsOf: db.select().from(queueCalls).where(eq(queueCalls.queueId, p('queueId')))
        .orderBy(asc(queueCalls.seq)).prepare(),
      nextSeq: db.select({ seq: sql<number>`coalesce(max(${queueCalls.seq}), 0) + 1` }).from(queueCalls).prepare(),
      nextParticipantSeq: db.select({ seq: sql<number>`coalesce(max(${participants.seq}), 0) + 1` })
        .from(participants).where(eq(participants.conferenceId, p('conferenceId'))).prepare(),
      commandSeen: db.insert(commandIds).values({
        account: p('account'), scope: p('scope'), commandId: p('commandId'), createdAt: p('createdAt'),
      } as never).onConflictDoNothing().prepare(),
      addTimer: db.insert(timers).values({
        account: p('account'), dueAt: p('dueAt'), kind: p('kind'), subjectId: p('subjectId'),
      } as never).prepare(),
      nextTimer: db.select().from(timers)
        .where(and(eq(timers.account, p('account')), lte(timers.dueAt, p('now'))))
        .orderBy(asc(timers.dueAt), asc(timers.id)).limit(1).prepare(),
      setFlag: {
        muted: db.$client.prepare(`update participants set muted = @value, updated_at = @now
          where account = @account and conference_id = @conferenceId and status != 'left' and muted != @value`),
        onHold: db.$client.prepare(`update participants set on_hold = @value, updated_at = @now
          where account = @account and conference_id = @conferenceId and status != 'left' and on_hold != @value`),
      },
      appendWebhook: db.insert(webhookEvents).values(Object.fromEntries(
        Object.keys(getTableColumns(webhookEvents)).filter((k) => k !== 'seq').map((k) => [k, p(k)])) as never).prepare(),
      conferenceStatus: db.$client.prepare('select id, status from conferences where account = ? and id = ?'),
      conferenceView: db.select(conferenceViewColumns).from(conferences)
        .where(and(eq(conferences.account, p('account')), eq(conferences.id, p('id')))).prepare(),
      conferencePage: db.select(conferenceViewColumns).from(conferences).where(conferenceFilter)
        .orderBy(desc(conferences.expiresAt), desc(conferences.createdAt))
        .limit(p('limit')).offset(p('offset')).prepare(),
      conferenceCount: db.select({ n: count() }).from(conferences).where(conferenceFilter).prepare(),
      media: db.select().from(mediaPlaybacks)
        .where(and(eq(mediaPlaybacks.account, p('account')), eq(mediaPlaybacks.id, p('id')))).prepare(),
      mediaOf: db.select().from(mediaPlaybacks)
        .where(and(eq(mediaPlaybacks.account, p('account')), eq(mediaPlaybacks.conferenceId, p('conferenceId'))))
        .orderBy(asc(mediaPlaybacks.startedAt)).prepare(),
    };
  }

  /**
   * Runs `fn` in one SQLite transaction (better-sqlite3 transactions are synchronous, so
   * serialized). IMMEDIATE takes the write lock up front, so two processes sharing a file
   * database cannot both read-then-write. The wrapper is built once: building it per call is costly.
   */
  transaction<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }
  private readonly tx;

  // call legs
  call(account: string, callControlId: string): CallLeg | undefined {
    return this.q.call.get(account, callControlId);
  }
  callsByIds(account: string, ids: string[]): CallLeg[] {
    if (ids.length === 0) return [];
    return this.db.select().from(callLegs)
      .where(and(eq(callLegs.account, account), inArray(callLegs.callControlId, ids))).all();
  }

  // conferences
  conference(account: string, id: string): Conference | undefined {
    return this.q.conference.get(account, id);
  }
  activeConferenceByName(account: string, name: string): Conference | undefined {
    return this.q.activeConferenceByName.get({ account, name });
  }
  conferenceStatus(account: string, id: string): Pick<Conference, 'id' | 'status'> | undefined {
    return this.q.conferenceStatus.get(account, id) as Pick<Conference, 'id' | 'status'> | undefined;
  }
  conferenceView(account: string, id: string): ConferenceView | undefined {
    return this.q.conferenceView.get({ account, id });
  }
  listConferences(account: string, filter: { name?: string; status?: string }, page: Page): Paged<ConferenceView> {
    const args = { account, name: filter.name ?? null, status: filter.status ?? null };
    const rows = this.q.conferencePage.all({ ...args, limit: page.size, offset: (page.number - 1) * page.size });
    return { rows, total: this.q.conferenceCount.get(args)?.n ?? 0 };
  }

  // participants
  participants(account: string, conferenceId: string): Participant[] {
    return this.q.participants.all({ account, conferenceId });
  }
  activeParticipants(account: string, conferenceId: string): Participant[] {
    return this.q.activeParticipants.all(account, conferenceId);
  }
  /** Sets muted / on_hold on every current participant of a conference that differs. */
  setFlagForAll(account: string, conferenceId: string, flag: 'muted' | 'onHold', value: boolean, now: number): void {
    this.q.setFlag[flag].run({ account, conferenceId, value: value ? 1 : 0, now });
  }
  /** The participant a live call currently is, in whatever conference. */
  participantOfCall(account: string, callControlId: string): Participant | undefined {
    return this.q.participantOfCall.get(account, callControlId);
  }
  nextParticipantSeq(conferenceId: string): number {
    return this.q.nextParticipantSeq.get({ conferenceId })!.seq;
  }
  listParticipants(account: string, conferenceId: string,
    filter: { muted?: boolean; onHold?: boolean; whispering?: boolean }, page: Page): Paged<Participant> {
    const where: SQL[] = [eq(participants.account, account), eq(participants.conferenceId, conferenceId)];
    if (filter.muted !== undefined) where.push(eq(participants.muted, filter.muted));
    if (filter.onHold !== undefined) where.push(eq(participants.onHold, filter.onHold));
    if (filter.whispering !== undefined) {
      where.push(filter.whispering ? eq(participants.supervisorRole, 'whisper') : ne(participants.supervisorRole, 'whisper'));
    }
    const cond = and(...where);
    const rows = this.db.select().from(participants).where(cond).orderBy(asc(participants.seq))
      .limit(page.size).offset((page.number - 1) * page.size).all();
    const total = this.db.select({ n: count() }).from(participants).where(cond).get()?.n ?? 0;
    return { rows, total };
  }

  // queues
  queueByName(account: string, name: string): Queue | undefined {
    return this.q.queueByName.get({ account, name });
  }
  queueById(id: string): Queue | undefined {
    return this.q.queueById.get({ id });
  }
  listQueues(account: string, page: Page): Paged<Queue> {
    const cond = eq(queues.account, account);
    const rows = this.db.select().from(queues).where(cond).orderBy(asc(queues.createdAt), asc(queues.name))
      .limit(page.size).offset((page.number - 1) * page.size).all();
    const total = this.db.select({ n: count() }).from(queues).where(cond).get()?.n ?? 0;
    return { rows, total };
  }
  deleteQueue(id: string): void {
    this.db.delete(queues).where(eq(queues.id, id)).run();
  }
  queueCall(account: string, callControlId: string): QueueCall | undefined {
    return this.q.queueCall.get({ account, id: callControlId });
  }
  /** Calls in a queue in arrival order: index + 1 is the queue position. */
  queueCalls(queueId: string): QueueCall[] {
    return this.q.queueCallsOf.all({ queueId });
  }
  nextQueueSeq(): number {
    return this.q.nextSeq.get()!.seq;
  }
  deleteQueueCall(callControlId: string): void {
    this.db.delete(queueCalls).where(eq(queueCalls.callControlId, callControlId)).run();
  }

  // media
  media(account: string, id: string): MediaPlayback | undefined {
    return this.q.media.get({ account, id });
  }
  mediaOf(account: string, conferenceId: string): MediaPlayback[] {
    return this.q.mediaOf.all({ account, conferenceId });
  }
  deleteMedia(id: string): void {
    this.db.delete(mediaPlaybacks).where(eq(mediaPlaybacks.id, id)).run();
  }

  // command_id: true the first time a (scope, command_id) is seen
  firstTimeCommand(account: string, scope: string, commandId: string, now: number): boolean {
    return this.q.commandSeen.run({ account, scope, commandId, createdAt: now }).changes === 1;
  }

  // timers
  addTimer(account: string, dueAt: number, kind: string, subjectId: string): void {
    this.q.addTimer.run({ account, dueAt, kind, subjectId });
  }
  cancelTimers(subjectId: string, kind?: string): void {
    const cond = kind ? and(eq(timers.subjectId, subjectId), eq(timers.kind, kind)) : eq(timers.subjectId, subjectId);
    this.db.delete(timers).where(cond).run();
  }
  nextDueTimer(account: string, now: number): Timer | undefined {
    return this.q.nextTimer.get({ account, now });
  }
  deleteTimer(id: number): void {
    this.db.delete(timers).where(eq(timers.id, id)).run();
  }
  accountsWithTimers(): string[] {
    return this.db.selectDistinct({ account: timers.account }).from(timers).all().map((r) => r.account);
  }

  // outbox
  appendWebhook(row: Omit<typeof webhookEvents.$inferInsert, 'seq'>): void {
    this.q.appendWebhook.run(row as never);
  }

  /** How a dialed number is configured to answer (control API), if it is. */
  number(account: string, e164: string): NumberRow | undefined {
    return this.db.select().from(numbers).where(and(eq(numbers.account, account), eq(numbers.e164, e164))).get();
  }

  clockPersistence(): ClockPersistence {
    return {
      load: (account) => {
        const row = this.db.select().from(clocks).where(eq(clocks.account, account)).get();
        return row ? { offsetMs: row.offsetMs, frozenAt: row.frozenAt } : undefined;
      },
      save: (account, t: AccountTime) => {
        this.db.insert(clocks).values({ account, ...t })
          .onConflictDoUpdate({ target: clocks.account, set: { ...t } }).run();
      },
      clear: (account) => {
        if (account === undefined) this.db.delete(clocks).run();
        else this.db.delete(clocks).where(eq(clocks.account, account)).run();
      },
    };
  }
}
