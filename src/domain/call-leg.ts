import type { CallLeg } from '../model/entities.js';
import type { HangupCause, HangupSource } from '../../schema/enums.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';

/**
 * A call leg's own states: ringing → answered → hangup, and the checks commands make on them. What
 * the rest of the domain does when a leg changes state (a participant leaves, a queue drops it…)
 * is the lifecycle's (lifecycle.ts); the leg knows no feature.
 */
export function requireCall(ctx: Ctx, callControlId: string, pointer?: string): CallLeg {
  const call = ctx.store.call(callControlId);
  if (!call) throw errors.invalidCallControlId(pointer);
  return call;
}

export function requireLive(call: CallLeg): CallLeg {
  if (call.state === 'hangup') throw errors.callEnded();
  return call;
}

/** Only a live, answered call can create or join a conference, be enqueued or play media. */
export function requireAnswered(call: CallLeg): CallLeg {
  requireLive(call);
  if (call.state !== 'answered') throw errors.callNotAnswered();
  return call;
}

export interface NewCall {
  from: string;
  to: string;
  connectionId: string;
  clientState?: string | null;
  webhookUrl?: string | null;
  webhookFailoverUrl?: string | null;
  /** The session the leg joins (a transfer's leg B shares A's); a new one by default. */
  callSessionId?: string;
}

/** A new leg, ringing, saved. */
export function newCall(ctx: Ctx, direction: CallLeg['direction'], c: NewCall): CallLeg {
  const call: CallLeg = {
    callControlId: ctx.ids.callControlId(),
    account: ctx.account,
    callLegId: ctx.ids.uuid(),
    callSessionId: c.callSessionId ?? ctx.ids.uuid(),
    connectionId: c.connectionId,
    from: c.from,
    to: c.to,
    direction,
    state: 'ringing',
    clientState: c.clientState ?? null,
    webhookUrl: c.webhookUrl ?? null,
    webhookFailoverUrl: c.webhookFailoverUrl ?? null,
    startTime: ctx.now,
    answeredAt: null,
    endTime: null,
    hangupCause: null,
    hangupSource: null,
    conferenceId: null,
    bridgedTo: null,
    pendingGather: null,
    gatheredDigits: null,
    transcriptionEngine: null,
    dtmfSent: '',
  };
  ctx.store.saveCall(call);
  return call;
}

/** "Add state to every subsequent webhook": a command's client_state, when it gives one. */
export function setClientState(call: CallLeg, clientState: string | undefined) {
  if (clientState !== undefined) call.clientState = clientState;
}

/** The leg is up: answered now (the webhook, if any, is the lifecycle's). */
export function markAnswered(ctx: Ctx, call: CallLeg): void {
  call.state = 'answered';
  call.answeredAt = ctx.now;
  ctx.store.saveCall(call);
}

/** The leg ends now, with its cause and who ended it; false when it had ended already. */
export function markHungUp(ctx: Ctx, call: CallLeg, cause: HangupCause, source: HangupSource): boolean {
  if (call.state === 'hangup') return false;
  call.state = 'hangup';
  call.endTime = ctx.now;
  call.hangupCause = cause;
  call.hangupSource = source;
  ctx.store.saveCall(call);
  return true;
}

/** Who hangs up when the app does: the app is the caller on dialed calls, the callee on inbound ones. */
export const appSide = (call: CallLeg): HangupSource => (call.direction === 'outgoing' ? 'caller' : 'callee');

/** The far end hangs up: for an inbound call that is the caller, for a dialed one the callee. */
export const farSide = (call: CallLeg): HangupSource => (call.direction === 'incoming' ? 'caller' : 'callee');
