import { mockControl } from '../../src/lib.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import { doors, enc, type Doors, type LoggedWebhook } from '../support/doors.js';
import { loadSpec, validate } from '../support/openapi.js';
import type { Emulator } from '../../src/server.js';

/**
 * The spec is the source of truth (stripe-mock's habit): every operation in Telnyx's spec subset
 * is either served or listed here as out of scope, and what we serve matches its 200 schema.
 */
const NOT_EMULATED = [
  'ai_assistant_start', 'ai_assistant_stop', 'ai_assistant_join', 'ai_assistant_add_messages', 'streaming_start', 'streaming_stop',
  'fork_start', 'fork_stop', 'siprec_start', 'siprec_stop', 'conversation_relay_start', 'conversation_relay_stop', 'gather_using_ai',
  'refer', 'send_sip_info', 'suppression_start', 'suppression_stop', 'switch_supervisor_role',
];
const OUT_OF_SCOPE: Record<string, string> = Object.fromEntries(NOT_EMULATED.map((name) => [
  `POST /calls/{call_control_id}/actions/${name}`, 'needs real media, AI or a SIP peer: answered 422 "not emulated"',
]));

const spec = loadSpec();
const KEY = 'KEY_contract';
let em: Emulator;
let http: ReturnType<typeof api>;
let d: Doors;
const ids: Record<string, string> = {};

beforeAll(async () => {
  em = inMemory();
  http = api(em);
  d = doors(http, KEY);
  const call = () => answeredCall(em, KEY).callControlId;
  ids.host = call();
  ids.guest = call();
  ids.queued = call();
  ids.agent = call();
  const ringing = () => mockControl(em, KEY).placeCall({ from: '+15550001111', to: '+15550002222', connectionId: 'c' }).call_control_id;
  ids.ringing = ringing();
  ids.rejected = ringing();
  const conf = await http.as(KEY).post('/v2/conferences', { call_control_id: ids.host, name: 'contract' });
  ids.conference = conf.body.data.id;
  await http.as(KEY).post(`/v2/conferences/${ids.conference}/actions/join`, { call_control_id: ids.guest, label: 'guest' });
  await http.as(KEY).post(`/v2/calls/${ids.queued}/actions/enqueue`, { queue_name: 'support' });
  await http.as(KEY).post('/v2/queues', { queue_name: 'empty' });
  // a call kept in its queue after hanging up: the kind DELETE /queues/{name}/calls/{id} removes
  ids.kept = call();
  await http.as(KEY).post(`/v2/calls/${ids.kept}/actions/enqueue`, { queue_name: 'kept', keep_after_hangup: true });
  mockControl(em, KEY).hangup(ids.kept);
  ids.joiner = call();
  ids.recorded = call();
  ids.transferred = call();
  // a call of its own for each call-level media action (their audio and gathers do not mix)
  for (const name of ['speak', 'play', 'playStop', 'dtmf', 'gatherAudio', 'gather', 'gatherSpeak', 'gatherStop',
    'transcribe', 'transcribeStop', 'clientState']) ids[name] = call();
  await http.as(KEY).post(`/v2/calls/${enc(ids.playStop)}/actions/playback_start`, { audio_url: 'https://example.com/hold.mp3', loop: 'infinity' });
  await http.as(KEY).post(`/v2/calls/${enc(ids.gatherStop)}/actions/gather`, {});
  await http.as(KEY).post(`/v2/calls/${enc(ids.transcribeStop)}/actions/transcription_start`, {});
  // provisioning: an application, a number assigned to it with a caller on it, a number to give
  // back, an order, and an application to delete
  const app = async (name: string) => (await http.as(KEY).post('/v2/call_control_applications',
    { application_name: name, webhook_event_url: 'https://app.example.com/hooks' })).body.data.id as string;
  ids.app = await app('contract');
  ids.appToDelete = await app('contract-delete');
  const own = async (e164: string) => (await http.as(KEY).post('/_mock/phone_numbers', { phone_number: e164, connection_id: ids.app })).body.data.id as string;
  ids.number = await own('+15557000001');
  ids.numberToDelete = await own('+15557000002');
  ids.routed = mockControl(em, KEY).placeCall({ from: '+15550001111', to: '+15557000001' }).call_control_id;
  ids.order = (await http.as(KEY).post('/v2/number_orders', { phone_numbers: [{ phone_number: '+15557000003' }] })).body.data.id;
});
afterAll(() => em.dispose());

