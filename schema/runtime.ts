import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { TimerKind } from './enums.js';

/** Work that falls due on an account's clock: conference expiry, queue timeouts, media ending. */
export const timers = sqliteTable('timers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  account: text('account').notNull(),
  /** When it falls due on the account's (virtual) clock. */
  dueAt: integer('due_at').notNull(),
  kind: text('kind').$type<TimerKind>().notNull(),
  subjectId: text('subject_id').notNull(),
  /**
   * The wall-clock instant it falls due (due_at minus the account's offset; null while the
   * account's clock is frozen before due_at, or once it failed): the ticker's sweep finds due
   * timers of every account through one index on it, so an idle server costs nothing per account.
   */
  wallDueAt: integer('wall_due_at'),
  /** Why firing it failed (it threw): recorded for its own account, never fired again. */
  error: text('error'),
}, (t) => [
  index('timers_account_due').on(t.account, t.dueAt), index('timers_subject').on(t.subjectId),
  index('timers_wall_due').on(t.wallDueAt),
]);

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
