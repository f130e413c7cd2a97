import { mockControl } from '../../src/lib.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import { Journal } from '../../src/control/journal.js';
import { pathPattern } from '../../src/control/faults.js';

let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_journal_a';
const B = 'KEY_journal_b';

beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

const as = (key = A) => http.as(key);

function expectError(res: { status: number; body: unknown }, status: number, code: string, pointer?: string) {
  expect(res.status).toBe(status);
  const error = (res.body as { errors: Array<Record<string, unknown>> }).errors[0];
  expect(error).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  if (pointer) expect(error.source).toEqual({ pointer });
}

const answered = (key = A, from = '+15550001001') =>
  mockControl(em, key).placeCall({ from, to: '+15559990000', connectionId: 'conn-1', answered: true }).call_control_id;

async function conferenceWith(key = A) {
  const host = answered(key, '+15550001000');
  const alice = answered(key);
  const conf = (await as(key).post('/v2/conferences', { call_control_id: host, name: 'room' })).body.data;
  await as(key).post(`/v2/conferences/${conf.id}/actions/join`, { call_control_id: alice });
  return { id: conf.id as string, host, alice };
}

describe('GET /_mock/requests', () => {
  it("records each of the app's /v2 calls with method, path, body, status and time", async () => {
    const { id, alice } = await conferenceWith();
    await as().post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [alice] });
    const res = await as().get('/_mock/requests');
    expect(res.status).toBe(200);
    const entries = res.body.data;
    expect(entries.map((e: { method: string; path: string }) => `${e.method} ${e.path}`)).toEqual([
      'POST /v2/conferences', `POST /v2/conferences/${id}/actions/join`, `POST /v2/conferences/${id}/actions/mute`,
    ]);
    expect(entries[2]).toMatchObject({ status: 200, body: { call_control_ids: [alice] }, query: {} });
    expect(Date.parse(entries[2].time)).not.toBeNaN();
    expect(entries[2].id).toBeGreaterThan(entries[1].id);
  });

  it('shows call_control_ids in paths decoded, as the app wrote them', async () => {
    const call = answered();
    await as().post(`/v2/calls/${encodeURIComponent(call)}/actions/hangup`, {});
    const [entry] = (await as().get(`/_mock/requests?path=${encodeURIComponent(call)}`)).body.data;
    expect(entry.path).toBe(`/v2/calls/${call}/actions/hangup`);
  });

  it('records refused requests with their status, and query strings', async () => {
    await as().post('/v2/conferences', { name: 'room' });
    await as().get('/v2/conferences?filter%5Bstatus%5D=in_progress');
    const [refused, list] = (await as().get('/_mock/requests')).body.data;
    expect(refused).toMatchObject({ method: 'POST', status: 422, body: { name: 'room' } });
    expect(list).toMatchObject({ method: 'GET', status: 200, body: null, query: { 'filter[status]': 'in_progress' } });
  });

  it('filters by method, path substring, path prefix, status, after and limit', async () => {
    const { id, alice } = await conferenceWith();
    await as().post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [alice] });
    await as().post(`/v2/conferences/${id}/actions/unmute`, { call_control_ids: [alice] });
    await as().get(`/v2/conferences/${id}`);
    await as().get('/v2/queues/nope');
    const paths = async (query: string) =>
      (await as().get(`/_mock/requests?${query}`)).body.data.map((e: { path: string }) => e.path.replace(id, 'ID'));

    expect(await paths('method=get')).toEqual(['/v2/conferences/ID', '/v2/queues/nope']);
    expect(await paths('path=/actions/mute')).toEqual(['/v2/conferences/ID/actions/mute']);
    expect(await paths('path_prefix=/v2/queues')).toEqual(['/v2/queues/nope']);
    expect(await paths('status=404')).toEqual(['/v2/queues/nope']);
    expect(await paths('limit=2')).toEqual(['/v2/conferences/ID', '/v2/queues/nope']);
    const all = (await as().get('/_mock/requests')).body.data;
    expect(await paths(`after=${all[3].id}`)).toEqual(['/v2/conferences/ID', '/v2/queues/nope']);
  });

  it("keeps each account's journal to itself and clears it on DELETE", async () => {
    await as(A).get('/v2/conferences');
    expect((await as(B).get('/_mock/requests')).body.data).toEqual([]);
    expect((await as(A).delete('/_mock/requests')).status).toBe(200);
    expect((await as(A).get('/_mock/requests')).body.data).toEqual([]);
  });

  it('keeps only the size of a body too large to be worth keeping', async () => {
    await as().post('/v2/queues', { queue_name: 'q', padding: 'x'.repeat(70_000) });
    const [entry] = (await as().get('/_mock/requests')).body.data;
    expect(entry.body).toMatch(/^\[\d+ bytes, not kept\]$/);
  });

  it('does not journal the control API itself', async () => {
    await as().get('/_mock/clock');
    expect((await as().get('/_mock/requests')).body.data).toEqual([]);
  });

  it('refuses an unknown method filter and an out-of-range status', async () => {
    const bad = await as().get('/_mock/requests?method=FETCH');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].source).toEqual({ parameter: 'method' });
    const status = await as().get('/_mock/requests?status=99');
    expect(status.status).toBe(422);
    expect(status.body.errors[0]).toMatchObject({ code: '10033', source: { parameter: 'status' } });
  });
});