/** A request that the operation accepts, with the ids made above. */
function example(method: string, path: string): { url: string; body?: object } {
  const application = { application_name: 'contract', webhook_event_url: 'https://app.example.com/hooks' };
  const provisioning: Record<string, { url: string; body?: object }> = {
    'POST /call_control_applications': { url: '/v2/call_control_applications', body: { ...application, application_name: 'created' } },
    'GET /call_control_applications/{id}': { url: `/v2/call_control_applications/${ids.app}` },
    'PATCH /call_control_applications/{id}': { url: `/v2/call_control_applications/${ids.app}`, body: { ...application, active: true, webhook_api_version: '2' } },
    'DELETE /call_control_applications/{id}': { url: `/v2/call_control_applications/${ids.appToDelete}` },
    'GET /phone_numbers/{id}': { url: `/v2/phone_numbers/${ids.number}` },
    'PATCH /phone_numbers/{id}': { url: `/v2/phone_numbers/${ids.number}`, body: { tags: ['support'], customer_reference: 'contract' } },
    'DELETE /phone_numbers/{id}': { url: `/v2/phone_numbers/${ids.numberToDelete}` },
    'GET /phone_numbers/{id}/voice': { url: `/v2/phone_numbers/${ids.number}/voice` },
    'PATCH /phone_numbers/{id}/voice': { url: `/v2/phone_numbers/${ids.number}/voice`, body: { tech_prefix_enabled: true } },
    'POST /number_orders': { url: '/v2/number_orders', body: { phone_numbers: [{ phone_number: '+15557000004' }], connection_id: ids.app } },
    'GET /number_orders/{number_order_id}': { url: `/v2/number_orders/${ids.order}` },
    'PATCH /number_orders/{number_order_id}': { url: `/v2/number_orders/${ids.order}`, body: { customer_reference: 'po-42' } },
    'GET /connections/{id}': { url: `/v2/connections/${ids.app}` },
    'GET /connections/{connection_id}/active_calls': { url: `/v2/connections/${ids.app}/active_calls` },
  };
  if (provisioning[`${method} ${path}`]) return provisioning[`${method} ${path}`];
  if (!path.startsWith('/c') && !path.startsWith('/q')) return { url: `/v2${path}` };
  const callFor: Record<string, string> = {
    '/calls/{call_control_id}/actions/answer': ids.ringing,
    '/calls/{call_control_id}/actions/reject': ids.rejected,
    '/calls/{call_control_id}/actions/bridge': ids.agent,
    '/calls/{call_control_id}/actions/leave_queue': ids.queued,
    '/calls/{call_control_id}/actions/hangup': ids.host,
    '/calls/{call_control_id}/actions/record_start': ids.recorded,
    '/calls/{call_control_id}/actions/record_pause': ids.recorded,
    '/calls/{call_control_id}/actions/record_resume': ids.recorded,
    '/calls/{call_control_id}/actions/record_stop': ids.recorded,
    '/calls/{call_control_id}/actions/transfer': ids.transferred,
    '/calls/{call_control_id}/actions/speak': ids.speak,
    '/calls/{call_control_id}/actions/playback_start': ids.play,
    '/calls/{call_control_id}/actions/playback_stop': ids.playStop,
    '/calls/{call_control_id}/actions/send_dtmf': ids.dtmf,
    '/calls/{call_control_id}/actions/gather_using_audio': ids.gatherAudio,
    '/calls/{call_control_id}/actions/gather': ids.gather,
    '/calls/{call_control_id}/actions/gather_using_speak': ids.gatherSpeak,
    '/calls/{call_control_id}/actions/gather_stop': ids.gatherStop,
    '/calls/{call_control_id}/actions/transcription_start': ids.transcribe,
    '/calls/{call_control_id}/actions/transcription_stop': ids.transcribeStop,
    '/calls/{call_control_id}/actions/client_state_update': ids.clientState,
  };
  const callId = method === 'DELETE' ? ids.kept : callFor[path] ?? (path.startsWith('/queues') ? ids.queued : ids.guest);
  const queueName = method === 'DELETE' ? (path.includes('/calls/') ? 'kept' : 'empty') : 'support';
  const url = '/v2' + path
    .replace('{conference_id}', ids.conference).replace('{id}', ids.conference)
    .replace('{participant_id}', 'guest').replace('{queue_name}', queueName)
    .replace('{call_control_id}', encodeURIComponent(callId));
  const bodies: Record<string, object> = {
    'POST /calls': { connection_id: 'c', from: '+15550001111', to: '+15550002222' },
    'POST /conferences': { call_control_id: answeredCall(em, KEY).callControlId, name: `c-${Math.random()}` },
    'POST /queues': { queue_name: `q-${Math.random()}` },
    'POST /queues/{queue_name}': { max_size: 50 },
    'POST /conferences/{id}/actions/record_start': { format: 'mp3' },
    'POST /conferences/{id}/actions/play': { audio_url: 'https://example.com/a.mp3' },
    'POST /conferences/{id}/actions/speak': { payload: 'hi', voice: 'female' },
    'POST /conferences/{id}/actions/send_dtmf': { digits: '1' },
    'POST /conferences/{id}/actions/update': { call_control_id: ids.guest, supervisor_role: 'monitor' },
    'POST /conferences/{id}/actions/unhold': { call_control_ids: [ids.guest] },
    'POST /conferences/{id}/actions/gather_using_audio': { call_control_id: ids.guest },
    'POST /calls/{call_control_id}/actions/enqueue': { queue_name: 'other' },
    'POST /calls/{call_control_id}/actions/bridge': { call_control_id: ids.host },
    'POST /calls/{call_control_id}/actions/reject': { cause: 'USER_BUSY' },
    'POST /conferences/{id}/actions/join': { call_control_id: ids.joiner },
    'POST /conferences/{id}/actions/leave': { call_control_id: ids.joiner },
    'POST /calls/{call_control_id}/actions/record_start': { format: 'wav', channels: 'single' },
    'POST /calls/{call_control_id}/actions/transfer': { to: '+15550003333' },
    'POST /calls/{call_control_id}/actions/speak': { payload: 'Welcome to the conference line', voice: 'female' },
    'POST /calls/{call_control_id}/actions/playback_start': { audio_url: 'https://example.com/a.mp3' },
    'POST /calls/{call_control_id}/actions/send_dtmf': { digits: '1w2' },
    'POST /calls/{call_control_id}/actions/gather_using_audio': { audio_url: 'https://example.com/menu.mp3' },
    'POST /calls/{call_control_id}/actions/gather_using_speak': { payload: 'Enter your PIN', voice: 'female' },
    'PUT /calls/{call_control_id}/actions/client_state_update': { client_state: 'dXBkYXRlZA==' },
  };
  return { url, body: bodies[`${method} ${path}`] ?? {} };
}

