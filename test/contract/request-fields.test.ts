import { describe, expect, it } from 'vitest';
import { REQUEST_BODIES } from '../../src/commands/bodies.js';
import { NOT_EMULATED } from '../../src/commands/call-media.js';
import { loadSpec } from '../support/openapi.js';

/**
 * Every request body we parse declares exactly the fields of the spec's requestBody for that
 * operation (stripe-mock's habit: the spec is the source of the vocabulary). Where we differ on
 * purpose, the field is listed below with the reason. A field we do not declare is still accepted
 * (as Telnyx accepts unknown fields) and shows in the request journal's `ignored_fields`.
 */
const spec = loadSpec();
type Node = Record<string, unknown>;

/** Operations we answer "not emulated" without reading a body (see test/contract/spec.test.ts). */
const NOT_EMULATED_OPS = new Set<string>(NOT_EMULATED.map((name) => `POST /calls/{call_control_id}/actions/${name}`));

const because = (reason: string, ...fields: string[]): Record<string, string> => Object.fromEntries(fields.map((f) => [f, reason]));

// Groups of call-leg features the emulator has no media, SIP peer or AI for.
const RECORD_ON_CONNECT = because('recording started with the call is not emulated (record_start is)', 'record', 'record_channels',
  'record_custom_file_name', 'record_format', 'record_max_length', 'record_timeout_secs', 'record_track', 'record_trim');
const STREAMING = because('media streaming needs real audio', 'stream_bidirectional_codec', 'stream_bidirectional_mode',
  'stream_bidirectional_target_legs', 'stream_codec', 'stream_track', 'stream_url');
const LEG_FEATURES = {
  ...because('AI and speech features need real audio', 'assistant', 'conversation_relay_config', 'deepfake_detection',
    'transcription', 'transcription_config', 'sound_modifications', 'send_silence_when_idle'),
  ...because('SIP and codec details need a SIP peer', 'custom_headers', 'sip_headers', 'preferred_codecs'),
  ...because('billing is not emulated', 'billing_group_id'),
  ...because('only webhook_url is used: webhooks are POSTed once to it, per-event URLs and retry policies are not emulated',
    'webhook_retries_policies', 'webhook_urls', 'webhook_urls_method'),
  ...RECORD_ON_CONNECT,
  ...STREAMING,
};
const VOICE_SETTINGS = because('TTS voice tuning: there is no audio to tune', 'voice_settings');

/** Fields of the spec's requestBody that the body does not declare (accepted, ignored), with why. */
const NOT_READ: Record<string, Record<string, string>> = {
  'POST /calls': {
    ...LEG_FEATURES,
    ...because('answering machine detection is emulated on transfer only', 'answering_machine_detection',
      'answering_machine_detection_config'),
    ...because('audio on answer needs real media', 'audio_url', 'media_name'),
    ...because('dialing with an intent to bridge, conference or supervise is not emulated: bridge, join or transfer after answer',
      'bridge_intent', 'bridge_on_answer', 'conference_config', 'link_to', 'prevent_double_bridge', 'supervise_call_control_id',
      'supervisor_role', 'park_after_unbridge'),
    ...because('Dialogflow and streaming need real audio', 'dialogflow_config', 'enable_dialogflow', 'stream_auth_token',
      'stream_bidirectional_sampling_rate', 'stream_establish_before_call_originate'),
    ...because('caller-id presentation and SIP details need a SIP peer', 'from_display_name', 'media_encryption', 'privacy',
      'sip_auth_password', 'sip_auth_username', 'sip_region', 'sip_transport_protocol'),
    ...because('the emulated far end answers as its number is set in /_mock/numbers: no retries, no DTMF heard on answer',
      'retry_on_timeout', 'send_digits_on_answer'),
  },
  'POST /calls/{call_control_id}/actions/answer': LEG_FEATURES,
  'POST /calls/{call_control_id}/actions/bridge': {
    ...RECORD_ON_CONNECT,
    ...because('what happens to a leg after unbridge, its ringtone and DTMF muting are not emulated', 'hold_after_unbridge',
      'park_after_unbridge', 'mute_dtmf', 'ringtone'),
    ...because('video rooms are not emulated', 'video_room_context', 'video_room_id'),
  },
  'POST /calls/{call_control_id}/actions/hangup': because('SIP headers need a SIP peer', 'custom_headers'),
  'POST /calls/{call_control_id}/actions/speak': VOICE_SETTINGS,
  'POST /calls/{call_control_id}/actions/gather_using_speak': VOICE_SETTINGS,
  'POST /conferences/{id}/actions/speak': VOICE_SETTINGS,
  'POST /calls/{call_control_id}/actions/transcription_start': because('engine tuning: transcripts are exactly what `say` was given',
    'transcription_engine_config'),
  'PATCH /phone_numbers/{id}': because('read-only: the id is the path\'s', 'id'),
  'POST /conferences/{id}/actions/gather_using_audio': {
    ...because("a participant's gather plays no prompt in the emulator, so nothing replays on invalid input",
      'invalid_audio_url', 'invalid_media_name'),
    ...because('not echoed: call.gather.ended has no field for it', 'gather_id'),
  },
};

