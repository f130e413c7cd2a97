import type { CallLeg } from '../model/entities.js';
import type { HangupCause, HangupSource } from '../../schema/enums.js';
import type { Ctx, Lifecycle } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import {
  appSide, markAnswered, markHungUp, newCall, requireAnswered, requireLive, setClientState, type NewCall,
} from './call-leg.js';
import * as gather from './gather.js';
import * as callMedia from './call-media.js';
import * as conference from './conference.js';
import * as queue from './queue.js';
import * as transfer from './transfer.js';
import * as recording from './recording.js';

/**
 * The call's lifecycle: dial, answer, bridge and hang-up, and what every feature does about them,
 * each in one explicit order. The order is part of the contract: it is the order of the webhooks
 * an app receives (test/webhooks/events.test.ts and test/domain/lifecycle.test.ts pin it). A new
 * feature that reacts to a hang-up, an answer or a bridge adds one line to the list here and keeps
 * its reaction in its own file; the leg (call-leg.ts) knows no feature, and the features reach
 * the lifecycle through the context (`ctx.calls`), never by importing this file.
 */
type Reaction = (ctx: Ctx, call: CallLeg) => void;

/** A bridged peer still up is hung up too (no park_after_unbridge), by the other side. */
const peerHangsUp: Reaction = (ctx, call) => dropBridge(ctx, call, call.hangupSource === 'caller' ? 'callee' : 'caller');

/** When a call hangs up. `before` reacts ahead of call.hangup, `after` behind it. */
const ON_HANGUP: { before: Reaction[]; after: Reaction[] } = {
  before: [
    gather.callHungUp, // a pending gather ends `call_hangup` (call.gather.ended)
    callMedia.callHungUp, // what plays ends `call_hangup` (call.speak.ended / call.playback.ended)
    conference.callLeaves, // its participant leaves, which may end the conference
    queue.callHungUp, // it leaves its queue (call.dequeued), unless kept by keep_after_hangup
  ],
  after: [
    transfer.callHungUp, // a transfer leg B still ringing fails, or A's ringing Bs are cancelled
    recording.callHungUp, // "Recording will stop on call hang-up": call.recording.saved
    peerHangsUp, // the bridged peer's own hang-up cascade
  ],
};

/** When a call is answered, after call.answered. */
const ON_ANSWER: Reaction[] = [
  transfer.callAnswered, // a transfer's leg B answering completes the transfer
];

/** When two calls are about to be bridged, for each of them, before call.bridged. */
const ON_BRIDGE: Reaction[] = [
  transfer.callBridged, // a transfer still ringing for it is called off: it is taken now
  queue.callBridged, // a queued call leaves its queue (call.dequeued, reason bridged)
];

/** When a call is taken elsewhere (a transfer's B answered): it leaves where it was, in this order. */
const ON_TAKEN: Reaction[] = [
  queue.callBridged,
  conference.callLeaves,
  (ctx, call) => dropBridge(ctx, call, 'unknown'),
];

const react = (ctx: Ctx, call: CallLeg, reactions: readonly Reaction[]) => {
  for (const reaction of reactions) reaction(ctx, call);
};

/**
 * POST /calls: an outbound call. The far end behaves as its number is configured (control API);
 * by default it answers at once. `timeoutSecs` bounds how long it may ring.
 */
export function dial(ctx: Ctx, c: NewCall & { timeoutSecs?: number }): CallLeg {
  const call = newCall(ctx, 'outgoing', c);
  ctx.emit('call.initiated', payloads.callInitiated(call), { call });
  const timeoutSecs = c.timeoutSecs ?? 30;
  const behaviour = ctx.numberBehaviour(c.to);
  switch (behaviour.kind) {
    case 'answer':
      if (behaviour.afterSecs <= 0) answer(ctx, call);
      else if (behaviour.afterSecs >= timeoutSecs) ctx.schedule(ctx.now + timeoutSecs * 1000, 'dial_timeout', call.callControlId);
      else ctx.schedule(ctx.now + behaviour.afterSecs * 1000, 'dial_answer', call.callControlId);
      break;
    case 'no_answer':
      ctx.schedule(ctx.now + timeoutSecs * 1000, 'dial_timeout', call.callControlId);
      break;
    case 'busy':
      hangup(ctx, call, 'user_busy', 'callee');
      break;
    case 'reject':
      hangup(ctx, call, 'call_rejected', 'callee');
      break;
  }
  return call;
}

