import type { Clock } from '../clock.js';
import { iso } from '../clock.js';
import type { Ids } from '../ids.js';
import type { Timer } from '../model/entities.js';
import type { AccountStore } from '../domain/store.js';
import type { Ctx, DomainSettings, EventSubject, NumberBehaviour } from '../domain/context.js';
import { conferenceExpired, mediaEnded } from '../domain/conference.js';
import { queueTimedOut } from '../domain/queue.js';
import { dialAnswerDue, dialTimeoutDue } from '../domain/call-leg.js';
import { gatherTimedOut } from '../domain/gather.js';
import { callMediaEnded } from '../domain/call-media.js';
import { timeLimitReached } from '../domain/transfer.js';
import { recordingMaxLengthReached } from '../domain/recording.js';
import { webhookDestination, type GlobalWebhookConfig } from '../webhooks/routing.js';
import type { SqliteStore } from '../store/account-store.js';
import type { Changes } from '../changes.js';

export interface EngineDeps {
  store: SqliteStore;
  clock: Clock;
  ids: Ids;
  settings: DomainSettings;
  webhooks: GlobalWebhookConfig;
  /** Called after a transaction that recorded webhooks has committed (wakes the dispatcher). */
  onEventsCommitted?: () => void;
  /** Told, per account, of every committed write and clock move (live views and waits wake on it). */
  changes?: Changes;
}

/**
 * A command_id and what it is scoped to. Telnyx: a command repeated with the same command_id is
 * not executed twice; here it answers what the first one answered.
 */
export interface Once {
  /** The call_control_id, conference id or connection the command_id is scoped to. */
  scope: string;
  commandId?: string;
}

/**
 * Runs domain operations as transactions: check, change state and record the events to emit, all
 * in one SQLite transaction; the dispatcher delivers after commit. Also fires timers in due order.
 */
