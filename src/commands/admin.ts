/** Operations across accounts (reset of every account, listing accounts) and the admin key that guards them. */
import { errors } from '../model/errors.js';
import type { Account, Accounts } from './account.js';

/**
 * Refuses a cross-account operation (403, Telnyx's 10010) unless the acting key is the admin key,
 * when TELNYX_MOCK_ADMIN_KEY is set: `POST /_mock/reset {"all":true}`, and any listing of other
 * accounts (call it before listing them, e.g. the console's account picker).
 */
export function requireAdmin(by: Account | { key: string; accounts: Accounts }): void {
  const allowed = 'accounts' in by ? by.accounts.isAdmin(by.key) : by.server.isAdmin(by.key ?? '');
  if (!allowed) throw errors.adminRequired();
}
