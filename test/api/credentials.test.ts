import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { validate } from '../support/openapi.js';
import { SPEC_DIR } from '../support/spec-files.js';
import { MAX_PER_ACCOUNT } from '../../src/domain/credentials.js';
import { credentialConnectionAsConnection } from '../../src/serialize/credentials.js';
import type { Emulator } from '../../src/server.js';

/**
 * The rules of outbound voice profiles, credential connections and telephony credentials, in
 * process (the SDK's view of them is test/sdk/credentials.test.ts). Each quotes the spec sentence
 * (spec3.yml at 12de4dd, vendored subset spec/telnyx-openapi/credentials.json) it follows.
 */
let em: Emulator;
let http: ReturnType<ReturnType<typeof api>['as']>;
const KEY = 'KEY_credentials';

beforeEach(() => {
  em = inMemory();
  http = api(em).as(KEY);
});
afterEach(() => em.dispose());

const CONNECTION = { connection_name: 'agents', user_name: 'agentdesk1', password: 'my123secure456password789' };
const firstError = (res: { body: { errors: Array<{ detail: string }> } }) => res.body.errors[0];
const createConnection = async (body: object = {}) => {
  const res = await http.post('/v2/credential_connections', { ...CONNECTION, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as Record<string, unknown> & { id: string };
};

describe('outbound voice profiles', () => {
  it('require a name of at least 3 characters ("name: minLength 3", required)', async () => {
    expect(firstError(await http.post('/v2/outbound_voice_profiles', {})))
      .toMatchObject({ code: '10004', source: { pointer: '/name' } });
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'ab' })))
      .toMatchObject({ code: '10015', source: { pointer: '/name' } });
  });

  it('take only the enum values the spec lists, pointing into nested objects', async () => {
    // ServicePlan "enum: [global]"; OutboundCallRecording.call_recording_format "enum: [wav, mp3]".
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', service_plan: 'premium' })))
      .toMatchObject({ code: '10032', source: { pointer: '/service_plan' } });
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', call_recording: { call_recording_format: 'ogg' } })))
      .toMatchObject({ code: '10032', source: { pointer: '/call_recording/call_recording_format' } });
    // whitelisted_destinations: "The list of destinations … formatted in alpha2."
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', whitelisted_destinations: ['USA'] })))
      .toMatchObject({ code: '10015', source: { pointer: '/whitelisted_destinations' } });
  });

  it('bound every list item, so a stored profile stays small, and check the formats the spec names', async () => {
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', tags: ['x'.repeat(256)] })))
      .toMatchObject({ code: '10015', source: { pointer: '/tags' } });
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', tags: Array(101).fill('t') })))
      .toMatchObject({ code: '10015', source: { pointer: '/tags' } });
    // billing_group_id "format: uuid"; call_recording_caller_phone_numbers are phone numbers (example "+19705555098").
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', billing_group_id: 'group-1' })))
      .toMatchObject({ code: '10015', source: { pointer: '/billing_group_id' } });
    expect(firstError(await http.post('/v2/outbound_voice_profiles', { name: 'office', call_recording: { call_recording_caller_phone_numbers: ['9705555098'] } })))
      .toMatchObject({ code: '10016', source: { pointer: '/call_recording/call_recording_caller_phone_numbers' } });
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, inbound: { codecs: ['G'.repeat(33)] } })))
      .toMatchObject({ code: '10015', source: { pointer: '/inbound/codecs' } });
  });

  it('update only what a PATCH names, nested objects field by field; `name` is required there too', async () => {
    const created = (await http.post('/v2/outbound_voice_profiles', {
      name: 'office', call_recording: { call_recording_type: 'all', call_recording_format: 'mp3' }, concurrent_call_limit: 5,
    })).body.data;
    expect(firstError(await http.patch(`/v2/outbound_voice_profiles/${created.id}`, { enabled: false })))
      .toMatchObject({ code: '10004', source: { pointer: '/name' } });
    const updated = (await http.patch(`/v2/outbound_voice_profiles/${created.id}`, {
      name: 'office', enabled: false, call_recording: { call_recording_channels: 'dual' }, concurrent_call_limit: null,
    })).body.data;
    expect(updated).toMatchObject({
      enabled: false, concurrent_call_limit: null,
      call_recording: { call_recording_type: 'all', call_recording_format: 'mp3', call_recording_channels: 'dual' },
    });
  });

  it('count the credential connections that use them (connections_count), and filter them by it', async () => {
    const profile = (await http.post('/v2/outbound_voice_profiles', { name: 'office' })).body.data;
    const other = (await http.post('/v2/outbound_voice_profiles', { name: 'other' })).body.data;
    await createConnection({ outbound: { outbound_voice_profile_id: profile.id } });
    await createConnection({ user_name: 'agentdesk2', outbound: { outbound_voice_profile_id: profile.id } });
    const moved = await createConnection({ user_name: 'agentdesk3', outbound: { outbound_voice_profile_id: profile.id } });
    await http.patch(`/v2/credential_connections/${moved.id}`, { outbound: { outbound_voice_profile_id: other.id } });
    expect((await http.get(`/v2/outbound_voice_profiles/${profile.id}`)).body.data.connections_count).toBe(2);
    expect((await http.get(`/v2/outbound_voice_profiles/${other.id}`)).body.data.connections_count).toBe(1);
    // connections_FilterConsolidated: filter[outbound_voice_profile_id] "Identifies the associated outbound voice profile."
    const list = await http.get(`/v2/credential_connections?filter[outbound_voice_profile_id]=${other.id}`);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([moved.id]);
  });

  it('sort by the spec\'s keys, "-" for descending, and refuse any other (422 naming sort)', async () => {
    for (const name of ['bravo', 'alpha', 'charlie']) await http.post('/v2/outbound_voice_profiles', { name });
    const names = async (q: string) => (await http.get(`/v2/outbound_voice_profiles?${q}`)).body.data.map((p: { name: string }) => p.name);
    expect(await names('sort=name')).toEqual(['alpha', 'bravo', 'charlie']);
    expect(await names('sort=-name')).toEqual(['charlie', 'bravo', 'alpha']);
    const bad = await http.get('/v2/outbound_voice_profiles?sort=colour');
    expect(bad.status).toBe(422);
    expect(firstError(bad)).toMatchObject({ code: '10032', source: { parameter: 'sort' } });
  });

  it('page as the spec says ("page[size] default 20", at most 250)', async () => {
    for (let i = 0; i < 23; i++) await http.post('/v2/outbound_voice_profiles', { name: `profile-${i}` });
    const first = await http.get('/v2/outbound_voice_profiles');
    expect(first.body.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 2, total_results: 23 });
    const second = await http.get('/v2/outbound_voice_profiles?page[number]=2');
    expect(second.body.data).toHaveLength(3);
    expect(firstError(await http.get('/v2/outbound_voice_profiles?page[size]=251'))).toMatchObject({ source: { parameter: 'page[size]' } });
  });

  it('are bounded per account', async () => {
    em.account(KEY).write((ctx) => {
      for (let i = 0; i < MAX_PER_ACCOUNT; i++) {
        ctx.store.credentials.saveProfile({ id: `p${i}`, name: `profile-${i}`, enabled: true, settings: {}, createdAt: 0, updatedAt: 0 });
      }
    });
    const res = await http.post('/v2/outbound_voice_profiles', { name: 'one too many' });
    expect(res.status).toBe(422);
    expect(firstError(res).detail).toContain(`At most ${MAX_PER_ACCOUNT} outbound voice profiles per account`);
  });
});

