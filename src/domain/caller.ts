import type { CallLeg } from '../model/entities.js';
import type { Ctx } from './context.js';
import { payloads } from './events.js';
import { farSide, newCall, requireAnswered, requireLive, type NewCall } from './call-leg.js';
import { answer, hangup } from './lifecycle.js';
import { takeDigit } from './gather.js';
import { speechStarted, speechStopped } from './conference.js';

/**
 * What the far end of the line does (the control API plays it): a caller arrives, presses keys,
 * speaks, says words and hangs up. Each is one of the things a real phone does to a call, and the
 * features hear of it from here: the gather takes the keys, the conference moves its floor.
 */

/** An inbound call arrives: it rings, parked, until the app answers it (or arrives `answered`). */
export function receiveCall(ctx: Ctx, c: NewCall & { answered?: boolean }): CallLeg {
  const call = newCall(ctx, 'incoming', c);
  ctx.emit('call.initiated', payloads.callInitiated(call), { call });
  if (c.answered) answer(ctx, call);
  return call;
}

/**
 * The far end hangs up. Before the answer a caller gives up (originator_cancel) and a callee
 * declines (call_rejected).
 */
export function farEndHangup(ctx: Ctx, call: CallLeg): void {
  requireLive(call);
  const cause = call.state !== 'ringing' ? 'normal_clearing'
    : call.direction === 'incoming' ? 'originator_cancel' : 'call_rejected';
  hangup(ctx, call, cause, farSide(call));
}

/** The caller presses keys: call.dtmf.received for each, and a pending gather may complete. */
export function pressDigits(ctx: Ctx, call: CallLeg, digits: string): void {
  requireAnswered(call);
  for (const digit of digits) {
    ctx.emit('call.dtmf.received', payloads.callDtmfReceived(call, digit), { call });
    takeDigit(ctx, call, digit);
  }
}

/** The caller starts or stops speaking: in a conference, the floor moves (conference.floor.changed). */
export function speech(ctx: Ctx, call: CallLeg, state: 'started' | 'stopped'): void {
  requireLive(call);
  if (state === 'started') speechStarted(ctx, call);
  else speechStopped(ctx, call);
}

/**
 * The caller says something: a call.transcription with the text when transcribing, and, in a
 * conference, the floor moves to the speaker as the `speech` operation does.
 */
export function callerSays(ctx: Ctx, call: CallLeg, text: string): void {
  requireAnswered(call);
  const engine = call.transcriptionEngine;
  if (engine !== null) {
    // transcription_track: "only available when `transcription_engine` is set to `B`".
    const track = engine === 'B' || engine === 'Telnyx' ? 'inbound' : undefined;
    ctx.emit('call.transcription', payloads.callTranscription(call, text, track), { call });
  }
  if (ctx.store.participantOfCall(call.callControlId)) {
    speechStarted(ctx, call);
    speechStopped(ctx, call);
  }
}