const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.keys(ops).filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m)).map((m) => ({ method: m.toUpperCase(), path })));

/** What the request just made did, read back through GET /v2/... and /_mock/... */
interface Done {
  /** The response body. */
  body: { data?: Record<string, unknown> };
  /** The webhooks the request recorded. */
  sent(): Promise<LoggedWebhook[]>;
}

/** The (event type, call) pairs among recorded webhooks. */
const events = (ws: LoggedWebhook[]) => ws.map((w) => [w.event_type, w.call_control_id]);
const participant = (ref: string) => d.participant(ids.conference, ref);
const joined = async () => (await d.participants(ids.conference)).filter((p) => p.status === 'joined');
const callAction = (id: string, name: string, body: object) => http.as(KEY).post(`/v2/calls/${enc(id)}/actions/${name}`, body);
const conferenceAction = (name: string, body: object) => http.as(KEY).post(`/v2/conferences/${ids.conference}/actions/${name}`, body);
const media = async (id: string) => (await http.as(KEY).get(`/_mock/calls/${enc(id)}/media`)).body.data as unknown[];
const say = async (id: string, text: string) => expect((await http.as(KEY).post(`/_mock/calls/${enc(id)}/say`, { text })).status).toBe(200);
const queueCalls = async (name: string) =>
  ((await http.as(KEY).get(`/v2/queues/${name}/calls`)).body.data as Array<{ call_control_id: string }>).map((c) => c.call_control_id);

