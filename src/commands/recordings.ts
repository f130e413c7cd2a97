/**
 * Call recordings: POST /calls/{id}/actions/record_start|record_stop|record_pause|record_resume
 * (SDK ActionStartRecordingParams…, spec StartRecordingRequest…), and the download of any
 * recording's file (GET /_mock/recordings/{id}.{wav|mp3}). Rules in domain/recording.ts.
 */
import { errors } from '../model/errors.js';
import * as callLeg from '../domain/call-leg.js';
import * as recording from '../domain/recording.js';
import { recordingAudioFile, AUDIO_CONTENT_TYPES, type AudioFile, type AudioFormat } from '../media/audio.js';
import type { Account, Accounts } from './account.js';
import { body, bool, int, oneOf, string } from './schema.js';
import { clientState, commandId, recordingFileName } from './fields.js';

export const RecordStart = body({
  format: oneOf(['wav', 'mp3'] as const, { required: true }),
  channels: oneOf(['single', 'dual'] as const, { required: true }),
  client_state: clientState,
  command_id: commandId,
  custom_file_name: recordingFileName,
  max_length: int(0, 14_400),
  play_beep: bool(),
  recording_track: oneOf(['both', 'inbound', 'outbound'] as const),
  timeout_secs: int(0, 14_400),
  transcription: bool(),
  transcription_engine: oneOf(['A', 'B', 'deepgram/nova-3'] as const),
  transcription_language: string(),
  transcription_max_speaker_count: int(1, 100),
  transcription_min_speaker_count: int(1, 100),
  transcription_profanity_filter: bool(),
  transcription_speaker_diarization: bool(),
  trim: oneOf(['trim-silence'] as const),
});

/** record_stop, record_pause and record_resume take the same fields. */
export const RecordControl = body({ client_state: clientState, command_id: commandId, recording_id: string() });

/** "Recording will stop on call hang-up, or can be initiated via the Stop Recording command." */
export function recordStart(a: Account, callControlId: string, input: unknown, origin?: string): void {
  const b = RecordStart.parse(input);
  a.write((ctx) => {
    const call = callLeg.requireCall(ctx, callControlId);
    // A single track is mono whatever `channels` says (SDK: recording_track).
    const single = b.recording_track === 'inbound' || b.recording_track === 'outbound';
    recording.recordCall(ctx, call, {
      format: b.format, channels: single ? 'single' : b.channels, maxLengthSecs: b.max_length, origin, clientState: b.client_state,
    });
  }, { scope: callControlId, commandId: b.command_id });
}

export function recordStop(a: Account, callControlId: string, input: unknown): void {
  const b = RecordControl.parse(input);
  a.write((ctx) => recording.stopCallRecording(ctx, callLeg.requireCall(ctx, callControlId), b.recording_id, b.client_state),
    { scope: callControlId, commandId: b.command_id });
}

const pauseOrResume = (to: 'paused' | 'recording') => (a: Account, callControlId: string, input: unknown): void => {
  const b = RecordControl.parse(input);
  a.write((ctx) => recording.pauseCallRecording(ctx, callLeg.requireCall(ctx, callControlId), to, b.recording_id, b.client_state),
    { scope: callControlId, commandId: b.command_id });
};
export const recordPause = pauseOrResume('paused');
export const recordResume = pauseOrResume('recording');

/** The actions this file serves, by the name in their path (spread into CALL_ACTIONS). */
export const RECORDING_ACTIONS = [
  ['record_start', recordStart], ['record_stop', recordStop], ['record_pause', recordPause], ['record_resume', recordResume],
] as const;

/** `{id}.{format}` of a recording URL. */
const FILE = /^([0-9a-f-]{36})\.(wav|mp3)$/;

/**
 * GET /_mock/recordings/{id}.{format}: the audio of a saved recording, silence as long as it
 * recorded. Like Telnyx's pre-signed URLs it needs no key (the id is an unguessable uuid); a key
 * given must be the owner's. Unknown, unsaved, another account's, or the other format: 404.
 * The file is made a chunk at a time as the client reads (media/audio.ts), and counts against the
 * owner's open downloads until `end()` (429 past `quotas.downloads`): call it exactly once.
 */
export function recordingDownload(accounts: Accounts, file: string, apiKey?: string): RecordingDownload {
  const m = FILE.exec(file);
  const owner = m ? accounts.recordingOwner(m[1]) : undefined;
  if (!m || !owner || (apiKey !== undefined && accounts.idOf(apiKey) !== owner.id)) throw errors.notFound('Recording');
  const r = owner.query((s) => s.recording(m[1]));
  if (!r || r.state !== 'stopped' || r.format !== m[2]) throw errors.notFound('Recording');
  if (owner.downloads >= owner.quotas.downloads) throw errors.tooManyDownloads(owner.quotas.downloads, owner.shortId);
  owner.downloads++;
  const format = m[2] as AudioFormat;
  let ended = false;
  return {
    file: recordingAudioFile(format, r.channels, r.recordedMs),
    contentType: AUDIO_CONTENT_TYPES[format],
    sendTimeoutMs: owner.quotas.downloadSendTimeoutMs,
    end: () => {
      if (ended) return;
      ended = true;
      accounts.endDownload(owner);
    },
  };
}

export interface RecordingDownload {
  file: AudioFile;
  contentType: string;
  /** How long the client may leave the next chunk unread before the download is closed. */
  sendTimeoutMs: number;
  /** The download is over (sent, abandoned or timed out): frees its slot. Idempotent. */
  end(): void;
}
