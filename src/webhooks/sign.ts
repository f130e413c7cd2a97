import { sign, type KeyObject } from 'node:crypto';

/** Telnyx's signature: Ed25519 over the UTF-8 of `${timestamp}|${body}`, base64 (SDK lib/webhooks.js). */
export function signWebhook(key: KeyObject, timestamp: number, body: string): string {
  return sign(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), key).toString('base64');
}

/**
 * The envelope as sent: the stored `data` text verbatim plus this attempt's `meta`, built by
 * concatenation so the body is byte-for-byte what the log shows and what was signed.
 */
export function envelope(data: string, attempt: number, deliveredTo: string): string {
  return `{"data":${data},"meta":${JSON.stringify({ attempt, delivered_to: deliveredTo })}}`;
}
