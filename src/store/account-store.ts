import { and, asc, count, desc, eq, getTableColumns, gt, inArray, is, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Statement } from 'better-sqlite3';
import * as schema from '../../schema/index.js';
import {
  callLegs, conferences, participants, queues, queueCalls, timers, commandIds, mediaPlaybacks,
  webhookEvents, clocks, numbers, callMedia, recordings, transfers,
} from '../../schema/index.js';
import type { TimerKind } from '../../schema/enums.js';
import type { AccountStore, DeliveryFilter, WebhookLogFilter, WebhookSummary } from '../domain/store.js';
import type {
  CallLeg, CallMedia, Conference, ConferenceView, MediaPlayback, NewWebhookEvent, NumberRow, Page, Paged,
  Participant, Queue, QueueCall, Timer, WebhookEventRow, Recording, Transfer,
} from '../model/entities.js';
import { MAX_OFFSET_MS, type AccountTime, type ClockPersistence } from '../clock.js';
import type { Db } from './db.js';
import { accountIdMapper } from './account-id.js';
import { fastRead, insert, upsert } from './rows.js';
import { ProvisioningRows } from './provisioning.js';
import { credentialsStore } from './credentials.js';
import type { CredentialsStore } from '../domain/credentials-store.js';

/** The columns the API shows of a conference: reads select only these (mapping columns costs). */
const conferenceViewColumns = {
  id: conferences.id, name: conferences.name, status: conferences.status, region: conferences.region,
  connectionId: conferences.connectionId, createdAt: conferences.createdAt, updatedAt: conferences.updatedAt,
  expiresAt: conferences.expiresAt, endReason: conferences.endReason,
  endedByCallControlId: conferences.endedByCallControlId, endedByCallSessionId: conferences.endedByCallSessionId,
};

/**
 * The same columns as SQL, read as arrays (better-sqlite3's raw mode: no column name per value) and
 * made into the view by one literal: every column is plain text or integer, nothing to decode. The
 * hottest reads (GET one conference, a page of them) cost half what a mapped row does.
 */
const CONFERENCE_VIEW_SQL = Object.values(conferenceViewColumns).map((col) => `"${col.name}"`).join(', ');
type ViewRow = [string, string, ConferenceView['status'], string | null, string | null, number, number, number,
  ConferenceView['endReason'], string | null, string | null];
const conferenceView = (r: ViewRow): ConferenceView => ({
  id: r[0], name: r[1], status: r[2], region: r[3], connectionId: r[4], createdAt: r[5], updatedAt: r[6],
  expiresAt: r[7], endReason: r[8], endedByCallControlId: r[9], endedByCallSessionId: r[10],
});

const p = (name: string) => sql.placeholder(name);

/** One command_id of one account. */
const commandKey = and(eq(commandIds.account, p('account')), eq(commandIds.scope, p('scope')), eq(commandIds.commandId, p('commandId')));

/**
 * Every table that holds an account's rows, found from the schema so a table added later is
 * reset too: the applications, numbers and settings an account provisioned are cleared with its
 * calls (a test provisions what it needs, as its app does against Telnyx).
 */
const accountTables = (Object.values(schema) as unknown[])
  .filter((t): t is typeof numbers => is(t, SQLiteTable) && 'account' in getTableColumns(t));

type ConferenceFilter = { name?: string; status?: string; region?: string };

/**
 * GET /conferences: a page and its total, one pair of statements per combination of the filters
 * given (prepared when first used), so each is plain SQL the planner serves from an index: the
 * unfiltered total is counted from the (account, expires_at) index alone, never from the rows. The
 * page is ordered by expiry, then creation, newest first. A filter given counts, even empty.
 */
function conferenceLists(raw: Db['$client']) {
  const keys = ['name', 'status', 'region'] as const;
  const totals = unfilteredTotals(raw);
  const byMask = new Map<number, { page: Statement<unknown[], ViewRow>; count: Statement<unknown[], number> }>();
  return (account: string, filter: ConferenceFilter, page: Page): Paged<ConferenceView> => {
    const args: unknown[] = [account];
    let mask = 0;
    for (let i = 0; i < keys.length; i++) {
      const v = filter[keys[i]];
      if (v != null) { mask |= 1 << i; args.push(v); }
    }
    let s = byMask.get(mask);
    if (!s) {
      const where = ['account = ?', ...keys.filter((_, i) => mask & (1 << i)).map((k) => `"${k}" = ?`)].join(' and ');
      s = {
        page: raw.prepare<unknown[], ViewRow>(`select ${CONFERENCE_VIEW_SQL} from conferences where ${where} order by expires_at desc, created_at desc limit ? offset ?`).raw(),
        count: raw.prepare<unknown[], number>(`select count(*) from conferences where ${where}`).pluck(),
      };
      byMask.set(mask, s);
    }
    const rows = s.page.all(...args, page.size, (page.number - 1) * page.size).map(conferenceView);
    const count = s.count;
    return { rows, total: mask === 0 && totals ? totals(account, () => count.get(account)!) : count.get(...args)! };
  };
}

/**
 * Each account's number of conferences, remembered while the database has not changed since it
 * was counted: counting costs a scan of the account's index entries (tens of µs at 1,000
 * conferences) on every page otherwise. Only for an in-memory database, which this connection
 * alone can write: then `total_changes()` (every row inserted, updated or deleted through it, rolled
 * back or not) not having moved means no row moved. A database file may be written by another
 * process too: its totals are counted every time (undefined).
 */
