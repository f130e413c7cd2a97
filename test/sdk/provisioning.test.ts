/**
 * What a voice app provisions through the official SDK — a Call Control application, a number
 * bought or given, assigned to it — and the call it then receives: routed by the number to the
 * application, at the application's webhook URL. Every answer is checked against the vendored
 * spec (spec/telnyx-openapi/provisioning.yml, a subset of spec3.yml at 12de4dd).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk } from '../support/harness.js';
import { loadSpec, validate } from '../support/openapi.js';
import { sdkVerifier, startReceiver, type Receiver } from '../support/receiver.js';
import type { RunningEmulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';
import { startMock } from '../../src/lib.js';

const spec = loadSpec();
type Schema = Record<string, unknown>;
/** The success schema of one operation of the spec. */
const schemaOf = (method: string, path: string): Schema => {
  const responses = (spec.paths[path][method] as { responses: Record<string, { content: Record<string, { schema: Schema }> }> }).responses;
  const code = Object.keys(responses).find((c) => c.startsWith('2'))!;
  return responses[code].content['application/json'].schema;
};
const conforms = (method: string, path: string, body: unknown) => validate(spec, schemaOf(method, path), body);

const KEY = 'KEY_provisioning';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => { for (const o of open.splice(0)) await o.close(); });

interface Setup { em: RunningEmulator; client: Telnyx; global: Receiver; app: Receiver }

/** An emulator whose server-wide webhook URL is `global`, and a second receiver for the app's own URL. */
async function setup(config: Partial<Config> = {}): Promise<Setup> {
  const global = await startReceiver();
  const app = await startReceiver();
  const { em, client } = await withSdk({ webhookUrl: global.url, ...config }, KEY);
  open.push(em, global, app);
  return { em, client, global, app };
}

