import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Telnyx from 'telnyx';
import { mockControl } from '../../src/lib.js';
import { withSdk } from '../support/harness.js';
import { jsonSubset } from '../support/spec-json.js';
import type { RunningEmulator } from '../../src/server.js';

/**
 * Outbound voice profiles, credential connections and telephony credentials through the official
 * SDK over a socket: what a contact-centre app provisions on save and what a call-centre app's
 * agent login (WebRTC) runs on its server side. Every answer is checked against the spec's
 * success schema (spec/telnyx-openapi/credentials.json, vendored from spec3.yml at 12de4dd). The
 * rules are tested in process in test/api/credentials.test.ts.
 */
const { problems } = jsonSubset('credentials.json');
let em: RunningEmulator;
let client: Telnyx;
let account: string;

beforeEach(async () => {
  ({ em, client, apiKey: account } = await withSdk());
});
afterEach(() => em.close());

/** What the raw answer of the last SDK call was, for the schema check (the SDK's types are not the spec). */
async function raw<T>(promise: { asResponse(): Promise<Response> } & PromiseLike<T>) {
  return (await promise.asResponse()).json() as Promise<{ data: Record<string, unknown> }>;
}

/** Telnyx's 404 for an unknown id (connections_NotFoundResponse). */
const NOT_FOUND = { status: 404, error: { errors: [{ code: '10005', title: 'Resource not found', source: { pointer: '/' } }] } };

describe('outbound voice profiles through the official SDK', () => {
  it('reads back what was created, with the spec defaults, and lists, updates and deletes it', async () => {
    const created = await raw(client.outboundVoiceProfiles.create({ name: 'office', tags: ['office-profile'] }));
    expect(problems('POST', '/outbound_voice_profiles', created)).toEqual([]);
    // "enabled default true", "whitelisted_destinations default [US, CA]", "service_plan default global".
    expect(created.data).toMatchObject({
      record_type: 'outbound_voice_profile', name: 'office', enabled: true, tags: ['office-profile'],
      whitelisted_destinations: ['US', 'CA'], service_plan: 'global', traffic_type: 'conversational',
      usage_payment_method: 'rate-deck', daily_spend_limit_enabled: false, connections_count: 0,
    });
    const id = String(created.data.id);
    expect(id).toMatch(/^\d{19}$/);

    const got = await raw(client.outboundVoiceProfiles.retrieve(id));
    expect(problems('GET', '/outbound_voice_profiles/{id}', got)).toEqual([]);
    expect(got.data).toEqual(created.data);

    // UpdateOutboundVoiceProfileRequest requires `name`; what is not sent is kept.
    const updated = await raw(client.outboundVoiceProfiles.update(id, { name: 'office-2', concurrent_call_limit: 10 }));
    expect(problems('PATCH', '/outbound_voice_profiles/{id}', updated)).toEqual([]);
    expect(updated.data).toMatchObject({ name: 'office-2', concurrent_call_limit: 10, tags: ['office-profile'] });

    const page = await client.outboundVoiceProfiles.list({ filter: { name: { contains: 'FFICE' } } });
    expect(problems('GET', '/outbound_voice_profiles', { data: page.data, meta: page.meta })).toEqual([]);
    expect(page.data.map((p) => p.id)).toEqual([id]);

    const deleted = await raw(client.outboundVoiceProfiles.delete(id));
    expect(problems('DELETE', '/outbound_voice_profiles/{id}', deleted)).toEqual([]);
    expect(deleted.data.id).toBe(id);
    await expect(client.outboundVoiceProfiles.retrieve(id)).rejects.toMatchObject(NOT_FOUND);
  });

  it('pages with the SDK auto-pagination, newest first by default (sort "default -created_at")', async () => {
    for (const name of ['one', 'two', 'three', 'four', 'five']) {
      await client.outboundVoiceProfiles.create({ name });
      await em.account(account).advance(1000);
    }
    const names: string[] = [];
    for await (const p of client.outboundVoiceProfiles.list({ 'page[size]': 2 })) names.push(p.name);
    expect(names).toEqual(['five', 'four', 'three', 'two', 'one']);
    const byName = await client.outboundVoiceProfiles.list({ sort: 'name', 'page[size]': 250 });
    expect(byName.data.map((p) => p.name)).toEqual(['five', 'four', 'one', 'three', 'two']);
  });
});