function unfilteredTotals(raw: Db['$client']): ((account: string, count: () => number) => number) | undefined {
  if (!raw.memory) return undefined;
  const changes = raw.prepare<[], number>('select total_changes()').pluck();
  const byAccount = new Map<string, { changes: number; total: number }>();
  return (account, count) => {
    const now = changes.get()!;
    const known = byAccount.get(account);
    if (known && known.changes === now) return known.total;
    const total = count();
    byAccount.set(account, { changes: now, total });
    return total;
  };
}

/** The tables whose rows count against a quota per account (commands/quotas.ts), each with its kind. */
const COUNTED = {
  call_legs: 'calls', call_media: 'media', media_playbacks: 'media', command_ids: 'command_ids', webhook_events: 'webhooks',
} as const;

/**
 * Rows per account of each counted table, kept by triggers as rows are inserted and deleted, so a
 * quota check reads one row (O(1)) instead of counting the account's rows (0.4 ms at 10,000 calls,
 * most of a placed call's cost). Temporary (this connection's): no migration, seeded from the
 * tables once at open, and transactional (a rolled-back insert never counted). Upserts that update
 * fire no insert trigger. Another process writing the same database file is not counted here, so
 * with two servers on one file a quota is approximate.
 */
function installCounters(raw: Db['$client']): void {
  raw.exec('create temp table if not exists account_counts (account text not null, kind text not null, n integer not null, primary key (account, kind)) without rowid');
  raw.exec('delete from temp.account_counts');
  for (const [table, kind] of Object.entries(COUNTED)) {
    // Two tables may count as one kind (a call's media and a conference's): added to what is there.
    raw.prepare(`insert into temp.account_counts (account, kind, n) select account, ?, count(*) from main.${table} where true group by account
      on conflict (account, kind) do update set n = n + excluded.n`).run(kind);
    raw.exec(`create temp trigger if not exists count_${table}_insert after insert on main.${table} begin
      insert into temp.account_counts (account, kind, n) values (new.account, '${kind}', 1)
        on conflict (account, kind) do update set n = n + 1;
    end`);
    raw.exec(`create temp trigger if not exists count_${table}_delete after delete on main.${table} begin
      update temp.account_counts set n = n - 1 where account = old.account and kind = '${kind}';
    end`);
  }
}

