import type { Clock } from '../clock.js';
import { iso } from '../clock.js';
import type { Ids } from '../ids.js';
import type { Repository, Timer, CallLeg } from '../store/repository.js';
import type { Ctx, DomainSettings, EventSubject, NumberBehaviour, TimerKind } from '../domain/context.js';
import { conferenceExpired, mediaEnded } from '../domain/conference.js';
import { queueTimedOut } from '../domain/queue.js';
import { dialAnswerDue, dialTimeoutDue, gatherTimedOut } from '../domain/call-leg.js';

/** Where an account's webhooks for a call go (webhooks/routing.ts implements Telnyx's precedence). */
export interface WebhookRouting {
  resolve(account: string, call: CallLeg | undefined): { url: string | null; failoverUrl: string | null };
}

export interface EngineDeps {
  repo: Repository;
  clock: Clock;
  ids: Ids;
  settings: DomainSettings;
  routing: WebhookRouting;
  /** Called after a transaction that recorded webhooks has committed (wakes the dispatcher). */
  onEventsCommitted?: () => void;
}

export interface CommandKey {
  /** The call_control_id or conference id the command_id is scoped to. */
  scope: string;
  commandId?: string;
}

/**
 * Runs domain operations as transactions: check, change state and record the events to emit, all
 * in one SQLite transaction; the dispatcher delivers after commit. Also fires timers in due order.
 */
export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  get repo() { return this.deps.repo; }
  get clock() { return this.deps.clock; }

  /**
   * Runs `fn` for `account` in one transaction. With a command_id already seen for the same
   * call or conference, nothing runs again (Telnyx ignores duplicate commands) and `undefined` is returned.
   */
  run<T>(account: string, fn: (ctx: Ctx) => T, key?: CommandKey): T | undefined {
    return this.runAt(account, undefined, fn, key);
  }

  /** As run, with "now" fixed at `at` (a timer runs at the instant it fell due). */
  private runAt<T>(account: string, at: number | undefined, fn: (ctx: Ctx) => T, key?: CommandKey): T | undefined {
    const { repo } = this.deps;
    let emitted = 0;
    const result = repo.transaction(() => {
      const ctx = this.context(account, at ?? this.deps.clock.now(account), () => { emitted++; });
      if (key?.commandId && !repo.firstTimeCommand(account, key.scope, key.commandId, ctx.now)) return undefined;
      return fn(ctx);
    });
    if (emitted > 0) this.deps.onEventsCommitted?.();
    return result;
  }

  private context(account: string, now: number, counted: () => void): Ctx {
    const { repo, clock, ids, settings, routing } = this.deps;
    return {
      account, now, repo, ids, settings,
      emit: (eventType: string, payload: Record<string, unknown>, subject: EventSubject) => {
        const call = subject.call ?? (subject.conferenceId ? this.conferenceCreator(account, subject.conferenceId) : undefined);
        const { url, failoverUrl } = routing.resolve(account, call);
        const id = ids.uuid();
        const occurredAt = iso(now);
        const data = { record_type: 'event', event_type: eventType, id, occurred_at: occurredAt, payload: stripUndefined(payload) };
        repo.appendWebhook({
          id, account, eventType,
          callControlId: subject.call?.callControlId ?? null,
          conferenceId: subject.conferenceId ?? null,
          orderingKey: call?.callControlId ?? subject.conferenceId ?? account,
          occurredAt, data: JSON.stringify(data), url, failoverUrl,
          status: 'pending', attempts: [], nextAttemptAt: 0, createdAt: clock.wallNow(),
        });
        counted();
      },
      schedule: (dueAt: number, kind: TimerKind, subjectId: string) => repo.addTimer(account, dueAt, kind, subjectId),
      numberBehaviour: (e164: string): NumberBehaviour => {
        const row = repo.number(account, e164);
        if (!row || row.behaviour === 'answer') return { kind: 'answer', afterSecs: row?.answerAfterSecs ?? 0 };
        return { kind: row.behaviour };
      },
    };
  }

  private conferenceCreator(account: string, conferenceId: string): CallLeg | undefined {
    const conf = this.deps.repo.conference(account, conferenceId);
    return conf ? this.deps.repo.call(account, conf.creatorCallControlId) : undefined;
  }

  /** Fires, in due order, every timer of `account` due at or before `until` (default: its now). */
  fireDue(account: string, until?: number): number {
    const { repo, clock } = this.deps;
    let fired = 0;
    for (;;) {
      const limit = until ?? clock.now(account);
      const timer = repo.nextDueTimer(account, limit);
      if (!timer) break;
      // Events fire at the instant they fall due, so occurred_at and waits are exact.
      if (until !== undefined) clock.set(account, timer.dueAt);
      this.runAt(account, timer.dueAt, (ctx) => {
        repo.deleteTimer(timer.id);
        fireTimer(ctx, timer);
      });
      fired++;
    }
    return fired;
  }

  /** Moves `account`'s time forward by `ms`, firing everything that falls due on the way, in order. */
  advance(account: string, ms: number): number {
    const target = this.deps.clock.now(account) + ms;
    const fired = this.fireDue(account, target);
    this.deps.clock.set(account, target);
    return fired;
  }

  /** One sweep over every account with pending timers (the background ticker calls this). */
  tick(): void {
    for (const account of this.deps.repo.accountsWithTimers()) this.fireDue(account);
  }
}

function fireTimer(ctx: Ctx, timer: Timer): void {
  const call = () => ctx.repo.call(ctx.account, timer.subjectId);
  switch (timer.kind as TimerKind) {
    case 'conference_expiry': {
      const conf = ctx.repo.conference(ctx.account, timer.subjectId);
      if (conf) conferenceExpired(ctx, conf);
      break;
    }
    case 'queue_timeout': queueTimedOut(ctx, timer.subjectId); break;
    case 'media_end': mediaEnded(ctx, timer.subjectId); break;
    case 'dial_answer': { const c = call(); if (c) dialAnswerDue(ctx, c); break; }
    case 'dial_timeout': { const c = call(); if (c) dialTimeoutDue(ctx, c); break; }
    case 'gather_timeout': { const c = call(); if (c) gatherTimedOut(ctx, c); break; }
  }
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
