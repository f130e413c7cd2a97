import { iso, type AccountClock } from '../clock.js';
import type { Ids } from '../ids.js';
import type { Timer, WebhookEventRow } from '../model/entities.js';
import type { TimerKind } from '../../schema/enums.js';
import type { AccountStore } from '../domain/store.js';
import type { Ctx, DomainSettings, EventSubject, NumberBehaviour } from '../domain/context.js';
import { lifecycle } from '../domain/lifecycle.js';
import { fireTimer } from '../domain/timers.js';
import { outboxRow, resendRow } from '../domain/webhooks.js';
import type { SqliteStore } from '../store/account-store.js';
import type { AccountChanges } from '../changes.js';
import { nextTurn, SLICE_MS } from '../waits.js';

/** What the engine needs of one account: its store, clock and change notifications, bound to it. */
export interface BoundAccount {
  readonly store: AccountStore;
  readonly clock: AccountClock;
  /** The account's id source (seeded per account in deterministic mode). */
  readonly ids: Ids;
  /** Deterministic mode: set when the account's time and ids come from a seed. */
  readonly seed: string | undefined;
  readonly changes: AccountChanges;
}

export interface EngineDeps {
  store: SqliteStore;
  settings: DomainSettings;
  /** The account of an id the timer sweep found due (bound once, as every account is). */
  bind: (account: string) => BoundAccount;
  /** Wall time in ms (the sweep's "now"). */
  wallNow: () => number;
  /** Called after a transaction that recorded webhooks has committed (wakes the dispatcher). */
  onEventsCommitted?: () => void;
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
  /** Per account, the end of its advance(s) in progress: the next one starts after it. */
  private readonly advancing = new Map<string, Promise<void>>();
  /**
   * The sweep's round: the accounts found due when it began, and how many were served. A sweep
   * cut short by its budget goes on from there next time, so every due account is served once a
   * round, and the due accounts are read once a round, not once a sweep (10,000 accounts due at
   * once had been re-read and re-sorted on every 10 ms slice).
   */
  private round: string[] = [];
  private served = 0;
  /**
   * Some account served this round had more due than its batch fired. Kept across the round's
   * slices: the round's last slice answers for all of them (a local of one slice forgot an account
   * left with more in an earlier one, and a sweep "until none is due" stopped with timers due).
   */
  private roundHasMore = false;

  constructor(private readonly deps: EngineDeps) {}

  /** Outbox rows were written outside write() (a snapshot imported): wakes the dispatcher as a commit does. */
  eventsCommitted(): void {
    this.deps.onEventsCommitted?.();
  }

  /**
   * Runs `fn` on the account in one write transaction. With a command_id already seen in the
   * same scope nothing runs again: the first run's result is returned (as JSON round-tripped).
   */
  write<T>(a: BoundAccount, fn: (ctx: Ctx) => T, once?: Once): T {
    return this.writeAt(a, undefined, fn, once);
  }

  /**
   * Runs `fn` on one consistent snapshot (see SqliteStore.read): no write lock, no events (a read
   * that emits or schedules is a bug, and throws).
   */
  read<T>(a: BoundAccount, fn: (ctx: Ctx) => T): T {
    const ctx = new Context(a, a.clock.now(), this.deps, false);
    return this.deps.store.read(() => fn(ctx));
  }

  /** As write, with "now" fixed at `at` (a timer runs at the instant it fell due). */
  private writeAt<T>(a: BoundAccount, at: number | undefined, fn: (ctx: Ctx) => T, once?: Once): T {
    const ctx = new Context(a, at ?? a.clock.now(), this.deps, true);
    const result = this.deps.store.write(() => {
      if (!once?.commandId) return fn(ctx);
      const first = a.store.firstCommand(once.scope, once.commandId, ctx.now);
      if (first.seen) return (first.result === null ? undefined : JSON.parse(first.result)) as T;
      const value = fn(ctx);
      if (value !== undefined) a.store.saveCommandResult(once.scope, once.commandId, JSON.stringify(value));
      return value;
    });
    if (ctx.emitted > 0) this.deps.onEventsCommitted?.();
    a.changes.notify('state');
    return result;
  }

  /**
   * Fires, in due order, the timers of the account due at or before `until` (default: its now), at
   * most one batch's worth (see BATCH): how many fired, and whether more may be due. A timer that
   * throws is rolled back, recorded as failed on its own row (never fired again) and logged once;
   * the others still fire.
   */
  fireDue(a: BoundAccount, until?: number, budget: Budget = BATCH): { fired: number; more: boolean } {
    const started = performance.now();
    let fired = 0;
    for (let n = 0; ; n++) {
      // A work budget, not time the domain sees (so not the injected clock).
      if (n >= budget.timers || performance.now() - started >= budget.ms) return { fired, more: true };
      const limit = until ?? a.clock.now();
      const timer = a.store.nextDueTimer(limit);
      if (!timer) return { fired, more: false };
      try {
        this.writeAt(a, timer.dueAt, (ctx) => {
          // Events fire at the instant they fall due, so occurred_at and waits are exact. An advance
          // saves the clock's position with each timer's effects, so a crash never leaves a fired
          // event in the account's future (the wall-due index is redone once, when the advance ends).
          if (until !== undefined) a.clock.set(timer.dueAt, 'position');
          a.store.deleteTimer(timer.id);
          fireTimer(ctx, timer);
        });
        fired++;
      } catch (err) {
        if (!this.timerFailed(a, timer, err)) return { fired, more: false };
      }
    }
  }

