/**
 * Where the emulator once departed from the words of Telnyx's OpenAPI spec (team-telnyx/openapi,
 * spec3.yml at 12de4dd) and its sample apps, each pinned with the sentence it follows, in process
 * (moved down from test/sdk/spec-fidelity.test.ts, which keeps the one where the SDK's own
 * parameter shape is the point).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeCall } from '../../src/commands/callers.js';
import { payloadOf, types } from '../webhooks/sent.js';
import { appEnv, type AppEnv } from '../support/app-env.js';

let env: AppEnv;
beforeEach(() => { env = appEnv({}, 'KEY_spec_fidelity'); });
afterEach(() => env.close());

/** An answered inbound call, placed in-process (fast enough for hundreds). */
const caller = (i = 0) => placeCall(env.em.account(env.account), {
  from: `+1555${String(1_000_000 + i).padStart(7, '0')}`, to: '+15559990000', connection_id: 'conn-1', answered: true,
}).callControlId;

const refusal = (code: string, source?: object) => ({ status: 422, error: { errors: [{ code, ...(source ? { source } : {}) }] } });

describe('1. client_state on conferencing webhooks', () => {
  // CreateConferenceRequest.client_state: "The client_state will be updated for the creator call leg
  // and will be used for all webhooks related to the created conference."
  // JoinConferenceRequest.client_state: "the client_state will be updated for the participient call
  // leg and the change will not affect conferencing webhooks unless the participient is the owner
  // of the conference."
  it("carries the conference's state on a non-owner's joined/left, and the join's state on its call webhooks", async () => {
    const host = await env.call();
    const guest = await env.call({ from: '+15550001001' });
    const conf = (await env.api.conferences.create({ call_control_id: host, name: 'room', client_state: 'Y29uZg==' })).data!;
    await env.api.conferences.actions.join(conf.id, { call_control_id: guest, client_state: 'am9pbg==' });
    await env.api.conferences.actions.leave(conf.id, { call_control_id: guest });
    await env.api.calls.actions.hangup(guest, {});
    const all = await env.drain();
    const of = (id: string) => all.filter((d) => d.json.data.payload.call_control_id === id);
    expect(types(of(guest))).toEqual(expect.arrayContaining(['conference.participant.joined', 'conference.participant.left', 'call.hangup']));
    expect(payloadOf(of(guest), 'conference.participant.joined')!.client_state).toBe('Y29uZg==');
    expect(payloadOf(of(guest), 'conference.participant.left')!.client_state).toBe('Y29uZg==');
    expect(payloadOf(of(guest), 'call.hangup')!.client_state).toBe('am9pbg==');
    expect(payloadOf(of(host), 'conference.participant.joined')!.client_state).toBe('Y29uZg==');
  });

  it("takes the owner's state on re-joining as the conference's for every conferencing webhook after it", async () => {
    const host = await env.call();
    const guest = await env.call({ from: '+15550001001' });
    const conf = (await env.api.conferences.create({ call_control_id: host, name: 'owned', client_state: 'b25l' })).data!;
    await env.api.conferences.actions.join(conf.id, { call_control_id: guest });
    await env.api.conferences.actions.leave(conf.id, { call_control_id: host });
    await env.api.conferences.actions.join(conf.id, { call_control_id: host, client_state: 'dHdv' });
    await env.api.conferences.actions.leave(conf.id, { call_control_id: guest });
    const all = await env.drain();
    const states = all.filter((d) => d.json.data.event_type.startsWith('conference.participant.'))
      .map((d) => [d.json.data.event_type, d.json.data.payload.call_control_id === host ? 'host' : 'guest', d.json.data.payload.client_state]);
    expect(states).toEqual([
      ['conference.participant.joined', 'host', 'b25l'], ['conference.participant.joined', 'guest', 'b25l'],
      ['conference.participant.left', 'host', 'b25l'], ['conference.participant.joined', 'host', 'dHdv'],
      ['conference.participant.left', 'guest', 'dHdv'],
    ]);
  });

  it('leaves client_state out of a non-owner\'s conferencing webhooks when the conference was created without one', async () => {
    const host = await env.call();
    const guest = await env.call({ from: '+15550001001' });
    const conf = (await env.api.conferences.create({ call_control_id: host, name: 'plain' })).data!;
    await env.api.conferences.actions.join(conf.id, { call_control_id: guest, client_state: 'am9pbg==' });
    const joined = (await env.drain()).filter((d) => d.json.data.payload.call_control_id === guest);
    expect(payloadOf(joined, 'conference.participant.joined')).not.toHaveProperty('client_state');
  });
});