export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  /**
   * Runs `fn` on the account in one write transaction. With a command_id already seen in the
   * same scope nothing runs again: the first run's result is returned (as JSON round-tripped).
   */
  write<T>(store: AccountStore, fn: (ctx: Ctx) => T, once?: Once): T {
    return this.writeAt(store, undefined, fn, once);
  }

  /** Runs `fn` in one read transaction: a consistent snapshot, no write lock, no events. */
  read<T>(store: AccountStore, fn: (ctx: Ctx) => T): T {
    return this.deps.store.read(() => fn(this.context(store, this.deps.clock.now(store.account), READ_ONLY)));
  }

  /** As write, with "now" fixed at `at` (a timer runs at the instant it fell due). */
  private writeAt<T>(store: AccountStore, at: number | undefined, fn: (ctx: Ctx) => T, once?: Once): T {
    let emitted = 0;
    const result = this.deps.store.write(() => {
      const ctx = this.context(store, at ?? this.deps.clock.now(store.account), () => { emitted++; });
      if (!once?.commandId) return fn(ctx);
      const first = store.firstCommand(once.scope, once.commandId, ctx.now);
      if (first.seen) return (first.result === null ? undefined : JSON.parse(first.result)) as T;
      const value = fn(ctx);
      if (value !== undefined) store.saveCommandResult(once.scope, once.commandId, JSON.stringify(value));
      return value;
    });
    if (emitted > 0) this.deps.onEventsCommitted?.();
    this.deps.changes?.notify(store.account, 'state');
    return result;
  }

  private context(store: AccountStore, now: number, counted: (() => void) | typeof READ_ONLY): Ctx {
    const { clock, ids, settings } = this.deps;
    return {
      account: store.account, now, store, ids, settings,
      emit: (eventType: string, payload: Record<string, unknown>, subject: EventSubject) => {
        if (counted === READ_ONLY) throw new Error(`a read emitted ${eventType}`);
        const call = subject.call ?? (subject.conferenceId ? conferenceCreator(store, subject.conferenceId) : undefined);
        const { url, failoverUrl } = webhookDestination(call, store, this.deps.webhooks);
        const id = ids.uuid();
        const occurredAt = iso(now);
        const data = { record_type: 'event', event_type: eventType, id, occurred_at: occurredAt, payload: stripUndefined(payload) };
        store.appendWebhook({
          id, account: store.account, eventType,
          callControlId: subject.call?.callControlId ?? null,
          conferenceId: subject.conferenceId ?? null,
          orderingKey: call?.callControlId ?? subject.conferenceId ?? store.account,
          occurredAt, data: JSON.stringify(data), url, failoverUrl,
          status: 'pending', attempts: [], nextAttemptAt: 0, createdAt: clock.wallNow(),
        });
        counted();
      },
      schedule: (dueAt, kind, subjectId) => store.addTimer(dueAt, kind, subjectId, clock.wallDue(store.account, dueAt)),
      numberBehaviour: (e164: string): NumberBehaviour => {
        const row = store.number(e164);
        if (!row || row.behaviour === 'answer') return { kind: 'answer', afterSecs: row?.answerAfterSecs ?? 0 };
        return { kind: row.behaviour };
      },
    };
  }

  /**
   * Fires, in due order, every timer of the account due at or before `until` (default: its now).
   * A timer that throws is rolled back, recorded as failed on its own row (never fired again) and
   * logged once; the others still fire.
   */
  fireDue(store: AccountStore, until?: number): number {
    const { clock } = this.deps;
    let fired = 0;
    for (;;) {
      const limit = until ?? clock.now(store.account);
      const timer = store.nextDueTimer(limit);
      if (!timer) break;
      // Events fire at the instant they fall due, so occurred_at and waits are exact.
      // Saved once, when the advance ends (saving re-indexes the account's timers).
      if (until !== undefined) clock.set(store.account, timer.dueAt, false);
      try {
        this.writeAt(store, timer.dueAt, (ctx) => {
          store.deleteTimer(timer.id);
          fireTimer(ctx, timer);
        });
        fired++;
      } catch (err) {
        if (!this.timerFailed(store, timer, err)) break;
      }
    }
    return fired;
  }

  /** Records a timer that threw; false when even that failed (the database is unwell: stop for now). */
  private timerFailed(store: AccountStore, timer: Timer, err: unknown): boolean {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(`timer ${timer.id} (${timer.kind} of ${timer.subjectId}) of account ${store.account} failed and is dropped: ${message}`);
    try {
      this.deps.store.write(() => store.failTimer(timer.id, message.slice(0, 500)));
      return true;
    } catch (again) {
      console.error(`recording the failure of timer ${timer.id} failed: ${(again as Error).message}`);
      return false;
    }
  }

  /** Moves the account's time forward by `ms`, firing everything that falls due on the way, in order. */
  advance(store: AccountStore, ms: number): number {
    const target = this.deps.clock.now(store.account) + ms;
    const fired = this.fireDue(store, target);
    this.deps.clock.set(store.account, target);
    this.deps.changes?.notify(store.account, 'clock');
    return fired;
  }

  /**
   * One sweep (the background ticker calls this): the accounts with a timer due on the wall clock,
   * found through the wall-due index, each fired on its own clock. One account's failure is its
   * own: logged, and the sweep goes on to the next.
   */
  tick(): void {
    const { store, clock } = this.deps;
    for (const account of store.accountsDue(clock.wallNow())) {
      try {
        const bound = store.forAccount(account);
        // Found due but nothing fell due on its clock: the index was stale; recompute it.
        if (this.fireDue(bound) === 0 && !bound.nextDueTimer(clock.now(account))) {
          store.reindexAccountTimers(account, clock.state(account));
        }
      } catch (err) {
        console.error(`timer sweep of account ${account} failed: ${(err as Error).message}`);
      }
    }
  }
}

const READ_ONLY = Symbol('read-only');

function conferenceCreator(store: AccountStore, conferenceId: string) {
  const conf = store.conference(conferenceId);
  return conf ? store.call(conf.creatorCallControlId) : undefined;
}

/** What each kind of timer does when it falls due; a new kind fails to compile until it is handled here. */
function fireTimer(ctx: Ctx, timer: Timer): void {
  const call = () => ctx.store.call(timer.subjectId);
  switch (timer.kind) {
    case 'conference_expiry': {
      const conf = ctx.store.conference(timer.subjectId);
      if (conf) conferenceExpired(ctx, conf);
      return;
    }
    case 'queue_timeout': queueTimedOut(ctx, timer.subjectId); return;
    case 'media_end': mediaEnded(ctx, timer.subjectId); return;
    case 'dial_answer': { const c = call(); if (c) dialAnswerDue(ctx, c); return; }
    case 'dial_timeout': { const c = call(); if (c) dialTimeoutDue(ctx, c); return; }
    case 'gather_timeout': { const c = call(); if (c) gatherTimedOut(ctx, c); return; }
    case 'call_media_end': callMediaEnded(ctx, timer.subjectId); return;
    case 'call_time_limit': { const c = call(); if (c) timeLimitReached(ctx, c); return; }
    case 'recording_max_length': recordingMaxLengthReached(ctx, timer.subjectId); return;
    default: assertNever(timer.kind);
  }
}

function assertNever(kind: never): never {
  throw new Error(`unknown timer kind ${String(kind)}`);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
