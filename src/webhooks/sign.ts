import { sign, type KeyObject } from 'node:crypto';

/** Telnyx's signature: Ed25519 over the UTF-8 of `${timestamp}|${body}`, base64 (SDK lib/webhooks.js). */
export function signWebhook(key: KeyObject, timestamp: number, body: string): string {
  return sign(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), key).toString('base64');
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
