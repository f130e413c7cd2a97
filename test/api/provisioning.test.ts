import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { enc } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';
import { mockControl, ScenarioError } from '../../src/lib.js';
import { configFromEnv } from '../../src/config.js';

/**
 * The rules of what an account provisions, in process: applications as connections, owned numbers
 * routing their callers, strict and lenient connection_ids, paging and filters, reset. The SDK's
 * view of the same resources is test/sdk/provisioning.test.ts.
 */
const KEY = 'KEY_provisioning';
const GLOBAL = 'http://127.0.0.1:9/global';
const APP_URL = 'http://127.0.0.1:9/app';
let em: Emulator;
let http: ReturnType<typeof api>;
const as = (key = KEY) => http.as(key);

beforeEach(() => {
  em = inMemory({ webhookUrl: GLOBAL });
  http = api(em);
});
afterEach(() => em.dispose());

async function application(body: object = {}) {
  const res = await as().post('/v2/call_control_applications', { application_name: 'app', webhook_event_url: APP_URL, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; [k: string]: unknown };
}
async function own(phone_number: string, connection_id?: string) {
  const res = await as().post('/_mock/phone_numbers', { phone_number, connection_id });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; connection_id: string | null };
}
const caller = (body: object) => as().post('/_mock/calls', { from: '+15550001111', ...body });
const dial = (connection_id: string) => as().post('/v2/calls', { connection_id, from: '+15550001111', to: '+15550002222' });
/** Where the call's call.initiated went, and the connection_id it carried. */
async function initiated(callControlId: string) {
  const log = (await as().get(`/_mock/webhooks?event_type=call.initiated&call_control_id=${enc(callControlId)}`)).body.data;
  expect(log).toHaveLength(1);
  return { url: log[0].url as string, connectionId: log[0].data.payload.connection_id as string };
}
const invalidConnection = { code: '10015', source: { pointer: '/connection_id' } };

describe('routing an inbound call by the number it dials', () => {
  it("a call to an owned number goes to its connection's application, whatever connection_id the caller names", async () => {
    const app = await application();
    await own('+15557000001', app.id);
    for (const named of [undefined, 'some-other-app']) {
      const res = await caller({ to: '+15557000001', connection_id: named });
      expect(res.status).toBe(201);
      expect(await initiated(res.body.data.call_control_id)).toEqual({ url: APP_URL, connectionId: app.id });
    }
  });

  it('a call to a number not owned, or owned and not assigned, arrives on the connection the caller names', async () => {
    await own('+15557000002');
    const res = await caller({ to: '+15557000002', connection_id: 'lenient' });
    expect(await initiated(res.body.data.call_control_id)).toEqual({ url: GLOBAL, connectionId: 'lenient' });
    // Neither: the default connection every door uses when none is named (a lenient one).
    const none = await caller({ to: '+15557000002' });
    expect(await initiated(none.body.data.call_control_id)).toEqual({ url: GLOBAL, connectionId: 'telnyx-mock' });
  });

  it('deleting an application unassigns its numbers: their callers then arrive on the connection they name', async () => {
    const app = await application();
    const n = await own('+15557000003', app.id);
    expect((await as().delete(`/v2/call_control_applications/${app.id}`)).status).toBe(200);
    expect((await as().get(`/v2/phone_numbers/${n.id}`)).body.data.connection_id).toBeNull();
    const res = await caller({ to: '+15557000003', connection_id: 'lenient' });
    expect(await initiated(res.body.data.call_control_id)).toEqual({ url: GLOBAL, connectionId: 'lenient' });
  });

  it("a call's webhooks follow its application's URL as it changes (each event is routed when it happens)", async () => {
    const app = await application();
    await own('+15557000004', app.id);
    const id = (await caller({ to: '+15557000004' })).body.data.call_control_id as string;
    const moved = 'http://127.0.0.1:9/moved';
    expect((await as().patch(`/v2/call_control_applications/${app.id}`, { application_name: 'app', webhook_event_url: moved })).status).toBe(200);
    await as().post(`/v2/calls/${enc(id)}/actions/answer`, {});
    const answered = (await as().get(`/_mock/webhooks?event_type=call.answered&call_control_id=${enc(id)}`)).body.data;
    expect(answered[0].url).toBe(moved);
  });
});