/** The statements every account's store shares: prepared once per database. */
function statements(db: Db) {
  const raw = db.$client;
  return {
    saveCall: upsert(db, callLegs, 'callControlId'),
    saveConference: upsert(db, conferences, 'id'),
    saveParticipant: upsert(db, participants, 'id'),
    saveQueue: upsert(db, queues, 'id'),
    saveQueueCall: upsert(db, queueCalls, 'callControlId'),
    saveMedia: upsert(db, mediaPlaybacks, 'id'),
    saveCallMedia: upsert(db, callMedia, 'id'),
    callMedia: fastRead(db, callMedia, 'account = ? and id = ?'),
    callMediaOf: fastRead(db, callMedia, 'account = ? and call_control_id = ?', 'order by seq'),
    call: fastRead(db, callLegs, 'account = ? and call_control_id = ?'),
    // A media lane's head (or what plays in it): through call_media_state, never the call's history.
    mediaLane: fastRead(db, callMedia,
      "account = ? and call_control_id = ? and state = ? and overlay = ? and kind in ('speak', 'playback')", 'order by seq'),
    mediaLaneHead: fastRead(db, callMedia,
      "account = ? and call_control_id = ? and state = ? and overlay = ? and kind in ('speak', 'playback')", 'order by seq limit 1'),
    activeMediaOf: fastRead(db, callMedia,
      "account = ? and call_control_id = ? and state in ('queued', 'playing') and kind in ('speak', 'playback')", 'order by seq'),
    lastCallMediaSeq: raw.prepare<[string, string], { seq: number }>(
      'select coalesce(max(seq), 0) as seq from call_media where account = ? and call_control_id = ?'),
    // The console's per-call line: what plays now and the call's latest webhook, each one indexed read.
    playingOf: fastRead(db, callMedia, "account = ? and call_control_id = ? and state = 'playing'", 'order by seq'),
    lastEventOf: raw.prepare<[string, string], { eventType: string; occurredAt: string }>(
      'select event_type as eventType, occurred_at as occurredAt from webhook_events where account = ? and call_control_id = ? order by seq desc limit 1'),
    // The console's calls view, refreshed several times a second while it is open: a fast read.
    recentCalls: fastRead(db, callLegs, 'account = ?', "order by state = 'hangup', start_time desc, call_control_id desc limit ?"),
    countCalls: db.select({ n: count() }).from(callLegs).where(eq(callLegs.account, p('account'))).prepare(),
    conference: fastRead(db, conferences, 'account = ? and id = ?'),
    activeConferenceByName: fastRead(db, conferences, "account = ? and name = ? and status != 'completed'"),
    participants: fastRead(db, participants, 'account = ? and conference_id = ?', 'order by seq'),
    firstParticipants: fastRead(db, participants, 'account = ? and conference_id = ?', 'order by seq limit ?'),
    participantTally: raw.prepare<[string, string], { all: number; left: number | null }>(
      "select count(*) as \"all\", sum(status = 'left') as \"left\" from participants where account = ? and conference_id = ?"),
    activeParticipants: fastRead(db, participants, "account = ? and conference_id = ? and status != 'left'", 'order by seq'),
    countActive: db.select({ n: count() }).from(participants)
      .where(and(eq(participants.conferenceId, p('conferenceId')), eq(participants.account, p('account')),
        ne(participants.status, 'left'))).prepare(),
    participantOfCall: fastRead(db, participants, "account = ? and call_control_id = ? and status != 'left'"),
    queueByName: fastRead(db, queues, 'account = ? and name = ?'),
    queueById: fastRead(db, queues, 'account = ? and id = ?'),
    queueCall: fastRead(db, queueCalls, 'account = ? and call_control_id = ?'),
    queueCallsOf: fastRead(db, queueCalls, 'account = ? and queue_id = ?', 'order by seq'),
    firstQueueCalls: fastRead(db, queueCalls, 'account = ? and queue_id = ?', 'order by seq limit ?'),
    queueCallTally: raw.prepare<[string, string], { all: number; alive: number | null }>(
      'select count(*) as "all", sum(is_alive) as alive from queue_calls where account = ? and queue_id = ?'),
    queueTally: raw.prepare<[number, string, string], { size: number; waitSecs: number | null }>(
      // Whole seconds each (integer division, as waitSecs floors), summed in the database.
      'select count(*) as size, sum(max(0, (? - enqueued_at) / 1000)) as waitSecs from queue_calls where queue_id = ? and account = ?'),
    queuePosition: raw.prepare<[string, number, string], { n: number }>(
      'select count(*) as n from queue_calls where queue_id = ? and seq <= ? and account = ?'),
    firstLiveQueueCall: fastRead(db, queueCalls, 'account = ? and queue_id = ? and is_alive = 1', 'order by seq limit 1'),
    nextSeq: db.select({ seq: sql<number>`coalesce(max(${queueCalls.seq}), 0) + 1` }).from(queueCalls).prepare(),
    nextParticipantSeq: db.select({ seq: sql<number>`coalesce(max(${participants.seq}), 0) + 1` })
      .from(participants).where(eq(participants.conferenceId, p('conferenceId'))).prepare(),
    // Quotas per account (commands/quotas.ts): one row of the counts the triggers keep (see installCounters).
    quotaCount: raw.prepare<[string, string], number>('select n from temp.account_counts where account = ? and kind = ?').pluck(),
    commandKnown: raw.prepare<[string, string, string], number>('select 1 from command_ids where account = ? and scope = ? and command_id = ?').pluck(),
    // The oldest delivered rows, never a pending or failed one (their delivery is not done).
    pruneDelivered: raw.prepare<[string, number]>(`delete from webhook_events where seq in (
      select seq from webhook_events indexed by webhook_events_account where account = ? and status = 'delivered' order by seq limit ?)`),
    commandSeen: db.insert(commandIds).values({
      account: p('account'), scope: p('scope'), commandId: p('commandId'), createdAt: p('createdAt'),
    } as never).onConflictDoNothing().prepare(),
    commandResult: db.select({ result: commandIds.result }).from(commandIds).where(commandKey).prepare(),
    saveCommandResult: db.update(commandIds).set({ result: sql`${p('result')}` }).where(commandKey).prepare(),
    addTimer: raw.prepare<[string, number, string, string, number | null]>(
      'insert into timers (account, due_at, kind, subject_id, wall_due_at) values (?, ?, ?, ?, ?)'),
    nextTimer: fastRead(db, timers, 'account = ? and due_at <= ? and error is null', 'order by due_at, id limit 1'),
    deleteTimer: raw.prepare<[string, number]>('delete from timers where account = ? and id = ?'),
    deleteQueue: raw.prepare<[string, string]>('delete from queues where account = ? and id = ?'),
    deleteQueueCall: raw.prepare<[string, string]>('delete from queue_calls where account = ? and call_control_id = ?'),
    deleteMedia: raw.prepare<[string, string]>('delete from media_playbacks where account = ? and id = ?'),
    deleteTransfer: raw.prepare<[string, string]>('delete from transfers where account = ? and call_control_id = ?'),
    loadClock: raw.prepare<[string], AccountTime>('select offset_ms as offsetMs, frozen_at as frozenAt from clocks where account = ?'),
    cancelTimers: raw.prepare<[string, string]>('delete from timers where account = ? and subject_id = ?'),
    cancelTimersOfKind: raw.prepare<[string, string, string]>('delete from timers where account = ? and subject_id = ? and kind = ?'),
    // Positional parameters (value, now, account, conference, value): binding by name costs a lookup per parameter.
    setFlag: {
      muted: raw.prepare<[number, number, string, string, number]>(`update participants set muted = ?, updated_at = ?
        where account = ? and conference_id = ? and status != 'left' and muted != ?`),
      onHold: raw.prepare<[number, number, string, string, number]>(`update participants set on_hold = ?, updated_at = ?
        where account = ? and conference_id = ? and status != 'left' and on_hold != ?`),
    },
    failTimer: raw.prepare('update timers set error = ?, wall_due_at = null where account = ? and id = ?'),
    /**
     * Timers due on the wall clock, across accounts: a range scan of the wall_due_at index, so a
     * sweep costs by due timers, not by accounts.
     */
    accountsDue: raw.prepare<[number], { account: string }>(
      'select distinct account from timers indexed by timers_wall_due where wall_due_at <= ?'),
    saveClock: raw.prepare<{ account: string; offsetMs: number; frozenAt: number | null }>(
      `insert into clocks (account, offset_ms, frozen_at) values (@account, @offsetMs, @frozenAt)
       on conflict (account) do update set offset_ms = excluded.offset_ms, frozen_at = excluded.frozen_at`),
    /** An account's timers' wall due instants after its clock moved (the formula of clock.ts wallDue). */
    reindexTimers: raw.prepare<{ account: string; offsetMs: number; frozenAt: number | null }>(
      `update timers set wall_due_at = case
         when @frozenAt is null then due_at - @offsetMs
         when due_at <= @frozenAt then 0 end
       where account = @account and error is null`),
    /**
     * Every timer's wall due instant from its account's saved clock (at start: rows written before
     * the column existed, and clocks saved out of bounds, which the clock clamps when it loads).
     */
    reindexAllTimers: raw.prepare<{ max: number }>(
      `update timers set wall_due_at = case
         when not exists (select 1 from clocks c where c.account = timers.account) then due_at
         else (select case
           when c.frozen_at is null then timers.due_at - max(min(c.offset_ms, @max), -@max)
           when timers.due_at <= c.frozen_at then 0 end
         from clocks c where c.account = timers.account) end
       where error is null`),
    // The delivery columns start null: the dispatcher derives them as it records attempts (outbox.ts).
    appendWebhook: insert(db, webhookEvents, Object.keys(getTableColumns(webhookEvents)).filter((k) => !DERIVED_WEBHOOK_COLUMNS.has(k))),
    conferenceStatus: raw.prepare('select id, status from conferences where account = ? and id = ?'),
    conferenceView: raw.prepare<[string, string], ViewRow>(`select ${CONFERENCE_VIEW_SQL} from conferences where account = ? and id = ?`).raw(),
    conferenceList: conferenceLists(raw),
    media: fastRead(db, mediaPlaybacks, 'account = ? and id = ?'),
    mediaOf: fastRead(db, mediaPlaybacks, 'account = ? and conference_id = ?', 'order by started_at'),
    number: fastRead(db, numbers, 'account = ? and e164 = ?'),
    saveRecording: upsert(db, recordings, 'id'),
    recording: fastRead(db, recordings, 'account = ? and id = ?'),
    activeRecordingsOfCall: fastRead(db, recordings, "account = ? and call_control_id = ? and state != 'stopped'", 'order by started_at'),
    recordingAccount: db.select({ account: recordings.account }).from(recordings).where(eq(recordings.id, p('id'))).prepare(),
    saveTransfer: upsert(db, transfers, 'callControlId'),
    transfer: fastRead(db, transfers, 'account = ? and call_control_id = ?'),
    transfersFrom: fastRead(db, transfers, 'account = ? and from_call_control_id = ?', 'order by created_at'),
  };
}
type Statements = ReturnType<typeof statements>;

