import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { loadSpec, validate } from '../support/openapi.js';
import { doors, enc, type Doors } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

/**
 * Every field of every request body in Telnyx's spec, sent with a value of the wrong type beside
 * valid values for everything the operation requires, so the wrong field is the only thing to
 * refuse: the answer is a Telnyx-shaped 4xx whose `source.pointer` names that field. Odd values
 * of the right type (null, '', very long or broken Unicode text) may be accepted or refused, but
 * never with a 5xx.
 */
const spec = loadSpec();
const KEY = 'KEY_hostile';

type Schema = Record<string, unknown>;
type Body = Record<string, unknown>;
type Op = { requestBody?: { content?: Record<string, { schema?: Schema }> } };

/** Candidate values; for each field, those its spec schema says are the wrong type are sent. */
const CANDIDATES: unknown[] = [0, -1, 3.5, 1e308, true, false, 'x', '1', [], ['x'], [1, 'a'], [null], {}, { $ref: 'x' }];
/** Sent to every field: never a 5xx, whatever the field. */
const ODD: unknown[] = [null, '', 'x'.repeat(5000), '\u0000\ud800', -1, 1e308];

/**
 * Fields of call-control features the emulator does not emulate (recording, streaming,
 * transcription, AI assistants, SIP details, codecs…): it does not read them, so any value is
 * accepted. A value of the wrong type in one must still never cause a 5xx.
 */
const RECORDING = ['record', 'record_channels', 'record_custom_file_name', 'record_format', 'record_max_length',
  'record_timeout_secs', 'record_track', 'record_trim'];
const STREAMING = ['stream_bidirectional_codec', 'stream_bidirectional_mode', 'stream_bidirectional_target_legs', 'stream_codec',
  'stream_track', 'stream_url'];
const LEG_FEATURES = ['assistant', 'billing_group_id', 'conversation_relay_config', 'custom_headers', 'deepfake_detection',
  'preferred_codecs', 'send_silence_when_idle', 'sip_headers', 'sound_modifications', 'transcription', 'transcription_config',
  'webhook_retries_policies', 'webhook_urls', 'webhook_urls_method', ...RECORDING, ...STREAMING];
const NOT_EMULATED: Record<string, string[]> = {
  'POST /calls': [...LEG_FEATURES, 'answering_machine_detection', 'answering_machine_detection_config', 'audio_url',
    'bridge_intent', 'bridge_on_answer', 'conference_config', 'dialogflow_config', 'enable_dialogflow', 'from_display_name',
    'link_to', 'media_encryption', 'media_name', 'park_after_unbridge', 'prevent_double_bridge', 'privacy', 'retry_on_timeout',
    'send_digits_on_answer', 'sip_auth_password', 'sip_auth_username', 'sip_region', 'sip_transport_protocol',
    'stream_auth_token', 'stream_bidirectional_sampling_rate', 'stream_establish_before_call_originate',
    'supervise_call_control_id', 'supervisor_role'],
  'POST /calls/{call_control_id}/actions/answer': LEG_FEATURES,
  // TTS voice tuning and speech-recognition engine settings: no audio, nothing to tune.
  'POST /calls/{call_control_id}/actions/speak': ['voice_settings'],
  'POST /calls/{call_control_id}/actions/gather_using_speak': ['voice_settings'],
  'POST /calls/{call_control_id}/actions/transcription_start': ['transcription_engine_config'],
  'POST /calls/{call_control_id}/actions/bridge': [...RECORDING, 'hold_after_unbridge', 'mute_dtmf', 'park_after_unbridge',
    'ringtone', 'video_room_context', 'video_room_id'],
  'POST /calls/{call_control_id}/actions/hangup': ['custom_headers'],
  // Post-recording transcription is not emulated (no audio to transcribe): its language is not read.
  'POST /calls/{call_control_id}/actions/record_start': ['transcription_language'],
  'POST /conferences/{id}/actions/gather_using_audio': ['gather_id', 'invalid_audio_url', 'invalid_media_name'],
  'POST /conferences/{id}/actions/speak': ['voice_settings'],
  // Read-only in UpdatePhoneNumberRequest: the number is the one in the path.
  'PATCH /phone_numbers/{id}': ['id'],
};

const unchecked = (key: string, field: string) => NOT_EMULATED[key]?.includes(field) ?? false;

/** What an unchecked field is sent: a few of each kind, enough to show nothing breaks. */
const UNCHECKED_SAMPLE: unknown[] = [0, [1, 'a'], {}, '\u0000\ud800'];

const resolve = (s: Schema | undefined): Schema | undefined =>
  s?.$ref ? spec.components.schemas[String(s.$ref).split('/').pop()!] : s;

function fieldsOf(op: Op): Array<[string, Schema]> {
  const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
  return Object.entries((schema?.properties as Record<string, Schema> | undefined) ?? {}).map(([k, v]) => [k, resolve(v)!]);
}