/**
 * The effect each state-changing operation must have: an action answering
 * `{"data":{"result":"ok"}}` and doing nothing fails here.
 */
const EFFECTS: Partial<Record<string, (done: Done) => Promise<void>>> = {
  'POST /calls': async ({ body, sent }) => {
    const id = String(body.data!.call_control_id);
    // The far end answers at once unless its number is configured otherwise.
    expect(events(await sent())).toEqual([['call.initiated', id], ['call.answered', id]]);
    expect((await d.farEnd(id)).state).toBe('answered');
  },
  'POST /conferences': async ({ body, sent }) => {
    const id = String(body.data!.id);
    expect((await http.as(KEY).get(`/v2/conferences/${id}`)).body.data.status).toBe('in_progress');
    expect((await sent()).map((w) => w.event_type)).toEqual(['conference.created', 'conference.participant.joined']);
  },
  'POST /queues': async ({ body }) => {
    expect((await http.as(KEY).get(`/v2/queues/${enc(String(body.data!.name))}`)).status).toBe(200);
  },
  'POST /queues/{queue_name}': async () => {
    expect((await http.as(KEY).get('/v2/queues/support')).body.data.max_size).toBe(50);
  },
  'DELETE /queues/{queue_name}': async () => {
    expect((await http.as(KEY).get('/v2/queues/empty')).status).toBe(404);
  },
  'DELETE /queues/{queue_name}/calls/{call_control_id}': async () => {
    expect((await http.as(KEY).get(`/v2/queues/kept/calls/${enc(ids.kept)}`)).status).toBe(404);
    expect(await queueCalls('kept')).toEqual([]);
  },

  // provisioning
  'POST /call_control_applications': async ({ body }) => {
    const created = await http.as(KEY).get(`/v2/call_control_applications/${body.data!.id}`);
    expect(created.body.data).toMatchObject({ application_name: 'created', active: true, webhook_api_version: '1' });
  },
  'PATCH /call_control_applications/{id}': async () => {
    expect((await http.as(KEY).get(`/v2/call_control_applications/${ids.app}`)).body.data.webhook_api_version).toBe('2');
  },
  'DELETE /call_control_applications/{id}': async () => {
    expect((await http.as(KEY).get(`/v2/call_control_applications/${ids.appToDelete}`)).status).toBe(404);
    expect((await http.as(KEY).get(`/v2/connections/${ids.appToDelete}`)).status).toBe(404);
  },
  'PATCH /phone_numbers/{id}': async () => {
    expect((await http.as(KEY).get(`/v2/phone_numbers/${ids.number}`)).body.data).toMatchObject({ tags: ['support'], customer_reference: 'contract' });
  },
  'DELETE /phone_numbers/{id}': async () => {
    expect((await http.as(KEY).get(`/v2/phone_numbers/${ids.numberToDelete}`)).status).toBe(404);
  },
  'PATCH /phone_numbers/{id}/voice': async () => {
    expect((await http.as(KEY).get(`/v2/phone_numbers/${ids.number}/voice`)).body.data.tech_prefix_enabled).toBe(true);
  },
  'POST /number_orders': async ({ body }) => {
    // Orders complete at once: the number is owned, assigned to the order's connection.
    expect(body.data).toMatchObject({ status: 'success', phone_numbers_count: 1 });
    const owned = await http.as(KEY).get('/v2/phone_numbers?filter[phone_number]=15557000004');
    expect(owned.body.data).toMatchObject([{ phone_number: '+15557000004', connection_id: ids.app, status: 'active' }]);
  },
  'PATCH /number_orders/{number_order_id}': async () => {
    expect((await http.as(KEY).get(`/v2/number_orders/${ids.order}`)).body.data.customer_reference).toBe('po-42');
  },

  // call actions
  'POST /calls/{call_control_id}/actions/answer': async ({ sent }) => {
    expect((await d.farEnd(ids.ringing)).state).toBe('answered');
    expect(events(await sent())).toEqual([['call.answered', ids.ringing]]);
  },
  'POST /calls/{call_control_id}/actions/reject': async ({ sent }) => {
    expect(await d.farEnd(ids.rejected)).toMatchObject({ state: 'hangup', is_alive: false, hangup_cause: 'user_busy' });
    expect(events(await sent())).toEqual([['call.hangup', ids.rejected]]);
  },
  'POST /calls/{call_control_id}/actions/bridge': async ({ sent }) => {
    expect((await d.farEnd(ids.agent)).bridged_to).toBe(ids.host);
    expect((await d.farEnd(ids.host)).bridged_to).toBe(ids.agent);
    expect(events(await sent())).toEqual([['call.bridged', ids.agent], ['call.bridged', ids.host]]);
  },
  'POST /calls/{call_control_id}/actions/enqueue': async ({ sent }) => {
    // SDK: "Places the call into a queue, where it waits until it is removed or bridged to another leg."
    expect(await queueCalls('other')).toEqual([ids.guest]);
    const [enqueued] = await sent();
    expect(enqueued).toMatchObject({ event_type: 'call.enqueued', call_control_id: ids.guest });
    expect(enqueued.data.payload).toMatchObject({ queue: 'other', current_position: 1 });
  },
  'POST /calls/{call_control_id}/actions/leave_queue': async ({ sent }) => {
    expect(await queueCalls('support')).not.toContain(ids.queued);
    const [dequeued] = await sent();
    expect(dequeued).toMatchObject({ event_type: 'call.dequeued', call_control_id: ids.queued });
    expect(dequeued.data.payload).toMatchObject({ queue: 'support', reason: 'leave' });
    expect((await d.farEnd(ids.queued)).is_alive).toBe(true);
  },
  'POST /calls/{call_control_id}/actions/record_start': async ({ sent }) => {
    // SDK: "Recording will stop on call hang-up, or can be initiated via the Stop Recording command."
    expect(await sent()).toEqual([]);
    expect((await callAction(ids.recorded, 'record_start', { format: 'wav', channels: 'single' })).status).toBe(422);
  },
  'POST /calls/{call_control_id}/actions/record_pause': async ({ sent }) => {
    // "There are no webhooks associated with this command."
    expect(await sent()).toEqual([]);
    expect((await callAction(ids.recorded, 'record_start', { format: 'wav', channels: 'single' })).status).toBe(422);
  },
  'POST /calls/{call_control_id}/actions/record_resume': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    expect((await callAction(ids.recorded, 'record_start', { format: 'wav', channels: 'single' })).status).toBe(422);
  },
  'POST /calls/{call_control_id}/actions/record_stop': async ({ sent }) => {
    const [saved] = await sent();
    expect(saved).toMatchObject({ event_type: 'call.recording.saved', call_control_id: ids.recorded });
    const urls = saved.data.payload.recording_urls as { wav: string; mp3: null };
    expect(urls).toEqual({ wav: expect.stringMatching(/\/_mock\/recordings\/[0-9a-f-]{36}\.wav$/), mp3: null });
    const file = await http.raw.get(new URL(urls.wav).pathname);
    expect([file.status, file.headers['content-type']]).toEqual([200, 'audio/wav']);
    // Stopped: nothing left to stop.
    expect((await callAction(ids.recorded, 'record_stop', {})).status).toBe(422);
  },
  'POST /calls/{call_control_id}/actions/transfer': async ({ sent }) => {
    // The new leg to +15550003333 (answering at once) is bridged with the call transferred.
    const b = String((await d.farEnd(ids.transferred)).bridged_to);
    expect((await d.farEnd(b)).bridged_to).toBe(ids.transferred);
    expect(events(await sent())).toEqual([
      ['call.initiated', b], ['call.answered', b], ['call.bridged', ids.transferred], ['call.bridged', b],
    ]);
  },
  // call-level media
  'POST /calls/{call_control_id}/actions/speak': async ({ sent }) => {
    expect(events(await sent())).toEqual([['call.speak.started', ids.speak]]);
    expect(await media(ids.speak)).toMatchObject([{ kind: 'speak', text: 'Welcome to the conference line', state: 'playing' }]);
  },
  'POST /calls/{call_control_id}/actions/playback_start': async ({ sent }) => {
    const [started] = await sent();
    expect(started).toMatchObject({ event_type: 'call.playback.started', call_control_id: ids.play });
    expect(started.data.payload).toMatchObject({ media_url: 'https://example.com/a.mp3', overlay: false });
  },
  'POST /calls/{call_control_id}/actions/playback_stop': async ({ sent }) => {
    // stop defaults to `all`: the endless hold music started above ends.
    const [ended] = await sent();
    expect(ended).toMatchObject({ event_type: 'call.playback.ended', call_control_id: ids.playStop });
    expect(ended.data.payload).toMatchObject({ status: 'cancelled', media_url: 'https://example.com/hold.mp3' });
  },
  'POST /calls/{call_control_id}/actions/send_dtmf': async ({ sent }) => {
    // Tones to the far end (w is a pause): no webhook; the far end heard them.
    expect(await sent()).toEqual([]);
    expect((await d.farEnd(ids.dtmf)) as unknown).toMatchObject({ dtmf_received: '12' });
  },
  'POST /calls/{call_control_id}/actions/gather_using_audio': async ({ sent }) => {
    expect(events(await sent())).toEqual([['call.playback.started', ids.gatherAudio]]);
    await d.press(ids.gatherAudio, '1#');
    expect((await d.payloads('call.gather.ended', ids.gatherAudio)).map((p) => [p.digits, p.status])).toEqual([['1', 'valid']]);
  },
  'POST /calls/{call_control_id}/actions/gather': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    await d.press(ids.gather, '42#');
    expect((await d.payloads('call.gather.ended', ids.gather)).map((p) => [p.digits, p.status])).toEqual([['42', 'valid']]);
  },
  'POST /calls/{call_control_id}/actions/gather_using_speak': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    await d.press(ids.gatherSpeak, '7#');
    expect((await d.payloads('call.gather.ended', ids.gatherSpeak)).map((p) => [p.digits, p.status])).toEqual([['7', 'valid']]);
  },
  'POST /calls/{call_control_id}/actions/gather_stop': async ({ sent }) => {
    const [ended] = await sent();
    expect(ended).toMatchObject({ event_type: 'call.gather.ended', call_control_id: ids.gatherStop });
    expect(ended.data.payload).toMatchObject({ digits: '', status: 'cancelled' });
  },
  'POST /calls/{call_control_id}/actions/transcription_start': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    await say(ids.transcribe, 'I would like to join the standup');
    const [t] = await d.payloads('call.transcription', ids.transcribe);
    expect(t).toMatchObject({ transcription_data: { transcript: 'I would like to join the standup', is_final: true } });
  },
  'POST /calls/{call_control_id}/actions/transcription_stop': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    await say(ids.transcribeStop, 'nobody is listening');
    expect(await d.payloads('call.transcription', ids.transcribeStop)).toEqual([]);
  },
  'PUT /calls/{call_control_id}/actions/client_state_update': async () => {
    expect((await http.as(KEY).get(`/v2/calls/${enc(ids.clientState)}`)).body.data.client_state).toBe('dXBkYXRlZA==');
  },
  'POST /calls/{call_control_id}/actions/hangup': async ({ sent }) => {
    expect((await http.as(KEY).get(`/v2/calls/${enc(ids.host)}`)).body.data.is_alive).toBe(false);
    expect((await participant(ids.host)).status).toBe('left');
    expect(events(await sent())).toContainEqual(['call.hangup', ids.host]);
  },

  // conference actions
  'POST /conferences/{id}/actions/join': async ({ sent }) => {
    expect(await participant(ids.joiner)).toMatchObject({ status: 'joined', muted: false, on_hold: false });
    expect((await d.farEnd(ids.joiner)).conference_id).toBe(ids.conference);
    expect(events(await sent())).toEqual([['conference.participant.joined', ids.joiner]]);
  },
  'POST /conferences/{id}/actions/leave': async ({ sent }) => {
    // SDK: "Removes a call leg from a conference and moves it back to parked state."
    expect((await participant(ids.joiner)).status).toBe('left');
    expect(await d.farEnd(ids.joiner)).toMatchObject({ is_alive: true, conference_id: null });
    expect(events(await sent())).toEqual([['conference.participant.left', ids.joiner]]);
  },
  'POST /conferences/{id}/actions/mute': async () => {
    const all = await joined();
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((p) => p.muted)).toEqual(all.map(() => true));
  },
  'POST /conferences/{id}/actions/unmute': async () => {
    const all = await joined();
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((p) => p.muted)).toEqual(all.map(() => false));
  },
  'POST /conferences/{id}/actions/hold': async () => {
    // SDK ActionHoldParams.call_control_ids: "When empty all participants will be placed on hold."
    const all = await joined();
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((p) => p.on_hold)).toEqual(all.map(() => true));
  },
  'POST /conferences/{id}/actions/unhold': async () => {
    // Only the participant named: the creator, held with everyone by hold, stays on hold.
    expect((await participant(ids.guest)).on_hold).toBe(false);
    expect((await participant(ids.host)).on_hold).toBe(true);
  },
  'POST /conferences/{id}/actions/update': async () => {
    expect((await participant(ids.guest)).supervisor_role).toBe('monitor');
  },
  'POST /conferences/{id}/actions/play': async ({ sent }) => {
    const [started] = await sent();
    expect(started).toMatchObject({ event_type: 'conference.playback.started', conference_id: ids.conference });
    expect(started.data.payload).toMatchObject({ media_url: 'https://example.com/a.mp3' });
  },
  'POST /conferences/{id}/actions/speak': async ({ sent }) => {
    expect((await sent()).map((w) => w.event_type)).toEqual(['conference.speak.started']);
  },
  'POST /conferences/{id}/actions/stop': async ({ sent }) => {
    // The playback and the speech started above were still running (media ends only as the clock moves).
    expect((await sent()).map((w) => w.event_type).sort()).toEqual(['conference.playback.ended', 'conference.speak.ended']);
  },
  'POST /conferences/{id}/actions/send_dtmf': async ({ sent }) => {
    // Tones played into the conference are not keys its callers pressed: no call.dtmf.received.
    expect(await sent()).toEqual([]);
  },
  'POST /conferences/{id}/actions/gather_using_audio': async () => {
    // The gather waits for the guest's keys: pressing them completes it.
    expect(await d.payloads('call.gather.ended', ids.guest)).toEqual([]);
    await d.press(ids.guest, '1#');
    expect((await d.payloads('call.gather.ended', ids.guest)).map((p) => [p.digits, p.status])).toEqual([['1', 'valid']]);
  },
  'POST /conferences/{id}/actions/record_start': async ({ sent }) => {
    // SDK: "Start recording the conference. Recording will stop on conference end, or via the Stop
    // Recording command." — conference.recording.saved comes then, not now.
    expect(await sent()).toEqual([]);
    // Recording now: a second start is refused.
    expect((await conferenceAction('record_start', { format: 'mp3' })).status).toBe(422);
  },
  'POST /conferences/{id}/actions/record_pause': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    // Paused is still a recording: it cannot be started again.
    expect((await conferenceAction('record_start', { format: 'mp3' })).status).toBe(422);
  },
  'POST /conferences/{id}/actions/record_resume': async ({ sent }) => {
    expect(await sent()).toEqual([]);
    expect((await conferenceAction('record_start', { format: 'mp3' })).status).toBe(422);
  },
  'POST /conferences/{id}/actions/record_stop': async ({ sent }) => {
    const [saved] = await sent();
    expect(saved).toMatchObject({ event_type: 'conference.recording.saved', conference_id: ids.conference });
    expect(saved.data.payload).toMatchObject({ format: 'mp3', recording_urls: { mp3: expect.stringMatching(/\.mp3$/), wav: null } });
    // Stopped: nothing left to stop.
    expect((await conferenceAction('record_stop', {})).status).toBe(422);
  },
  'POST /conferences/{id}/actions/end': async ({ sent }) => {
    // SDK: "End a conference and terminate all active participants."
    expect((await http.as(KEY).get(`/v2/conferences/${ids.conference}`)).body.data)
      .toMatchObject({ status: 'completed', end_reason: 'ended_via_api' });
    expect(await joined()).toEqual([]);
    expect((await d.farEnd(ids.guest)).is_alive).toBe(false);
    expect((await sent()).map((w) => w.event_type)).toContain('conference.ended');
  },
};