/** A caller placed with the control API, as a CI job does (POST /_mock/calls). */
async function placeCaller(em: RunningEmulator, body: object) {
  const res = await fetch(`${em.url}/_mock/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as { data: { call_control_id: string }; errors?: Array<Record<string, unknown>> } };
}

describe('an app that provisions itself, then takes a call', () => {
  it('creates an application, orders a number, assigns it, and gets the caller\'s call.initiated at the application\'s URL', async () => {
    const { em, client, global, app } = await setup();

    // CreateCallControlApplicationRequest: "required": ["application_name", "webhook_event_url"].
    const created = await client.callControlApplications.create({
      application_name: 'ivr', webhook_event_url: `${app.url}/webhooks`, webhook_api_version: '2',
    });
    expect(conforms('post', '/call_control_applications', created)).toEqual([]);
    const application = created.data!;
    expect(application).toMatchObject({ record_type: 'call_control_application', application_name: 'ivr', active: true });

    // Number orders complete at once here: the number is the account's.
    const order = await client.numberOrders.create({ phone_numbers: [{ phone_number: '+15557654321' }] });
    expect(conforms('post', '/number_orders', order)).toEqual([]);
    expect(order.data).toMatchObject({ status: 'success', phone_numbers_count: 1, phone_numbers: [{ phone_number: '+15557654321', status: 'success' }] });

    // The app finds its number and assigns it to its application (UpdatePhoneNumberRequest.connection_id).
    const found = await client.phoneNumbers.list({ filter: { phone_number: '+15557654321' } });
    expect(found.data.map((n) => n.phone_number)).toEqual(['+15557654321']);
    const updated = await client.phoneNumbers.update(found.data[0].id!, { connection_id: application.id });
    expect(conforms('patch', '/phone_numbers/{id}', updated)).toEqual([]);
    expect(updated.data).toMatchObject({ connection_id: application.id, connection_name: 'ivr', status: 'active' });

    // A caller dials the number: no connection_id named, the number routes the call.
    const caller = await placeCaller(em, { from: '+15550001234', to: '+15557654321' });
    expect(caller.status).toBe(201);
    await app.until(() => app.accepted().length >= 1, 5000, 'call.initiated at the application');
    const [delivery] = app.accepted();
    const event = await sdkVerifier(em.webhooks.publicKey)(delivery.body, delivery.headers) as unknown as {
      data: { event_type: string; payload: { connection_id: string; call_control_id: string; to: string } };
    };
    expect(event.data.event_type).toBe('call.initiated');
    expect(event.data.payload).toMatchObject({ connection_id: application.id, call_control_id: caller.json.data.call_control_id, to: '+15557654321' });
    expect(delivery.json.meta.delivered_to).toBe(`${app.url}/webhooks`);
    expect(global.requests).toEqual([]);

    // The connection lists the call as active (ListConnectionActiveCalls).
    const active = await client.connections.listActiveCalls(application.id!);
    expect(active.data.map((c) => c.call_control_id)).toEqual([caller.json.data.call_control_id]);
  });

  it('a number given by the control API and assigned through its voice settings routes the same way', async () => {
    const { em, client, app } = await setup();
    const { data: application } = await client.callControlApplications.create({ application_name: 'front desk', webhook_event_url: app.url });
    const given = await fetch(`${em.url}/_mock/phone_numbers`, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number: '+15557650000' }),
    });
    expect(given.status).toBe(201);
    const { data: number } = await given.json() as { data: { id: string; connection_id: string | null } };
    expect(number.connection_id).toBeNull();

    const voice = await client.phoneNumbers.voice.update(number.id, { connection_id: application!.id } as never);
    expect(conforms('patch', '/phone_numbers/{id}/voice', voice)).toEqual([]);
    expect((await client.phoneNumbers.voice.retrieve(number.id)).data).toMatchObject({ connection_id: application!.id, phone_number: '+15557650000' });

    // Whatever connection_id the caller names, the owned number's connection takes the call.
    const caller = await placeCaller(em, { from: '+15550001234', to: '+15557650000', connection_id: 'somewhere-else' });
    expect(caller.status).toBe(201);
    await app.until(() => app.accepted().length >= 1);
    expect(app.accepted()[0].json.data.payload.connection_id).toBe(application!.id);
  });
});

describe("the application decides how its calls' webhooks go", () => {
  it('webhook_timeout_secs bounds each attempt: a URL that never answers fails over after it, not after the server\'s 10 s', async () => {
    const { em, client, global } = await setup({ webhookAttempts: 1, webhookTimeoutMs: 10_000 });
    const silent = await startReceiver(() => 'hang');
    const failover = await startReceiver();
    open.push(silent, failover);
    const { data: application } = await client.callControlApplications.create({
      application_name: 'slow', webhook_event_url: silent.url, webhook_event_failover_url: failover.url, webhook_timeout_secs: 1,
    });
    const t0 = performance.now();
    const caller = await placeCaller(em, { from: '+15550001234', to: '+15550009999', connection_id: application!.id });
    expect(caller.status).toBe(201);
    await failover.until(() => failover.accepted().length >= 1, 8000, 'call.initiated at the failover URL');
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(8000);
    expect(silent.requests).toHaveLength(1);
    expect(failover.accepted()[0].json.data.event_type).toBe('call.initiated');
    expect(global.requests).toEqual([]);
  });
});

describe('the resources read back through the SDK in the spec\'s shapes', () => {
  it('applications: list with filters and paging, retrieve, update, delete; unknown ids are 404 10005', async () => {
    const { client } = await setup();
    for (const name of ['sales line', 'support line', 'billing']) {
      await client.callControlApplications.create({ application_name: name, webhook_event_url: 'https://app.example.com/hooks' });
    }
    const page = await client.callControlApplications.list({ page: { size: 2 } } as never);
    expect(conforms('get', '/call_control_applications', { data: page.data, meta: (page as unknown as { meta: object }).meta })).toEqual([]);
    // "If not given, results are sorted by created_at in descending order"; the SDK pages on.
    const all: string[] = [];
    for await (const a of client.callControlApplications.list({ page: { size: 2 } } as never)) all.push(a.application_name!);
    expect(all).toHaveLength(3);
    // filter[application_name][contains]: "Matching is not case-sensitive."
    const lines = await client.callControlApplications.list({ filter: { application_name: { contains: 'LINE' } } });
    expect(lines.data.map((a) => a.application_name).sort()).toEqual(['sales line', 'support line']);

    const [billing] = (await client.callControlApplications.list({ filter: { application_name: { contains: 'bill' } } })).data;
    const retrieved = await client.callControlApplications.retrieve(billing.id!);
    expect(conforms('get', '/call_control_applications/{id}', retrieved)).toEqual([]);
    const changed = await client.callControlApplications.update(billing.id!, {
      application_name: 'billing', webhook_event_url: 'https://billing.example.com/hooks', active: false, inbound: { channel_limit: 5 },
    });
    expect(conforms('patch', '/call_control_applications/{id}', changed)).toEqual([]);
    expect(changed.data).toMatchObject({ active: false, webhook_event_url: 'https://billing.example.com/hooks', inbound: { channel_limit: 5, sip_subdomain_receive_settings: 'from_anyone' } });

    const deleted = await client.callControlApplications.delete(billing.id!);
    expect(conforms('delete', '/call_control_applications/{id}', deleted)).toEqual([]);
    const gone = await client.callControlApplications.retrieve(billing.id!).catch((e: unknown) => e) as { status: number; error: { errors: unknown[] } };
    expect(gone.status).toBe(404);
    expect(gone.error.errors[0]).toMatchObject({ code: '10005', title: 'Resource not found' });
  });

  it('connections are the account\'s applications; numbers and orders list and retrieve', async () => {
    const { client } = await setup();
    const { data: application } = await client.callControlApplications.create({ application_name: 'queue app', webhook_event_url: 'https://q.example.com/hooks' });
    const connections = await client.connections.list();
    expect(conforms('get', '/connections/{id}', { data: connections.data[0] })).toEqual([]);
    expect(connections.data).toMatchObject([{ id: application!.id, connection_name: 'queue app', record_type: 'call_control_application', active: true }]);
    const one = await client.connections.retrieve(application!.id!);
    expect(conforms('get', '/connections/{id}', one)).toEqual([]);
    expect((await client.connections.retrieve('404404').catch((e: unknown) => e) as { status: number }).status).toBe(404);

    const order = await client.numberOrders.create({ phone_numbers: [{ phone_number: '+15557650001' }, { phone_number: '+15557650002' }], connection_id: application!.id });
    expect(conforms('get', '/number_orders/{number_order_id}', await client.numberOrders.retrieve(order.data!.id!))).toEqual([]);
    expect((await client.numberOrders.list()).data.map((o) => o.id)).toEqual([order.data!.id]);
    const numbers = await client.phoneNumbers.list({ filter: { connection_id: application!.id } });
    expect(conforms('get', '/phone_numbers', { data: numbers.data, meta: (numbers as unknown as { meta: object }).meta })).toEqual([]);
    expect(numbers.data.map((n) => n.phone_number).sort()).toEqual(['+15557650001', '+15557650002']);
    const retrieved = await client.phoneNumbers.retrieve(numbers.data[0].id!);
    expect(conforms('get', '/phone_numbers/{id}', retrieved)).toEqual([]);
    expect(conforms('get', '/phone_numbers/{id}/voice', await client.phoneNumbers.voice.retrieve(numbers.data[0].id!))).toEqual([]);
    const voices = await client.phoneNumbers.voice.list();
    expect(conforms('get', '/phone_numbers/voice', { data: voices.data, meta: (voices as unknown as { meta: object }).meta })).toEqual([]);
    expect(voices.data.map((v) => v.connection_id)).toEqual([application!.id, application!.id]);
  });
});

describe('strict connections', () => {
  it('dial on a connection_id that names no application answers as Telnyx does: 422 10015 at /connection_id', async () => {
    const { client, app } = await setup({ strictConnections: true });
    const refused = await client.calls.dial({ connection_id: 'no-such-app', from: '+15550001111', to: '+15550002222' })
      .catch((e: unknown) => e) as { status: number; error: { errors: Array<Record<string, unknown>> } };
    expect(refused.status).toBe(422);
    // The spec's `invalid_connection_id` example, word for word.
    expect(refused.error.errors[0]).toMatchObject({
      code: '10015', title: 'Invalid value for connection_id (Call Control App ID)', source: { pointer: '/connection_id' },
      detail: 'The requested connection_id (Call Control App ID) is either invalid or does not exist. Only Call Control Apps with valid webhook URL are accepted.',
    });
    const { data: application } = await client.callControlApplications.create({ application_name: 'dialer', webhook_event_url: app.url });
    const dialed = await client.calls.dial({ connection_id: application!.id!, from: '+15550001111', to: '+15550002222' });
    expect(dialed.data?.call_control_id).toMatch(/^v3:/);
  });
});

describe('startMock({ phoneNumbers, strictConnections })', () => {
  it('gives the account its numbers at start and again after a reset, assigned as asked', async () => {
    const app = await startReceiver();
    const mock = await startMock({ phoneNumbers: ['+15557000100', { phoneNumber: '+15557000101', connectionId: 'front-desk' }] });
    open.push(mock, app);
    const { default: Telnyx } = await import('telnyx');
    const client = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL, maxRetries: 0 });
    const owned = async () => (await client.phoneNumbers.list()).data.map((n) => [n.phone_number, n.connection_id]).sort();
    expect(await owned()).toEqual([['+15557000100', null], ['+15557000101', 'front-desk']]);

    // The application of that id, made through /_mock/connections, takes the number's callers.
    await fetch(`${mock.url}/_mock/connections/front-desk`, {
      method: 'PUT', headers: { authorization: `Bearer ${mock.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_url: app.url }),
    });
    const call = mock.placeCall({ from: '+15550001234', to: '+15557000101' });
    expect(call.connection_id).toBe('front-desk');
    await app.until(() => app.accepted().length >= 1);
    expect(app.accepted()[0].json.data.payload.call_control_id).toBe(call.call_control_id);

    mock.reset();
    expect(await owned()).toEqual([['+15557000100', null], ['+15557000101', 'front-desk']]);
  });

  it('strict, a caller on a connection no application has is refused (422 10015 at /connection_id)', async () => {
    const mock = await startMock({ strictConnections: true });
    open.push(mock);
    expect(() => mock.placeCall({ from: '+15550001234', to: '+15557000101' }))
      .toThrow(expect.objectContaining({ status: 422, code: '10015', pointer: '/connection_id' }));
  });
});
