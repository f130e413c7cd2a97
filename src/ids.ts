import { createHash, randomUUID } from 'node:crypto';
import { customAlphabet } from 'nanoid';

// Telnyx call_control_ids look like `v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg`.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-';
const TOKEN_LENGTH = 54;
const token = customAlphabet(ALPHABET, TOKEN_LENGTH);

/** The one source of ids; each account holds its own (random by default, seeded in deterministic mode). */
export interface Ids {
  uuid(): string;
  callControlId(): string;
}

/** Random ids, shared by every account (one object for the process: nothing is built per request). */
export const ids: Ids = {
  uuid: () => randomUUID(),
  callControlId: () => `v3:${token()}`,
};

/**
 * Deterministic mode: an account's ids from a stream seeded by (seed, account key), so the same
 * requests in the same order get the same ids, and one account's requests never shift another's.
 * The stream is SHA-256 in counter mode: random-looking, still v4-shaped UUIDs (RFC 9562 version
 * and variant bits) and Telnyx-shaped `v3:` call_control_ids of the same alphabet and length.
 */
export function seededIds(seed: string, account: string): Ids {
  const prefix = `telnyx-mock ids\0${seed}\0${account}\0`;
  let block = 0;
  let pool = Buffer.alloc(0);
  let at = 0;
  const take = (n: number): Buffer => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      if (at >= pool.length) {
        pool = createHash('sha256').update(`${prefix}${block++}`).digest();
        at = 0;
      }
      out[i] = pool[at++];
    }
    return out;
  };
  return {
    uuid: () => {
      const b = take(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    // 64 symbols: six bits of a byte pick one, unbiased.
    callControlId: () => `v3:${Array.from(take(TOKEN_LENGTH), (x) => ALPHABET[x & 63]).join('')}`,
  };
}