/** The candidates that the field's own schema refuses (null and '' aside: they read as absent). */
const wrongFor = (schema: Schema) => CANDIDATES.filter((v) => validate(spec, schema, v).length > 0);

let em: Emulator;
let http: ReturnType<typeof api>;
let d: Doors;
let unique = 0;

beforeAll(() => {
  em = inMemory();
  http = api(em);
  d = doors(http, KEY);
});
afterAll(() => em.dispose());

const callAction = (id: string, action: string) => `/v2/calls/${enc(id)}/actions/${action}`;

/** A running conference with its creator and a guest (label 'guest'). */
async function room() {
  const { id, host } = await d.conference({ name: `hostile-${unique++}` });
  const guest = await d.call();
  await d.join(id, guest, { label: 'guest' });
  return { id, host, guest, action: (name: string) => `/v2/conferences/${id}/actions/${name}` };
}

/** An answered call being recorded. */
async function recordingCall() {
  const id = await d.call();
  expect((await http.as(KEY).post(callAction(id, 'record_start'), { format: 'mp3', channels: 'single' })).status).toBe(200);
  return id;
}

async function recordingRoom() {
  const r = await room();
  const res = await http.as(KEY).post(r.action('record_start'), { format: 'mp3' });
  expect(res.status).toBe(200);
  return r;
}

/**
 * For each operation, a fresh request it accepts: every required field valid, the state it needs
 * in place. Made again after any request that was accepted (which may have used the state up).
 */
