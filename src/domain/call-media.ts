import type { CallLeg, CallMedia } from '../model/entities.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';

/**
 * Audio played into a call — `speak` (TTS) and `playback_start` — and real-time transcription.
 *
 * Queueing, as the spec describes both commands: "If multiple speak text commands are issued
 * consecutively, the audio files will be placed in a queue awaiting playback" (speak) and "If
 * multiple play audio commands are issued consecutively, the audio files will be placed in a queue
 * awaiting playback" (playback_start). Speak and playback share the call's one queue; `stop`
 * ("`current` to stop the current audio being played, and to play the next file in the queue …
 * `all` to stop the current audio file being played and to also clear all audio files from the
 * queue") acts before the new audio is queued. `overlay` audio "will be mixed on top of any other
 * audio that is actively being played back" and needs non-overlay audio playing ("A customer
 * cannot Play Audio with `overlay=true` unless there is a Play Audio with `overlay=false` actively
 * playing"): it has a queue of its own.
 *
 * Durations run on the account's clock: speech at 150 words a minute (at least one second), a
 * file for the `mediaDurationSecs` setting; each times its loops, `infinity` until stopped.
 */

/** How long a text takes to speak: 150 words a minute, SSML tags not counted, at least 1 s. */
export function speakDurationMs(text: string, payloadType: 'text' | 'ssml' = 'text'): number {
  const spoken = payloadType === 'ssml' ? text.replace(/<[^>]*>/g, ' ') : text;
  const words = spoken.split(/\s+/).filter(Boolean).length;
  return Math.max(1000, Math.round((words * 60_000) / 150));
}

/**
 * The call's queued audio (speak / playback_start, not the gather prompts kept in its history) is
 * read by lane and state through an index: a timer ending one item costs the same however long
 * the call's history.
 */
const playingIn = (ctx: Ctx, call: CallLeg, overlay: boolean) => ctx.store.mediaLaneHead(call.callControlId, overlay, 'playing');

export interface NewMedia {
  kind: 'speak' | 'playback';
  text?: string;
  mediaUrl?: string;
  mediaName?: string;
  /** Plays in all; null: loop "infinity". */
  loops: number | null;
  playMs: number;
  overlay?: boolean;
  stop?: 'current' | 'all';
}

/** speak / playback_start: queues the audio; it starts at once when nothing else plays. */
export function queueMedia(ctx: Ctx, call: CallLeg, m: NewMedia): CallMedia {
  const overlay = m.overlay ?? false;
  if (m.stop) stopMedia(ctx, call, m.stop, overlay);
  if (overlay && !playingIn(ctx, call, false)) {
    throw errors.invalid('overlay', 'overlay=true needs a playback with overlay=false actively playing on the call.');
  }
  const queued = ctx.store.queueCall(call.callControlId);
  const media: CallMedia = {
    id: ctx.ids.uuid(),
    account: ctx.account,
    callControlId: call.callControlId,
    seq: ctx.store.lastCallMediaSeq(call.callControlId) + 1,
    kind: m.kind,
    overlay,
    text: m.text ?? null,
    mediaUrl: m.mediaUrl ?? null,
    mediaName: m.mediaName ?? null,
    loops: m.loops,
    playMs: m.playMs,
    whileEnqueued: queued?.isAlive ?? false,
    state: 'queued',
    status: null,
    queuedAt: ctx.now,
    startedAt: null,
    endedAt: null,
  };
  ctx.store.saveCallMedia(media);
  playNext(ctx, call, overlay);
  return media;
}

/** Starts the first queued audio of a lane when none is playing there. */
function playNext(ctx: Ctx, call: CallLeg, overlay: boolean) {
  if (playingIn(ctx, call, overlay)) return;
  const next = ctx.store.mediaLaneHead(call.callControlId, overlay, 'queued');
  if (!next) return;
  next.state = 'playing';
  next.startedAt = ctx.now;
  ctx.store.saveCallMedia(next);
  if (next.loops !== null) ctx.schedule(ctx.now + next.playMs * next.loops, 'call_media_end', next.id);
  if (next.kind === 'speak') ctx.emit('call.speak.started', payloads.callSpeakStarted(call), { call });
  else ctx.emit('call.playback.started', payloads.callPlaybackStarted(call, next, next.overlay), { call });
}

/**
 * Ends audio that was playing. call.speak.ended's status enum has no "stopped" value (completed,
 * call_hangup, cancelled_amd): a stopped speech reports `completed`; a stopped file `cancelled`.
 */
