import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { TimerKind } from './enums.js';

/** Work that falls due on an account's clock: conference expiry, queue timeouts, media ending. */
export const timers = sqliteTable('timers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  account: text('account').notNull(),
  dueAt: integer('due_at').notNull(),
  kind: text('kind').$type<TimerKind>().notNull(),
  subjectId: text('subject_id').notNull(),
}, (t) => [index('timers_account_due').on(t.account, t.dueAt), index('timers_subject').on(t.subjectId)]);

/** command_id already executed for a call or conference: a repeat is not executed twice. */
export const commandIds = sqliteTable('command_ids', {
  account: text('account').notNull(),
  scope: text('scope').notNull(),
  commandId: text('command_id').notNull(),
  createdAt: integer('created_at').notNull(),
  /** What the first command answered (JSON), so a repeat answers the same. */
  result: text('result'),
}, (t) => [primaryKey({ columns: [t.account, t.scope, t.commandId] })]);

/** Each account's virtual time: wall time plus an offset, or frozen at one instant. */
export const clocks = sqliteTable('clocks', {
  account: text('account').primaryKey(),
  offsetMs: integer('offset_ms').notNull(),
  frozenAt: integer('frozen_at'),
});

/** Server-wide settings (the webhook signing key pair). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
