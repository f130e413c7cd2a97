/**
 * What the emulator relies on inside Hono and @hono/node-server that is not their documented
 * API, gathered in one place (test/api/node-internals.test.ts breaks on an upgrade that changes it):
 * - `c.env.incoming`: @hono/node-server passes Node's IncomingMessage as the env binding
 *   `incoming`; reading the body and headers from it skips building a web Request and streams.
 * - `c.req.bodyCache.text`: Hono caches a body read as a promise under `text`; c.req.text()
 *   returns it, and the request journal keeps a reference to it instead of a copy.
 */
import type { Context } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `outgoing`: Node's ServerResponse, passed beside `incoming`; a stalled download closes it. */
export type NodeBindings = { incoming?: IncomingMessage; outgoing?: ServerResponse };

/** Node's request, when running on @hono/node-server (absent under app.fetch in tests). */
export function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as NodeBindings | undefined)?.incoming;
}

/** Node's response, when running on @hono/node-server (absent under app.fetch in tests). */
export function outgoingOf(c: Context): ServerResponse | undefined {
  return (c.env as NodeBindings | undefined)?.outgoing;
}

/** The body text promise kept in Hono's body cache, if the body was read. */
export function cachedBodyText(c: Context): Promise<string> | undefined {
  return (c.req.bodyCache as { text?: Promise<string> }).text;
}

/** Keeps `text` as the body read, where c.req.text() and the journal find it. */
export function cacheBodyText(c: Context, text: Promise<string>): Promise<string> {
  (c.req.bodyCache as { text?: Promise<string> }).text = text;
  return text;
}