describe('the journal as a record of answers', () => {
  it('journals a request before anything it causes is observable: at its commit the request is already there', async () => {
    const { id, alice } = await conferenceWith();
    const account = em.account(A);
    const seenAtCommit: Array<string | undefined> = [];
    const unsubscribe = account.changes.subscribe((kind) => {
      if (kind === 'state') seenAtCommit.push(account.journal.entries({ path: '/actions/mute' }).at(-1)?.path);
    });
    await as().post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [alice] });
    unsubscribe();
    expect(seenAtCommit).toEqual([`/v2/conferences/${id}/actions/mute`]);
  });

  it('keeps how each request was answered: the time taken, and an error answer\'s body as the app got it', async () => {
    await as().post('/v2/conferences', { name: 'room' });
    await as().get('/v2/conferences');
    const [refused, listed] = (await as().get('/_mock/requests')).body.data;
    const sent = await as().post('/v2/conferences', { name: 'room' });
    expect(refused.response_body).toEqual(sent.body);
    expect(refused.response_body.errors[0]).toMatchObject({ code: expect.any(String), detail: expect.any(String) });
    expect(refused.duration_ms).toEqual(expect.any(Number));
    expect(listed).toMatchObject({ status: 200, duration_ms: expect.any(Number) });
    expect(listed).not.toHaveProperty('response_body');
  });

  it('filters by a class of status (4xx) and by errors only', async () => {
    await as().get('/v2/conferences');
    await as().post('/v2/conferences', { name: 'room' });
    await as().get('/v2/queues/nope');
    await as().post('/_mock/faults', { method: 'GET', path: '/v2/queues', status: 503 });
    await as().get('/v2/queues');
    const statuses = async (query: string) => (await as().get(`/_mock/requests?${query}`)).body.data.map((e: { status: number }) => e.status);
    expect(await statuses('status=4xx')).toEqual([422, 404]);
    expect(await statuses('status=2xx')).toEqual([200]);
    expect(await statuses('errors=true')).toEqual([422, 404, 503]);
    expect(await statuses('errors=false')).toEqual([200, 422, 404, 503]);
    expect((await as().get('/_mock/requests?status=7xx')).body.errors[0].source).toEqual({ parameter: 'status' });
    expect((await as().get('/_mock/requests?errors=yes')).body.errors[0].source).toEqual({ parameter: 'errors' });
  });

  it('names the fault that answered a request, with the error body it sent', async () => {
    const fault = (await as().post('/_mock/faults', { method: 'GET', path: '/v2/queues', status: 500 })).body.data;
    await as().get('/v2/queues');
    const [entry] = (await as().get('/_mock/requests')).body.data;
    expect(entry).toMatchObject({ status: 500, fault_id: fault.id, response_body: { errors: [expect.objectContaining({ code: expect.any(String) })] } });
  });

  it('shows a request still in flight with a null status, then its answer', async () => {
    await as().post('/_mock/faults', { method: 'GET', path: '/v2/queues', delay_ms: 200 });
    const slow = as().get('/v2/queues').then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [during] = (await as().get('/_mock/requests')).body.data;
    expect(during).toMatchObject({ method: 'GET', path: '/v2/queues', status: null });
    expect(during).not.toHaveProperty('duration_ms');
    await slow;
    const [after] = (await as().get('/_mock/requests')).body.data;
    expect(after.status).toBe(200);
    expect(after.duration_ms).toBeGreaterThanOrEqual(150);
  });
});

