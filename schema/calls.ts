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
}, (t) => [index('call_legs_account').on(t.account, t.startTime)]);

export interface PendingGather {
  conferenceId: string | null;
  minimumDigits: number;
  maximumDigits: number;
  terminatingDigit: string;
  validDigits: string;
  clientState: string | null;
}

/** How a dialed number answers (control API `PUT /_mock/numbers/{e164}`); absent means "answers at once". */
export const numbers = sqliteTable('numbers', {
  account: text('account').notNull(),
  e164: text('e164').notNull(),
  behaviour: text('behaviour').$type<NumberBehaviourKind>().notNull(),
  answerAfterSecs: integer('answer_after_secs').notNull(),
  /** What answering machine detection finds when a transfer to it asks (null: human). */
  amdResult: text('amd_result').$type<AmdResult>(),
}, (t) => [primaryKey({ columns: [t.account, t.e164] })]);
