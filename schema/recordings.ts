import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { RecordingState } from './enums.js';

/**
 * A recording of a call (record_start) or of a conference (conference record_start). Its audio is
 * made on demand from its format, channels and recorded length (silence), and served at
 * `/_mock/recordings/{id}.{format}`: only the length has to be kept.
 */
export const recordings = sqliteTable('recordings', {
  /** A random uuid: the unguessable part of the download URL (Telnyx's URLs are pre-signed). */
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  /** The call recorded (call recordings); null for a conference's. */
  callControlId: text('call_control_id'),
  conferenceId: text('conference_id'),
  format: text('format').$type<'wav' | 'mp3'>().notNull(),
  channels: text('channels').$type<'single' | 'dual'>().notNull(),
  state: text('state').$type<RecordingState>().notNull(),
  /** `max_length`: recorded seconds after which the recording stops by itself (null: no limit). */
  maxLengthSecs: integer('max_length_secs'),
  /** Where the download URLs point: the configured public URL or the origin the app reached us at. */
  urlBase: text('url_base').notNull(),
  startedAt: integer('started_at').notNull(),
  /** When the current stretch of recording began (null while paused or stopped). */
  resumedAt: integer('resumed_at'),
  /** Recorded time before the current stretch: paused time does not count. */
  recordedMs: integer('recorded_ms').notNull(),
  endedAt: integer('ended_at'),
}, (t) => [index('recordings_call').on(t.account, t.callControlId), index('recordings_conference').on(t.account, t.conferenceId)]);