describe('connection_ids: lenient by default, strict when asked', () => {
  it('by default an unknown connection_id is a lenient connection on the server\'s URL, for dial and callers alike', async () => {
    const dialed = await dial('made-up');
    expect(dialed.status).toBe(200);
    expect(await initiated(dialed.body.data.call_control_id)).toEqual({ url: GLOBAL, connectionId: 'made-up' });
    expect((await caller({ to: '+15550002222', connection_id: 'made-up' })).status).toBe(201);
  });

  it('an account that asks for strictness is refused an unknown connection_id (422 10015 at /connection_id); others are not', async () => {
    expect((await as().put('/_mock/settings', { strict_connections: true })).body.data).toEqual({ strict_connections: true, account_strict_connections: true });
    const dialed = await dial('made-up');
    expect(dialed.status).toBe(422);
    expect(dialed.body.errors[0]).toMatchObject(invalidConnection);
    const placed = await caller({ to: '+15550002222', connection_id: 'made-up' });
    expect(placed.status).toBe(422);
    expect(placed.body.errors[0]).toMatchObject(invalidConnection);
    expect((await as('KEY_other').post('/v2/calls', { connection_id: 'made-up', from: '+15550001111', to: '+15550002222' })).status).toBe(200);
    // A known application is fine; one without a webhook URL is not ("Only Call Control Apps with valid webhook URL are accepted").
    const app = await application();
    expect((await dial(app.id)).status).toBe(200);
    expect((await as().put('/_mock/connections/no-url', { webhook_failover_url: APP_URL })).status).toBe(200);
    expect((await dial('no-url')).status).toBe(422);
    // null hands the choice back to the server (lenient here).
    expect((await as().put('/_mock/settings', { strict_connections: null })).body.data.strict_connections).toBe(false);
    expect((await dial('made-up')).status).toBe(200);
  });

  it('a server started strict refuses unknown connection_ids on every account, and an account may relax it', async () => {
    const strict = inMemory({ strictConnections: true });
    try {
      const s = api(strict);
      const res = await s.as(KEY).post('/v2/calls', { connection_id: 'made-up', from: '+15550001111', to: '+15550002222' });
      expect(res.body.errors[0]).toMatchObject(invalidConnection);
      await s.as(KEY).put('/_mock/settings', { strict_connections: false });
      expect((await s.as(KEY).post('/v2/calls', { connection_id: 'made-up', from: '+15550001111', to: '+15550002222' })).status).toBe(200);
    } finally {
      strict.dispose();
    }
  });

  it('TELNYX_MOCK_STRICT_CONNECTIONS=1 (or true) starts the server strict; anything but a yes or no is refused', () => {
    expect(configFromEnv({ TELNYX_MOCK_STRICT_CONNECTIONS: '1' }).strictConnections).toBe(true);
    expect(configFromEnv({ TELNYX_MOCK_STRICT_CONNECTIONS: 'true' }).strictConnections).toBe(true);
    expect(configFromEnv({}).strictConnections).toBe(false);
    expect(() => configFromEnv({ TELNYX_MOCK_STRICT_CONNECTIONS: 'yes' })).toThrow(/TELNYX_MOCK_STRICT_CONNECTIONS/);
  });

  it('an inactive application ("Specifies whether the connection can be used") takes no call, strict or not', async () => {
    const app = await application({ active: false });
    await own('+15557000005', app.id);
    expect((await dial(app.id)).body.errors[0]).toMatchObject(invalidConnection);
    expect((await caller({ to: '+15557000005' })).body.errors[0]).toMatchObject(invalidConnection);
  });

  it('strict, a number is assigned only to a connection that exists', async () => {
    await as().put('/_mock/settings', { strict_connections: true });
    const n = await own('+15557000006');
    const res = await as().patch(`/v2/phone_numbers/${n.id}`, { connection_id: 'nope' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject(invalidConnection);
  });
});

describe('applications, numbers and orders as resources', () => {
  it('fills in the spec\'s defaults and refuses a body without its required fields', async () => {
    const app = await application();
    // CreateCallControlApplicationRequest defaults: active true, anchorsite "Latency", dtmf_type "RFC 2833",
    // first_command_timeout_secs 30, webhook_api_version "1", webhook_event_failover_url "".
    expect(app).toMatchObject({
      active: true, anchorsite_override: 'Latency', dtmf_type: 'RFC 2833', first_command_timeout: false, first_command_timeout_secs: 30,
      webhook_api_version: '1', webhook_event_failover_url: '', webhook_timeout_secs: null, tags: [],
    });
    const missing = await as().post('/v2/call_control_applications', { application_name: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/webhook_event_url' } });
    const nested = await as().post('/v2/call_control_applications', { application_name: 'x', webhook_event_url: APP_URL, inbound: { channel_limit: 'many' } });
    expect(nested.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/inbound/channel_limit' } });
  });

  it('lists applications newest first by default, sorted as asked, filtered by name, paged', async () => {
    for (const name of ['Bravo line', 'alpha line', 'charlie']) await application({ application_name: name });
    const names = async (q: string) => ((await as().get(`/v2/call_control_applications?${q}`)).body.data as Array<{ application_name: string }>).map((a) => a.application_name);
    expect(await names('')).toEqual(['charlie', 'alpha line', 'Bravo line']);
    expect(await names('sort=connection_name')).toEqual(['Bravo line', 'alpha line', 'charlie']);
    expect(await names('sort=-connection_name')).toEqual(['charlie', 'alpha line', 'Bravo line']);
    expect(await names(`filter[application_name][contains]=${encodeURIComponent('LINE')}`)).toEqual(['alpha line', 'Bravo line']);
    // LIKE's wildcards are taken literally.
    expect(await names(`filter[application_name][contains]=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await names(`filter[application_name][contains]=${encodeURIComponent('_')}`)).toEqual([]);
    const page = await as().get('/v2/call_control_applications?page[size]=2&page[number]=2');
    expect(page.body.meta).toEqual({ page_number: 2, page_size: 2, total_pages: 2, total_results: 3 });
    const bad = await as().get('/v2/call_control_applications?sort=name');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ code: '10032', source: { parameter: 'sort' } });
  });

  it('lists the numbers with their voice settings (GET /phone_numbers/voice), filtered by number', async () => {
    const app = await application();
    const n = await own('+15557000050', app.id);
    await as().patch(`/v2/phone_numbers/${n.id}/voice`, { usage_payment_method: 'channel' });
    await own('+15557000051');
    const res = await as().get('/v2/phone_numbers/voice?filter[phone_number]=5557000050');
    expect(res.body.data).toMatchObject([{ id: n.id, phone_number: '+15557000050', connection_id: app.id, usage_payment_method: 'channel' }]);
    expect(res.body.meta.total_results).toBe(1);
  });

  it('an unknown application, number, order or connection is 404 10005', async () => {
    for (const path of ['/v2/call_control_applications/123', '/v2/phone_numbers/123', '/v2/phone_numbers/123/voice',
      '/v2/number_orders/123', '/v2/connections/123']) {
      const res = await as().get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.errors[0], path).toMatchObject({ code: '10005', title: 'Resource not found' });
    }
  });

  it('an order for a number the account owns is refused whole, naming the number', async () => {
    await own('+15557000007');
    const res = await as().post('/v2/number_orders', { phone_numbers: [{ phone_number: '+15557000008' }, { phone_number: '+15557000007' }] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/phone_numbers/1/phone_number' } });
    expect((await as().get('/v2/phone_numbers?filter[phone_number]=15557000008')).body.data).toEqual([]);
    expect((await as().get('/v2/number_orders')).body.data).toEqual([]);
    const twice = await as().post('/_mock/phone_numbers', { phone_number: '+15557000007' });
    expect(twice.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/phone_number' } });
  });

  it('finds numbers by part of the number ("Requires at least three digits"), connection and tag, and by id or E.164', async () => {
    const app = await application();
    await own('+15557000011', app.id);
    const other = await own('+442071234567');
    await as().patch(`/v2/phone_numbers/${other.id}`, { tags: ['uk'] });
    const found = async (q: string) => ((await as().get(`/v2/phone_numbers?${q}`)).body.data as Array<{ phone_number: string }>).map((n) => n.phone_number);
    expect(await found('filter[phone_number]=%2B15557000011')).toEqual(['+15557000011']);
    expect(await found('filter[phone_number]=2071')).toEqual(['+442071234567']);
    expect(await found(`filter[connection_id]=${app.id}`)).toEqual(['+15557000011']);
    expect(await found('filter[tag]=uk')).toEqual(['+442071234567']);
    expect((await as().get('/v2/phone_numbers?filter[phone_number]=12')).body.errors[0]).toMatchObject({ source: { parameter: 'filter[phone_number]' } });
    // "Non-numerical characters will result in no values being returned."
    expect(await found('filter[phone_number]=555abc')).toEqual([]);
    expect(await found('filter[phone_number]=%25')).toEqual([]);
    expect((await as().get(`/v2/phone_numbers/${enc('+442071234567')}`)).body.data).toMatchObject({ id: other.id, country_iso_alpha2: 'GB', tags: ['uk'] });
  });

  it("a connection's active calls are its calls not hung up; a lenient connection has them too, a strict account 404s it", async () => {
    const app = await application();
    await own('+15557000012', app.id);
    const a = (await caller({ to: '+15557000012', answered: true })).body.data.call_control_id as string;
    const b = (await caller({ to: '+15557000012' })).body.data.call_control_id as string;
    await as().post(`/_mock/calls/${enc(b)}/hangup`);
    const active = await as().get(`/v2/connections/${app.id}/active_calls`);
    expect(active.body.data).toMatchObject([{ record_type: 'call', call_control_id: a, client_state: '' }]);
    expect(active.body.meta).toMatchObject({ total_items: 1, page_number: 1 });
    const lenient = (await dial('lenient')).body.data.call_control_id;
    expect((await as().get('/v2/connections/lenient/active_calls')).body.data.map((c: { call_control_id: string }) => c.call_control_id)).toEqual([lenient]);
    await as().put('/_mock/settings', { strict_connections: true });
    expect((await as().get('/v2/connections/lenient/active_calls')).status).toBe(404);
  });

  it('connections are applications and credential connections alike: listed, retrieved, and routing their calls', async () => {
    const app = await application({ application_name: 'ivr app' });
    const SIP_URL = 'http://127.0.0.1:9/sip';
    const cred = await as().post('/v2/credential_connections', {
      connection_name: 'agents', user_name: 'agents1234', password: 'secret-password', webhook_event_url: SIP_URL,
    });
    expect(cred.status, JSON.stringify(cred.body)).toBeLessThan(300);
    const credId = cred.body.data.id as string;
    const list = (await as().get('/v2/connections')).body;
    expect(list.data.map((c: { id: string; record_type: string }) => [c.id, c.record_type]))
      .toEqual([[credId, 'credential_connection'], [app.id, 'call_control_application']]);
    expect(list.meta.total_results).toBe(2);
    expect((await as().get('/v2/connections?filter[connection_name][contains]=AGENT')).body.data.map((c: { id: string }) => c.id)).toEqual([credId]);
    expect((await as().get(`/v2/connections/${credId}`)).body.data).toMatchObject({ connection_name: 'agents', webhook_event_url: SIP_URL, active: true });
    // Strict, a credential connection is a connection a call may be placed on; its webhooks go to its URL.
    await as().put('/_mock/settings', { strict_connections: true });
    const dialed = await dial(credId);
    expect(dialed.status, JSON.stringify(dialed.body)).toBe(200);
    expect(await initiated(dialed.body.data.call_control_id)).toEqual({ url: SIP_URL, connectionId: credId });
  });

  it('/_mock/connections is a view onto applications: setting one makes the application of that id', async () => {
    expect((await as().put('/_mock/connections/my-app', { webhook_url: APP_URL })).status).toBe(200);
    expect((await as().get('/v2/call_control_applications/my-app')).body.data).toMatchObject({ id: 'my-app', application_name: 'my-app', webhook_event_url: APP_URL });
    expect((await as().get('/v2/connections')).body.data).toMatchObject([{ id: 'my-app', connection_name: 'my-app' }]);
    const app = await application();
    expect((await as().get(`/_mock/connections/${app.id}`)).body.data).toMatchObject({ connection_id: app.id, webhook_url: APP_URL });
  });

  it('a reset clears what the account provisioned: applications, numbers, orders and its strictness', async () => {
    const app = await application();
    await own('+15557000013', app.id);
    await as().post('/v2/number_orders', { phone_numbers: [{ phone_number: '+15557000014' }] });
    await as().put('/_mock/settings', { strict_connections: true });
    expect((await as().post('/_mock/reset')).status).toBe(200);
    for (const path of ['/v2/call_control_applications', '/v2/phone_numbers', '/v2/number_orders', '/v2/connections']) {
      expect((await as().get(path)).body.data, path).toEqual([]);
    }
    expect((await as().get('/_mock/settings')).body.data.strict_connections).toBe(false);
  });
});

describe('the console', () => {
  it("shows the account's applications and the numbers it owns, each with where it routes", async () => {
    const app = await application({ application_name: 'front desk' });
    await own('+15557000030', app.id);
    await own('+15557000031');
    const snap = (await as().get('/console/api/snapshot')).body.data;
    expect(snap.applications).toEqual({ total: 1, rows: [{ id: app.id, application_name: 'front desk', webhook_event_url: APP_URL, active: true }] });
    expect(snap.phone_numbers.total).toBe(2);
    expect(snap.phone_numbers.rows.map((n: { phone_number: string; connection_id: string | null }) => [n.phone_number, n.connection_id]).sort())
      .toEqual([['+15557000030', app.id], ['+15557000031', null]]);
  });
});

describe('scenarios', () => {
  it('a phone_number step gives the account a number on a connection; its caller is routed there', async () => {
    const app = await application();
    const result = await mockControl(em, KEY).runScenario({
      name: 'routed', reset: false,
      steps: [
        { phone_number: '+15557000020', connection_id: app.id },
        { call: 'alice', from: '+15550001111', to: '+15557000020' },
        { expect: { webhook: 'call.initiated', call: 'alice', payload: { connection_id: app.id } } },
      ],
    });
    expect(result.steps.map((s) => [s.title, s.status])).toEqual([
      [`the account owns +15557000020 (on ${app.id})`, 'passed'], ['alice calls +15557000020', 'passed'], [expect.any(String), 'passed'],
    ]);
    expect((await initiated(result.calls.alice)).url).toBe(APP_URL);
  });

  it('strict_connections: true makes the account strict for the run: a caller on a made-up connection fails its step with 10015', async () => {
    const result = await mockControl(em, KEY).runScenario({
      name: 'strict', strict_connections: true,
      steps: [{ call: 'alice', from: '+15550001111', to: '+15550002222', connection_id: 'made-up' }],
    });
    expect(result.steps[0]).toMatchObject({ status: 'failed', code: '10015' });
    expect((await as().get('/_mock/settings')).body.data.strict_connections).toBe(true);
  });

  it('a phone_number step is checked as the control API checks it', async () => {
    await expect(mockControl(em, KEY).runScenario({ name: 'bad', steps: [{ phone_number: '5557000020' }] }))
      .rejects.toThrow(ScenarioError);
  });
});