/**
 * The SQLite store: all SQL of the emulator's state lives in src/store/. `forAccount` opens the
 * account-bound store the domain works on; transactions and the cross-account timer sweep are here.
 */
/** webhook_events columns derived by the dispatcher, not written when an event is recorded. */
const DERIVED_WEBHOOK_COLUMNS = new Set(['seq', 'listedAt', 'deliveryStartedAt', 'deliveryFinishedAt']);

/**
 * A row's attempts as GET /v2/webhook_deliveries shows them, JSON-encoded as JSON.stringify would
 * (serialize/webhook-deliveries.ts attemptOf: finished attempts only, most recent first), so the
 * `filter[attempts][contains]` search runs in SQLite (test/api/webhook-deliveries-paging.test.ts
 * pins the two encodings equal).
 */
/** Key names and words the shown attempts have and stored ones may not. */
const SHOWN_WORDS = ['started_at', 'finished_at', 'status', 'http', 'request', 'url', 'headers', 'response', 'body', 'delivered', 'failed'];

/**
 * True when `text`, found in the shown attempts, can only lie inside one string or number taken
 * from a stored attempt: it has no JSON punctuation (so it spans no key, value or element
 * boundary) and is not part of a word only the shown form has.
 */
function withinOneValue(text: string): boolean {
  return !/["{}[\],]/.test(text) && !text.startsWith(':') && !SHOWN_WORDS.some((word) => word.includes(text));
}

export const DELIVERY_ATTEMPTS_JSON = `(SELECT coalesce(json_group_array(json(x) ORDER BY k DESC), '[]') FROM (
  SELECT a.key AS k, CASE WHEN json_type(a.value, '$.status') IS NULL OR json_type(a.value, '$.status') = 'null'
    THEN json_object('started_at', a.value ->> '$.at', 'finished_at', coalesce(a.value ->> '$.finished_at', a.value ->> '$.at'), 'status', 'failed',
      'http', json_object('request', json_object('url', a.value ->> '$.url', 'headers', json(coalesce(a.value -> '$.request_headers', '[]')))))
    ELSE json_object('started_at', a.value ->> '$.at', 'finished_at', coalesce(a.value ->> '$.finished_at', a.value ->> '$.at'),
      'status', CASE WHEN (a.value ->> '$.status') BETWEEN 200 AND 299 THEN 'delivered' ELSE 'failed' END,
      'http', json_object('request', json_object('url', a.value ->> '$.url', 'headers', json(coalesce(a.value -> '$.request_headers', '[]'))),
        'response', json_object('status', a.value ->> '$.status', 'headers', json(coalesce(a.value -> '$.response.headers', '[]')),
          'body', coalesce(a.value ->> '$.response.body', ''))))
    END AS x
  FROM json_each(webhook_events.attempts) AS a
  WHERE json_type(a.value, '$.status') != 'null' OR json_type(a.value, '$.error') IS NOT NULL OR json_type(a.value, '$.finished_at') IS NOT NULL))`;

export class SqliteStore {
  private readonly s: Statements;
  private readonly tx;

  /** The database lives in memory: no other connection can reach it (see read). */
  private readonly memory: boolean;

  private readonly idOfKey: (key: string) => string;

  constructor(readonly db: Db) {
    installCounters(db.$client);
    this.s = statements(db);
    this.idOfKey = accountIdMapper(db);
    this.memory = db.$client.memory;
    // Built once: building the transaction wrapper per call is costly.
    this.tx = db.$client.transaction((fn: () => unknown) => fn());
  }

  /**
   * The account id stored for an API key (store/account-id.ts): every `account` column holds it,
   * never the key. An HMAC per call: Accounts computes it once per key.
   */
  accountIdOf(key: string): string {
    return this.idOfKey(key);
  }

  /** The store bound to one account, by its id (accountIdOf), never its key. */
  forAccount(account: string): AccountStore {
    return new BoundStore(this.db, this.s, account);
  }

  /**
   * Runs `fn` in one write transaction. IMMEDIATE takes the write lock up front, so two
   * processes sharing a file database cannot both read-then-write.
   */
  write<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }

  /**
   * Runs `fn` so that all its statements see one snapshot: in one read transaction (deferred: no
   * write lock) on a database file, which another process may write between two statements. An
   * in-memory database has this one connection only, and `fn` is synchronous: nothing can write
   * between its statements, so it runs as it is (BEGIN and COMMIT would cost more than most reads).
   */
  read<T>(fn: () => T): T {
    return this.memory ? fn() : this.tx.deferred(fn) as T;
  }

  /** Accounts with a timer due on the wall clock at `wallNow` (or before). */
  accountsDue(wallNow: number): string[] {
    return this.s.accountsDue.all(wallNow).map((r) => r.account);
  }

  /**
   * The account a recording belongs to, whatever the account: its download URL carries no key
   * (Telnyx's are pre-signed), only the recording's unguessable id.
   */
  recordingAccount(id: string): string | undefined {
    return this.s.recordingAccount.get({ id })?.account;
  }

  /** Recomputes the wall due instants of an account's timers from its clock. */
  reindexAccountTimers(account: string, t: AccountTime): void {
    this.s.reindexTimers.run({ account, offsetMs: t.offsetMs, frozenAt: t.frozenAt });
  }

  /** Recomputes every timer's wall due instant from the saved clocks (at start). */
  reindexTimers(): void {
    this.s.reindexAllTimers.run({ max: MAX_OFFSET_MS });
  }

  /**
   * The clocks as the Clock keeps them. Saving a clock also recomputes the wall due instants of
   * the account's timers, in the same transaction, so the sweep's index follows every move.
   */
  clockPersistence(): ClockPersistence {
    return {
      load: (account) => {
        // Once per account bound (10,000 accounts bind 10,000 times): a positional read.
        return this.s.loadClock.get(account);
      },
      save: (account, t: AccountTime) => {
        this.write(() => {
          this.s.saveClock.run({ account, offsetMs: t.offsetMs, frozenAt: t.frozenAt });
          this.s.reindexTimers.run({ account, offsetMs: t.offsetMs, frozenAt: t.frozenAt });
        });
      },
      savePosition: (account, t: AccountTime) => {
        this.s.saveClock.run({ account, offsetMs: t.offsetMs, frozenAt: t.frozenAt });
      },
      clear: (account) => {
        this.write(() => {
          if (account === undefined) this.db.delete(clocks).run();
          else this.db.delete(clocks).where(eq(clocks.account, account)).run();
          if (account === undefined) this.db.update(timers).set({ wallDueAt: sql`${timers.dueAt}` }).where(isNull(timers.error)).run();
          else this.s.reindexTimers.run({ account, offsetMs: 0, frozenAt: null });
        });
      },
    };
  }

  /** Deletes every account's rows (reset all). */
  deleteEverything(): void {
    this.write(() => { for (const table of accountTables) this.db.delete(table).run(); });
  }
}