describe('credential connections through the official SDK', () => {
  it('reads back what was created (201), counts toward its outbound voice profile, and updates nested settings field by field', async () => {
    const profile = (await client.outboundVoiceProfiles.create({ name: 'agents' })).data!;
    const created = await client.credentialConnections.create({
      connection_name: 'agents', user_name: 'agentdesk1', password: 'my123secure456password789',
      webhook_event_url: 'https://app.example.com/webhooks', inbound: { channel_limit: 10 },
      outbound: { outbound_voice_profile_id: profile.id },
    }).asResponse();
    expect(created.status).toBe(201);
    const body = await created.json() as { data: Record<string, unknown> };
    expect(problems('POST', '/credential_connections', body)).toEqual([]);
    expect(body.data).toMatchObject({
      record_type: 'credential_connection', connection_name: 'agents', user_name: 'agentdesk1', active: true,
      webhook_event_url: 'https://app.example.com/webhooks', webhook_api_version: '1', dtmf_type: 'RFC 2833',
      // CredentialInbound "timeout_2xx_secs default 90", given fields kept beside the defaults.
      inbound: { channel_limit: 10, timeout_2xx_secs: 90, dnis_number_format: 'e164' },
      outbound: { outbound_voice_profile_id: profile.id, localization: 'US' },
    });
    const id = String(body.data.id);
    expect((await client.outboundVoiceProfiles.retrieve(profile.id!)).data!.connections_count).toBe(1);

    const got = await raw(client.credentialConnections.retrieve(id));
    expect(problems('GET', '/credential_connections/{id}', got)).toEqual([]);
    expect(got.data).toEqual(body.data);

    const updated = await raw(client.credentialConnections.update(id, { active: false, inbound: { timeout_2xx_secs: 30 } }));
    expect(problems('PATCH', '/credential_connections/{id}', updated)).toEqual([]);
    expect(updated.data).toMatchObject({ active: false, connection_name: 'agents', inbound: { channel_limit: 10, timeout_2xx_secs: 30 } });

    const list = await client.credentialConnections.list({ filter: { connection_name: { contains: 'AGE' } } });
    expect(problems('GET', '/credential_connections', { data: list.data, meta: list.meta })).toEqual([]);
    expect(list.data.map((c) => c.id)).toEqual([id]);

    // "Checks the registration_status for a credential connection": no SIP device registers here.
    const registration = await raw(client.credentialConnections.actions.checkRegistrationStatus(id));
    expect(problems('POST', '/credential_connections/{id}/actions/check_registration_status', registration)).toEqual([]);
    expect(registration.data).toEqual({ record_type: 'registration_status', sip_username: 'agentdesk1', status: 'Not Registered' });

    const deleted = await raw(client.credentialConnections.delete(id));
    expect(problems('DELETE', '/credential_connections/{id}', deleted)).toEqual([]);
    await expect(client.credentialConnections.retrieve(id)).rejects.toMatchObject(NOT_FOUND);
    await expect(client.credentialConnections.actions.checkRegistrationStatus(id)).rejects.toMatchObject(NOT_FOUND);
  });

  it('refuses a second connection with the same user_name, pointing at it', async () => {
    const body = { connection_name: 'a', user_name: 'agentdesk1', password: 'my123secure456password789' };
    await client.credentialConnections.create(body);
    await expect(client.credentialConnections.create({ ...body, connection_name: 'b' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10015', source: { pointer: '/user_name' } }] } });
  });
});

describe('telephony credentials through the official SDK: a WebRTC agent login', () => {
  it('creates a credential on a credential connection and an access token for it, as text the SDK returns unchanged', async () => {
    const connection = (await client.credentialConnections.create({
      connection_name: 'webrtc', user_name: 'webrtcagents', password: 'my123secure456password789',
    })).data!;
    const res = await client.telephonyCredentials.create({ connection_id: connection.id!, name: 'agent-42', tag: 'agents' }).asResponse();
    expect(res.status).toBe(201);
    const created = await res.json() as { data: Record<string, unknown> };
    expect(problems('POST', '/telephony_credentials', created)).toEqual([]);
    // resource_id: "Identifies the resource this credential is associated with." (example "connection:1234567890")
    expect(created.data).toMatchObject({
      record_type: 'credential', name: 'agent-42', resource_id: `connection:${connection.id}`, expired: false,
      sip_username: expect.stringMatching(/^gencred[A-Za-z0-9]{22}$/), sip_password: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const id = String(created.data.id);

    // "Create an Access Token (JWT) for the credential." — 201, text/plain.
    const token = await client.telephonyCredentials.createToken(id);
    expect(typeof token).toBe('string');
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ sub: created.data.sip_username });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const got = await raw(client.telephonyCredentials.retrieve(id));
    expect(problems('GET', '/telephony_credentials/{id}', got)).toEqual([]);
    expect(got.data).toEqual(created.data);

    const updated = await raw(client.telephonyCredentials.update(id, { expires_at: '2020-01-01T00:00:00Z' }));
    expect(problems('PATCH', '/telephony_credentials/{id}', updated)).toEqual([]);
    expect(updated.data).toMatchObject({ name: 'agent-42', expires_at: '2020-01-01T00:00:00.000Z', expired: true });

    const list = await client.telephonyCredentials.list({ filter: { tag: 'agents', status: 'expired' } });
    expect(problems('GET', '/telephony_credentials', { data: list.data, meta: list.meta })).toEqual([]);
    expect(list.data.map((c) => c.id)).toEqual([id]);

    const deleted = await raw(client.telephonyCredentials.delete(id));
    expect(problems('DELETE', '/telephony_credentials/{id}', deleted)).toEqual([]);
    await expect(client.telephonyCredentials.retrieve(id)).rejects.toMatchObject(NOT_FOUND);
    await expect(client.telephonyCredentials.createToken(id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a credential whose connection_id names no credential connection (422, /connection_id)', async () => {
    await expect(client.telephonyCredentials.create({ connection_id: '1234567890' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10015', source: { pointer: '/connection_id' } }] } });
  });

  it('is cleared by reset with the rest of the account', async () => {
    const connection = (await client.credentialConnections.create({
      connection_name: 'webrtc', user_name: 'webrtcagents', password: 'my123secure456password789',
    })).data!;
    const credential = (await client.telephonyCredentials.create({ connection_id: connection.id! })).data!;
    const profile = (await client.outboundVoiceProfiles.create({ name: 'office' })).data!;
    mockControl(em, account).reset();
    await expect(client.credentialConnections.retrieve(connection.id!)).rejects.toMatchObject(NOT_FOUND);
    await expect(client.telephonyCredentials.retrieve(credential.id!)).rejects.toMatchObject(NOT_FOUND);
    await expect(client.outboundVoiceProfiles.retrieve(profile.id!)).rejects.toMatchObject(NOT_FOUND);
  });
});

describe('operations of Telnyx outside the voice API, through the official SDK', () => {
  it('client.messages.send() answers 422 naming the operation as not emulated, not "No route"', async () => {
    await expect(client.messages.send({ to: '+15550001111', from: '+15550002222', text: 'hi' })).rejects.toMatchObject({
      status: 422,
      error: { errors: [{ code: '10015', title: 'Operation not emulated', detail: expect.stringContaining('(SendMessage, POST /v2/messages) is not emulated by telnyx-mock') }] },
    });
    await expect(client.messagingProfiles.list()).rejects.toMatchObject({
      status: 422, error: { errors: [{ detail: expect.stringContaining('GET /v2/messaging_profiles') }] },
    });
  });
});
