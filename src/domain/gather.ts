import type { CallLeg, PendingGather } from '../model/entities.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { promptEnded, promptStarted } from './call-media.js';

/**
 * DTMF gathers: `gather`, `gather_using_speak`, `gather_using_audio` on a call, and the conference
 * participant's `gather_using_audio`. One gather waits per call (a new one replaces it); the
 * caller's keys (control API) feed it, and it ends once, with call.gather.ended.
 *
 * How it ends, following the spec's words (GatherRequest, GatherUsingSpeakRequest):
 * - `maximum_digits` pressed → `valid`;
 * - `terminating_digit` ("The digit used to terminate input if fewer than `maximum_digits` digits
 *   have been gathered") → `valid` with at least `minimum_digits`, else `invalid`; it is not a
 *   gathered digit, and `''` disables it;
 * - a key not in `valid_digits` ("A list of all digits accepted as valid") → `invalid`: the spec
 *   names that case an invalid entry ("`invalid_payload` … when digits don't match the
 *   `valid_digits` parameter or the number of digits is not between `min` and `max`"); nothing in
 *   the spec or SDK text says such keys are ignored;
 * - `initial_timeout_millis` ("to wait for the first DTMF") passing with no key → `timeout`;
 * - `inter_digit_timeout_millis` passing after a key → `valid` with at least `minimum_digits`,
 *   else `invalid` ("the number of digits is not between `min` and `max`");
 * - `timeout_millis` ("to wait to complete the request") → `valid` with at least
 *   `minimum_digits`, else `timeout`;
 * - `gather_stop` → `cancelled`; the call hanging up → `call_hangup`.
 * Prompt gathers play their prompt first. "Speech will be interrupted when a DTMF signal is
 * received": a key during the prompt stops it and counts. Their `timeout_millis` is "to wait for a
 * DTMF response after speak ends before replaying", `maximum_tries` "The maximum number of times
 * that a file should be played back if there is no input": a try with no input, or with an invalid
 * entry (replayed after `invalid_payload` / `invalid_audio_url`), uses one play; when none is left
 * the gather ends `timeout` or `invalid`.
 */

/** Starts a gather at once (conference gather_using_audio): it ends by `timeoutMs` at the latest. */
export function startGather(ctx: Ctx, call: CallLeg, gather: PendingGather, timeoutMs: number): void {
  begin(ctx, call, { ...gather, deadlineAt: ctx.now + timeoutMs });
}

/** Starts a call-level gather (its prompt, if any, starts playing now). */
export function begin(ctx: Ctx, call: CallLeg, gather: PendingGather): void {
  if (call.state !== 'answered') throw call.state === 'hangup' ? errors.callEnded() : errors.callNotAnswered();
  // A new gather replaces a pending one (no call.gather.ended for it); a prompt it was playing stops.
  const replaced = call.pendingGather;
  if (replaced?.prompt) endPrompt(ctx, call, replaced, 'cancelled');
  call.pendingGather = { ...gather, listeningSince: ctx.now, lastDigitAt: null };
  call.gatheredDigits = '';
  if (gather.prompt) startPrompt(ctx, call, call.pendingGather, false);
  save(ctx, call);
}

function startPrompt(ctx: Ctx, call: CallLeg, g: PendingGather, invalidFirst: boolean) {
  const prompt = g.prompt!;
  prompt.invalidFirst = invalidFirst;
  prompt.playingUntil = ctx.now + prompt.durationMs + (invalidFirst ? prompt.invalidDurationMs : 0);
  const media = promptMedia(prompt);
  prompt.mediaId = promptStarted(ctx, call, {
    kind: prompt.kind === 'speak' ? 'gather_using_speak' : 'gather_using_audio',
    text: prompt.kind === 'speak' ? [invalidFirst ? prompt.invalidText : null, prompt.text].filter(Boolean).join(' ') || null : null,
    mediaUrl: media.mediaUrl, mediaName: media.mediaName, playMs: prompt.playingUntil - ctx.now,
  });
  if (prompt.kind === 'audio') ctx.emit('call.playback.started', payloads.callPlaybackStarted(call, promptMedia(prompt), false), { call });
}

/** The prompt stops: played to its end, or interrupted by a key ("Playback will be interrupted"). */
function endPrompt(ctx: Ctx, call: CallLeg, g: PendingGather, status: 'completed' | 'cancelled' | 'call_hangup') {
  const prompt = g.prompt!;
  if (prompt.playingUntil === null) return;
  prompt.playingUntil = null;
  if (prompt.mediaId) promptEnded(ctx, prompt.mediaId, status);
  if (prompt.kind === 'audio') {
    ctx.emit('call.playback.ended', payloads.callPlaybackEnded(call, promptMedia(prompt), false, status), { call });
  }
}

/** The media a prompt play names in call.playback.*: the invalid prompt, when it came first. */
const promptMedia = (p: NonNullable<PendingGather['prompt']>) => p.invalidFirst && (p.invalidMediaUrl || p.invalidMediaName)
  ? { mediaUrl: p.invalidMediaUrl, mediaName: p.invalidMediaName }
  : { mediaUrl: p.mediaUrl, mediaName: p.mediaName };