describe('Journal', () => {
  it('keeps only the most recent requests once full and counts what it dropped', async () => {
    const journal = new Journal(3).forAccount('a');
    for (let i = 1; i <= 5; i++) {
      journal.record({ method: 'GET', path: `/v2/x/${i}`, url: `http://h/v2/x/${i}`, status: 200, at: 0, body: undefined });
    }
    const entries = await journal.entries();
    expect(entries.map((e) => e.path)).toEqual(['/v2/x/3', '/v2/x/4', '/v2/x/5']);
    expect(entries.map((e) => e.id)).toEqual([3, 4, 5]);
    expect(journal.dropped()).toBe(2);
    expect(journal.mark()).toBe(5);
  });
});

describe('pathPattern', () => {
  it('reads * as one path segment, ** as anything, and ^… as a regular expression', () => {
    expect(pathPattern('/v2/conferences/*/actions/mute')('/v2/conferences/abc/actions/mute')).toBe(true);
    expect(pathPattern('/v2/conferences/*/actions/mute')('/v2/conferences/a/b/actions/mute')).toBe(false);
    expect(pathPattern('/v2/conferences/*')('/v2/conferences/abc/actions/mute')).toBe(false);
    expect(pathPattern('/v2/**')('/v2/conferences/abc/actions/mute')).toBe(true);
    expect(pathPattern('/v2/calls/v3:a.b')('/v2/calls/v3:aXb')).toBe(false);
    expect(pathPattern('^/v2/calls/[^/]+/actions/(answer|hangup)$')('/v2/calls/v3:x/actions/hangup')).toBe(true);
  });
});

