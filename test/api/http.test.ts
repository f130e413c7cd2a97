import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';

let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_account_a';
const B = 'KEY_account_b';

beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

const call = (account = A, from = '+15550000001') => answeredCall(em, account, from).callControlId;
const conference = async (account = A, body: object = {}) => {
  const res = await http.as(account).post('/v2/conferences', { call_control_id: call(account), name: 'room', ...body });
  expect(res.status).toBe(200);
  return res.body.data as { id: string; name: string };
};

function expectError(res: { status: number; body: unknown }, status: number, code: string, pointer?: string) {
  expect(res.status).toBe(status);
  const error = (res.body as { errors: Array<Record<string, unknown>> }).errors[0];
  expect(error).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  if (pointer) expect(error.source).toEqual({ pointer });
}

describe('authentication', () => {
  it('refuses a request without a bearer key with 401 10009', async () => {
    expectError(await http.raw.get('/v2/conferences'), 401, '10009');
    expectError(await http.raw.get('/v2/conferences').set('Authorization', 'Basic abc'), 401, '10009');
    expectError(await http.raw.get('/v2/conferences').set('Authorization', 'Bearer '), 401, '10009');
  });
});

describe('account isolation', () => {
  it("never shows or touches another key's conferences, queues or calls", async () => {
    const conf = await conference(A);
    const callA = call(A, '+15550000009');
    await http.as(A).post(`/v2/calls/${callA}/actions/enqueue`, { queue_name: 'support' });

    expect((await http.as(B).get('/v2/conferences')).body.data).toEqual([]);
    expectError(await http.as(B).get(`/v2/conferences/${conf.id}`), 404, '90058');
    expectError(await http.as(B).post(`/v2/conferences/${conf.id}/actions/mute`, {}), 404, '90058');
    expectError(await http.as(B).get('/v2/queues/support'), 404, '10007');
    expectError(await http.as(B).post(`/v2/calls/${callA}/actions/hangup`, {}), 422, '90015');
    expectError(await http.as(B).get(`/v2/calls/${callA}`), 422, '90015');
    // and A's state is untouched
    expect((await http.as(A).get(`/v2/calls/${callA}`)).body.data.is_alive).toBe(true);
  });

  it("moves one account's clock without moving another's", async () => {
    await conference(A, { duration_minutes: 10 });
    await conference(B, { duration_minutes: 10 });
    await http.as(A).post('/_mock/clock/advance', { seconds: 600 });
    expect((await http.as(A).get('/v2/conferences')).body.data[0]).toMatchObject({ status: 'completed', end_reason: 'time_exceeded' });
    expect((await http.as(B).get('/v2/conferences')).body.data[0]).toMatchObject({ status: 'in_progress' });
  });
});

describe('validation errors name the field', () => {
  it('reports missing required fields with 10004 and a pointer', async () => {
    expectError(await http.as(A).post('/v2/conferences', { call_control_id: call() }), 422, '10004', '/name');
    expectError(await http.as(A).post('/v2/conferences', { name: 'x' }), 422, '10004', '/call_control_id');
    expectError(await http.as(A).post('/v2/calls', { connection_id: 'c', from: '+15550001111' }), 422, '10004', '/to');
  });

  it('reports wrong types, bad enums, out-of-range values and non-E.164 numbers', async () => {
    expectError(await http.as(A).post('/v2/conferences', { call_control_id: call(), name: 42 }), 422, '10015', '/name');
    expectError(await http.as(A).post('/v2/conferences', { call_control_id: call(), name: 'x', beep_enabled: 'loud' }), 422, '10032', '/beep_enabled');
    expectError(await http.as(A).post('/v2/conferences', { call_control_id: call(), name: 'x', max_participants: 1 }), 422, '10033', '/max_participants');
    expectError(await http.as(A).post('/v2/conferences', { call_control_id: call(), name: 'x', start_conference_on_create: 'yes' }), 422, '10015', '/start_conference_on_create');
    expectError(await http.as(A).post('/v2/calls', { connection_id: 'c', from: '+15550001111', to: '5551234' }), 422, '10016', '/to');
    const conf = await conference();
    expectError(await http.as(A).post(`/v2/conferences/${conf.id}/actions/mute`, { call_control_ids: 'all' }), 422, '10015', '/call_control_ids');
    expectError(await http.as(A).post(`/v2/conferences/${conf.id}/actions/update`, { call_control_id: call(), supervisor_role: 'boss' }), 422, '10032', '/supervisor_role');
    expectError(await http.as(A).post(`/v2/conferences/${conf.id}/actions/record_start`, {}), 422, '10004', '/format');
  });

  it('changes nothing when a request is refused', async () => {
    const conf = await conference();
    await http.as(A).post(`/v2/conferences/${conf.id}/actions/mute`, { call_control_ids: ['v3:unknown'] });
    const list = await http.as(A).get(`/v2/conferences/${conf.id}/participants`);
    expect(list.body.data.map((p: { muted: boolean }) => p.muted)).toEqual([false]);
  });
});

