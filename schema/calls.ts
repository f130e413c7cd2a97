import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { AmdResult, CallDirection, CallState, HangupCause, HangupSource, NumberBehaviourKind } from './enums.js';

/** A call leg: one side of a phone call, addressed by its call_control_id. */
export const callLegs = sqliteTable('call_legs', {
  callControlId: text('call_control_id').primaryKey(),
  account: text('account').notNull(),
  callLegId: text('call_leg_id').notNull(),
  callSessionId: text('call_session_id').notNull(),
  connectionId: text('connection_id').notNull(),
  from: text('from').notNull(),
  to: text('to').notNull(),
  direction: text('direction').$type<CallDirection>().notNull(),
  state: text('state').$type<CallState>().notNull(),
  clientState: text('client_state'),
  webhookUrl: text('webhook_url'),
  webhookFailoverUrl: text('webhook_failover_url'),
  startTime: integer('start_time').notNull(),
  answeredAt: integer('answered_at'),
  endTime: integer('end_time'),
  hangupCause: text('hangup_cause').$type<HangupCause>(),
  hangupSource: text('hangup_source').$type<HangupSource>(),
  /** The conference this call currently sits in (a call sits in at most one). */
  conferenceId: text('conference_id'),
  /** The call it is bridged to, if any. */
  bridgedTo: text('bridged_to'),
  /** A gather_using_audio waiting for digits: completed by DTMF, or ended by its timeout. */
  pendingGather: text('pending_gather', { mode: 'json' }).$type<PendingGather>(),
  /** Digits pressed so far for the pending gather. */
  gatheredDigits: text('gathered_digits'),
  /** transcription_start: the engine transcribing what the caller says (null when not transcribing). */
  transcriptionEngine: text('transcription_engine'),
  /** send_dtmf: the digits the far end has heard from this leg, in order (control API view). */
  dtmfSent: text('dtmf_sent').notNull().default(''),
}, (t) => [index('call_legs_account').on(t.account, t.startTime)]);

export interface PendingGather {
  conferenceId: string | null;
  minimumDigits: number;
  maximumDigits: number;
  /** '' disables it (SDK: "Set to an empty string to disable the terminating digit entirely"). */
  terminatingDigit: string;
  validDigits: string;
  clientState: string | null;
  /** When the whole gather gives up (timeout_millis); absent on prompt gathers, which count tries. */
  deadlineAt?: number | null;
  /** initial_timeout_millis: wait for the first digit (call-level `gather`). */
  initialTimeoutMs?: number | null;
  /** inter_digit_timeout_millis: wait between digits (call-level gathers). */
  interDigitTimeoutMs?: number | null;
  /** When listening for the first digit began (the prompt's end, for prompt gathers). */
  listeningSince?: number;
  lastDigitAt?: number | null;
  /** gather_using_speak / gather_using_audio: the prompt replayed until digits come, up to maximum_tries. */
  prompt?: GatherPrompt | null;
}

export interface GatherPrompt {
  kind: 'speak' | 'audio';
  /** How long the prompt plays, and the invalid prompt played before it on a retry. */
  durationMs: number;
  invalidDurationMs: number;
  mediaUrl: string | null;
  mediaName: string | null;
  invalidMediaUrl: string | null;
  invalidMediaName: string | null;
  /** Plays left, this one included. */
  triesLeft: number;
  /** timeout_millis: how long to wait for a first digit after the prompt ends before replaying. */
  timeoutMs: number;
  /** While playing: when it ends; null once it ended or a digit interrupted it. */
  playingUntil: number | null;
  /** Whether the prompt now playing starts with the invalid prompt. */
  invalidFirst: boolean;
  /** gather_using_speak: the texts, for the call's media history. */
  text?: string | null;
  invalidText?: string | null;
  /** The media history entry of the play now playing. */
  mediaId?: string | null;
}

/**
 * Audio played into a call (speak / playback_start), in one queue per call ("If multiple speak text
 * commands are issued consecutively, the audio files will be placed in a queue awaiting playback"),
 * kept after it ends as the call's media history (control API).
 */
export const callMedia = sqliteTable('call_media', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  callControlId: text('call_control_id').notNull(),
  seq: integer('seq').notNull(),
  /** speak / playback_start, or a gather's prompt (kept in the history, outside the queue). */
  kind: text('kind').$type<'speak' | 'playback' | 'gather_using_speak' | 'gather_using_audio'>().notNull(),
  /** overlay: mixed over the main queue's audio, in a queue of its own. */
  overlay: integer('overlay', { mode: 'boolean' }).notNull(),
  /** speak: the text; playback: the audio_url / media_name (neither for playback_content). */
  text: text('text'),
  mediaUrl: text('media_url'),
  mediaName: text('media_name'),
  /** Plays in all; null for loop "infinity". */
  loops: integer('loops'),
  /** One play's length in ms. */
  playMs: integer('play_ms').notNull(),
  /** Started while the call waited in a queue: hold music, ended when the call leaves the queue. */
  whileEnqueued: integer('while_enqueued', { mode: 'boolean' }).notNull(),
  state: text('state').$type<'queued' | 'playing' | 'ended'>().notNull(),
  /** The status call.speak.ended / call.playback.ended reported (null if it never started). */
  status: text('status'),
  queuedAt: integer('queued_at').notNull(),
  startedAt: integer('started_at'),
  endedAt: integer('ended_at'),
}, (t) => [
  index('call_media_call').on(t.account, t.callControlId, t.seq),
  // A lane's head (what plays, the next queued) read directly, however long the call's history.
  index('call_media_state').on(t.account, t.callControlId, t.state, t.seq),
]);

/** How a dialed number answers (control API `PUT /_mock/numbers/{e164}`); absent means "answers at once". */
export const numbers = sqliteTable('numbers', {
  account: text('account').notNull(),
  e164: text('e164').notNull(),
  behaviour: text('behaviour').$type<NumberBehaviourKind>().notNull(),
  answerAfterSecs: integer('answer_after_secs').notNull(),
  /** What answering machine detection finds when a transfer to it asks (null: human). */
  amdResult: text('amd_result').$type<AmdResult>(),
}, (t) => [primaryKey({ columns: [t.account, t.e164] })]);
