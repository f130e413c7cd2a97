import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { loadSpec } from '../support/openapi.js';
import { jsonSubset } from '../support/spec-json.js';
import { SPEC_DIR } from '../support/spec-files.js';

/**
 * Telnyx's spec has far more than voice (messaging, number search, SIM cards …). An app that calls
 * one of those operations here gets 422 "Operation not emulated" naming it — its summary,
 * operationId and path template — where it used to get 404 "No route", so its log says what
 * happened. The operations come from the vendored full spec (src/http/spec-operations.json, written
 * by scripts/spec-operations.mjs); what the emulator serves keeps its behaviour, and a path the
 * spec does not have keeps "No route".
 */
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const full = JSON.parse(gunzipSync(readFileSync(`${SPEC_DIR}spec3-12de4dd.json.gz`)).toString()) as {
  paths: Record<string, Record<string, { operationId?: string; summary?: string }>>;
};
const operations = Object.entries(full.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m])
  .map((m) => ({ method: m.toUpperCase(), path, operationId: ops[m].operationId ?? '', summary: (ops[m].summary ?? '').trim() })));

/** What the emulator serves: every operation of the spec subsets vendored for its tests. */
const servedPaths = [
  loadSpec().paths, jsonSubset('webhook-deliveries.json').spec.paths, jsonSubset('credentials.json').spec.paths,
].flatMap((paths) => Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m))
  .map((m) => `${m.toUpperCase()} ${path}`)));
const served = new Set(servedPaths);

const em = inMemory();
const http = api(em).as('KEY_not_emulated');
afterAll(() => em.dispose());

const send = (method: string, url: string) => {
  const m = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return m === 'get' || m === 'delete' ? http[m](url) : http[m](url, {});
};
/** The path as an app would send it: each path parameter a dummy id. */
const filled = (path: string) => `/v2${path.replace(/\{[^}]+\}/g, 'dummy-id-1')}`;

describe('operations of the spec the emulator does not serve', () => {
  it('are indexed from the vendored spec: src/http/spec-operations.json is what scripts/spec-operations.mjs writes', () => {
    const index = JSON.parse(readFileSync(new URL('../../src/http/spec-operations.json', import.meta.url), 'utf8'));
    expect(index).toEqual(operations.map((o) => [o.method, o.path, o.operationId, o.summary]));
    expect(operations.length).toBe(1156);
  });

  it('each answer 422 "Operation not emulated" naming it; every served operation answers as it did, none "No route"', async () => {
    const wrong: string[] = [];
    let notEmulated = 0;
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      const res = await send(op.method, filled(op.path));
      const error = res.body.errors?.[0] as { code: string; title: string; detail: string } | undefined;
      if (served.has(key)) {
        if (error?.title === 'Operation not emulated' || error?.detail?.startsWith('No route')) wrong.push(`${key}: served, but ${error.detail}`);
        continue;
      }
      notEmulated++;
      const named = `(${op.operationId}, ${op.method} /v2${op.path}) is not emulated by telnyx-mock`;
      if (res.status !== 422 || error?.code !== '10015' || error.title !== 'Operation not emulated' || !error.detail.includes(named)
        || (op.summary && !error.detail.startsWith(`'${op.summary}'`))) {
        wrong.push(`${key}: ${res.status} ${JSON.stringify(error)}`);
      }
    }
    expect(wrong).toEqual([]);
    // Most of Telnyx is outside the voice API; what is served is the vendored subsets.
    expect(notEmulated).toBe(operations.length - served.size);
  });

  it('names messaging as an app meets it first: POST /v2/messages and GET /v2/messaging_profiles/{id}', async () => {
    const send = await http.post('/v2/messages', { to: '+15550001111', text: 'hi' });
    expect(send.status).toBe(422);
    expect(send.body.errors).toEqual([{
      code: '10015', title: 'Operation not emulated',
      detail: "'Send a message' (SendMessage, POST /v2/messages) is not emulated by telnyx-mock, which emulates Telnyx's voice API: "
        + 'call control, conferences, queues and the provisioning they need.',
      meta: { url: 'https://developers.telnyx.com/docs/overview/errors/10015' },
    }]);
    // A trailing slash is the same path (the app is not strict about it either).
    const profile = await http.get('/v2/messaging_profiles/4001/');
    expect(profile.body.errors[0].detail).toContain('(RetrieveMessagingProfile, GET /v2/messaging_profiles/{id})');
  });

  it('prefers the template with more fixed segments: /phone_numbers/jobs is its own operation, not /phone_numbers/{id}', async () => {
    const res = await http.get('/v2/phone_numbers/jobs');
    expect(res.body.errors[0].detail).toContain('(ListPhoneNumbersJobs, GET /v2/phone_numbers/jobs)');
  });

  it('keeps "No route" for a path the spec does not have; a method a served path does not take is a 405', async () => {
    for (const [method, url] of [['POST', '/v2/no_such_resource'], ['GET', '/v3/messages'], ['GET', '/messages']]) {
      const res = await send(method, url);
      expect(res.status, url).toBe(404);
      expect(res.body.errors[0], url).toMatchObject({ code: '10007', detail: `No route for ${method} ${url}` });
    }
    const wrongMethod = await send('PUT', '/v2/queues');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, POST');
  });

  it('asks for the API key first, as every /v2 path does', async () => {
    const res = await api(em).raw.get('/v2/messaging_profiles');
    expect(res.status).toBe(401);
  });
});