const VALID: Record<string, () => Promise<{ url: string; body: Body }>> = {
  'POST /calls': async () => ({ url: '/v2/calls', body: { connection_id: 'conn-1', from: '+15550001111', to: '+15550002222' } }),
  'POST /calls/{call_control_id}/actions/answer': async () => ({ url: callAction(await d.call({ answered: false }), 'answer'), body: {} }),
  'POST /calls/{call_control_id}/actions/reject': async () =>
    ({ url: callAction(await d.call({ answered: false }), 'reject'), body: { cause: 'USER_BUSY' } }),
  'POST /calls/{call_control_id}/actions/hangup': async () => ({ url: callAction(await d.call(), 'hangup'), body: {} }),
  'POST /calls/{call_control_id}/actions/bridge': async () =>
    ({ url: callAction(await d.call(), 'bridge'), body: { call_control_id: await d.call() } }),
  'POST /calls/{call_control_id}/actions/enqueue': async () =>
    ({ url: callAction(await d.call(), 'enqueue'), body: { queue_name: 'support' } }),
  'POST /calls/{call_control_id}/actions/leave_queue': async () => {
    const id = await d.call();
    await d.enqueue(id, 'support');
    return { url: callAction(id, 'leave_queue'), body: {} };
  },
  // call-level media
  'POST /calls/{call_control_id}/actions/speak': async () => ({ url: callAction(await d.call(), 'speak'), body: { payload: 'hi', voice: 'female' } }),
  'POST /calls/{call_control_id}/actions/playback_start': async () =>
    ({ url: callAction(await d.call(), 'playback_start'), body: { audio_url: 'https://example.com/a.mp3' } }),
  'POST /calls/{call_control_id}/actions/playback_stop': async () => ({ url: callAction(await d.call(), 'playback_stop'), body: {} }),
  'POST /calls/{call_control_id}/actions/send_dtmf': async () => ({ url: callAction(await d.call(), 'send_dtmf'), body: { digits: '1' } }),
  'POST /calls/{call_control_id}/actions/gather': async () => ({ url: callAction(await d.call(), 'gather'), body: {} }),
  'POST /calls/{call_control_id}/actions/gather_using_speak': async () =>
    ({ url: callAction(await d.call(), 'gather_using_speak'), body: { payload: 'hi', voice: 'female' } }),
  'POST /calls/{call_control_id}/actions/gather_using_audio': async () =>
    ({ url: callAction(await d.call(), 'gather_using_audio'), body: { audio_url: 'https://example.com/a.mp3' } }),
  'POST /calls/{call_control_id}/actions/gather_stop': async () => ({ url: callAction(await d.call(), 'gather_stop'), body: {} }),
  'POST /calls/{call_control_id}/actions/transcription_start': async () =>
    ({ url: callAction(await d.call(), 'transcription_start'), body: {} }),
  'POST /calls/{call_control_id}/actions/transcription_stop': async () =>
    ({ url: callAction(await d.call(), 'transcription_stop'), body: {} }),
  // transfer and call recordings
  'POST /calls/{call_control_id}/actions/transfer': async () => ({ url: callAction(await d.call(), 'transfer'), body: { to: '+15550003333' } }),
  'POST /calls/{call_control_id}/actions/record_start': async () =>
    ({ url: callAction(await d.call(), 'record_start'), body: { format: 'wav', channels: 'single' } }),
  'POST /calls/{call_control_id}/actions/record_stop': async () => ({ url: callAction(await recordingCall(), 'record_stop'), body: {} }),
  'POST /calls/{call_control_id}/actions/record_pause': async () => ({ url: callAction(await recordingCall(), 'record_pause'), body: {} }),
  'POST /calls/{call_control_id}/actions/record_resume': async () => ({ url: callAction(await recordingCall(), 'record_resume'), body: {} }),
  'POST /conferences': async () => ({ url: '/v2/conferences', body: { call_control_id: await d.call(), name: `hostile-${unique++}` } }),
  'POST /conferences/{id}/actions/end': async () => ({ url: (await room()).action('end'), body: {} }),
  'POST /conferences/{id}/actions/gather_using_audio': async () => {
    const r = await room();
    return { url: r.action('gather_using_audio'), body: { call_control_id: r.guest } };
  },
  'POST /conferences/{id}/actions/hold': async () => ({ url: (await room()).action('hold'), body: {} }),
  'POST /conferences/{id}/actions/unhold': async () => {
    const r = await room();
    return { url: r.action('unhold'), body: { call_control_ids: [r.guest] } };
  },
  'POST /conferences/{id}/actions/mute': async () => ({ url: (await room()).action('mute'), body: {} }),
  'POST /conferences/{id}/actions/unmute': async () => ({ url: (await room()).action('unmute'), body: {} }),
  'POST /conferences/{id}/actions/join': async () => ({ url: (await room()).action('join'), body: { call_control_id: await d.call() } }),
  'POST /conferences/{id}/actions/leave': async () => {
    const r = await room();
    return { url: r.action('leave'), body: { call_control_id: r.guest } };
  },
  'POST /conferences/{id}/actions/update': async () => {
    const r = await room();
    return { url: r.action('update'), body: { call_control_id: r.guest, supervisor_role: 'monitor' } };
  },
  'POST /conferences/{id}/actions/play': async () =>
    ({ url: (await room()).action('play'), body: { audio_url: 'https://example.com/a.mp3' } }),
  'POST /conferences/{id}/actions/speak': async () => ({ url: (await room()).action('speak'), body: { payload: 'hi', voice: 'female' } }),
  'POST /conferences/{id}/actions/stop': async () => ({ url: (await room()).action('stop'), body: {} }),
  'POST /conferences/{id}/actions/send_dtmf': async () => ({ url: (await room()).action('send_dtmf'), body: { digits: '1' } }),
  'POST /conferences/{id}/actions/record_start': async () => ({ url: (await room()).action('record_start'), body: { format: 'mp3' } }),
  'POST /conferences/{id}/actions/record_pause': async () => ({ url: (await recordingRoom()).action('record_pause'), body: {} }),
  'POST /conferences/{id}/actions/record_resume': async () => ({ url: (await recordingRoom()).action('record_resume'), body: {} }),
  'POST /conferences/{id}/actions/record_stop': async () => ({ url: (await recordingRoom()).action('record_stop'), body: {} }),
  'PATCH /conferences/{id}/participants/{participant_id}': async () => {
    const r = await room();
    return { url: `/v2/conferences/${r.id}/participants/${enc(r.guest)}`, body: {} };
  },
  'POST /queues': async () => ({ url: '/v2/queues', body: { queue_name: `hostile-${unique++}` } }),
  'POST /queues/{queue_name}': async () => {
    const name = `hostile-${unique++}`;
    expect((await http.as(KEY).post('/v2/queues', { queue_name: name })).status).toBe(200);
    return { url: `/v2/queues/${name}`, body: { max_size: 10 } };
  },
  'PATCH /queues/{queue_name}/calls/{call_control_id}': async () => {
    const name = `hostile-${unique++}`;
    const id = await d.call();
    await d.enqueue(id, name);
    return { url: `/v2/queues/${name}/calls/${enc(id)}`, body: {} };
  },
};

/** A number the account owns now, for the phone number operations. */
async function ownedNumber(): Promise<string> {
  const res = await http.as(KEY).post('/_mock/phone_numbers', { phone_number: `+1555700${String(unique++).padStart(4, '0')}` });
  expect(res.status).toBe(201);
  return res.body.data.id;
}
const application = { application_name: 'hostile', webhook_event_url: 'https://app.example.com/hooks' };
Object.assign(VALID, {
  'POST /call_control_applications': async () => ({ url: '/v2/call_control_applications', body: { ...application } }),
  'PATCH /call_control_applications/{id}': async () => {
    const res = await http.as(KEY).post('/v2/call_control_applications', application);
    return { url: `/v2/call_control_applications/${res.body.data.id}`, body: { ...application } };
  },
  'PATCH /phone_numbers/{id}': async () => ({ url: `/v2/phone_numbers/${await ownedNumber()}`, body: {} }),
  'PATCH /phone_numbers/{id}/voice': async () => ({ url: `/v2/phone_numbers/${await ownedNumber()}/voice`, body: {} }),
  'POST /number_orders': async () =>
    ({ url: '/v2/number_orders', body: { phone_numbers: [{ phone_number: `+1555800${String(unique++).padStart(4, '0')}` }] } }),
  'PATCH /number_orders/{number_order_id}': async () => {
    const res = await http.as(KEY).post('/v2/number_orders', { phone_numbers: [{ phone_number: `+1555900${String(unique++).padStart(4, '0')}` }] });
    return { url: `/v2/number_orders/${res.body.data.id}`, body: {} };
  },
} satisfies typeof VALID);