/** Saves the call and sets the one gather timer at the gather's next deadline. */
function save(ctx: Ctx, call: CallLeg) {
  ctx.store.saveCall(call);
  ctx.store.cancelTimers(call.callControlId, 'gather_timeout');
  const next = call.pendingGather ? nextDeadline(call.pendingGather, (call.gatheredDigits ?? '').length) : null;
  if (next !== null) ctx.schedule(next, 'gather_timeout', call.callControlId);
}

function nextDeadline(g: PendingGather, n: number): number | null {
  const times: number[] = [];
  if (g.deadlineAt != null) times.push(g.deadlineAt);
  const digitWait = digitDeadline(g, n);
  if (digitWait !== null) times.push(digitWait);
  return times.length ? Math.min(...times) : null;
}

/** When the wait for the next key ends: the prompt's end while it plays, then the digit timeouts. */
function digitDeadline(g: PendingGather, n: number): number | null {
  if (g.prompt?.playingUntil != null) return g.prompt.playingUntil;
  const since = g.listeningSince ?? 0;
  if (n === 0) {
    if (g.prompt) return since + g.prompt.timeoutMs;
    return g.initialTimeoutMs != null ? since + g.initialTimeoutMs : null;
  }
  return g.interDigitTimeoutMs != null ? (g.lastDigitAt ?? since) + g.interDigitTimeoutMs : null;
}

function end(ctx: Ctx, call: CallLeg, status: string) {
  const gather = call.pendingGather!;
  if (gather.prompt) endPrompt(ctx, call, gather, status === 'call_hangup' ? 'call_hangup' : 'cancelled');
  const payload = endedPayload(call, gather, status);
  call.pendingGather = null;
  call.gatheredDigits = null;
  save(ctx, call);
  ctx.emit('call.gather.ended', payload, { call, conferenceId: gather.conferenceId ?? undefined });
}

function endedPayload(call: CallLeg, gather: PendingGather, status: string) {
  const p = payloads.callGatherEnded(call, call.gatheredDigits ?? '', status);
  return gather.clientState ? { ...p, client_state: gather.clientState } : p;
}

/** An entry that cannot be used: a prompt gather with plays left asks again, others end `invalid`. */
function invalidEntry(ctx: Ctx, call: CallLeg, g: PendingGather) {
  retryOrEnd(ctx, call, g, 'invalid');
}

function retryOrEnd(ctx: Ctx, call: CallLeg, g: PendingGather, status: 'invalid' | 'timeout') {
  const prompt = g.prompt;
  if (!prompt || prompt.triesLeft <= 1) { end(ctx, call, status); return; }
  endPrompt(ctx, call, g, 'cancelled');
  prompt.triesLeft -= 1;
  call.gatheredDigits = '';
  g.lastDigitAt = null;
  startPrompt(ctx, call, g, status === 'invalid');
  g.listeningSince = prompt.playingUntil!;
  save(ctx, call);
}

/** One key the caller pressed, as the pending gather takes it (call.dtmf.received is sent by the caller). */
export function takeDigit(ctx: Ctx, call: CallLeg, digit: string): void {
  const g = call.pendingGather;
  if (!g) return;
  if (g.prompt?.playingUntil != null) {
    endPrompt(ctx, call, g, 'cancelled');
    g.listeningSince = ctx.now;
  }
  const n = (call.gatheredDigits ?? '').length;
  if (g.terminatingDigit !== '' && digit === g.terminatingDigit) {
    if (n >= g.minimumDigits) end(ctx, call, 'valid');
    else invalidEntry(ctx, call, g);
    return;
  }
  if (!g.validDigits.includes(digit)) { invalidEntry(ctx, call, g); return; }
  call.gatheredDigits = (call.gatheredDigits ?? '') + digit;
  g.lastDigitAt = ctx.now;
  if (call.gatheredDigits.length >= g.maximumDigits) end(ctx, call, 'valid');
  else save(ctx, call);
}

/** The gather timer: the prompt ended, or a wait ran out. */
export function gatherTimedOut(ctx: Ctx, call: CallLeg): void {
  const g = call.pendingGather;
  if (!g) return;
  const n = (call.gatheredDigits ?? '').length;
  if (g.deadlineAt != null && ctx.now >= g.deadlineAt) {
    end(ctx, call, n > 0 && n >= g.minimumDigits ? 'valid' : 'timeout');
    return;
  }
  const due = digitDeadline(g, n);
  if (due === null || ctx.now < due) { save(ctx, call); return; }
  if (g.prompt?.playingUntil != null) {
    // The prompt played to its end: the wait for a first key starts now.
    endPrompt(ctx, call, g, 'completed');
    g.listeningSince = ctx.now;
    save(ctx, call);
    return;
  }
  if (n === 0) retryOrEnd(ctx, call, g, 'timeout');
  else if (n >= g.minimumDigits) end(ctx, call, 'valid');
  else invalidEntry(ctx, call, g);
}

/** gather_stop: "Stop current gather." */
export function stopGather(ctx: Ctx, call: CallLeg): void {
  if (call.pendingGather) end(ctx, call, 'cancelled');
}

/** The call hung up (lifecycle.ts): a pending gather ends `call_hangup`, before call.hangup. */
export function callHungUp(ctx: Ctx, call: CallLeg): void {
  if (call.pendingGather) end(ctx, call, 'call_hangup');
}