/** One account's view of the store: every statement scoped to it. */
class BoundStore extends ProvisioningRows implements AccountStore {
  readonly credentials: CredentialsStore;

  constructor(db: Db, private readonly s: Statements, account: string) {
    super(db, account);
    this.credentials = credentialsStore(db, account);
  }

  // call legs
  call(callControlId: string): CallLeg | undefined {
    return this.s.call.get(this.account, callControlId);
  }
  callsByIds(ids: string[]): CallLeg[] {
    if (ids.length === 0) return [];
    return this.db.select().from(callLegs)
      .where(and(eq(callLegs.account, this.account), inArray(callLegs.callControlId, ids))).all();
  }
  saveCall(call: CallLeg): void { this.s.saveCall(call); }
  recentCalls(limit: number): Paged<CallLeg> {
    return { rows: this.s.recentCalls.all(this.account, limit), total: this.s.countCalls.get({ account: this.account })?.n ?? 0 };
  }

  // conferences
  conference(id: string): Conference | undefined {
    return this.s.conference.get(this.account, id);
  }
  activeConferenceByName(name: string): Conference | undefined {
    return this.s.activeConferenceByName.get(this.account, name);
  }
  latestConferenceByName(name: string): ConferenceView | undefined {
    return this.listConferences({ name }, { number: 1, size: 1 }).rows[0];
  }
  conferenceStatus(id: string): Pick<Conference, 'id' | 'status'> | undefined {
    return this.s.conferenceStatus.get(this.account, id) as Pick<Conference, 'id' | 'status'> | undefined;
  }
  conferenceView(id: string): ConferenceView | undefined {
    const row = this.s.conferenceView.get(this.account, id);
    return row && conferenceView(row);
  }
  listConferences(filter: ConferenceFilter, page: Page): Paged<ConferenceView> {
    return this.s.conferenceList(this.account, filter, page);
  }
  saveConference(conf: Conference): void { this.s.saveConference(conf); }