describe('2. a queue created by enqueue holds 100 calls', () => {
  // EnqueueRequest.max_size: "The maximum number of calls allowed in the queue at a given time.
  // Can't be modified for an existing queue." default: 100. CreateQueueRequest.max_size default: 300.
  it('accepts 100 callers and refuses the 101st with 90036; a queue created directly holds 300', async () => {
    for (let i = 0; i < 100; i++) await env.api.calls.actions.enqueue(caller(i), { queue_name: 'support' });
    expect((await env.api.queues.retrieve('support')).data).toMatchObject({ max_size: 100, current_size: 100 });
    await expect(env.api.calls.actions.enqueue(caller(100), { queue_name: 'support' })).rejects.toMatchObject(refusal('90036'));
    expect((await env.api.queues.create({ queue_name: 'billing' })).data!.max_size).toBe(300);
  });
});

describe('3. max_participants defaults to 250', () => {
  // CreateConferenceRequest.max_participants: "The maximum number of active conference participants
  // to allow. Must be between 2 and 800. Defaults to 250"
  it('admits 250 participants and refuses the 251st with 90032', async () => {
    const conf = (await env.api.conferences.create({ call_control_id: caller(0), name: 'big' })).data!;
    for (let i = 1; i < 250; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, 250 - i) }, (_, j) =>
        env.api.conferences.actions.join(conf.id, { call_control_id: caller(i + j) })));
    }
    await expect(env.api.conferences.actions.join(conf.id, { call_control_id: caller(250) }))
      .rejects.toMatchObject(refusal('90032'));
    const page = await env.api.conferences.listParticipants(conf.id, { 'page[size]': 1 } as never);
    expect((page as unknown as { meta: { total_results: number } }).meta.total_results).toBe(250);
  });
});

describe('4. GET /calls/{id} for an unknown call', () => {
  // RetrieveCallStatus documents only 200 and 422 (UnprocessableEntityResponse).
  it('answers 422 90015 (invalid call_control_id), not 404', async () => {
    await expect(env.api.calls.retrieveStatus('v3:no-such-call')).rejects.toMatchObject(refusal('90015'));
  });
});

describe('5. start_conference_on_create: false holds everyone until it starts', () => {
  // CreateConferenceRequest.start_conference_on_create: "Whether the conference should be started on
  // creation. If the conference isn't started all participants that join are automatically put on hold."
  it('puts the creator and every joiner on hold, and takes them off when a participant starts it', async () => {
    const [host, alice, starter] = [caller(0), caller(1), caller(2)];
    const conf = (await env.api.conferences.create({ call_control_id: host, name: 'later', start_conference_on_create: false })).data!;
    expect(conf.status).toBe('init');
    await env.api.conferences.actions.join(conf.id, { call_control_id: alice });
    const onHold = async () => (await env.api.conferences.listParticipants(conf.id)).data.map((p) => [p.call_control_id, p.on_hold]);
    expect(await onHold()).toEqual([[host, true], [alice, true]]);
    await env.api.conferences.actions.join(conf.id, { call_control_id: starter, start_conference_on_enter: true });
    expect((await env.api.conferences.retrieve(conf.id)).data!.status).toBe('in_progress');
    expect(await onHold()).toEqual([[host, false], [alice, false], [starter, false]]);
  });
});

describe('6. region', () => {
  // CreateConferenceRequest.region: "Defaults to the region defined in user's data locality settings
  // (Europe or US)." Conference.region: "Region where the conference is hosted" (example "sv1").
  // GET /conferences `region`: "Region where the conference data is located", enum Australia|Europe|Middle East|US.
  it('defaults to the US data locality, reported as sv1, and lists by the region query parameter', async () => {
    const us = (await env.api.conferences.create({ call_control_id: caller(0), name: 'us' })).data!;
    expect(us.region).toBe('sv1');
    expect((await env.api.conferences.retrieve(us.id)).data!.region).toBe('sv1');
    const eu = (await env.api.conferences.create({ call_control_id: caller(1), name: 'eu', region: 'Europe' })).data!;
    const names = async (region?: 'US' | 'Europe' | 'Australia') =>
      (await env.api.conferences.list(region ? { region } : {})).data.map((c) => c.name).sort();
    expect(await names()).toEqual(['eu', 'us']);
    expect(await names('US')).toEqual(['us']);
    expect(await names('Europe')).toEqual([eu.name]);
    expect(await names('Australia')).toEqual([]);
  });

  it('refuses a region outside the enum with 422 10032 naming the parameter', async () => {
    await expect(env.api.conferences.list({ region: 'Mars' as never }))
      .rejects.toMatchObject(refusal('10032', { parameter: 'region' }));
  });
});

