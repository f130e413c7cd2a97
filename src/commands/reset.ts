/** Reset (control API): an account, or every account, back to nothing. */
import type { Account, Services } from './account.js';
import { body, bool } from './schema.js';
import { requireAdmin } from './admin.js';

export const Reset = body({ all: bool() });

/** `{}` clears the account, `{"all": true}` every account (only with the admin key, when one is set). */
export function reset(a: Account, input: unknown): void {
  if (Reset.parse(input).all) {
    requireAdmin(a);
    resetAll(a.services);
  } else {
    resetAccount(a);
  }
}

/** Clears the account: calls, conferences, queues, webhooks, numbers, clock, journal and faults. */
export function resetAccount(a: Account): void {
  a.write((ctx) => ctx.store.deleteAll());
  a.services.clock.reset(a.id);
  a.services.journal.clear(a.id);
  a.services.faults.clear(a.id);
}

/** Clears every account. */
export function resetAll(services: Services): void {
  services.store.deleteEverything();
  services.clock.reset();
  services.journal.clear();
  services.faults.clear();
}
