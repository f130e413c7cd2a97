import type { CallLeg, Recording } from '../model/entities.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { requireAnswered, setClientState } from './call-leg.js';

/**
 * Recordings of calls and conferences. Only the recorded length is kept: the audio served at the
 * recording's URL is made from it (src/media/audio.ts). Paused time does not count.
 */

/** Where recordings are served when neither a public URL is configured nor a request origin known. */
export const FALLBACK_URL_BASE = 'http://localhost:5080';

export interface StartRecording {
  format: 'wav' | 'mp3';
  channels: 'single' | 'dual';
  maxLengthSecs?: number;
  /** The origin of the request that started it (the door knows it); the configured public URL wins. */
  origin?: string;
}

/** Recorded time so far: the stretches between start/resume and pause/stop. */
export const recordedMs = (r: Recording, now: number) => r.recordedMs + (r.resumedAt !== null ? now - r.resumedAt : 0);

/** `{mp3, wav}`: the URL of the format recorded, null for the other (as Telnyx reports them). */
export function recordingUrls(r: Pick<Recording, 'id' | 'format' | 'urlBase'>): { mp3: string | null; wav: string | null } {
  const url = `${r.urlBase.replace(/\/+$/, '')}/_mock/recordings/${r.id}.${r.format}`;
  return { mp3: r.format === 'mp3' ? url : null, wav: r.format === 'wav' ? url : null };
}

/** Starts a recording of a call or of a conference (`owner`). */
export function startRecording(ctx: Ctx, owner: { callControlId?: string; conferenceId?: string }, s: StartRecording): Recording {
  const r: Recording = {
    id: ctx.ids.uuid(),
    account: ctx.account,
    callControlId: owner.callControlId ?? null,
    conferenceId: owner.conferenceId ?? null,
    format: s.format,
    channels: s.channels,
    state: 'recording',
    maxLengthSecs: s.maxLengthSecs ? s.maxLengthSecs : null,
    urlBase: ctx.settings.publicUrl ?? s.origin ?? FALLBACK_URL_BASE,
    startedAt: ctx.now,
    resumedAt: ctx.now,
    recordedMs: 0,
    endedAt: null,
  };
  ctx.store.saveRecording(r);
  scheduleMaxLength(ctx, r);
  return r;
}

/** max_length counts recorded time, so the limit moves out by whatever time was spent paused. */
function scheduleMaxLength(ctx: Ctx, r: Recording) {
  if (r.maxLengthSecs === null || r.resumedAt === null) return;
  ctx.schedule(ctx.now + r.maxLengthSecs * 1000 - r.recordedMs, 'recording_max_length', r.id);
}

export function pauseRecording(ctx: Ctx, r: Recording): void {
  if (r.state !== 'recording') return;
  r.recordedMs = recordedMs(r, ctx.now);
  r.resumedAt = null;
  r.state = 'paused';
  ctx.store.saveRecording(r);
  ctx.store.cancelTimers(r.id, 'recording_max_length');
}

export function resumeRecording(ctx: Ctx, r: Recording): void {
  if (r.state !== 'paused') return;
  r.resumedAt = ctx.now;
  r.state = 'recording';
  ctx.store.saveRecording(r);
  scheduleMaxLength(ctx, r);
}

/** Stops a recording for good: its length is fixed and its file can be downloaded. */
export function finishRecording(ctx: Ctx, r: Recording): Recording {
  r.recordedMs = recordedMs(r, ctx.now);
  r.resumedAt = null;
  r.state = 'stopped';
  r.endedAt = ctx.now;
  ctx.store.saveRecording(r);
  ctx.store.cancelTimers(r.id, 'recording_max_length');
  return r;
}

// Call recordings: POST /calls/{id}/actions/record_start|record_stop|record_pause|record_resume

/** The recordings a command acts on: the one named by `recording_id`, or every one still going. */
function targeted(ctx: Ctx, call: CallLeg, recordingId: string | undefined): Recording[] {
  const active = ctx.store.activeRecordingsOfCall(call.callControlId);
  if (recordingId === undefined) {
    if (active.length === 0) throw errors.callNotRecording();
    return active;
  }
  const r = active.find((x) => x.id === recordingId);
  if (!r) throw errors.invalid('recording_id', 'No recording with this recording_id is running on the call.');
  return [r];
}

export function recordCall(ctx: Ctx, call: CallLeg, s: StartRecording & { clientState?: string }): Recording {
  requireAnswered(call);
  if (ctx.store.activeRecordingsOfCall(call.callControlId).length > 0) throw errors.callAlreadyRecording();
  setClientState(call, s.clientState);
  ctx.store.saveCall(call);
  return startRecording(ctx, { callControlId: call.callControlId }, s);
}

export function stopCallRecording(ctx: Ctx, call: CallLeg, recordingId?: string, clientState?: string): void {
  requireAnswered(call);
  const recs = targeted(ctx, call, recordingId);
  setClientState(call, clientState);
  ctx.store.saveCall(call);
  for (const r of recs) saveCallRecording(ctx, call, r);
}

export function pauseCallRecording(ctx: Ctx, call: CallLeg, to: 'paused' | 'recording', recordingId?: string, clientState?: string): void {
  requireAnswered(call);
  const recs = targeted(ctx, call, recordingId);
  setClientState(call, clientState);
  ctx.store.saveCall(call);
  for (const r of recs) (to === 'paused' ? pauseRecording : resumeRecording)(ctx, r);
}

/** The call hung up (lifecycle.ts): "Recording will stop on call hang-up", each one still going is saved. */
export function callHungUp(ctx: Ctx, call: CallLeg): void {
  for (const r of ctx.store.activeRecordingsOfCall(call.callControlId)) saveCallRecording(ctx, call, r);
}

function saveCallRecording(ctx: Ctx, call: CallLeg, r: Recording) {
  finishRecording(ctx, r);
  ctx.emit('call.recording.saved', payloads.callRecordingSaved(call, r, recordingUrls(r)), { call });
}

/** max_length reached: a call's recording is saved then (conference recordings take no max_length). */
export function recordingMaxLengthReached(ctx: Ctx, recordingId: string): void {
  const r = ctx.store.recording(recordingId);
  if (!r || r.state !== 'recording' || !r.callControlId) return;
  const call = ctx.store.call(r.callControlId);
  if (call) saveCallRecording(ctx, call, r);
}
