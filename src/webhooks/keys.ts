import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Settings } from '../store/settings.js';

/** settings row holding the generated seed, so a file database keeps one key across restarts. */
const SEED_SETTING = 'webhook_signing_seed';

// An Ed25519 private key in PKCS#8 DER is this fixed prefix followed by the 32-byte seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
  privateKey: KeyObject;
  /** base64 of the 32 raw public-key bytes: what Telnyx's portal shows and the SDKs take as publicKey. */
  publicKey: string;
}

export function keyFromSeed(seed: Buffer): SigningKey {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url').toString('base64') };
}

/** Decodes TELNYX_MOCK_SIGNING_KEY: strict base64 of exactly 32 bytes. */
export function parseSeed(base64: string): Buffer {
  const trimmed = base64.trim();
  const seed = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || seed.length !== 32) {
    throw new Error('TELNYX_MOCK_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed');
  }
  return seed;
}

/**
 * Deterministic mode's Ed25519 seed: SHA-256 of the run's seed (`--seed 42`), so the same seed
 * signs with the same key on every start, and `telnyx-mock keygen --deterministic-seed 42` prints it.
 */
export function signingSeedOf(runSeed: string): Buffer {
  return createHash('sha256').update(`telnyx-mock signing key\0${runSeed}`).digest();
}

/**
 * The configured key, else (deterministic mode) the run seed's, else the one kept in the
 * database, else a new one (kept for next time).
 */
export function loadSigningKey(settings: Settings, configured?: string, runSeed?: string): SigningKey {
  if (configured) return keyFromSeed(parseSeed(configured));
  if (runSeed !== undefined) return keyFromSeed(signingSeedOf(runSeed));
  const kept = settings.get(SEED_SETTING) ?? settings.setIfAbsent(SEED_SETTING, randomBytes(32).toString('base64'));
  return keyFromSeed(Buffer.from(kept, 'base64'));
}
