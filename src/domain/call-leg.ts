import type { CallLeg } from '../model/entities.js';
import type { HangupCause, HangupSource } from '../../schema/enums.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { participantLeaves } from './conference.js';
import { dequeue } from './queue.js';
import { gatherHungUp, takeDigit } from './gather.js';
import { mediaHungUp } from './call-media.js';
import { transferAnswered, transferLegsEnd, transfersCalledOff } from './transfer.js';
import { callRecordingsEnd } from './recording.js';

/**
 * Call legs: ringing → answered → hangup. Only a live, answered call can create or join a
 * conference or be enqueued.
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

function newCall(ctx: Ctx, direction: CallLeg['direction'], c: NewCall): CallLeg {
  return {
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
}

/**
 * POST /calls: an outbound call. The far end behaves as its number is configured (control API);
 * by default it answers at once. `timeoutSecs` bounds how long it may ring.
 */
export function dial(ctx: Ctx, c: NewCall & { timeoutSecs?: number }): CallLeg {
  const call = newCall(ctx, 'outgoing', c);
  ctx.store.saveCall(call);
  ctx.emit('call.initiated', payloads.callInitiated(call), { call });
  const behaviour = ctx.numberBehaviour(c.to);
  switch (behaviour.kind) {
    case 'answer':
      if (behaviour.afterSecs <= 0) answer(ctx, call);
      else if (behaviour.afterSecs >= (c.timeoutSecs ?? 30)) ringOut(ctx, call, c.timeoutSecs ?? 30);
      else ctx.schedule(ctx.now + behaviour.afterSecs * 1000, 'dial_answer', call.callControlId);
      break;
    case 'no_answer':
      ringOut(ctx, call, c.timeoutSecs ?? 30);
      break;
    case 'busy':
      hangupCall(ctx, call, 'user_busy', 'callee');
      break;
    case 'reject':
      hangupCall(ctx, call, 'call_rejected', 'callee');
      break;
  }
  return call;
}

function ringOut(ctx: Ctx, call: CallLeg, timeoutSecs: number) {
  ctx.schedule(ctx.now + timeoutSecs * 1000, 'dial_timeout', call.callControlId);
}

/** An inbound call arrives (control API): it rings, parked, until the app answers it. */
export function receiveCall(ctx: Ctx, c: NewCall & { answered?: boolean }): CallLeg {
  const call = newCall(ctx, 'incoming', c);
  ctx.store.saveCall(call);
  ctx.emit('call.initiated', payloads.callInitiated(call), { call });
  if (c.answered) answer(ctx, call);
  return call;
}

/** The app answers an inbound call (the far end answers dialed ones: see dial and the control API). */
export function answerInbound(ctx: Ctx, call: CallLeg, clientState?: string, webhookUrl?: string): CallLeg {
  requireLive(call);
  if (call.direction === 'outgoing') {
    throw errors.invalid('call_control_id', 'Only an inbound call can be answered; a dialed call is answered by the far end.');
  }
  // AnswerRequest.webhook_url: "override the URL for which Telnyx will send subsequent webhooks to
  // for this call" — from call.answered on (first in the precedence of webhooks/routing.ts).
  if (webhookUrl !== undefined && call.state === 'ringing') call.webhookUrl = webhookUrl;
  return answer(ctx, call, clientState);
}

export function answer(ctx: Ctx, call: CallLeg, clientState?: string): CallLeg {
  requireLive(call);
  if (call.state === 'answered') {
    throw errors.invalid('call_control_id', 'The call has already been answered.', 'Call already answered');
  }
  if (clientState !== undefined) call.clientState = clientState;
  call.state = 'answered';
  call.answeredAt = ctx.now;
  ctx.store.saveCall(call);
  ctx.emit('call.answered', payloads.callAnswered(call), { call });
  return call;
}

export function setClientState(call: CallLeg, clientState: string | undefined) {
  if (clientState !== undefined) call.clientState = clientState;
}

/**
 * What happens when a call ends, in one place: the participant leaves its conference (which may
 * end it), the call leaves its queue (unless kept with keep_after_hangup), a bridged peer is hung
 * up too, and call.hangup is sent.
 */
export function hangupCall(ctx: Ctx, call: CallLeg, cause: HangupCause, source: HangupSource): void {
  if (call.state === 'hangup') return;
  call.state = 'hangup';
  call.endTime = ctx.now;
  call.hangupCause = cause;
  call.hangupSource = source;
  // A pending gather and the call's audio end with status call_hangup, before call.hangup.
  gatherHungUp(ctx, call);
  mediaHungUp(ctx, call);
  ctx.store.saveCall(call);

  const participant = ctx.store.participantOfCall(call.callControlId);
  if (participant) participantLeaves(ctx, participant, call);

  const queued = ctx.store.queueCall(call.callControlId);
  if (queued?.isAlive) {
    if (queued.keepAfterHangup) {
      queued.isAlive = false;
      ctx.store.saveQueueCall(queued);
    } else {
      dequeue(ctx, queued, call, 'hangup');
    }
  }

  ctx.emit('call.hangup', payloads.callHangup(call), { call });
  // A transfer leg still ringing fails or is cancelled; recordings still going are saved.
  transferLegsEnd(ctx, call);
  callRecordingsEnd(ctx, call);

  dropBridge(ctx, call, source === 'caller' ? 'callee' : 'caller');
}

