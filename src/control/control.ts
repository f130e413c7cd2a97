import { and, eq } from 'drizzle-orm';
import { numbers } from '../../schema/index.js';
import type { Engine } from '../commands/engine.js';
import type { CallLeg } from '../store/repository.js';
import type { Ctx } from '../domain/context.js';
import { errors } from '../domain/errors.js';
import * as callLeg from '../domain/call-leg.js';
import * as conference from '../domain/conference.js';
import { iso } from '../clock.js';

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

const liveCall = (ctx: Ctx, callControlId: string) => callLeg.requireLive(callLeg.requireCall(ctx, callControlId));

/** The far end hangs up: for an inbound call that is the caller, for a dialed one the callee. */
const farSide = (call: CallLeg) => (call.direction === 'incoming' ? 'caller' : 'callee');

/**
 * The other end of the line, in process: the one implementation behind /_mock, the CLI, scenarios
 * and startMock(). Every method is scoped to an account, like the API itself.
 */
export class Control {
  constructor(readonly engine: Engine) {}

  /** An inbound call arrives: it rings (call.initiated) until the app answers, unless `answered`. */
  placeCall(account: string, c: InboundCall): CallLeg {
    return this.engine.run(account, (ctx) => callLeg.receiveCall(ctx, c))!;
  }

  hangup(account: string, callControlId: string): CallLeg {
    return this.engine.run(account, (ctx) => {
      const call = liveCall(ctx, callControlId);
      callLeg.hangupCall(ctx, call, call.state === 'ringing' ? 'originator_cancel' : 'normal_clearing', farSide(call));
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

  /** How a dialed number answers from now on. */
  setNumber(account: string, e164: string, n: NumberConfig): void {
    const row = {
      account, e164, behaviour: n.behaviour,
      answerAfterSecs: n.behaviour === 'answer' ? n.answerAfterSecs ?? 0 : 0,
    };
    this.engine.repo.db.insert(numbers).values(row)
      .onConflictDoUpdate({ target: [numbers.account, numbers.e164], set: row }).run();
  }

  clearNumber(account: string, e164: string): void {
    this.engine.repo.db.delete(numbers).where(and(eq(numbers.account, account), eq(numbers.e164, e164))).run();
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

  /** Clears the account: its calls, conferences, queues, webhooks, numbers and clock. */
  reset(account: string): void {
    this.engine.repo.resetAccount(account);
    this.engine.repo.db.delete(numbers).where(eq(numbers.account, account)).run();
    this.engine.clock.reset(account);
  }
}