describe('/_mock/faults', () => {
  it('answers the next `count` matching requests with the status in Telnyx error shape, then lets them through', async () => {
    const { id } = await conferenceWith();
    const created = await as().post('/_mock/faults', { method: 'POST', path: '/v2/conferences/*/actions/mute', status: 503, count: 2 });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ method: 'POST', path: '/v2/conferences/*/actions/mute', status: 503, count: 2, remaining: 2 });

    const first = await as().post(`/v2/conferences/${id}/actions/mute`, {});
    expectError(first, 503, '10007');
    expect(first.headers['retry-after']).toBe('1');
    expect((await as().get('/_mock/faults')).body.data[0].remaining).toBe(1);
    expectError(await as().post(`/v2/conferences/${id}/actions/mute`, {}), 503, '10007');
    expect((await as().post(`/v2/conferences/${id}/actions/mute`, {})).status).toBe(200);
    expect((await as().get('/_mock/faults')).body.data).toEqual([]);
  });

  it('leaves requests with another method or path alone', async () => {
    const { id } = await conferenceWith();
    await as().post('/_mock/faults', { method: 'POST', path: '/v2/conferences/*/actions/mute', status: 500 });
    expect((await as().get(`/v2/conferences/${id}`)).status).toBe(200);
    expect((await as().post(`/v2/conferences/${id}/actions/unmute`, {})).status).toBe(200);
    expect((await as().get('/_mock/faults')).body.data[0].remaining).toBe(1);
  });

  it('matches any method when none is given, and paths by regular expression', async () => {
    await as().post('/_mock/faults', { path: '^/v2/queues(/.*)?$', status: 429, count: 2 });
    const limited = await as().get('/v2/queues');
    expectError(limited, 429, '10011');
    expect(limited.headers['retry-after']).toBe('1');
    expect((await as().post('/v2/queues', { queue_name: 'q' })).status).toBe(429);
    expect((await as().get('/v2/queues')).status).toBe(200);
  });

  it('does not change state on a faulted request, and journals it with its status and body', async () => {
    const call = answered();
    await as().post('/_mock/faults', { path: '/v2/calls/*/actions/hangup', status: 500 });
    await as().post(`/v2/calls/${encodeURIComponent(call)}/actions/hangup`, { client_state: 'eA==' });
    expect(mockControl(em, A).call(call).state).toBe('answered');
    const [entry] = (await as().get('/_mock/requests')).body.data;
    expect(entry).toMatchObject({ status: 500, body: { client_state: 'eA==' } });
  });

  it('sends extra headers and delays a request by delay_ms, with or without a status', async () => {
    await as().post('/_mock/faults', { method: 'GET', path: '/v2/queues', status: 429, headers: { 'Retry-After': '7', 'x-should-retry': 'false' } });
    const res = await as().get('/v2/queues');
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['x-should-retry']).toBe('false');

    await as().post('/_mock/faults', { method: 'GET', path: '/v2/queues', delay_ms: 150 });
    const started = Date.now();
    const slow = await as().get('/v2/queues');
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('arms faults per account', async () => {
    await as(A).post('/_mock/faults', { path: '/v2/**', status: 500, count: 5 });
    expect((await as(B).get('/v2/conferences')).status).toBe(200);
    expect((await as(B).get('/_mock/faults')).body.data).toEqual([]);
    expect((await as(A).get('/v2/conferences')).status).toBe(500);
  });

  it('removes one fault by id, or all with DELETE /_mock/faults', async () => {
    const one = (await as().post('/_mock/faults', { path: '/v2/queues', status: 500, count: 3 })).body.data;
    await as().post('/_mock/faults', { path: '/v2/conferences', status: 500, count: 3 });
    expect((await as().delete(`/_mock/faults/${one.id}`)).status).toBe(200);
    expect((await as().get('/v2/queues')).status).toBe(200);
    expectError(await as().delete(`/_mock/faults/${one.id}`), 404, '10007');
    expect((await as().delete('/_mock/faults')).status).toBe(200);
    expect((await as().get('/v2/conferences')).status).toBe(200);
  });

  it('names the bad field of a fault in a 422', async () => {
    expectError(await as().post('/_mock/faults', { status: 500 }), 422, '10004', '/path');
    expectError(await as().post('/_mock/faults', { path: 'v2/queues', status: 500 }), 422, '10015', '/path');
    expectError(await as().post('/_mock/faults', { path: '^/v2/(', status: 500 }), 422, '10015', '/path');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues' }), 422, '10004', '/status');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', status: 200 }), 422, '10033', '/status');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', status: 500, count: 0 }), 422, '10033', '/count');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', status: 500, method: 'BREW' }), 422, '10032', '/method');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', status: 500, headers: { 'x-a': 1 } }), 422, '10015', '/headers');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', status: 500, headers: { 'x-a': 'a\r\nb' } }), 422, '10015', '/headers');
    expectError(await as().post('/_mock/faults', { path: '/v2/queues', delay_ms: 120_001 }), 422, '10033', '/delay_ms');
  });
});
