import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const queues = sqliteTable('queues', {
  id: text('id').primaryKey(),
  account: text('account').notNull(),
  name: text('name').notNull(),
  maxSize: integer('max_size').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('queues_account_name').on(t.account, t.name)]);

/** A call waiting in a queue. Positions are derived from `seq` (arrival order), so leaving renumbers. */
export const queueCalls = sqliteTable('queue_calls', {
  callControlId: text('call_control_id').primaryKey(),
  account: text('account').notNull(),
  queueId: text('queue_id').notNull(),
  seq: integer('seq').notNull(),
  enqueuedAt: integer('enqueued_at').notNull(),
  maxWaitTimeSecs: integer('max_wait_time_secs'),
  keepAfterHangup: integer('keep_after_hangup', { mode: 'boolean' }).notNull(),
  isAlive: integer('is_alive', { mode: 'boolean' }).notNull(),
}, (t) => [
  index('queue_calls_queue').on(t.queueId, t.seq),
  // The next seq (max over the table) read from an index, not a scan of every waiting call.
  index('queue_calls_seq').on(t.seq),
]);
