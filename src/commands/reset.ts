/** Reset (control API): an account, or every account, back to nothing. */
import type { Account } from './account.js';
import { body, bool, pattern } from './schema.js';
import { requireAdmin } from './admin.js';
import { errors } from '../model/errors.js';

/** `seed`: deterministic mode for the account from this reset on (what a replay starts with). */
export const Reset = body({ all: bool(), seed: pattern(/^[A-Za-z0-9_.-]{1,64}$/, "'seed' must be an integer or a short word (letters, digits, _ . -; at most 64).", { max: 64 }) }, (b) => {
  if (b.all && b.seed !== undefined) throw errors.invalid('seed', "'seed' resets one account: it cannot be used with 'all'.");
});

/** `{}` clears the account, `{"all": true}` every account (only with the admin key, when one is set). */
export function reset(a: Account, input: unknown): void {
  const b = Reset.parse(input);
  if (b.all) {
    requireAdmin(a);
    a.server.resetAll();
  } else {
    resetAccount(a);
    if (b.seed !== undefined) a.determinize(b.seed);
    // Nothing of it is left to keep in memory: released once this request ends (a handle keeps it,
    // and so does a seed: see Account.busy).
    a.server.release(a.id);
  }
}

/** Clears the account: calls, conferences, queues, webhooks, numbers, what it provisioned (applications, owned numbers, orders, settings), clock, journal and faults (request and webhook). */
export function resetAccount(a: Account): void {
  a.write((ctx) => ctx.store.deleteAll());
  a.clock.reset();
  a.journal.clear();
  a.faults.clear();
  a.restartStreams();
  a.webhookFaults.clear();
}
