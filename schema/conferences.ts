import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type {
  BeepEnabled, ConferenceStatus, EndReason, ParticipantStatus, RecordingState, SupervisorRole,
} from './enums.js';

export const conferences = sqliteTable('conferences', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  name: text('name').notNull(),
  status: text('status').$type<ConferenceStatus>().notNull(),
  region: text('region'),
  connectionId: text('connection_id'),
  /** The call that created the conference: conference-level webhooks carry its ids. */
  creatorCallControlId: text('creator_call_control_id').notNull(),
  clientState: text('client_state'),
  beepEnabled: text('beep_enabled').$type<BeepEnabled>(),
  maxParticipants: integer('max_participants'),
  holdAudioUrl: text('hold_audio_url'),
  holdMediaName: text('hold_media_name'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  endedAt: integer('ended_at'),
  endReason: text('end_reason').$type<EndReason>(),
  endedByCallControlId: text('ended_by_call_control_id'),
  endedByCallSessionId: text('ended_by_call_session_id'),
  recordingId: text('recording_id'),
  recordingState: text('recording_state').$type<RecordingState>(),
  recordingFormat: text('recording_format'),
  recordingChannels: text('recording_channels'),
  recordingStartedAt: integer('recording_started_at'),
  /** Whoever holds the floor (speaking), for conference.floor.changed. */
  floorCallControlId: text('floor_call_control_id'),
}, (t) => [
  index('conferences_account_expiry').on(t.account, t.expiresAt),
  index('conferences_account_name').on(t.account, t.name),
]);

export const participants = sqliteTable('participants', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  conferenceId: text('conference_id').notNull(),
  callControlId: text('call_control_id').notNull(),
  callLegId: text('call_leg_id').notNull(),
  callSessionId: text('call_session_id').notNull(),
  label: text('label'),
  status: text('status').$type<ParticipantStatus>().notNull(),
  muted: integer('muted', { mode: 'boolean' }).notNull(),
  onHold: integer('on_hold', { mode: 'boolean' }).notNull(),
  supervisorRole: text('supervisor_role').$type<SupervisorRole>().notNull(),
  whisperCallControlIds: text('whisper_call_control_ids', { mode: 'json' }).$type<string[]>().notNull(),
  endConferenceOnExit: integer('end_conference_on_exit', { mode: 'boolean' }).notNull(),
  softEndConferenceOnExit: integer('soft_end_conference_on_exit', { mode: 'boolean' }).notNull(),
  beepEnabled: text('beep_enabled').$type<BeepEnabled>(),
  clientState: text('client_state'),
  /** Join order, so listings and "first joined" are stable within one millisecond. */
  seq: integer('seq').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [
  index('participants_conference').on(t.conferenceId, t.seq),
  index('participants_call').on(t.callControlId),
]);

/** Media playing in a conference (play/speak): ends when its duration passes or on stop. */
export const mediaPlaybacks = sqliteTable('media_playbacks', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  conferenceId: text('conference_id').notNull(),
  kind: text('kind').$type<'playback' | 'speak'>().notNull(),
  /** Targeted at some participants (participant.* events) or the whole conference. */
  callControlIds: text('call_control_ids', { mode: 'json' }).$type<string[]>(),
  mediaUrl: text('media_url'),
  mediaName: text('media_name'),
  startedAt: integer('started_at').notNull(),
  endsAt: integer('ends_at').notNull(),
}, (t) => [index('media_conference').on(t.conferenceId)]);