/** Fields the body declares that the spec's requestBody lacks, with why we take them. */
const EXTRA: Record<string, Record<string, string>> = {
  'POST /call_control_applications': because(
    "CallControlApplication has `tags`, UpdateCallControlApplicationRequest sets them and the SDK's create params take them", 'tags'),
  'PATCH /phone_numbers/{id}/voice': because(
    'PhoneNumberWithVoiceSettings shows the connection_id, and apps assign a number where they read it: taken here as on PATCH /phone_numbers/{id}',
    'connection_id'),
  'POST /conferences/{id}/actions/join': because(
    'ConferenceParticipant has a `label`, and GET/PATCH …/participants/{participant_id} find a participant by it, '
    + 'but JoinConferenceRequest has no field to set it: join takes it', 'label'),
  'POST /calls/{call_control_id}/actions/transfer': because(
    "in the telnyx SDK's ActionTransferParams (7.24), newer than the vendored spec: accepted, not acted on", 'diversion', 'route_to_mobile'),
};

const resolve = (s: Node | undefined): Node | undefined => {
  let node = s;
  while (node?.$ref) node = spec.components.schemas[String(node.$ref).split('/').pop()!];
  return node;
};

/** The property names of a schema, through $ref and allOf. */
function propertiesOf(s: Node | undefined, out = new Set<string>()): Set<string> {
  const node = resolve(s);
  if (!node) return out;
  for (const part of (node.allOf as Node[] | undefined) ?? []) propertiesOf(part, out);
  for (const name of Object.keys((node.properties as Node | undefined) ?? {})) out.add(name);
  return out;
}

/** Every operation of the spec with a JSON request body, and its properties. */
const withBodies = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) => {
  const requestBody = resolve((op as Node).requestBody as Node | undefined);
  const schema = ((requestBody?.content as Node | undefined)?.['application/json'] as Node | undefined)?.schema as Node | undefined;
  return schema ? [{ key: `${method.toUpperCase()} ${path}`, properties: propertiesOf(schema) }] : [];
}));

const sorted = (names: Iterable<string>) => [...names].sort();

describe('request bodies against the spec', () => {
  it('finds the operations with a body, and a body parser for each served one', () => {
    expect(withBodies.length).toBe(69);
    const served = withBodies.filter((o) => !NOT_EMULATED_OPS.has(o.key)).map((o) => o.key);
    expect(sorted(served)).toEqual(sorted(Object.keys(REQUEST_BODIES)));
  });

  for (const { key, properties } of withBodies.filter((o) => !NOT_EMULATED_OPS.has(o.key))) {
    it(`${key} declares the spec's fields, save those listed with a reason`, () => {
      const notRead = Object.keys(NOT_READ[key] ?? {});
      const extra = Object.keys(EXTRA[key] ?? {});
      // The lists stay true: each field not read is the spec's, each extra is not.
      expect(notRead.filter((f) => !properties.has(f)), 'listed as not read, but not in the spec').toEqual([]);
      expect(extra.filter((f) => properties.has(f)), 'listed as extra, but in the spec').toEqual([]);
      const expected = [...[...properties].filter((f) => !notRead.includes(f)), ...extra];
      expect(sorted(REQUEST_BODIES[key].fields)).toEqual(sorted(expected));
    });
  }

  it('lists differences only for operations it checks', () => {
    const checked = new Set(Object.keys(REQUEST_BODIES));
    expect([...Object.keys(NOT_READ), ...Object.keys(EXTRA)].filter((k) => !checked.has(k))).toEqual([]);
  });
});