describe('8. a trailing slash', () => {
  // Telnyx's Conference System Demo (team-telnyx/demo-conference-node, linked from Telnyx's docs)
  // creates conferences with POST /v2/conferences/ and dials with POST /v2/calls/.
  it('serves POST /v2/conferences/ and POST /v2/calls/ as without it', async () => {
    const created = await env.api.post<{ data: { id: string; name: string } }>('/conferences/', {
      body: { call_control_id: caller(0), name: 'demo' },
    });
    expect(created.data.name).toBe('demo');
    expect((await env.api.conferences.retrieve(created.data.id)).data!.name).toBe('demo');
    const dialed = await env.api.post<{ data: { call_control_id: string } }>('/calls/', {
      body: { connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' },
    });
    expect((await env.api.calls.retrieveStatus(dialed.data.call_control_id)).data!.is_alive).toBe(true);
    // The journal and faults see the path without its slash, so what matches one matches both.
    const journal = (await env.mock('GET', '/requests?method=POST')).json.data.map((r: { path: string; status: number }) => [r.path, r.status]);
    expect(journal).toEqual([['/v2/conferences', 200], ['/v2/calls', 200]]);
    expect((await env.mock('POST', '/faults', { method: 'POST', path: '/v2/calls', status: 422, count: 1 })).status).toBeLessThan(300);
    await expect(env.api.post('/calls/', { body: { connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' } }))
      .rejects.toMatchObject({ status: 422 });
  });

  it('still answers 404 for a path that is unknown with or without the slash', async () => {
    await expect(env.api.post('/conference/', { body: {} })).rejects.toMatchObject({ status: 404 });
  });
});

describe('9. bridging a queued call by its id', () => {
  // SDK ActionEnqueueParams: "Places the call into a queue, where it waits until it is removed or
  // bridged to another leg." — call.dequeued reason "bridged", as when bridged with `queue`.
  it('takes it out of its queue with call.dequeued reason bridged', async () => {
    const [waiting, behind] = [await env.call(), await env.call({ from: '+15550001001' })];
    for (const id of [waiting, behind]) await env.api.calls.actions.enqueue(id, { queue_name: 'support' });
    const agent = await env.call({ from: '+15550009999' });
    await env.api.calls.actions.bridge(agent, { call_control_id_to_bridge_with: waiting });
    expect((await env.api.queues.calls.list('support')).data.map((q) => [q.call_control_id, q.queue_position])).toEqual([[behind, 1]]);
    const events = (await env.drain()).filter((d) => d.json.data.payload.call_control_id === waiting);
    expect(types(events)).toEqual(['call.initiated', 'call.answered', 'call.enqueued', 'call.dequeued', 'call.bridged']);
    expect(payloadOf(events, 'call.dequeued')).toMatchObject({ queue: 'support', reason: 'bridged', queue_position: 1 });
  });
});

describe('10. dial from', () => {
  // CallRequest.from: "The `from` number to be used as the caller id presented to the destination
  // (`to` number). The number should be in +E164 format." — should, not must; the SDK types it as
  // a string, and Telnyx's Conference System Demo dials with from: "conf".
  it('accepts an E.164 number, a SIP URI and a name as the caller id; `to` must still be a number or SIP URI', async () => {
    for (const from of ['+15550001111', 'sip:alice@example.com', 'conf']) {
      const dialed = (await env.api.calls.dial({ connection_id: 'conn-1', from, to: '+15550002222' })).data!;
      expect(dialed.call_control_id).toMatch(/^v3:/);
    }
    const initiated = (await env.drain()).filter((d) => d.json.data.event_type === 'call.initiated').map((d) => d.json.data.payload.from);
    expect(initiated).toEqual(['+15550001111', 'sip:alice@example.com', 'conf']);
    await expect(env.api.calls.dial({ connection_id: 'conn-1', from: '', to: '+15550002222' }))
      .rejects.toMatchObject(refusal('10004', { pointer: '/from' }));
    await expect(env.api.calls.dial({ connection_id: 'conn-1', from: 'conf', to: 'conf' }))
      .rejects.toMatchObject(refusal('10016', { pointer: '/to' }));
  });
});