describe('credential connections', () => {
  it('require user_name, password and connection_name ("required: [user_name, password, connection_name]")', async () => {
    for (const field of ['user_name', 'password', 'connection_name']) {
      const { [field as keyof typeof CONNECTION]: _left, ...body } = CONNECTION;
      expect(firstError(await http.post('/v2/credential_connections', body)), field)
        .toMatchObject({ code: '10004', source: { pointer: `/${field}` } });
    }
  });

  it('take a user_name of 4-32 letters and digits and a password of 8 to 128 characters', async () => {
    // user_name: "Must be 4-32 characters long and alphanumeric values only (no spaces or special characters)."
    for (const user_name of ['abc', 'a'.repeat(33), 'agent desk', 'agent-desk']) {
      expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, user_name })), user_name)
        .toMatchObject({ code: '10015', source: { pointer: '/user_name' } });
    }
    // password: "Must be 8 to 128 characters long."
    for (const password of ['short', 'p'.repeat(129)]) {
      expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, password })))
        .toMatchObject({ code: '10015', source: { pointer: '/password' } });
    }
  });

  it('point a bad nested value at its place, as the spec\'s example does ("/inbound/dnis_number_format")', async () => {
    const res = await http.post('/v2/credential_connections', { ...CONNECTION, inbound: { dnis_number_format: 'test' } });
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '10032', source: { pointer: '/inbound/dnis_number_format' } });
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, inbound: { timeout_2xx_secs: 601 } })))
      .toMatchObject({ code: '10033', source: { pointer: '/inbound/timeout_2xx_secs' } });
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, rtcp_settings: 'on' })))
      .toMatchObject({ code: '10015', source: { pointer: '/rtcp_settings' } });
  });

  it('take a webhook_event_url with a scheme ("Must include a scheme, such as \'https\'"), and webhook_timeout_secs 0-30', async () => {
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, webhook_event_url: 'example.com/hook' })))
      .toMatchObject({ code: '10015', source: { pointer: '/webhook_event_url' } });
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, webhook_timeout_secs: 31 })))
      .toMatchObject({ code: '10033', source: { pointer: '/webhook_timeout_secs' } });
  });

  it('take webhook_api_version texml only with outbound.call_parking_enabled ("texml can only be set when … call_parking_enabled is included and set to true")', async () => {
    expect(firstError(await http.post('/v2/credential_connections', { ...CONNECTION, webhook_api_version: 'texml' })))
      .toMatchObject({ code: '10015', source: { pointer: '/webhook_api_version' } });
    const parked = await createConnection({ webhook_api_version: 'texml', outbound: { call_parking_enabled: true } });
    expect(parked).toMatchObject({ webhook_api_version: 'texml', outbound: { call_parking_enabled: true } });
    // UpdateCredentialConnectionRequest.webhook_api_version: "enum: ['1', '2']".
    expect(firstError(await http.patch(`/v2/credential_connections/${parked.id}`, { webhook_api_version: 'texml' })))
      .toMatchObject({ code: '10032', source: { pointer: '/webhook_api_version' } });
  });

  it('name an outbound voice profile of the account, if any', async () => {
    const res = await http.post('/v2/credential_connections', { ...CONNECTION, outbound: { outbound_voice_profile_id: '1293384261075731499' } });
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '10015', source: { pointer: '/outbound/outbound_voice_profile_id' } });
  });

  it('keep user_name unique: a second connection, or a rename onto another\'s, is refused', async () => {
    const a = await createConnection();
    const b = await createConnection({ user_name: 'agentdesk2' });
    expect(firstError(await http.post('/v2/credential_connections', CONNECTION))).toMatchObject({ source: { pointer: '/user_name' } });
    expect(firstError(await http.patch(`/v2/credential_connections/${b.id}`, { user_name: 'agentdesk1' })))
      .toMatchObject({ source: { pointer: '/user_name' } });
    // Its own name again is no conflict.
    expect((await http.patch(`/v2/credential_connections/${a.id}`, { user_name: 'agentdesk1' })).status).toBe(200);
  });

  it('filter by connection_name, case-insensitively, from three characters ("Requires at least three characters")', async () => {
    const support = await createConnection({ connection_name: 'Support desk' });
    await createConnection({ connection_name: 'Sales', user_name: 'salesdesk1' });
    const ids = async (q: string) => (await http.get(`/v2/credential_connections?${q}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids('filter[connection_name][contains]=SUPPORT')).toEqual([support.id]);
    // A credential connection has no FQDN: an fqdn filter matches none of them.
    expect(await ids('filter[fqdn]=sip.example.com')).toEqual([]);
    // LIKE's own characters are taken literally.
    expect(await ids('filter[connection_name][contains]=%25%25%25')).toEqual([]);
    const short = await http.get('/v2/credential_connections?filter[connection_name][contains]=Su');
    expect(short.status).toBe(422);
    expect(firstError(short)).toMatchObject({ source: { parameter: 'filter[connection_name][contains]' } });
  });

  it('list newest first by default ("If not given, results are sorted by created_at in descending order"), 250 a page', async () => {
    const first = await createConnection();
    await em.account(KEY).advance(1000);
    const second = await createConnection({ user_name: 'agentdesk2' });
    const list = await http.get('/v2/credential_connections');
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    expect(list.body.meta).toMatchObject({ page_size: 250, total_results: 2 });
  });

  it('belong to their account: another key sees none of them', async () => {
    const mine = await createConnection();
    const other = api(em).as('KEY_someone_else');
    expect((await other.get(`/v2/credential_connections/${mine.id}`)).status).toBe(404);
    expect((await other.get('/v2/credential_connections')).body.data).toEqual([]);
    expect((await other.post('/v2/telephony_credentials', { connection_id: mine.id })).status).toBe(422);
  });
});

describe('credential connections among the connections (GET /v2/connections, served by the call control applications\' side)', () => {
  it("read in the spec's Connection shape, record_type credential_connection, with no key it does not name", async () => {
    const full = JSON.parse(gunzipSync(readFileSync(`${SPEC_DIR}spec3-12de4dd.json.gz`)).toString());
    const schema = full.components.schemas.Connection;
    const profile = (await http.post('/v2/outbound_voice_profiles', { name: 'office' })).body.data;
    await createConnection({ webhook_event_url: 'https://app.example.com/hooks', tags: ['desk'], outbound: { outbound_voice_profile_id: profile.id } });
    const rows = em.account(KEY).read((ctx) => ctx.store.credentials.allConnections()).map(credentialConnectionAsConnection);
    expect(rows).toHaveLength(1);
    expect(validate(full, schema, rows[0])).toEqual([]);
    expect(Object.keys(rows[0]).filter((k) => !(k in schema.properties))).toEqual([]);
    expect(rows[0]).toMatchObject({
      record_type: 'credential_connection', connection_name: 'agents', active: true, outbound_voice_profile_id: profile.id,
      webhook_event_url: 'https://app.example.com/hooks', tags: ['desk'],
    });
  });
});

describe('telephony credentials', () => {
  it('require connection_id ("required: [connection_id]") naming one of the account\'s credential connections', async () => {
    expect(firstError(await http.post('/v2/telephony_credentials', {}))).toMatchObject({ code: '10004', source: { pointer: '/connection_id' } });
    expect(firstError(await http.post('/v2/telephony_credentials', { connection_id: 'nope' })))
      .toMatchObject({ code: '10015', source: { pointer: '/connection_id' } });
    const connection = await createConnection();
    const created = await http.post('/v2/telephony_credentials', { connection_id: connection.id });
    expect(firstError(await http.patch(`/v2/telephony_credentials/${created.body.data.id}`, { connection_id: 'nope' })))
      .toMatchObject({ source: { pointer: '/connection_id' } });
  });

  it('are expired once expires_at has passed on the account\'s clock ("expired: Defaults to false")', async () => {
    const connection = await createConnection();
    const at = new Date(em.account(KEY).now() + 60_000).toISOString();
    const created = (await http.post('/v2/telephony_credentials', { connection_id: connection.id, expires_at: at })).body.data;
    expect(created).toMatchObject({ expired: false, expires_at: at });
    await em.account(KEY).advance(60_000);
    expect((await http.get(`/v2/telephony_credentials/${created.id}`)).body.data.expired).toBe(true);
    const ids = async (status: string) => (await http.get(`/v2/telephony_credentials?filter[status]=${status}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids('expired')).toEqual([created.id]);
    expect(await ids('active')).toEqual([]);
    expect(firstError(await http.post('/v2/telephony_credentials', { connection_id: connection.id, expires_at: 'tomorrow' })))
      .toMatchObject({ code: '10015', source: { pointer: '/expires_at' } });
  });

  it('filter by resource_id, sip_username, name and tag', async () => {
    const a = await createConnection();
    const b = await createConnection({ user_name: 'agentdesk2' });
    const one = (await http.post('/v2/telephony_credentials', { connection_id: a.id, name: 'alice', tag: 'day' })).body.data;
    const two = (await http.post('/v2/telephony_credentials', { connection_id: b.id, name: 'bob', tag: 'night' })).body.data;
    const ids = async (q: string) => (await http.get(`/v2/telephony_credentials?${q}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids(`filter[resource_id]=connection:${b.id}`)).toEqual([two.id]);
    expect(await ids(`filter[sip_username]=${one.sip_username}`)).toEqual([one.id]);
    expect(await ids('filter[name]=bob')).toEqual([two.id]);
    expect(await ids('filter[tag]=day')).toEqual([one.id]);
    expect((await http.get('/v2/telephony_credentials')).body.meta).toMatchObject({ page_size: 50, total_results: 2 });
  });

  it('each get their own SIP login, and a token names it; an unknown id has no token (404)', async () => {
    const connection = await createConnection();
    const one = (await http.post('/v2/telephony_credentials', { connection_id: connection.id })).body.data;
    const two = (await http.post('/v2/telephony_credentials', { connection_id: connection.id })).body.data;
    expect(one.sip_username).not.toBe(two.sip_username);
    expect(one.sip_password).not.toBe(two.sip_password);
    const token = await http.post(`/v2/telephony_credentials/${one.id}/token`);
    expect([token.status, token.headers['content-type']]).toEqual([201, 'text/plain; charset=UTF-8']);
    const claims = JSON.parse(Buffer.from(token.text.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: one.sip_username, exp: claims.iat + 24 * 60 * 60 });
    const unknown = await http.post('/v2/telephony_credentials/c215ade3-0d39-418e-94be-c5f780760199/token');
    expect(unknown.status).toBe(404);
    expect(firstError(unknown)).toMatchObject({ code: '10005', title: 'Resource not found', source: { pointer: '/' } });
  });
});
