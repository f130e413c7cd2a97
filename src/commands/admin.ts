/** Operations across accounts (reset of every account, listing accounts) and the admin key that guards them. */
import { timingSafeEqual } from 'node:crypto';
import { errors } from '../model/errors.js';
import type { Account, Services } from './account.js';

/** True when no admin key is set (one developer, every key trusted) or `key` is the admin key. */
export function isAdmin(key: string, services: Pick<Services, 'adminKey'>): boolean {
  const admin = services.adminKey;
  if (admin === undefined) return true;
  const a = Buffer.from(key);
  const b = Buffer.from(admin);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a cross-account operation (403, Telnyx's 10010) unless the acting account's key is the
 * admin key, when TELNYX_MOCK_ADMIN_KEY is set: `POST /_mock/reset {"all":true}`, and any listing
 * of other accounts (call it before listing them, e.g. the console's account picker).
 */
export function requireAdmin(a: Account | { key: string; services: Pick<Services, 'adminKey'> }): void {
  const [key, services] = 'key' in a ? [a.key, a.services] : [a.id, a.services];
  if (!isAdmin(key, services)) throw errors.adminRequired();
}
