import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { AmdMode } from './enums.js';

/**
 * A transfer still ringing: the new leg (B) dialed for the call transferred (A). When B answers the
 * two are bridged and the row goes; when either hangs up first it goes too (A stays up if B fails).
 */
export const transfers = sqliteTable('transfers', {
  /** Leg B: the call dialed by the transfer. */
  callControlId: text('call_control_id').primaryKey(),
  account: text('account').notNull(),
  /** Leg A: the call being transferred. */
  fromCallControlId: text('from_call_control_id').notNull(),
  /** answering_machine_detection asked for (null: disabled). */
  amd: text('amd').$type<AmdMode>(),
  timeLimitSecs: integer('time_limit_secs'),
  /** `record: record-from-answer`: B is recorded from its answer in this format (null: not recorded). */
  recordFormat: text('record_format').$type<'wav' | 'mp3'>(),
  recordChannels: text('record_channels').$type<'single' | 'dual'>(),
  recordMaxLengthSecs: integer('record_max_length_secs'),
  /** Where the app reached the server when it asked (the recording's URLs point there). */
  origin: text('origin'),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('transfers_from').on(t.account, t.fromCallControlId)]);