  // participants
  participants(conferenceId: string): Participant[] {
    return this.s.participants.all(this.account, conferenceId);
  }
  firstParticipants(conferenceId: string, limit: number): Participant[] {
    return this.s.firstParticipants.all(this.account, conferenceId, limit);
  }
  participantTally(conferenceId: string): { all: number; left: number } {
    const row = this.s.participantTally.get(this.account, conferenceId)!;
    return { all: row.all, left: row.left ?? 0 };
  }
  activeParticipants(conferenceId: string): Participant[] {
    return this.s.activeParticipants.all(this.account, conferenceId);
  }
  countActiveParticipants(conferenceId: string): number {
    return this.s.countActive.get({ conferenceId, account: this.account })!.n;
  }
  participantOfCall(callControlId: string): Participant | undefined {
    return this.s.participantOfCall.get(this.account, callControlId);
  }
  nextParticipantSeq(conferenceId: string): number {
    return this.s.nextParticipantSeq.get({ conferenceId })!.seq;
  }
  listParticipants(conferenceId: string,
    filter: { muted?: boolean; onHold?: boolean; whispering?: boolean }, page: Page): Paged<Participant> {
    const where: SQL[] = [eq(participants.account, this.account), eq(participants.conferenceId, conferenceId)];
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
  setFlagForAll(conferenceId: string, flag: 'muted' | 'onHold', value: boolean, now: number): void {
    const v = value ? 1 : 0;
    this.s.setFlag[flag].run(v, now, this.account, conferenceId, v);
  }
  saveParticipant(participant: Participant): void { this.s.saveParticipant(participant); }

  // queues
  queueByName(name: string): Queue | undefined {
    return this.s.queueByName.get(this.account, name);
  }
  queueById(id: string): Queue | undefined {
    return this.s.queueById.get(this.account, id);
  }
  listQueues(page: Page): Paged<Queue> {
    const cond = eq(queues.account, this.account);
    const rows = this.db.select().from(queues).where(cond).orderBy(asc(queues.createdAt), asc(queues.name))
      .limit(page.size).offset((page.number - 1) * page.size).all();
    const total = this.db.select({ n: count() }).from(queues).where(cond).get()?.n ?? 0;
    return { rows, total };
  }
  saveQueue(q: Queue): void { this.s.saveQueue(q); }
  deleteQueue(id: string): void {
    this.s.deleteQueue.run(this.account, id);
  }
  queueCall(callControlId: string): QueueCall | undefined {
    return this.s.queueCall.get(this.account, callControlId);
  }
  queueCalls(queueId: string): QueueCall[] {
    return this.s.queueCallsOf.all(this.account, queueId);
  }
  firstQueueCalls(queueId: string, limit: number): QueueCall[] {
    return this.s.firstQueueCalls.all(this.account, queueId, limit);
  }
  queueCallTally(queueId: string): { all: number; alive: number } {
    const row = this.s.queueCallTally.get(this.account, queueId)!;
    return { all: row.all, alive: row.alive ?? 0 };
  }
  queueTally(queueId: string, now: number): { size: number; waitSecs: number } {
    const row = this.s.queueTally.get(Math.trunc(now), queueId, this.account)!;
    return { size: row.size, waitSecs: row.waitSecs ?? 0 };
  }
  queuePosition(qc: QueueCall): number {
    return this.s.queuePosition.get(qc.queueId, qc.seq, this.account)!.n;
  }
  firstLiveQueueCall(queueId: string): QueueCall | undefined {
    return this.s.firstLiveQueueCall.get(this.account, queueId);
  }
  nextQueueSeq(): number {
    return this.s.nextSeq.get()!.seq;
  }
  saveQueueCall(qc: QueueCall): void { this.s.saveQueueCall(qc); }
  deleteQueueCall(callControlId: string): void {
    this.s.deleteQueueCall.run(this.account, callControlId);
  }

  // media
  media(id: string): MediaPlayback | undefined {
    return this.s.media.get(this.account, id);
  }
  mediaOf(conferenceId: string): MediaPlayback[] {
    return this.s.mediaOf.all(this.account, conferenceId);
  }
  saveMedia(m: MediaPlayback): void { this.s.saveMedia(m); }
  deleteMedia(id: string): void {
    this.s.deleteMedia.run(this.account, id);
  }

  // call media
  callMedia(id: string): CallMedia | undefined {
    return this.s.callMedia.get(this.account, id);
  }
  callMediaOf(callControlId: string): CallMedia[] {
    return this.s.callMediaOf.all(this.account, callControlId);
  }
  mediaLane(callControlId: string, overlay: boolean, state: 'queued' | 'playing'): CallMedia[] {
    return this.s.mediaLane.all(this.account, callControlId, state, overlay ? 1 : 0);
  }
  mediaLaneHead(callControlId: string, overlay: boolean, state: 'queued' | 'playing'): CallMedia | undefined {
    return this.s.mediaLaneHead.get(this.account, callControlId, state, overlay ? 1 : 0);
  }
  activeMediaOf(callControlId: string): CallMedia[] {
    return this.s.activeMediaOf.all(this.account, callControlId);
  }
  lastCallMediaSeq(callControlId: string): number {
    return this.s.lastCallMediaSeq.get(this.account, callControlId)!.seq;
  }
  saveCallMedia(m: CallMedia): void { this.s.saveCallMedia(m); }
  playingOf(callControlId: string): CallMedia[] {
    return this.s.playingOf.all(this.account, callControlId);
  }
  lastEventOf(callControlId: string): { eventType: string; occurredAt: string } | undefined {
    return this.s.lastEventOf.get(this.account, callControlId);
  }

  // recordings
  recording(id: string): Recording | undefined {
    return this.s.recording.get(this.account, id);
  }
  activeRecordingsOfCall(callControlId: string): Recording[] {
    return this.s.activeRecordingsOfCall.all(this.account, callControlId);
  }
  saveRecording(r: Recording): void { this.s.saveRecording(r); }

  // transfers
  transfer(callControlId: string): Transfer | undefined {
    return this.s.transfer.get(this.account, callControlId);
  }
  transfersFrom(callControlId: string): Transfer[] {
    return this.s.transfersFrom.all(this.account, callControlId);
  }
  saveTransfer(t: Transfer): void { this.s.saveTransfer(t); }
  deleteTransfer(callControlId: string): void {
    this.s.deleteTransfer.run(this.account, callControlId);
  }

  // timers
  addTimer(dueAt: number, kind: TimerKind, subjectId: string, wallDueAt: number | null): void {
    this.s.addTimer.run(this.account, dueAt, kind, subjectId, wallDueAt);
  }
  failTimer(id: number, error: string): void {
    this.s.failTimer.run(error, this.account, id);
  }
  cancelTimers(subjectId: string, kind?: TimerKind): void {
    if (kind) this.s.cancelTimersOfKind.run(this.account, subjectId, kind);
    else this.s.cancelTimers.run(this.account, subjectId);
  }
  nextDueTimer(until: number): Timer | undefined {
    return this.s.nextTimer.get(this.account, until);
  }
  deleteTimer(id: number): void {
    this.s.deleteTimer.run(this.account, id);
  }

  // command_id
  firstCommand(scope: string, commandId: string, now: number): { seen: false } | { seen: true; result: string | null } {
    if (this.s.commandSeen.run({ account: this.account, scope, commandId, createdAt: now }).changes === 1) return { seen: false };
    return { seen: true, result: this.s.commandResult.get({ account: this.account, scope, commandId })?.result ?? null };
  }
  saveCommandResult(scope: string, commandId: string, result: string): void {
    this.s.saveCommandResult.run({ result, account: this.account, scope, commandId });
  }

  // quotas (commands/quotas.ts)
  countCalls(): number { return this.s.quotaCount.get(this.account, 'calls') ?? 0; }
  countMedia(): number { return this.s.quotaCount.get(this.account, 'media') ?? 0; }
  countCommandIds(): number { return this.s.quotaCount.get(this.account, 'command_ids') ?? 0; }
  commandKnown(scope: string, commandId: string): boolean { return this.s.commandKnown.get(this.account, scope, commandId) !== undefined; }
  countWebhookEvents(): number { return this.s.quotaCount.get(this.account, 'webhooks') ?? 0; }
  pruneDeliveredWebhooks(max: number): number { return this.s.pruneDelivered.run(this.account, max).changes; }

  // dialed numbers
  number(e164: string): NumberRow | undefined {
    return this.s.number.get(this.account, e164);
  }
  numbers(): NumberRow[] {
    return this.db.select().from(numbers).where(eq(numbers.account, this.account)).orderBy(asc(numbers.e164)).all();
  }
  saveNumber(n: Omit<NumberRow, 'account'>): void {
    const row = { account: this.account, ...n };
    this.db.insert(numbers).values(row).onConflictDoUpdate({ target: [numbers.account, numbers.e164], set: row }).run();
  }
  deleteNumber(e164: string): boolean {
    return this.db.delete(numbers).where(and(eq(numbers.account, this.account), eq(numbers.e164, e164))).run().changes > 0;
  }

  // the outbox (connections and the rest an account provisions: ProvisioningRows)
  appendWebhook(row: NewWebhookEvent): void {
    this.s.appendWebhook.run(row as unknown as Record<string, unknown>);
  }
  webhookLog(filter: WebhookLogFilter, page?: Page): Paged<WebhookEventRow> {
    const cond = this.webhookWhere(filter);
    const query = this.db.select().from(webhookEvents).where(cond).orderBy(asc(webhookEvents.seq));
    const rows = page ? query.limit(page.size).offset((page.number - 1) * page.size).all() : query.all();
    const total = page ? this.db.select({ n: count() }).from(webhookEvents).where(cond).get()?.n ?? 0 : rows.length;
    return { rows, total };
  }
  /** The log's filters as one condition, shared by the full rows and the timeline's summaries. */
  private webhookWhere(filter: WebhookLogFilter): SQL | undefined {
    const where: SQL[] = [eq(webhookEvents.account, this.account)];
    if (filter.eventType !== undefined) where.push(eq(webhookEvents.eventType, filter.eventType));
    if (filter.callControlId !== undefined) where.push(eq(webhookEvents.callControlId, filter.callControlId));
    if (filter.conferenceId !== undefined) where.push(eq(webhookEvents.conferenceId, filter.conferenceId));
    if (filter.status !== undefined) where.push(eq(webhookEvents.status, filter.status));
    if (filter.after !== undefined) where.push(gt(webhookEvents.seq, filter.after));
    if (filter.failed) {
      // As model/webhook.ts webhookFailed: failed, or the last attempt finished without a 2xx.
      where.push(sql`(${webhookEvents.status} = 'failed' or (json_array_length(${webhookEvents.attempts}) > 0
        and json_extract(${webhookEvents.attempts}, '$[#-1].finished_at') is not null
        and coalesce(json_extract(${webhookEvents.attempts}, '$[#-1].status'), 0) not between 200 and 299))`);
    }
    if (filter.eventTypeContains) where.push(sql`instr(lower(${webhookEvents.eventType}), ${filter.eventTypeContains.toLowerCase()}) > 0`);
    return and(...where);
  }
  webhookById(id: string): WebhookEventRow | undefined {
    return this.db.select().from(webhookEvents)
      .where(and(eq(webhookEvents.account, this.account), eq(webhookEvents.id, id))).get();
  }
  webhookDeliveries(filter: DeliveryFilter, page: Page): Paged<WebhookEventRow> {
    const w = webhookEvents;
    const where: SQL[] = [eq(w.account, this.account), sql`${w.listedAt} is not null`];
    if (filter.status === 'delivered') where.push(eq(w.status, 'delivered'));
    if (filter.status === 'failed') where.push(ne(w.status, 'delivered'));
    // One bound parameter however many types were asked for.
    if (filter.eventTypes) where.push(sql`${w.eventType} in (select value from json_each(${JSON.stringify(filter.eventTypes)}))`);
    if (filter.webhookContains) where.push(sql`instr(${w.data}, ${filter.webhookContains}) > 0`);
    if (filter.attemptsContains) {
      const text = filter.attemptsContains;
      // Text inside one shown value is in the stored attempts too, encoded alike (both JSON.stringify):
      // a plain search there rules out most rows before the shown form is built for the rest.
      if (withinOneValue(text)) where.push(sql`instr(${w.attempts}, ${text}) > 0`);
      where.push(sql`instr(${sql.raw(DELIVERY_ATTEMPTS_JSON)}, ${text}) > 0`);
    }
    if (filter.startedGte !== undefined) where.push(sql`${w.deliveryStartedAt} >= ${filter.startedGte}`);
    if (filter.startedLte !== undefined) where.push(sql`${w.deliveryStartedAt} <= ${filter.startedLte}`);
    if (filter.finishedGte !== undefined) where.push(sql`${w.deliveryFinishedAt} >= ${filter.finishedGte}`);
    if (filter.finishedLte !== undefined) where.push(sql`${w.deliveryFinishedAt} <= ${filter.finishedLte}`);
    const cond = and(...where);
    const rows = this.db.select().from(w).where(cond).orderBy(desc(w.listedAt), desc(w.seq))
      .limit(page.size).offset((page.number - 1) * page.size).all();
    const total = this.db.select({ n: count() }).from(w).where(cond).get()?.n ?? 0;
    return { rows, total };
  }
  lastWebhookSeq(): number {
    return this.db.select({ seq: webhookEvents.seq }).from(webhookEvents)
      .where(eq(webhookEvents.account, this.account)).orderBy(desc(webhookEvents.seq)).limit(1).get()?.seq ?? 0;
  }
  webhookSummaries(filter: WebhookLogFilter): WebhookSummary[] {
    return this.db.select({
      seq: webhookEvents.seq, id: webhookEvents.id, eventType: webhookEvents.eventType,
      callControlId: webhookEvents.callControlId, conferenceId: webhookEvents.conferenceId,
      occurredAt: webhookEvents.occurredAt, status: webhookEvents.status, attempts: webhookEvents.attempts, url: webhookEvents.url,
      resendOf: webhookEvents.resendOf,
    }).from(webhookEvents).where(this.webhookWhere(filter)).orderBy(asc(webhookEvents.seq)).all();
  }
  webhookSummariesTail(filter: WebhookLogFilter, limit: number): { rows: WebhookSummary[]; total: number } {
    const where = this.webhookWhere(filter);
    const rows = this.db.select({
      seq: webhookEvents.seq, id: webhookEvents.id, eventType: webhookEvents.eventType,
      callControlId: webhookEvents.callControlId, conferenceId: webhookEvents.conferenceId,
      occurredAt: webhookEvents.occurredAt, status: webhookEvents.status, attempts: webhookEvents.attempts, url: webhookEvents.url,
      resendOf: webhookEvents.resendOf,
    }).from(webhookEvents).where(where).orderBy(desc(webhookEvents.seq)).limit(limit).all().reverse();
    const total = this.db.select({ n: count() }).from(webhookEvents).where(where).get()?.n ?? 0;
    return { rows, total };
  }
  webhookEntry(seq: number): WebhookEventRow | undefined {
    return this.db.select().from(webhookEvents)
      .where(and(eq(webhookEvents.account, this.account), eq(webhookEvents.seq, seq))).get();
  }
  clearWebhookLog(): number {
    return this.db.delete(webhookEvents).where(eq(webhookEvents.account, this.account)).run().changes;
  }

  deleteAll(): void {
    for (const table of accountTables) this.db.delete(table).where(eq(table.account, this.account)).run();
  }
}
