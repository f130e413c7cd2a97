/** Reset (control API): an account, or every account, back to nothing. */
import type { Account } from './account.js';
import { body, bool } from './schema.js';
import { requireAdmin } from './admin.js';

export const Reset = body({ all: bool() });

/** `{}` clears the account, `{"all": true}` every account (only with the admin key, when one is set). */
export function reset(a: Account, input: unknown): void {
  if (Reset.parse(input).all) {
    requireAdmin(a);
    a.server.resetAll();
  } else {
    resetAccount(a);
  }
}

/** Clears the account: calls, conferences, queues, webhooks, numbers, what it provisioned (applications, owned numbers, orders, settings), clock, journal and faults. */
export function resetAccount(a: Account): void {
  a.write((ctx) => ctx.store.deleteAll());
  a.clock.reset();
  a.journal.clear();
  a.faults.clear();
  a.restartStreams();
}
