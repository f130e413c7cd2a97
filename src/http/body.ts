import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { errors } from '../model/errors.js';
import { checkDepth, MAX_BODY_BYTES } from '../commands/schema.js';
import { cacheBodyText, cachedBodyText, incomingOf } from './node-internals.js';
import type { Env } from './auth.js';

/** Bodies beyond this are refused with 413, counted in bytes read (Content-Length or chunked alike). */
export { MAX_BODY_BYTES };

/** A body's size bound and its 413; one route takes more than MAX_BODY_BYTES (a state snapshot, bounded on its own). */
export interface BodyCap { bytes: number; error: () => Error }
const DEFAULT_CAP: BodyCap = { bytes: MAX_BODY_BYTES, error: () => errors.tooLarge() };

/**
 * Reads a Node request body with a size cap, without building a web Request and its streams.
 * Settles whatever the client does: the whole body, too many bytes (413) or a connection closed
 * mid-body (400 aborted), so nothing waiting on it (the route, the journal) waits forever.
 */
function readIncoming(incoming: IncomingMessage, cap: BodyCap): Promise<string> {
  if (Number(incoming.headers['content-length'] ?? 0) > cap.bytes) {
    incoming.resume(); // drain what comes, for the 413 to reach the client
    return Promise.reject(cap.error());
  }
  // Neither a length nor chunks: no body (every GET), without waiting a tick for 'end'.
  if (incoming.headers['content-length'] === undefined && incoming.headers['transfer-encoding'] === undefined) return Promise.resolve('');
  if (incoming.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    incoming.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > cap.bytes) {
        chunks.length = 0;
        done(() => reject(cap.error()));
      } else {
        chunks.push(chunk);
      }
    });
    incoming.once('end', () => done(() => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'))));
    // A client gone mid-body: Node emits 'aborted'/'error' (ECONNRESET) and 'close' without 'end'.
    incoming.once('error', () => done(() => reject(errors.aborted())));
    incoming.once('close', () => done(() => reject(errors.aborted())));
  });
}

/** The same cap on a web Request's stream (app.fetch in tests and embedders), counting bytes as they come. */
async function readStream(req: Request, cap: BodyCap): Promise<string> {
  if (Number(req.headers.get('content-length') ?? 0) > cap.bytes) throw cap.error();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap.bytes) {
        void reader.cancel().catch(() => {});
        throw cap.error();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err === undefined || !(err instanceof Error) || err.name !== 'TelnyxError') throw errors.aborted();
    throw err;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The raw body text, read once and kept in Hono's body cache (where the request journal finds it). */
export function readBodyText(c: Context, cap: BodyCap = DEFAULT_CAP): Promise<string> {
  const cached = cachedBodyText(c);
  if (cached) return cached;
  const incoming = incomingOf(c);
  const text = cacheBodyText(c, incoming ? readIncoming(incoming, cap) : readStream(c.req.raw, cap));
  text.catch(() => {}); // whoever awaits it sees the error; an unread rejection is not a crash
  return text;
}

/** True when the request carries no body at all (every GET): nothing to read, no tick to wait. */
export function hasNoBody(c: Context): boolean {
  if (cachedBodyText(c)) return false;
  const incoming = incomingOf(c);
  if (incoming) return incoming.headers['content-length'] === undefined && incoming.headers['transfer-encoding'] === undefined;
  return c.req.raw.body === null;
}

/** True once the body was read (by the route, a fault or the journal). */
export function bodyWasRead(c: Context): boolean {
  return cachedBodyText(c) !== undefined;
}

/**
 * The JSON body as sent, for a command to parse; empty means `{}` (the Ruby SDK sends `{}` for
 * empty PATCH bodies). Only JSON syntax and nesting depth are checked here: what the fields mean is
 * the command's. The object is kept on the context (`body`): the request journal asks the
 * validation layer which of its fields the command ignored (commands/schema.ts ignoredFields).
 */
export async function readBody(c: Context<Env>): Promise<Record<string, unknown>> {
  const text = await readBodyText(c);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.notJson();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.notObject();
  checkDepth(value, text);
  c.set('body', value as Record<string, unknown>);
  return value as Record<string, unknown>;
}

/** Decoded path parameter: call_control_ids contain `:` and arrive percent-encoded. */
export function param(c: Context, name: string): string {
  const raw = c.req.param(name) ?? '';
  if (!raw.includes('%')) return raw; // nothing to decode (most ids): decodeURIComponent would return it as it is
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
  // Every action asks (before knowing whether it records): on Node the headers come off the
  // IncomingMessage, as bearerAccount reads them (c.req.header builds a web Headers object), and
  // the URL is parsed only when there is no Host header.
  const incoming = incomingOf(c);
  const header = (name: string) => (incoming ? incoming.headers[name] as string | undefined : c.req.header(name));
  const url = c.req.url;
  const proto = first(header('x-forwarded-proto')) ?? url.slice(0, url.indexOf(':')).toLowerCase();
  const host = first(header('x-forwarded-host')) ?? header('host') ?? new URL(url).host;
  return `${proto}://${host}`;
}