describe('hostile input', () => {
  it('answers malformed JSON and non-object bodies with 400, not 500', async () => {
    const bad = await http.raw.post('/v2/conferences').set('Authorization', `Bearer ${A}`)
      .set('Content-Type', 'application/json').send('{"name": ');
    expectError(bad, 400, '10015');
    const array = await http.raw.post('/v2/conferences').set('Authorization', `Bearer ${A}`)
      .set('Content-Type', 'application/json').send('[1,2]');
    expectError(array, 400, '10015');
  });

  it('refuses huge bodies with 413', async () => {
    const res = await http.as(A).post('/v2/conferences', { name: 'x'.repeat(2 * 1024 * 1024), call_control_id: 'a' });
    expectError(res, 413, '10015');
  });

  it('answers odd path characters and unknown routes with 404 in Telnyx shape', async () => {
    expectError(await http.as(A).get('/v2/conferences/%E0%A4%A'), 400, '10015');
    expectError(await http.as(A).get('/v2/conferences/..%2F..%2Fetc'), 404, '90058');
    expectError(await http.as(A).get(`/v2/conferences/${'%00'.repeat(50)}`), 404, '90058');
    expectError(await http.as(A).get('/v2/nothing-here'), 404, '10007');
    expectError(await http.as(A).post('/v2/conferences/x/actions/dance', {}), 404, '10007');
    expectError(await http.raw.get('/elsewhere'), 404, '10007');
  });

  it('decodes percent-encoded call_control_ids in paths', async () => {
    const id = call();
    const res = await http.as(A).get(`/v2/calls/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    expect(res.body.data.call_control_id).toBe(id);
  });
});

describe('pagination', () => {
  beforeEach(async () => {
    for (let i = 0; i < 5; i++) {
      await http.as(A).post('/v2/conferences', { call_control_id: call(A, `+1555000100${i}`), name: `room-${i}`, duration_minutes: 10 + i });
    }
  });

  it('pages with page[number] and page[size] and reports meta', async () => {
    const res = await http.as(A).get('/v2/conferences?page%5Bnumber%5D=2&page%5Bsize%5D=2');
    expect(res.body.meta).toEqual({ page_number: 2, page_size: 2, total_pages: 3, total_results: 5 });
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(['room-2', 'room-1']);
  });

  it('accepts the flat page_number and page_size the Ruby SDK sends for page 2+', async () => {
    const res = await http.as(A).get('/v2/conferences?page_number=3&page_size=2');
    expect(res.body.meta).toMatchObject({ page_number: 3, total_pages: 3 });
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(['room-0']);
  });

  it('refuses a page size outside 1..250', async () => {
    const res = await http.as(A).get('/v2/conferences?page[size]=1000');
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: '10033', source: { parameter: 'page[size]' } });
  });

  it('filters by name and status, and refuses an unknown status', async () => {
    expect((await http.as(A).get('/v2/conferences?filter%5Bname%5D=room-3')).body.data).toHaveLength(1);
    expect((await http.as(A).get('/v2/conferences?filter[status]=in_progress')).body.meta.total_results).toBe(5);
    expectError(await http.as(A).get('/v2/conferences?filter[status]=sleeping'), 422, '10032');
  });
});

describe('command_id', () => {
  it('does not execute a repeated command for the same conference twice', async () => {
    const conf = await conference();
    const first = await http.as(A).post(`/v2/conferences/${conf.id}/actions/record_start`, { format: 'mp3', command_id: 'c-1' });
    const again = await http.as(A).post(`/v2/conferences/${conf.id}/actions/record_start`, { format: 'mp3', command_id: 'c-1' });
    expect([first.status, again.status]).toEqual([200, 200]);
    // without a command_id, a second record_start is refused: the first is still recording
    expect((await http.as(A).post(`/v2/conferences/${conf.id}/actions/record_start`, { format: 'mp3' })).status).toBe(422);
  });

  it('returns the same conference when a create is repeated with its command_id', async () => {
    const id = call();
    const first = await http.as(A).post('/v2/conferences', { call_control_id: id, name: 'once', command_id: 'x' });
    const again = await http.as(A).post('/v2/conferences', { call_control_id: id, name: 'once', command_id: 'x' });
    expect(again.body.data.id).toBe(first.body.data.id);
    expect((await http.as(A).get('/v2/conferences')).body.data).toHaveLength(1);
  });

  it('scopes command_id to the call: the same id on another call runs', async () => {
    const [a, b] = [call(A, '+15550000001'), call(A, '+15550000002')];
    await http.as(A).post(`/v2/calls/${a}/actions/hangup`, { command_id: 'h' });
    await http.as(A).post(`/v2/calls/${b}/actions/hangup`, { command_id: 'h' });
    expect((await http.as(A).get(`/v2/calls/${b}`)).body.data.is_alive).toBe(false);
  });
});

describe('participants by id, call_control_id or label', () => {
  it('finds a participant each way and filters the list', async () => {
    const conf = await conference();
    const id = call(A, '+15550000002');
    await http.as(A).post(`/v2/conferences/${conf.id}/actions/join`, { call_control_id: id, label: 'alice', mute: true });
    const byLabel = await http.as(A).get(`/v2/conferences/${conf.id}/participants/alice`);
    expect(byLabel.body.data).toMatchObject({ call_control_id: id, label: 'alice', muted: true });
    const byCall = await http.as(A).get(`/v2/conferences/${conf.id}/participants/${encodeURIComponent(id)}`);
    const byId = await http.as(A).get(`/v2/conferences/${conf.id}/participants/${byLabel.body.data.id}`);
    expect(byCall.body.data).toEqual(byLabel.body.data);
    expect(byId.body.data).toEqual(byLabel.body.data);
    expectError(await http.as(A).get(`/v2/conferences/${conf.id}/participants/bob`), 404, '10007');
    const muted = await http.as(A).get(`/v2/conferences/${conf.id}/participants?filter[muted]=true`);
    expect(muted.body.data.map((p: { call_control_id: string }) => p.call_control_id)).toEqual([id]);
    const patched = await http.as(A).patch(`/v2/conferences/${conf.id}/participants/alice`, {});
    expect(patched.status).toBe(200);
  });
});