/** Ends `call`'s bridge, if any: the peer still up is hung up by `peerSource` (no park_after_unbridge). */
export function dropBridge(ctx: Ctx, call: CallLeg, peerSource: HangupSource): void {
  if (!call.bridgedTo) return;
  const peer = ctx.store.call(call.bridgedTo);
  call.bridgedTo = null;
  ctx.store.saveCall(call);
  if (peer && peer.state !== 'hangup') {
    peer.bridgedTo = null;
    hangupCall(ctx, peer, 'normal_clearing', peerSource);
  }
}

/** Who hangs up when the app does: the app is the caller on dialed calls, the callee on inbound ones. */
const appSide = (call: CallLeg) => (call.direction === 'outgoing' ? 'caller' : 'callee');

/** The far end hangs up: for an inbound call that is the caller, for a dialed one the callee. */
const farSide = (call: CallLeg) => (call.direction === 'incoming' ? 'caller' : 'callee');

/** POST /calls/{id}/actions/hangup: the app ends the call. */
export function appHangup(ctx: Ctx, call: CallLeg, clientState?: string): void {
  requireLive(call);
  setClientState(call, clientState);
  hangupCall(ctx, call, 'normal_clearing', appSide(call));
}

/**
 * POST /calls/{id}/actions/reject: only a ringing inbound call can be rejected; its client_state
 * is carried on the call.hangup that follows ("add state to every subsequent webhook").
 */
export function rejectCall(ctx: Ctx, call: CallLeg, cause: 'CALL_REJECTED' | 'USER_BUSY', clientState?: string): void {
  requireLive(call);
  if (call.state !== 'ringing' || call.direction !== 'incoming') {
    throw errors.invalid('call_control_id', 'Only a ringing inbound call can be rejected.');
  }
  setClientState(call, clientState);
  hangupCall(ctx, call, cause === 'USER_BUSY' ? 'user_busy' : 'call_rejected', 'callee');
}

/**
 * The far end hangs up (control API). Before the answer a caller gives up (originator_cancel)
 * and a callee declines (call_rejected).
 */
export function farEndHangup(ctx: Ctx, call: CallLeg): void {
  requireLive(call);
  const cause = call.state !== 'ringing' ? 'normal_clearing'
    : call.direction === 'incoming' ? 'originator_cancel' : 'call_rejected';
  hangupCall(ctx, call, cause, farSide(call));
}

/** POST /calls/{id}/actions/bridge: both calls must be live and answered. */
export function bridge(ctx: Ctx, call: CallLeg, other: CallLeg, clientState?: string): void {
  if (call.callControlId === other.callControlId) throw errors.cannotBridgeWithItself();
  requireAnswered(call);
  requireAnswered(other);
  // A transfer still ringing for either call is called off: the call is taken now.
  for (const c of [call, other]) transfersCalledOff(ctx, c);
  setClientState(call, clientState);
  // A queued call bridged by its id leaves its queue as one taken with `queue` does (call.dequeued,
  // reason bridged): "Places the call into a queue, where it waits until it is removed or bridged".
  for (const c of [call, other]) {
    const queued = ctx.store.queueCall(c.callControlId);
    if (queued?.isAlive) dequeue(ctx, queued, c, 'bridged');
  }
  for (const [a, b] of [[call, other], [other, call]] as const) {
    a.bridgedTo = b.callControlId;
    ctx.store.saveCall(a);
  }
  ctx.emit('call.bridged', payloads.callBridged(call), { call });
  ctx.emit('call.bridged', payloads.callBridged(other), { call: other });
}

// DTMF (the control API presses digits; gathers are in gather.ts)

/** The caller presses digits: call.dtmf.received for each, and a pending gather may complete. */
export function pressDigits(ctx: Ctx, call: CallLeg, digits: string): void {
  requireAnswered(call);
  for (const digit of digits) {
    ctx.emit('call.dtmf.received', payloads.callDtmfReceived(call, digit), { call });
    takeDigit(ctx, call, digit);
  }
}

/** Timers for dialed calls: the far end answers late, or never. */
export function dialAnswerDue(ctx: Ctx, call: CallLeg): void {
  if (call.state !== 'ringing') return;
  answer(ctx, call);
  transferAnswered(ctx, call);
}
export function dialTimeoutDue(ctx: Ctx, call: CallLeg): void {
  if (call.state === 'ringing') hangupCall(ctx, call, 'timeout', 'callee');
}
