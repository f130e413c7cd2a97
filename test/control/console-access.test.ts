import { afterEach, describe, expect, it } from 'vitest';
import { inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';

/**
 * Issue 19 row 7: "Without an admin key, GET /console/api/accounts lists every key to anyone — any
 * key, no key, any Host header (so DNS rebinding from a browser works too). A key is the whole
 * credential." The list is now the admin's; everyone else sees only keys they present, and the
 * console and /_mock answer only requests addressed to this server by one of its own names.
 */
let em: Emulator;
afterEach(() => em?.dispose());

async function get(path: string, opts: { key?: string; host?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.host) headers.host = opts.host;
  const res = await em.app.fetch(new Request(`http://127.0.0.1${path}`, { headers }));
  return { status: res.status, body: await res.json() as any };
}
const keys = (body: { data: { key: string }[] }) => body.data.map((a) => a.key);

/** Three tenants that have each sent a request. */
async function tenants(config: Partial<Config> = {}) {
  em = inMemory(config);
  for (const key of ['KEY_one', 'KEY_two', 'KEY_three']) expect((await get('/v2/conferences', { key })).status).toBe(200);
}

describe('the console account list without an admin key', () => {
  it('shows a caller only the keys it presents, never another tenant', async () => {
    await tenants();
    expect(keys((await get('/console/api/accounts', { key: 'KEY_two' })).body)).toEqual(['KEY_two']);
    // Keys the page remembers are listed when presented (the caller holds them already).
    expect(keys((await get('/console/api/accounts?known=KEY_one&known=KEY_unused', { key: 'KEY_two' })).body)).toEqual(['KEY_two', 'KEY_one']);
    expect(keys((await get('/console/api/accounts?key=KEY_three')).body)).toEqual(['KEY_three']);
    // No key: nothing (it used to be every key).
    expect((await get('/console/api/accounts')).body).toEqual({ data: [] });
  });
});

describe('the console account list with TELNYX_MOCK_ADMIN_KEY', () => {
  it('lists every key to the admin key, as before, and refuses others with 403', async () => {
    await tenants({ adminKey: 'KEY_admin' });
    expect(keys((await get('/console/api/accounts', { key: 'KEY_admin' })).body)).toEqual(expect.arrayContaining(['KEY_one', 'KEY_two', 'KEY_three']));
    const refused = await get('/console/api/accounts', { key: 'KEY_one' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: '10010' });
  });
});

describe('the Host check on the console and /_mock (DNS rebinding)', () => {
  it("refuses a Host that is not one of this server's names with a 403 saying why", async () => {
    await tenants();
    for (const path of ['/console/api/accounts', '/console', '/_mock/webhooks', '/_mock/clock']) {
      const res = await get(path, { key: 'KEY_one', host: 'attacker.example:4010' });
      expect(res.status, path).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: '10010', title: 'Not authorized' });
      expect(res.body.errors[0].detail).toContain("The Host header 'attacker.example:4010' is not this server's address");
    }
  });

  it('answers loopback names and the listening address, with or without a port; /v2, health, the public key and recordings answer any Host', async () => {
    await tenants();
    for (const host of ['127.0.0.1:4010', 'localhost:4010', 'LOCALHOST', '[::1]:4010', '127.0.0.1']) {
      expect((await get('/console/api/accounts', { key: 'KEY_one', host })).status, host).toBe(200);
      expect((await get('/_mock/webhooks', { key: 'KEY_one', host })).status, host).toBe(200);
    }
    // The app's own API is reached by whatever name the app uses; health is probed by orchestrators.
    expect((await get('/v2/conferences', { key: 'KEY_one', host: 'mock.internal:4010' })).status).toBe(200);
    expect((await get('/_mock/health', { host: 'mock.internal:4010' })).status).toBe(200);
    // As are what an app fetches unkeyed by the name it reaches the server by: the public key, recordings.
    expect((await get('/_mock/webhooks/public_key', { host: 'mock.internal:4010' })).status).toBe(200);
    expect((await get('/_mock/recordings/no-such-recording.mp3', { host: 'mock.internal:4010' })).status).toBe(404);
  });

  it('answers the configured public URL host, and any Host when listening on every interface', async () => {
    await tenants({ publicUrl: 'https://mock.ci.example:8443' });
    expect((await get('/_mock/webhooks', { key: 'KEY_one', host: 'mock.ci.example:8443' })).status).toBe(200);
    expect((await get('/_mock/webhooks', { key: 'KEY_one', host: 'other.example' })).status).toBe(403);
    await em.dispose();
    await tenants({ host: '0.0.0.0' });
    expect((await get('/_mock/webhooks', { key: 'KEY_one', host: 'anything.example' })).status).toBe(200);
  });
});
