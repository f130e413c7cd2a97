import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cacheBodyText, cachedBodyText, incomingOf } from '../../src/http/node-internals.js';

/**
 * src/http/node-internals.ts leans on two undocumented details of Hono and @hono/node-server.
 * These tests pin them, so an upgrade that changes either fails here, not in production.
 */
let server: ServerType;
let url: string;
const seen: Record<string, unknown> = {};

beforeAll(async () => {
  const app = new Hono();
  app.post('/echo', async (c) => {
    seen.incoming = incomingOf(c) instanceof IncomingMessage;
    seen.cachedBefore = cachedBodyText(c);
    const text = await c.req.text();
    seen.cachedAfter = await cachedBodyText(c);
    return c.text(text);
  });
  app.post('/preset', async (c) => {
    // What the emulator's body reader does: put the text in Hono's cache, then c.req.text() must return it.
    cacheBodyText(c, Promise.resolve('from the cache'));
    return c.text(await c.req.text());
  });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => { server.close(() => resolve()); }));

describe('the Hono and node-server internals the emulator relies on', () => {
  it("passes Node's IncomingMessage as c.env.incoming", async () => {
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'hello' });
    expect(await res.text()).toBe('hello');
    expect(seen.incoming).toBe(true);
  });

  it("keeps a body read by c.req.text() as a promise under bodyCache.text", async () => {
    await fetch(`${url}/echo`, { method: 'POST', body: 'kept' });
    expect(seen.cachedBefore).toBeUndefined();
    expect(seen.cachedAfter).toBe('kept');
  });

  it('answers c.req.text() from bodyCache.text when it is already there', async () => {
    const res = await fetch(`${url}/preset`, { method: 'POST', body: 'from the socket' });
    expect(await res.text()).toBe('from the cache');
  });
});
