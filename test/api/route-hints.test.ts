import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { api, answeredCall, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';

/**
 * Errors that say the fix, for a request that found no route: a known path asked with a wrong
 * method answers 405 with `Allow` (RFC 9110 §15.5.6: "The origin server MUST generate an Allow
 * header field in a 405 response containing a list of the target resource's currently supported
 * methods"), and a near miss of a route or action name says which one was meant.
 */
let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_route_hints';

beforeAll(() => {
  em = inMemory();
  http = api(em);
});
afterAll(() => em.dispose());

function send(method: string, path: string, key = A) {
  const req = new Request(`http://127.0.0.1${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  return em.app.fetch(req);
}

async function firstError(res: Response) {
  return ((await res.json()) as { errors: Array<{ code: string; title: string; detail: string }> }).errors[0];
}

/** The routes the app serves, by path pattern, with the methods each takes (read from Hono's own list). */
function routesByPath(): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of em.app.routes) {
    if (method === 'ALL' || path.includes('*')) continue; // middleware
    if (!byPath.has(path)) byPath.set(path, new Set());
    byPath.get(path)!.add(method);
  }
  return byPath;
}

/** A concrete path for a pattern: each parameter filled, a pattern it has too (an action with one the route serves). */
const concrete = (pattern: string) => pattern
  .replace('/v2/calls/:call_control_id/actions/:action', '/v2/calls/x1/actions/speak')
  .replace('/v2/conferences/:id/actions/:action', '/v2/conferences/x1/actions/mute')
  .replace(/:[a-z_0-9]+(?:\{[^}]*\})?/g, 'x1');

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('a wrong method on a known path', () => {
  it('answers 405 with Allow listing the methods the path takes, for every emulated route and every wrong method', async () => {
    const byPath = routesByPath();
    expect(byPath.size).toBeGreaterThanOrEqual(50);
    let checked = 0;
    for (const [pattern, methods] of byPath) {
      const path = concrete(pattern);
      const allowed = new Set(methods);
      if (allowed.has('GET')) allowed.add('HEAD');
      const allow = [...allowed].sort().join(', ');
      for (const method of METHODS.filter((m) => !methods.has(m))) {
        const res = await send(method, path);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
        const error = await firstError(res);
        expect(error).toMatchObject({ code: '10007', title: 'Method not allowed' });
        expect(error.detail).toBe(`${method} is not allowed on ${path}; it takes ${allow}.`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('takes an action route by its action: GET on a call action is a wrong method, PUT takes only client_state_update', async () => {
    const speak = await send('GET', '/v2/calls/x1/actions/speak');
    expect(speak.status).toBe(405);
    expect(speak.headers.get('allow')).toBe('POST');
    const state = await send('POST', '/v2/calls/x1/actions/client_state_update');
    expect(state.status).toBe(405);
    expect(state.headers.get('allow')).toBe('PUT');
  });

  it('keeps a trailing slash the same path (strict: false routing)', async () => {
    const res = await send('DELETE', '/v2/conferences/');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('still asks for a key first on /v2: a request without one is refused before its route is looked at', async () => {
    const res = await http.raw.delete('/v2/calls');
    expect(res.status).toBe(401);
  });
});

describe('did you mean', () => {
  it('names the call action meant by a typo, with the same status and code as any unknown route', async () => {
    const id = answeredCall(em, A).callControlId;
    const res = await http.as(A).post(`/v2/calls/${id}/actions/speek`, { payload: 'hi' });
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: '10007', title: 'Resource not found' });
    expect(res.body.errors[0].detail).toBe(`No route for POST /v2/calls/${id}/actions/speek. Did you mean \`speak\`?`);
  });

  it('names the conference action meant by a typo', async () => {
    const res = await http.as(A).post('/v2/conferences/some-id/actions/unmutee', {});
    expect(res.status).toBe(404);
    expect(res.body.errors[0].detail).toMatch(/Did you mean `unmute`\?$/);
  });

  it('names the route word meant by a typo, for queues and conferences alike', async () => {
    expect((await http.as(A).get('/v2/queue/support')).body.errors[0].detail)
      .toBe('No route for GET /v2/queue/support. Did you mean `queues`?');
    expect((await http.as(A).get('/v2/conferencs')).body.errors[0].detail)
      .toBe('No route for GET /v2/conferencs. Did you mean `conferences`?');
  });

  it('gives the whole path when more than one word is off, and the method when the route meant takes another', async () => {
    expect((await http.as(A).post('/v2/call/x1/action/speak', {})).body.errors[0].detail)
      .toBe('No route for POST /v2/call/x1/action/speak. Did you mean `/v2/calls/x1/actions/speak`?');
    expect((await http.as(A).post('/v2/calls/x1/actions/client_state_updat', {})).body.errors[0].detail)
      .toBe('No route for POST /v2/calls/x1/actions/client_state_updat. Did you mean `PUT /v2/calls/x1/actions/client_state_update`?');
  });

  it('puts back a route word left out', async () => {
    expect((await http.as(A).post('/v2/calls/x1/hangup', {})).body.errors[0].detail)
      .toBe('No route for POST /v2/calls/x1/hangup. Did you mean `/v2/calls/x1/actions/hangup`?');
    expect((await http.as(A).get('/v2/conferences/c1/participant')).body.errors[0].detail)
      .toBe('No route for GET /v2/conferences/c1/participant. Did you mean `participants`?');
  });

  it('knows the action names in every app built in the process, not only the first', async () => {
    const second = inMemory();
    try {
      const res = await api(second).as(A).post('/v2/conferences/c1/actions/mutee', {});
      expect(res.body.errors[0].detail).toBe('No route for POST /v2/conferences/c1/actions/mutee. Did you mean `mute`?');
    } finally {
      await second.dispose();
    }
  });

  it('suggests nothing when nothing is near', async () => {
    const res = await http.as(A).get('/v2/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.errors[0].detail).toBe('No route for GET /v2/nothing-here');
    expect((await http.as(A).post('/v2/calls/x1/actions/dance', {})).body.errors[0].detail)
      .toBe('No route for POST /v2/calls/x1/actions/dance');
  });
});

describe("Telnyx's own operations", () => {
  /** Every operation of Telnyx's full spec (vendored, gzipped), as method and path. */
  const operations = () => {
    const spec = JSON.parse(gunzipSync(readFileSync(new URL('../../spec/telnyx-openapi/spec3-12de4dd.json.gz', import.meta.url))).toString()) as
      { paths: Record<string, Record<string, unknown>> };
    return Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: `/v2${path.replace(/\{[^}]+\}/g, 'x1')}` })));
  };

  it('are never told they used the wrong method or meant another route (those answers are for typos only)', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(1000);
    const hinted: string[] = [];
    for (const { method, path } of ops) {
      const res = await send(method, path);
      const text = await res.text();
      if (res.status === 405 || text.includes('Did you mean')) hinted.push(`${method} ${path} → ${res.status} ${text}`);
    }
    expect(hinted).toEqual([]);
  });
});