/** The dial_answer timer: the far end answers late. */
export function dialAnswerDue(ctx: Ctx, call: CallLeg): void {
  if (call.state === 'ringing') answer(ctx, call);
}

/** The dial_timeout timer: nobody answered in time. */
export function dialTimeoutDue(ctx: Ctx, call: CallLeg): void {
  if (call.state === 'ringing') hangup(ctx, call, 'timeout', 'callee');
}

/** The call is answered (the far end of a dialed call, or the app for an inbound one): call.answered. */
export function answer(ctx: Ctx, call: CallLeg, clientState?: string): CallLeg {
  requireLive(call);
  if (call.state === 'answered') {
    throw errors.invalid('call_control_id', 'The call has already been answered.', 'Call already answered');
  }
  setClientState(call, clientState);
  markAnswered(ctx, call);
  ctx.emit('call.answered', payloads.callAnswered(call), { call });
  react(ctx, call, ON_ANSWER);
  return call;
}

/** The app answers an inbound call (the far end answers dialed ones: see dial and the control API). */
export function answerInbound(ctx: Ctx, call: CallLeg, clientState?: string, webhookUrl?: string): CallLeg {
  requireLive(call);
  if (call.direction === 'outgoing') {
    throw errors.invalid('call_control_id', 'Only an inbound call can be answered; a dialed call is answered by the far end.');
  }
  // AnswerRequest.webhook_url: "override the URL for which Telnyx will send subsequent webhooks to
  // for this call" — from call.answered on (first in the precedence of domain/webhooks.ts).
  if (webhookUrl !== undefined && call.state === 'ringing') call.webhookUrl = webhookUrl;
  return answer(ctx, call, clientState);
}

/** A call ends, whatever ended it: every feature reacts in ON_HANGUP's order around call.hangup. */
export function hangup(ctx: Ctx, call: CallLeg, cause: HangupCause, source: HangupSource): void {
  if (!markHungUp(ctx, call, cause, source)) return;
  react(ctx, call, ON_HANGUP.before);
  ctx.emit('call.hangup', payloads.callHangup(call), { call });
  react(ctx, call, ON_HANGUP.after);
}

/** POST /calls/{id}/actions/hangup: the app ends the call. */
export function appHangup(ctx: Ctx, call: CallLeg, clientState?: string): void {
  requireLive(call);
  setClientState(call, clientState);
  hangup(ctx, call, 'normal_clearing', appSide(call));
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
  hangup(ctx, call, cause === 'USER_BUSY' ? 'user_busy' : 'call_rejected', 'callee');
}

/** POST /calls/{id}/actions/bridge: both calls must be live and answered. */
export function bridge(ctx: Ctx, call: CallLeg, other: CallLeg, clientState?: string): void {
  if (call.callControlId === other.callControlId) throw errors.cannotBridgeWithItself();
  requireAnswered(call);
  requireAnswered(other);
  setClientState(call, clientState);
  for (const reaction of ON_BRIDGE) for (const c of [call, other]) reaction(ctx, c);
  for (const [a, b] of [[call, other], [other, call]] as const) {
    a.bridgedTo = b.callControlId;
    ctx.store.saveCall(a);
  }
  ctx.emit('call.bridged', payloads.callBridged(call), { call });
  ctx.emit('call.bridged', payloads.callBridged(other), { call: other });
}

/** Ends `call`'s bridge, if any: the peer still up is hung up by `peerSource` (no park_after_unbridge). */
export function dropBridge(ctx: Ctx, call: CallLeg, peerSource: HangupSource): void {
  if (!call.bridgedTo) return;
  const peer = ctx.store.call(call.bridgedTo);
  call.bridgedTo = null;
  ctx.store.saveCall(call);
  if (peer && peer.state !== 'hangup') {
    peer.bridgedTo = null;
    hangup(ctx, peer, 'normal_clearing', peerSource);
  }
}

/** The call is taken elsewhere (a transfer connects it): it leaves its queue, conference and bridge. */
export function takeAway(ctx: Ctx, call: CallLeg): void {
  react(ctx, call, ON_TAKEN);
}

/** The lifecycle as the context carries it to the features (conference, queue, transfer). */
export const lifecycle: Lifecycle = { dial, answer, hangup, bridge, takeAway };
