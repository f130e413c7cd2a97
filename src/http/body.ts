import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { errors } from '../model/errors.js';
import { cacheBodyText, cachedBodyText, incomingOf } from './node-internals.js';

/** Bodies beyond this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a Node request body with a size cap, without building a web Request and its streams. */
function readIncoming(incoming: IncomingMessage): Promise<string> {
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(errors.tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(errors.tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

/** The raw body text, read once and kept in Hono's body cache (where the request journal finds it). */
export function readBodyText(c: Context): Promise<string> {
  const cached = cachedBodyText(c);
  if (cached) return cached;
  const incoming = incomingOf(c);
  return cacheBodyText(c, incoming ? readIncoming(incoming) : c.req.raw.text().then((t) => {
    if (Buffer.byteLength(t) > MAX_BODY_BYTES) throw errors.tooLarge();
    return t;
  }));
}

/**
 * The JSON body as sent, for a command to parse; empty means `{}` (the Ruby SDK sends `{}` for
 * empty PATCH bodies). Only JSON syntax is checked here: what the fields mean is the command's.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const text = await readBodyText(c);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.notJson();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.notObject();
  return value as Record<string, unknown>;
}

/** Decoded path parameter: call_control_ids contain `:` and arrive percent-encoded. */
export function param(c: Context, name: string): string {
  const raw = c.req.param(name) ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw errors.badCharacters();
  }
}

/**
 * Where the client reached this server (scheme://host[:port]), as a proxy in front reports it or
 * from the Host header: the base of URLs it is given back (recordings), so they work from where it is.
 */
export function requestOrigin(c: Context): string {
  const first = (h: string | undefined) => h?.split(',')[0].trim() || undefined;
  const url = new URL(c.req.url);
  const proto = first(c.req.header('x-forwarded-proto')) ?? url.protocol.replace(/:$/, '');
  const host = first(c.req.header('x-forwarded-host')) ?? c.req.header('host') ?? url.host;
  return `${proto}://${host}`;
}