/** Commands needing real media or AI (see test/contract/spec.test.ts): answered 422 "not emulated" whatever the body. */
const OUT_OF_SCOPE = new Set(['ai_assistant_start', 'ai_assistant_stop', 'ai_assistant_join', 'ai_assistant_add_messages',
  'streaming_start', 'streaming_stop', 'fork_start', 'fork_stop', 'siprec_start', 'siprec_stop', 'conversation_relay_start',
  'conversation_relay_stop', 'gather_using_ai', 'refer', 'send_sip_info', 'suppression_start', 'suppression_stop',
  'switch_supervisor_role'].map((name) => `POST /calls/{call_control_id}/actions/${name}`));

const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops)
  .filter(([method]) => method === 'post' || method === 'patch')
  .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, fields: fieldsOf(op as Op) })))
  .filter((o) => o.fields.length > 0 && !OUT_OF_SCOPE.has(o.key));

const send = (method: string, url: string, body: Body) =>
  method === 'post' ? http.as(KEY).post(url, body) : http.as(KEY).patch(url, body);

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 24);

describe('hostile request bodies', () => {
  it('cover every request field of the served operations in the spec', () => {
    expect(operations.map((o) => o.key).filter((k) => !VALID[k])).toEqual([]);
    const all = operations.flatMap((o) => o.fields.map(([field]) => `${o.key} ${field}`));
    expect(all).toHaveLength(430);
    // 324 of them are checked for the field's pointer (the rest are listed above, with reasons).
    expect(operations.flatMap((o) => o.fields.filter(([field]) => !unchecked(o.key, field)))).toHaveLength(324);
    for (const [key, fields] of Object.entries(NOT_EMULATED)) {
      const op = operations.find((o) => o.key === key);
      expect(op, key).toBeDefined();
      expect(fields.filter((f) => !op!.fields.some(([name]) => name === f)), key).toEqual([]);
    }
  });

  for (const { key, method, fields } of operations) {
    it(`${key} refuses a wrong-typed value in any field with a 4xx naming that field`, async () => {
      let valid = await VALID[key]();
      const base = await send(method, valid.url, valid.body);
      expect(base.status, `the valid request: ${JSON.stringify(base.body)}`).toBeLessThan(300);
      valid = await VALID[key]();

      const problems: string[] = [];
      for (const [field, schema] of fields) {
        const lenient = unchecked(key, field);
        const wrong = wrongFor(schema);
        for (const value of lenient ? UNCHECKED_SAMPLE : [...wrong, ...ODD]) {
          const res = await send(method, valid.url, { ...valid.body, [field]: value });
          const error = (res.body as { errors?: Array<{ code?: unknown; source?: { pointer?: string } }> })?.errors?.[0];
          const what = `${field}=${show(value)} → ${res.status} ${error ? JSON.stringify(error.source ?? {}) : ''}`;
          if (res.status >= 500) problems.push(what);
          else if (res.status >= 400 && typeof error?.code !== 'string') problems.push(`${what} (not Telnyx-shaped)`);
          else if (!lenient && wrong.includes(value) && (res.status < 400 || error?.source?.pointer !== `/${field}`)) problems.push(what);
          // An accepted request may have used up the state it needed (a call answered, a queue name taken…).
          if (res.status < 300) valid = await VALID[key]();
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('still serves after all of it', async () => {
    expect((await http.as(KEY).get('/v2/conferences')).status).toBe(200);
  });
});

describe('inputs reported to have caused a 500', () => {
  it('refuses a join whose label is an object with 422 naming /label', async () => {
    const r = await room();
    const res = await http.as(KEY).post(r.action('join'), { call_control_id: await d.call(), label: {} });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/label' } });
  });

  it('refuses an enqueue whose max_wait_time_secs is "abc" with 422 naming /max_wait_time_secs', async () => {
    const res = await http.as(KEY).post(callAction(await d.call(), 'enqueue'), { queue_name: 'support', max_wait_time_secs: 'abc' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: '10015', source: { pointer: '/max_wait_time_secs' } });
  });
});
