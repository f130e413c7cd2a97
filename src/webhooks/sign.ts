import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Telnyx's signature: Ed25519 over the UTF-8 of `${timestamp}|${body}`, base64 (SDK lib/webhooks.js). */
export function signWebhook(key: KeyObject, timestamp: number, body: string): string {
  return sign(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), key).toString('base64');
}

/**
 * The telnyx-timestamp of an attempt, in seconds: wall time (the SDKs reject signatures more than
 * 300 s off their clock), or in deterministic mode the event's occurred_at on the account's
 * virtual clock, so the same run signs the same bytes. An app verifying those pins its clock to
 * that time (the SDK has no tolerance option: README "Deterministic runs").
 */
export function signatureTimestamp(wallMs: number, occurredAt: string, deterministic: boolean): number {
  return Math.floor((deterministic ? Date.parse(occurredAt) : wallMs) / 1000);
}

/**
 * The headers one attempt is sent with. telnyx-timestamp is wall time in seconds: the SDKs reject
 * signatures more than 300 s off their clock.
 */
export function signedHeaders(key: KeyObject, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'telnyx-mock-webhooks',
    'telnyx-timestamp': String(timestamp),
    'telnyx-signature-ed25519': signWebhook(key, timestamp, body),
  };
}

/**
 * Whether a recorded attempt's signature verifies with a public key (base64 of the 32 raw bytes,
 * as the SDKs take it): what the SDK's `webhooks.unwrap` checks, shown by the console as a mark.
 */
export function signatureVerifies(publicKey: string, headers: Record<string, string>, body: string): boolean {
  const timestamp = headers['telnyx-timestamp'];
  const signature = headers['telnyx-signature-ed25519'];
  if (!timestamp || !signature) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The headers with a signature that does not verify (webhook fault `tamper_signature`): the real
 * one with its first byte flipped, still 64 bytes of base64, so a receiver has to verify it to
 * notice (a malformed header would be refused before any check of the key).
 */
export function tamperSignature(headers: Record<string, string>): Record<string, string> {
  const signature = Buffer.from(headers['telnyx-signature-ed25519'], 'base64');
  signature[0] ^= 0xff;
  return { ...headers, 'telnyx-signature-ed25519': signature.toString('base64') };
}
