/**
 * Quotas per account (model/quotas.ts), checked where each kind of row is made: a command that
 * would store one more call, media item or command_id than the account's quota is refused (422,
 * naming the quota, its setting and the account by a shortened key) before anything is written,
 * so nothing stored is lost. Webhook log rows are not refused (an event is a consequence, not a
 * request): past the quota the oldest delivered rows are pruned, never a pending or failed one.
 */
import { errors } from '../model/errors.js';
import { QUOTA_ENV, type Quotas } from '../model/quotas.js';
import type { AccountStore } from '../domain/store.js';

/** What the checks need of an account (Account has it; named here so account.ts may call them). */
interface Account {
  readonly quotas: Quotas;
  readonly shortId: string;
  readonly store: AccountStore;
  query<T>(fn: (store: AccountStore) => T): T;
  write<T>(fn: () => T): T;
}

type Refused = 'calls' | 'mediaItems' | 'commandIds';

const WHAT: Record<Refused, string> = { calls: 'calls', mediaItems: 'speak and playback items', commandIds: 'command_id values' };
const COUNT: Record<Refused, (s: AccountStore) => number> = {
  calls: (s) => s.countCalls(),
  mediaItems: (s) => s.countMedia(),
  commandIds: (s) => s.countCommandIds(),
};

/** Refuses (422) when storing `adding` more of `quota` would pass the account's quota. */
export function ensureRoom(a: Account, quota: Refused, adding = 1): void {
  const max = a.quotas[quota];
  if (a.query(COUNT[quota]) + adding > max) throw errors.quotaReached(WHAT[quota], max, QUOTA_ENV[quota], a.shortId);
}

/** A command_id new to its scope is one more stored; a replay stores nothing and is never refused. */
export function ensureCommandIdRoom(a: Account, scope: string, commandId: string): void {
  if (a.query((s) => s.commandKnown(scope, commandId))) return;
  ensureRoom(a, 'commandIds');
}

/**
 * Brings the account's webhook log back to its quota by deleting the oldest delivered rows; what
 * is still pending or failed stays, whatever the count. How many rows were deleted.
 */
export function pruneWebhookLog(a: Account): number {
  const max = a.quotas.webhookRows;
  const over = a.query((s) => s.countWebhookEvents()) - max;
  if (over <= 0) return 0;
  return a.write(() => a.store.pruneDeliveredWebhooks(over));
}