describe("every operation in Telnyx's spec", () => {
  it('is routed or listed as out of scope', async () => {
    // Against unknown ids, on another account: any answer but "no route" shows the operation is served.
    const unrouted: string[] = [];
    const agent = http.as('KEY_routing');
    for (const { method, path } of operations) {
      if (OUT_OF_SCOPE[`${method} ${path}`]) continue;
      const url = '/v2' + path.replace(/\{[a-z_]+\}/g, 'unknown');
      const res = method === 'GET' ? await agent.get(url) : method === 'DELETE' ? await agent.delete(url)
        : method === 'PATCH' ? await agent.patch(url, {}) : method === 'PUT' ? await agent.put(url, {}) : await agent.post(url, {});
      // An operation of Telnyx's spec that no route serves answers "Operation not emulated" (http/not-emulated.ts).
      const error = res.body.errors?.[0];
      if (error?.detail?.startsWith('No route for') || error?.title === 'Operation not emulated') unrouted.push(`${method} ${path}`);
    }
    expect(unrouted).toEqual([]);
    expect(operations.length).toBe(93);
  });

  it('answers every out-of-scope call action 422 naming it as not emulated, not 404', async () => {
    const id = answeredCall(em, KEY).callControlId;
    for (const name of NOT_EMULATED) {
      const res = await http.as(KEY).post(`/v2/calls/${enc(id)}/actions/${name}`, {});
      expect(res.status, name).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ title: 'Command not emulated', detail: expect.stringContaining(`'${name}'`) });
    }
  });

  // Ordered so that state-changing actions come after the reads that need the state.
  const order = (p: string) => {
    if (p.includes('/actions/end') || p.includes('hangup')) return 4;
    if (p.startsWith('DELETE /queues/{queue_name}/calls')) return 3;
    if (p.startsWith('DELETE')) return 4;
    if (p.includes('/actions/leave') || p.includes('record_pause')) return 2;
    if (p.includes('record_resume') || p.includes('record_stop')) return 3;
    return p.includes('/actions/') ? 1 : 0;
  };
  const served = operations.filter((o) => !OUT_OF_SCOPE[`${o.method} ${o.path}`])
    .sort((a, b) => order(`${a.method} ${a.path}`) - order(`${b.method} ${b.path}`));

  it('checks the effect of every action it calls, not only its answer', () => {
    const actions = served.filter((o) => o.path.includes('/actions/')).map((o) => `${o.method} ${o.path}`);
    expect(actions).toHaveLength(39);
    expect(actions.filter((a) => !EFFECTS[a])).toEqual([]);
  });

  for (const { method, path } of served) {
    const effect = EFFECTS[`${method} ${path}`];
    it(`${method} ${path} answers in the shape of its success schema${effect ? ' and takes effect' : ''}`, async () => {
      const op = spec.paths[path][method.toLowerCase()] as { responses: Record<string, { content?: Record<string, { schema: object }> }> };
      const { url, body } = example(method, path);
      const agent = http.as(KEY);
      const seen = (await d.webhooks()).length;
      const res = method === 'GET' ? await agent.get(url) : method === 'DELETE' ? await agent.delete(url)
        : method === 'PATCH' ? await agent.patch(url, body) : method === 'PUT' ? await agent.put(url, body) : await agent.post(url, body);
      const successCode = Object.keys(op.responses).find((c) => c.startsWith('2'))!;
      expect(res.status, JSON.stringify(res.body)).toBe(Number(successCode));
      const schema = op.responses[successCode].content?.['application/json']?.schema;
      if (schema) expect(validate(spec, schema as Record<string, unknown>, res.body)).toEqual([]);
      if (effect) await effect({ body: res.body, sent: async () => (await d.webhooks()).slice(seen) });
    });
  }
});