function finish(ctx: Ctx, call: CallLeg, m: CallMedia, status: 'completed' | 'cancelled' | 'call_hangup') {
  m.state = 'ended';
  m.endedAt = ctx.now;
  ctx.store.cancelTimers(m.id, 'call_media_end');
  if (m.kind === 'speak') {
    m.status = status === 'cancelled' ? 'completed' : status;
    ctx.store.saveCallMedia(m);
    ctx.emit('call.speak.ended', payloads.callSpeakEnded(call, m.status), { call });
  } else {
    m.status = status;
    ctx.store.saveCallMedia(m);
    ctx.emit('call.playback.ended', payloads.callPlaybackEnded(call, m, m.overlay, status), { call });
  }
}

/** Audio never played (cleared from the queue): no webhook, as it never started. */
function drop(ctx: Ctx, m: CallMedia) {
  m.state = 'ended';
  m.endedAt = ctx.now;
  ctx.store.saveCallMedia(m);
}

/**
 * playback_stop (and `stop` on speak / playback_start): `current` ends what plays and the next
 * in the queue starts; `all` also clears the queue. Only the lane asked for (`overlay`).
 */
export function stopMedia(ctx: Ctx, call: CallLeg, which: 'current' | 'all', overlay: boolean): void {
  if (which === 'all') for (const m of ctx.store.mediaLane(call.callControlId, overlay, 'queued')) drop(ctx, m);
  const playing = playingIn(ctx, call, overlay);
  if (playing) finish(ctx, call, playing, 'cancelled');
  if (which === 'current') playNext(ctx, call, overlay);
  // Overlay audio needs non-overlay audio under it: it stops when nothing is left to mix over.
  if (!overlay && !playingIn(ctx, call, false)) stopMedia(ctx, call, 'all', true);
}

/** The media_end timer: the audio played its loops to the end; the next in its queue starts. */
export function callMediaEnded(ctx: Ctx, mediaId: string): void {
  const m = ctx.store.callMedia(mediaId);
  if (!m || m.state !== 'playing') return;
  const call = ctx.store.call(m.callControlId);
  if (!call) return;
  finish(ctx, call, m, 'completed');
  playNext(ctx, call, m.overlay);
  if (!m.overlay && !playingIn(ctx, call, false)) stopMedia(ctx, call, 'all', true);
}

/** The call hung up (lifecycle.ts): what plays ends with status `call_hangup`, the queue is dropped. */
export function callHungUp(ctx: Ctx, call: CallLeg): void {
  for (const m of ctx.store.activeMediaOf(call.callControlId)) {
    if (m.state === 'playing') finish(ctx, call, m, 'call_hangup');
    else drop(ctx, m);
  }
}

/**
 * The call left its queue (bridged, left or timed out; a hang-up ends its audio first): hold music
 * started while it waited stops — the call is no longer on hold — with `cancelled`, as a stop.
 */
export function mediaLeftQueue(ctx: Ctx, call: CallLeg): void {
  const held = ctx.store.activeMediaOf(call.callControlId).filter((m) => m.whileEnqueued);
  if (held.length === 0) return;
  for (const m of held) {
    if (m.state === 'playing') finish(ctx, call, m, 'cancelled');
    else drop(ctx, m);
  }
  playNext(ctx, call, false);
  playNext(ctx, call, true);
}

// gather prompts in the history (their webhooks are gather.ts's)

/** A gather's prompt starts playing: kept in the call's media history, outside its queue. */
export function promptStarted(ctx: Ctx, call: CallLeg, p: {
  kind: 'gather_using_speak' | 'gather_using_audio'; text: string | null; mediaUrl: string | null; mediaName: string | null; playMs: number;
}): string {
  const m: CallMedia = {
    id: ctx.ids.uuid(), account: ctx.account, callControlId: call.callControlId,
    seq: ctx.store.lastCallMediaSeq(call.callControlId) + 1, kind: p.kind, overlay: false,
    text: p.text, mediaUrl: p.mediaUrl, mediaName: p.mediaName, loops: 1, playMs: p.playMs,
    whileEnqueued: false, state: 'playing', status: null, queuedAt: ctx.now, startedAt: ctx.now, endedAt: null,
  };
  ctx.store.saveCallMedia(m);
  return m.id;
}

export function promptEnded(ctx: Ctx, mediaId: string, status: string): void {
  const m = ctx.store.callMedia(mediaId);
  if (!m || m.state === 'ended') return;
  m.state = 'ended';
  m.status = status;
  m.endedAt = ctx.now;
  ctx.store.saveCallMedia(m);
}

// send_dtmf and transcription

/** send_dtmf: the far end hears the tones ("DTMF tones will be heard by the other end of the call"). */
export function sendDtmf(call: CallLeg, digits: string): void {
  call.dtmfSent += digits.replace(/[wW]/g, '');
}

export function startTranscription(ctx: Ctx, call: CallLeg, engine: string): void {
  call.transcriptionEngine = engine;
  ctx.store.saveCall(call);
}

export function stopTranscription(ctx: Ctx, call: CallLeg): void {
  call.transcriptionEngine = null;
  ctx.store.saveCall(call);
}
