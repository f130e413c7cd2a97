import { and, asc, eq, getTableColumns, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../../schema/index.js';
import { connections, numbers } from '../../schema/index.js';
import type { Engine } from '../commands/engine.js';
import type { LogFilter, WebhookStore } from '../webhooks/store.js';
import type { CallLeg } from '../store/repository.js';
import type { Ctx } from '../domain/context.js';
import { errors } from '../domain/errors.js';
import * as callLeg from '../domain/call-leg.js';
import * as conference from '../domain/conference.js';
import { iso } from '../clock.js';
import { Journal, type JournalEntry, type RequestFilter } from './journal.js';
import { Faults, type Fault, type FaultSpec } from './faults.js';
import { runScenario, type RunOptions } from './scenario/run.js';
import type { Scenario, ScenarioResult } from './scenario/types.js';

export interface InboundCall {
  from: string;
  to: string;
  connectionId: string;
  clientState?: string;
  answered?: boolean;
  webhookUrl?: string;
}

export type NumberConfig =
  | { behaviour: 'answer'; answerAfterSecs?: number }
  | { behaviour: 'busy' | 'no_answer' | 'reject' };

/** Which recorded webhooks to list; `after` takes a `webhookMark`. */
export type WebhookFilter = Omit<LogFilter, 'status'>;

/** One recorded webhook: its place in the log, where it stands in delivery, and its `data` envelope. */
export interface WebhookEvent {
  seq: number;
  event_type: string;
  call_control_id: string | null;
  conference_id: string | null;
  status: string;
  data: { record_type: 'event'; event_type: string; id: string; occurred_at: string; payload: Record<string, unknown> };
}

const liveCall = (ctx: Ctx, callControlId: string) => callLeg.requireLive(callLeg.requireCall(ctx, callControlId));

/** The far end hangs up: for an inbound call that is the caller, for a dialed one the callee. */
const farSide = (call: CallLeg) => (call.direction === 'incoming' ? 'caller' : 'callee');

/** Hanging up before the answer: a caller gives up (originator_cancel), a callee declines (call_rejected). */
const farEndCause = (call: CallLeg) => (call.state !== 'ringing' ? 'normal_clearing'
  : call.direction === 'incoming' ? 'originator_cancel' : 'call_rejected');

/**
 * Every table that holds an account's rows, found from the schema so a table added later is
 * reset too. Connections are left alone: a connection's webhook URL is configuration the app set
 * up once, like the server's own webhook URL, not state a test produced.
 */
const accountTables = (Object.values(schema) as unknown[])
  .filter((t): t is typeof numbers => is(t, SQLiteTable) && 'account' in getTableColumns(t) && t !== connections);

/**
 * The other end of the line, in process: the one implementation behind /_mock, the CLI, scenarios
 * and startMock(). Every method is scoped to an account, like the API itself.
 */
export class Control {
  /** What the app sent to /v2 (filled by the /v2 middleware). */
  readonly journal = new Journal();
  /** Errors and delays the /v2 middleware injects. */
  readonly faults = new Faults();

  constructor(readonly engine: Engine, private readonly webhookStore: WebhookStore) {}

  /** The account's current virtual time in ms. */
  now(account: string): number {
    return this.engine.clock.now(account);
  }

  // callers

  /** An inbound call arrives: it rings (call.initiated) until the app answers, unless `answered`. */
  placeCall(account: string, c: InboundCall): CallLeg {
    return this.engine.run(account, (ctx) => callLeg.receiveCall(ctx, c))!;
  }

  hangup(account: string, callControlId: string): CallLeg {
    return this.engine.run(account, (ctx) => {
      const call = liveCall(ctx, callControlId);
      callLeg.hangupCall(ctx, call, farEndCause(call), farSide(call));
      return call;
    })!;
  }

  pressDigits(account: string, callControlId: string, digits: string): void {
    this.engine.run(account, (ctx) => callLeg.pressDigits(ctx, liveCall(ctx, callControlId), digits));
  }

  speech(account: string, callControlId: string, state: 'started' | 'stopped'): void {
    this.engine.run(account, (ctx) => {
      const call = liveCall(ctx, callControlId);
      if (state === 'started') conference.speechStarted(ctx, call);
      else conference.speechStopped(ctx, call);
    });
  }

  call(account: string, callControlId: string): CallLeg {
    const call = this.engine.repo.call(account, callControlId);
    if (!call) throw errors.notFound('Call');
    return call;
  }

  // dialed numbers

  /** How a dialed number answers from now on. */
  setNumber(account: string, e164: string, n: NumberConfig): NumberConfig {
    const row = {
      account, e164, behaviour: n.behaviour,
      answerAfterSecs: n.behaviour === 'answer' ? n.answerAfterSecs ?? 0 : 0,
    };
    this.engine.repo.db.insert(numbers).values(row)
      .onConflictDoUpdate({ target: [numbers.account, numbers.e164], set: row }).run();
    return toNumberConfig(row);
  }

  /** The configured behaviour of a number, or undefined when it has the default (answers at once). */
  number(account: string, e164: string): NumberConfig | undefined {
    const row = this.engine.repo.number(account, e164);
    return row && toNumberConfig(row);
  }

  numbers(account: string): Array<{ e164: string } & NumberConfig> {
    return this.engine.repo.db.select().from(numbers).where(eq(numbers.account, account))
      .orderBy(asc(numbers.e164)).all().map((row) => ({ e164: row.e164, ...toNumberConfig(row) }));
  }

  /** Back to the default; true when the number had a behaviour. */
  clearNumber(account: string, e164: string): boolean {
    return this.engine.repo.db.delete(numbers)
      .where(and(eq(numbers.account, account), eq(numbers.e164, e164))).run().changes > 0;
  }

  // time

  clockState(account: string) {
    const t = this.engine.clock.state(account);
    const now = this.engine.clock.now(account);
    return { now: iso(now), offset_ms: t.offsetMs + (t.frozenAt !== null ? t.frozenAt - this.engine.clock.wallNow() : 0), frozen: t.frozenAt !== null };
  }

  /** Moves the account's time forward, firing what falls due on the way, in order. */
  advance(account: string, seconds: number) {
    const fired = this.engine.advance(account, Math.round(seconds * 1000));
    return { ...this.clockState(account), fired };
  }

  freeze(account: string) {
    this.engine.clock.freeze(account);
    return this.clockState(account);
  }

  unfreeze(account: string) {
    this.engine.clock.unfreeze(account);
    return this.clockState(account);
  }

  // inspection

  requests(account: string, filter: RequestFilter = {}): Promise<JournalEntry[]> {
    return this.journal.entries(account, filter);
  }

  /** The webhooks recorded for the account, oldest first, whether delivered yet or not. */
  webhooks(account: string, f: WebhookFilter = {}): WebhookEvent[] {
    return this.webhookStore.list(account, f).rows.map((r) => ({
      seq: r.seq, event_type: r.eventType, call_control_id: r.callControlId, conference_id: r.conferenceId,
      status: r.status, data: JSON.parse(r.data),
    }));
  }

  /** The sequence number of the account's latest webhook (0 when none): a "since" mark. */
  webhookMark(account: string): number {
    return this.webhookStore.lastSeq(account);
  }

  // faults

  addFault(account: string, spec: FaultSpec): Fault {
    return this.faults.add(account, spec);
  }

  listFaults(account: string): Fault[] {
    return this.faults.list(account);
  }

  removeFault(account: string, id: number): void {
    if (!this.faults.remove(account, id)) throw errors.notFound('Fault');
  }

  clearFaults(account: string): void {
    this.faults.clear(account);
  }

  // scenarios

  /** Runs a checked scenario (see scenario/parse.ts) against the account, step by step. */
  runScenario(account: string, scenario: Scenario, opts: RunOptions = {}): Promise<ScenarioResult> {
    return runScenario(this, account, scenario, opts);
  }

  /**
   * Clears an account (or, with `undefined`, every account): calls, conferences, queues, webhooks,
   * numbers, clock, request journal and faults.
   */
  reset(account: string | undefined): void {
    const { repo, clock } = this.engine;
    repo.transaction(() => {
      for (const table of accountTables) {
        const q = repo.db.delete(table);
        (account === undefined ? q : q.where(eq(table.account, account))).run();
      }
    });
    clock.reset(account);
    this.journal.clear(account);
    this.faults.clear(account);
  }
}

function toNumberConfig(row: { behaviour: NumberConfig['behaviour']; answerAfterSecs: number }): NumberConfig {
  return row.behaviour === 'answer'
    ? { behaviour: 'answer', answerAfterSecs: row.answerAfterSecs }
    : { behaviour: row.behaviour };
}