  /** Records a timer that threw; false when even that failed (the database is unwell: stop for now). */
  private timerFailed(a: BoundAccount, timer: Timer, err: unknown): boolean {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    console.error(`timer ${timer.id} (${timer.kind} of ${timer.subjectId}) of account ${a.store.account} failed and is dropped: ${message}`);
    try {
      this.deps.store.write(() => a.store.failTimer(timer.id, message.slice(0, 500)));
      return true;
    } catch (again) {
      console.error(`recording the failure of timer ${timer.id} failed: ${(again as Error).message}`);
      return false;
    }
  }

  /**
   * Moves the account's time forward by `ms`, firing everything that falls due on the way, in order;
   * resolves with how many fired once all have. The timers fire in batches with a turn of the event
   * loop between them, so other accounts' requests and deliveries run meanwhile; an advance that
   * fits in one batch has finished when this returns. Two advances of one account run one after the
   * other (the second from where the first ended), never interleaved.
   */
  advance(a: BoundAccount, ms: number): Promise<number> {
    const key = a.store.account;
    const before = this.advancing.get(key);
    const run = before ? before.then(() => this.runAdvance(a, ms)) : this.runAdvance(a, ms);
    const tail = run.then(() => undefined, () => undefined);
    this.advancing.set(key, tail);
    void tail.then(() => { if (this.advancing.get(key) === tail) this.advancing.delete(key); });
    return run;
  }

  private async runAdvance(a: BoundAccount, ms: number): Promise<number> {
    const target = a.clock.now() + ms;
    let fired = 0;
    for (;;) {
      const batch = this.fireDue(a, target);
      fired += batch.fired;
      if (!batch.more) break;
      a.changes.notify('clock');
      const resets = a.clock.resets;
      await nextTurn();
      // The account was reset meanwhile (its clock is back at wall time, its timers gone): the
      // advance ends there, and the clock stays where the reset put it.
      if (a.clock.resets !== resets) return fired;
    }
    a.clock.set(target);
    a.changes.notify('clock');
    return fired;
  }

  /**
   * One sweep (the background ticker calls this): the accounts with a timer due on the wall clock,
   * found through the wall-due index, each fired on its own clock, at most a batch per account and
   * a slice of work in all (true when some account has more: the ticker comes back at the next turn
   * of the loop, not after its interval). An account that is advancing is skipped: its advance
   * fires them. One account's failure is its own: logged, and the sweep goes on to the next.
   */
  tick(): boolean {
    const { store, bind, wallNow } = this.deps;
    if (this.served >= this.round.length) {
      this.round = store.accountsDue(wallNow());
      this.served = 0;
      this.roundHasMore = false;
    }
    // The budget starts after the read of who is due: were that read to take the whole slice, no
    // account would ever be served and the sweep would spin.
    const started = performance.now();
    while (this.served < this.round.length) {
      if (performance.now() - started >= SLICE_MS) return true;
      const id = this.round[this.served++];
      if (this.advancing.has(id)) continue;
      try {
        const a = bind(id);
        const batch = this.fireDue(a);
        if (batch.more) this.roundHasMore = true;
        // Found due but nothing fell due on its clock: the index was stale; recompute it.
        else if (batch.fired === 0 && !a.store.nextDueTimer(a.clock.now())) store.reindexAccountTimers(id, a.clock.state());
      } catch (err) {
        console.error(`timer sweep of account ${id} failed: ${(err as Error).message}`);
      }
    }
    return this.roundHasMore;
  }
}

/** How much one slice of timer work may do before the event loop gets a turn. */
export interface Budget { timers: number; ms: number }
export const BATCH: Budget = { timers: 200, ms: SLICE_MS };

/**
 * What a domain operation is given (see Ctx): one per transaction, its functions on the prototype
 * so that making one costs a few fields, not a closure each (reads and writes are the hot path).
 */
class Context implements Ctx {
  readonly account: string;
  readonly store: AccountStore;
  readonly ids: Ids;
  readonly settings: DomainSettings;
  readonly calls = lifecycle;
  /** Events recorded: the dispatcher is woken after commit when there are any. */
  emitted = 0;

  constructor(private readonly a: BoundAccount, readonly now: number, deps: EngineDeps, private readonly writable: boolean) {
    this.account = a.store.account;
    this.store = a.store;
    this.ids = a.ids;
    this.settings = deps.settings;
  }

  emit(eventType: string, payload: Record<string, unknown>, subject: EventSubject): void {
    if (!this.writable) throw new Error(`a read emitted ${eventType}`);
    this.store.appendWebhook(outboxRow(this.store, this.settings, {
      id: this.ids.uuid(), eventType, payload, subject, occurredAt: iso(this.now), createdAt: this.createdAt(),
    }));
    this.emitted++;
  }

  resend(original: WebhookEventRow): WebhookEventRow {
    if (!this.writable) throw new Error('a read resent a webhook');
    this.store.appendWebhook(resendRow(original, this.ids.uuid(), this.createdAt()));
    this.emitted++;
    return this.store.webhookEntry(this.store.lastWebhookSeq())!;
  }

  /** When an outbox row was written: wall time, or the virtual time in deterministic mode (nothing of the run reads the wall). */
  private createdAt(): number {
    return this.a.seed === undefined ? this.a.clock.wallNow() : this.now;
  }

  schedule(dueAt: number, kind: TimerKind, subjectId: string): void {
    if (!this.writable) throw new Error(`a read scheduled ${kind}`);
    this.store.addTimer(dueAt, kind, subjectId, this.a.clock.wallDue(dueAt));
  }

  numberBehaviour(e164: string): NumberBehaviour {
    const row = this.store.number(e164);
    if (!row || row.behaviour === 'answer') return { kind: 'answer', afterSecs: row?.answerAfterSecs ?? 0 };
    return { kind: row.behaviour };
  }
}
