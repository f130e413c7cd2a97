/**
 * Outbound voice profiles, credential connections and telephony credentials (issue 16): one
 * command per operation; rules in domain/credentials.ts. Bodies follow the spec's request
 * schemas (CreateOutboundVoiceProfileRequest, CreateCredentialConnectionRequest,
 * TelephonyCredentialCreateRequest and their updates); the fields the spec gives a `default` get
 * it on create, and an update changes only the fields it names (nested objects field by field).
 */
import * as rules from '../domain/credentials.js';
import type {
  ConnectionSort, CredentialConnection, OutboundVoiceProfile, ProfileSort, TelephonyCredential,
} from '../domain/credentials.js';
import type { Page, Paged } from '../model/entities.js';
import { TelnyxError, errors } from '../model/errors.js';
import type { Account } from './account.js';
import type { Ctx } from '../domain/context.js';
import {
  E164, body, bool, custom, int, oneOf, pattern, string, strings, url, type Field, type Schema,
} from './schema.js';

// field readers these bodies need beyond schema.ts's

/** `null` as sent (the spec's `type: [..., "null"]` fields: null clears them), else `read`. */
const nullable = <T>(read: Field<T | undefined>): Field<T | null | undefined> => (b, name) => (b[name] === null ? null : read(b, name));

/** A JSON number (max_destination_rate: a price per minute). */
const decimal = (min: number, max: number): Field<number | undefined> => (b, name) => {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw errors.invalid(name, `The '${name}' parameter must be a number.`);
  if (v < min || v > max) throw errors.outOfRange(name, min, max);
  return v;
};

/** A list of at most `count` strings of at most `length` characters each (tags, codecs): a stored row stays small. */
const shortStrings = (count: number, length: number): Field<string[] | undefined> => {
  const list = strings({ max: count });
  return (b, name) => {
    const v = list(b, name);
    if (v?.some((t) => t.length > length)) throw errors.invalid(name, `Each of '${name}' is at most ${length} characters.`);
    return v;
  };
};
const tags = () => shortStrings(100, 255);

/** The fields given, without those left out (undefined): what a create fills defaults under and an update changes. */
const given = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));

/**
 * A nested object (`inbound`, `outbound`, `call_recording` …) read by its own body; a problem in it
 * points into it (`/inbound/dnis_number_format`, as the spec's 422 example does).
 */
function nested(schema: Schema<Record<string, unknown>>): Field<Record<string, unknown> | undefined> {
  return (b, name) => {
    const v = b[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(name, `The '${name}' parameter must be an object.`);
    try {
      return given(schema.parse(v));
    } catch (err) {
      if (err instanceof TelnyxError && err.pointer?.startsWith('/')) {
        throw new TelnyxError(err.status, err.code, err.title, err.detail, `/${name}${err.pointer}`);
      }
      throw err;
    }
  };
}

// outbound voice profiles

/** OutboundCallRecording: "call_recording_channels default single", "call_recording_format default wav". */
const CallRecording = body({
  call_recording_caller_phone_numbers: custom((v, name, b) => {
    const list = strings({ max: 100 })(b, name);
    if (list?.some((n) => !E164.test(n))) throw errors.notE164(name);
    return list;
  }),
  call_recording_channels: oneOf(['single', 'dual'] as const),
  call_recording_format: oneOf(['wav', 'mp3'] as const),
  call_recording_type: oneOf(['all', 'none', 'by_caller_phone_number'] as const),
});
const CallingWindow = body({
  calls_per_cld: int(0, 1_000_000),
  start_time: string({ max: 32 }),
  end_time: string({ max: 32 }),
});

const profileFields = {
  name: pattern(/^.{3,}$/s, "The 'name' parameter must be at least 3 characters long.", { required: true, max: 255 }),
  enabled: bool(),
  // "format: uuid"
  billing_group_id: nullable(pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "The 'billing_group_id' parameter must be a UUID.", { max: 36 })),
  call_recording: nested(CallRecording),
  calling_window: nested(CallingWindow),
  concurrent_call_limit: nullable(int(0, 1_000_000)),
  daily_spend_limit: pattern(/^\d+(\.\d+)?$/, "The 'daily_spend_limit' parameter must be an amount in USD, such as \"100.00\".", { max: 32 }),
  daily_spend_limit_enabled: bool(),
  max_destination_rate: decimal(0, 1_000_000),
  service_plan: oneOf(['global'] as const),
  tags: tags(),
  traffic_type: oneOf(['conversational'] as const),
  usage_payment_method: oneOf(['rate-deck'] as const),
  whitelisted_destinations: custom((v, name, b) => {
    const list = strings({ max: 300 })(b, name);
    if (list?.some((d) => !/^[A-Z]{2}$/.test(d))) throw errors.invalid(name, `The '${name}' parameter must list alpha2 country codes, such as "US".`);
    return list;
  }),
};
/** CreateOutboundVoiceProfileRequest: `name` required (minLength 3). */
export const CreateOutboundVoiceProfile = body(profileFields);
/** UpdateOutboundVoiceProfileRequest: `name` is required here too (spec and SDK: `name: string`). */
export const UpdateOutboundVoiceProfile = body(profileFields);

/** The spec's defaults for a profile ("enabled default true", "whitelisted_destinations default [US, CA]" …). */
const PROFILE_DEFAULTS = {
  billing_group_id: null,
  call_recording: { call_recording_caller_phone_numbers: [], call_recording_channels: 'single', call_recording_format: 'wav', call_recording_type: 'none' },
  concurrent_call_limit: null,
  daily_spend_limit_enabled: false,
  service_plan: 'global',
  tags: [],
  traffic_type: 'conversational',
  usage_payment_method: 'rate-deck',
  whitelisted_destinations: ['US', 'CA'],
};

export interface ProfileView { profile: OutboundVoiceProfile; connectionsCount: number }

const profileView = (ctx: Ctx, p: OutboundVoiceProfile): ProfileView =>
  ({ profile: p, connectionsCount: ctx.store.credentials.profileConnections(p.id) });

const splitProfile = (b: Record<string, unknown>) => {
  const { name, enabled, ...settings } = given(b);
  return { name: name as string, enabled: enabled as boolean | undefined, settings };
};

export function createOutboundVoiceProfile(a: Account, input: unknown): ProfileView {
  const { name, enabled, settings } = splitProfile(CreateOutboundVoiceProfile.parse(input));
  return a.write((ctx) => profileView(ctx, rules.createProfile(ctx,
    { name, enabled: enabled ?? true, settings: rules.mergeSettings(PROFILE_DEFAULTS, settings) })));
}

export function getOutboundVoiceProfile(a: Account, id: string): ProfileView {
  return a.read((ctx) => profileView(ctx, rules.requireProfile(ctx, id)));
}

export function updateOutboundVoiceProfile(a: Account, id: string, input: unknown): ProfileView {
  const { name, enabled, settings } = splitProfile(UpdateOutboundVoiceProfile.parse(input));
  return a.write((ctx) => profileView(ctx, rules.updateProfile(ctx, rules.requireProfile(ctx, id), { name, enabled, settings })));
}

/** DeleteOutboundVoiceProfile answers the profile as it was. */
export function deleteOutboundVoiceProfile(a: Account, id: string): ProfileView {
  return a.write((ctx) => {
    const store = ctx.store.credentials;
    const view = profileView(ctx, rules.requireProfile(ctx, id));
    store.deleteProfile(id);
    return view;
  });
}

/** Sorts a list takes: "add the `-` prefix" for descending. */
export function readSort<K extends string>(raw: string | undefined, keys: readonly K[], fallback: rules.Sort<K>): rules.Sort<K> {
  if (raw === undefined || raw === '') return fallback;
  const descending = raw.startsWith('-');
  const by = (descending ? raw.slice(1) : raw) as K;
  if (!keys.includes(by)) throw errors.paramBadEnum('sort', keys.flatMap((k) => [k, `-${k}`]));
  return { by, descending };
}

const PROFILE_SORTS = ['enabled', 'created_at', 'name', 'service_plan', 'traffic_type', 'usage_payment_method'] as const;

export function listOutboundVoiceProfiles(a: Account, q: { nameContains?: string; sort?: string }, page: Page): Paged<ProfileView> {
  // SortOutboundVoiceProfile: "default -created_at". service_plan, traffic_type and
  // usage_payment_method have one value each, so ordering by them keeps creation order.
  const s = readSort(q.sort, PROFILE_SORTS, { by: 'created_at', descending: true });
  const sort: ProfileSort = { by: s.by === 'name' || s.by === 'enabled' ? s.by : 'created_at', descending: s.descending };
  const nameContains = q.nameContains === undefined ? undefined : boundedFilter('filter[name][contains]', q.nameContains);
  return a.read((ctx) => {
    const { rows, total } = ctx.store.credentials.listProfiles({ nameContains }, sort, page);
    return { rows: rows.map((p) => profileView(ctx, p)), total };
  });
}

const boundedFilter = (name: string, v: string) => {
  if (v.length > 255) throw errors.paramInvalid(name, `The '${name}' filter is at most 255 characters.`);
  return v;
};

// credential connections

const CredentialInbound = body({
  ani_number_format: oneOf(['+E.164', 'E.164', '+E.164-national', 'E.164-national'] as const),
  // "default null" but `type: integer`: not given is left out, never null.
  channel_limit: int(0, 1_000_000),
  codecs: shortStrings(20, 32),
  default_routing_method: oneOf(['sequential', 'round-robin'] as const),
  dnis_number_format: oneOf(['+e164', 'e164', 'national', 'sip_username'] as const),
  generate_ringback_tone: bool(),
  isup_headers_enabled: bool(),
  prack_enabled: bool(),
  shaken_stir_enabled: bool(),
  simultaneous_ringing: oneOf(['disabled', 'enabled'] as const),
  sip_compact_headers_enabled: bool(),
  timeout_1xx_secs: int(1, 120),
  timeout_2xx_secs: int(1, 600),
});
const CredentialOutbound = body({
  ani_override: string({ max: 64 }),
  ani_override_type: oneOf(['always', 'normal', 'emergency'] as const),
  call_parking_enabled: nullable(bool()),
  // "default null" but `type: integer`: not given is left out, never null.
  channel_limit: int(0, 1_000_000),
  generate_ringback_tone: bool(),
  instant_ringback_enabled: bool(),
  localization: string({ max: 8 }),
  outbound_voice_profile_id: string({ max: 64 }),
  t38_reinvite_source: oneOf(['telnyx', 'customer', 'disabled', 'passthru', 'caller-passthru', 'callee-passthru'] as const),
});
const JitterBuffer = body({ enable_jitter_buffer: bool(), jitterbuffer_msec_max: int(40, 400), jitterbuffer_msec_min: int(40, 400) });
const NoiseSuppressionDetails = body({
  attenuation_limit: custom((v, name, b) => {
    const n = int(0, 100)(b, name);
    if (n !== undefined && n % 10 !== 0) throw errors.invalid(name, `The '${name}' parameter must be a multiple of 10.`);
    return n;
  }),
  engine: oneOf(['denoiser', 'deep_filter_net', 'deep_filter_net_large', 'krisp_viva_tel', 'krisp_viva_tel_lite',
    'krisp_viva_promodel', 'krisp_viva_ss', 'quail_voice_focus'] as const),
});
const RtcpSettings = body({ capture_enabled: bool(), port: oneOf(['rtcp-mux', 'rtp+1'] as const), report_frequency_secs: int(1, 3600) });

const CONNECTION_NESTED = {
  inbound: CredentialInbound, outbound: CredentialOutbound, jitter_buffer: JitterBuffer,
  noise_suppression_details: NoiseSuppressionDetails, rtcp_settings: RtcpSettings,
};

const connectionFields = <R extends boolean>(req: R) => ({
  // "The user name … Must be 4-32 characters long and alphanumeric values only."
  user_name: pattern(/^[A-Za-z0-9]{4,32}$/, "The 'user_name' parameter must be 4-32 characters long and alphanumeric values only.", { required: req }),
  // "The password … Must be 8 to 128 characters long."
  password: pattern(/^.{8,128}$/s, "The 'password' parameter must be 8 to 128 characters long.", { required: req, max: 128 }),
  connection_name: string({ required: req, max: 255 }),
  active: bool(),
  anchorsite_override: oneOf(['Latency', 'Chicago, IL', 'Ashburn, VA', 'San Jose, CA', 'Sydney, Australia', 'Amsterdam, Netherlands',
    'London, UK', 'Toronto, Canada', 'Vancouver, Canada', 'Frankfurt, Germany'] as const),
  android_push_credential_id: nullable(string({ max: 64 })),
  call_cost_in_webhooks: bool(),
  default_on_hold_comfort_noise_enabled: bool(),
  dtmf_type: oneOf(['RFC 2833', 'Inband', 'SIP INFO'] as const),
  encode_contact_header_enabled: bool(),
  encrypted_media: nullable(oneOf(['SRTP'] as const)),
  inbound: nested(CredentialInbound),
  ios_push_credential_id: nullable(string({ max: 64 })),
  jitter_buffer: nested(JitterBuffer),
  noise_suppression: oneOf(['inbound', 'outbound', 'both', 'disabled'] as const),
  noise_suppression_details: nested(NoiseSuppressionDetails),
  onnet_t38_passthrough_enabled: bool(),
  outbound: nested(CredentialOutbound),
  rtcp_settings: nested(RtcpSettings),
  sip_uri_calling_preference: oneOf(['disabled', 'unrestricted', 'internal'] as const),
  tags: tags(),
  // CreateCredentialConnectionRequest's enum has 'texml'; UpdateCredentialConnectionRequest's does not.
  webhook_api_version: oneOf(req ? ['1', '2', 'texml'] as const : ['1', '2'] as const),
  webhook_event_failover_url: nullable(url()),
  webhook_event_url: url(),
  webhook_timeout_secs: nullable(int(0, 30)),
});
/**
 * CreateCredentialConnectionRequest: "required: user_name, password, connection_name"; and
 * webhook_api_version: "texml can only be set when the outbound object parameter
 * call_parking_enabled is included and set to true."
 */
export const CreateCredentialConnection = body(connectionFields(true), (b) => {
  if (b.webhook_api_version === 'texml' && b.outbound?.call_parking_enabled !== true) {
    throw errors.invalid('webhook_api_version', "'texml' can only be set when outbound.call_parking_enabled is included and set to true.");
  }
});
export const UpdateCredentialConnection = body(connectionFields(false));

/**
 * The spec's defaults for a credential connection and its nested objects (CredentialInbound,
 * CredentialOutbound, ConnectionRtcpSettings …): what Telnyx reads back for a field not sent.
 */
const CONNECTION_DEFAULTS = {
  anchorsite_override: 'Latency',
  android_push_credential_id: null,
  call_cost_in_webhooks: false,
  default_on_hold_comfort_noise_enabled: false,
  dtmf_type: 'RFC 2833',
  encode_contact_header_enabled: false,
  encrypted_media: null,
  inbound: {
    ani_number_format: 'E.164-national', codecs: ['G722', 'G711U', 'G711A', 'G729', 'OPUS', 'H.264'],
    dnis_number_format: 'e164', generate_ringback_tone: false, isup_headers_enabled: false, prack_enabled: false,
    shaken_stir_enabled: false, simultaneous_ringing: 'disabled', sip_compact_headers_enabled: true,
    timeout_1xx_secs: 3, timeout_2xx_secs: 90,
  },
  ios_push_credential_id: null,
  jitter_buffer: { enable_jitter_buffer: false, jitterbuffer_msec_max: 200, jitterbuffer_msec_min: 60 },
  noise_suppression: 'disabled',
  onnet_t38_passthrough_enabled: false,
  outbound: {
    ani_override: '', ani_override_type: 'always', call_parking_enabled: false,
    generate_ringback_tone: false, instant_ringback_enabled: true, localization: 'US', t38_reinvite_source: 'telnyx',
  },
  rtcp_settings: { capture_enabled: false, port: 'rtp+1', report_frequency_secs: 5 },
  sip_uri_calling_preference: 'disabled',
  tags: [],
  webhook_api_version: '1',
  webhook_event_failover_url: '',
  webhook_timeout_secs: null,
};

const splitConnection = (b: Record<string, unknown>) => {
  const { connection_name, user_name, active, ...settings } = given(b);
  const outbound = settings.outbound as { outbound_voice_profile_id?: string } | undefined;
  return {
    connectionName: connection_name as string | undefined, userName: user_name as string | undefined,
    active: active as boolean | undefined, outboundVoiceProfileId: outbound?.outbound_voice_profile_id, settings,
  };
};

export function createCredentialConnection(a: Account, input: unknown): CredentialConnection {
  const v = splitConnection(CreateCredentialConnection.parse(input));
  return a.write((ctx) => rules.createConnection(ctx, {
    connectionName: v.connectionName!, userName: v.userName!, active: v.active ?? true,
    outboundVoiceProfileId: v.outboundVoiceProfileId ?? null, settings: rules.mergeSettings(CONNECTION_DEFAULTS, v.settings),
  }));
}

export function getCredentialConnection(a: Account, id: string): CredentialConnection {
  return a.read((ctx) => rules.requireConnection(ctx, id));
}

export function updateCredentialConnection(a: Account, id: string, input: unknown): CredentialConnection {
  const v = splitConnection(UpdateCredentialConnection.parse(input));
  return a.write((ctx) => rules.updateConnection(ctx, rules.requireConnection(ctx, id), v));
}

/** DeleteCredentialConnection answers the connection as it was. */
export function deleteCredentialConnection(a: Account, id: string): CredentialConnection {
  return a.write((ctx) => {
    const store = ctx.store.credentials;
    const row = rules.requireConnection(ctx, id);
    store.deleteConnection(id);
    return row;
  });
}

/**
 * CheckRegistrationStatus: "Checks the registration_status for a credential connection." No SIP
 * device registers with the emulator, so a connection is always 'Not Registered'.
 */
export function checkRegistrationStatus(a: Account, id: string): CredentialConnection {
  return a.read((ctx) => rules.requireConnection(ctx, id));
}

const CONNECTION_SORTS = ['created_at', 'connection_name', 'active'] as const;

export interface ConnectionQuery { nameContains?: string; fqdn?: string; outboundVoiceProfileId?: string; sort?: string }

export function listCredentialConnections(a: Account, q: ConnectionQuery, page: Page): Paged<CredentialConnection> {
  // connections_SortConnection: "If not given, results are sorted by created_at in descending order."
  const sort: ConnectionSort = readSort(q.sort, CONNECTION_SORTS, { by: 'created_at', descending: true });
  // filter[connection_name][contains]: "Matching is not case-sensitive. Requires at least three characters."
  if (q.nameContains !== undefined && q.nameContains.length < 3) {
    throw errors.paramInvalid('filter[connection_name][contains]', 'The connection_name filter requires at least three characters.');
  }
  const nameContains = q.nameContains === undefined ? undefined : boundedFilter('filter[connection_name][contains]', q.nameContains);
  const outboundVoiceProfileId = q.outboundVoiceProfileId === undefined ? undefined
    : boundedFilter('filter[outbound_voice_profile_id]', q.outboundVoiceProfileId);
  // A credential connection authenticates by user name and password, never by FQDN: an fqdn filter matches none.
  const filter = { nameContains, outboundVoiceProfileId, none: q.fqdn !== undefined };
  return a.read((ctx) => ctx.store.credentials.listConnections(filter, sort, page));
}

// telephony credentials

/** An ISO-8601 instant (expires_at), as ms. */
const instant: Field<number | null | undefined> = (b, name) => {
  const v = b[name];
  if (v === undefined || v === '') return undefined;
  if (v === null) return null;
  const ms = typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || v.length <= 10 ? v : `${v}Z`) : NaN;
  if (Number.isNaN(ms)) throw errors.invalid(name, `The '${name}' parameter must be an ISO-8601 date, such as "2042-06-18T21:32:38Z".`);
  return ms;
};

const credentialFields = <R extends boolean>(req: R) => ({
  connection_id: string({ required: req, max: 64 }),
  name: nullable(string({ max: 255 })),
  tag: nullable(string({ max: 255 })),
  expires_at: instant,
});
/** TelephonyCredentialCreateRequest: "required: connection_id". */
export const CreateTelephonyCredential = body(credentialFields(true));
export const UpdateTelephonyCredential = body(credentialFields(false));

export interface CredentialView { credential: TelephonyCredential; now: number }

export function createTelephonyCredential(a: Account, input: unknown): CredentialView {
  const b = CreateTelephonyCredential.parse(input);
  return a.write((ctx) => ({
    credential: rules.createCredential(ctx,
      { connectionId: b.connection_id, name: b.name ?? null, tag: b.tag ?? null, expiresAt: b.expires_at ?? null }),
    now: ctx.now,
  }));
}

export function getTelephonyCredential(a: Account, id: string): CredentialView {
  return a.read((ctx) => ({ credential: rules.requireCredential(ctx, id), now: ctx.now }));
}

export function updateTelephonyCredential(a: Account, id: string, input: unknown): CredentialView {
  const b = UpdateTelephonyCredential.parse(input);
  return a.write((ctx) => {
    const row = rules.requireCredential(ctx, id);
    return {
      credential: rules.updateCredential(ctx, row,
        { connectionId: b.connection_id, name: b.name, tag: b.tag, expiresAt: b.expires_at }),
      now: ctx.now,
    };
  });
}

/** DeleteTelephonyCredential answers the credential as it was. */
export function deleteTelephonyCredential(a: Account, id: string): CredentialView {
  return a.write((ctx) => {
    const row = rules.requireCredential(ctx, id);
    ctx.store.credentials.deleteCredential(id);
    return { credential: row, now: ctx.now };
  });
}

export interface CredentialQuery { name?: string; resourceId?: string; sipUsername?: string; status?: string; tag?: string }

export function listTelephonyCredentials(a: Account, q: CredentialQuery, page: Page): Paged<CredentialView> {
  if (q.status !== undefined && q.status !== 'active' && q.status !== 'expired') throw errors.paramBadEnum('filter[status]', ['active', 'expired']);
  const bounded = (name: string, v: string | undefined) => (v === undefined ? undefined : boundedFilter(`filter[${name}]`, v));
  return a.read((ctx) => {
    const { rows, total } = ctx.store.credentials.listCredentials({
      name: bounded('name', q.name), resourceId: bounded('resource_id', q.resourceId),
      sipUsername: bounded('sip_username', q.sipUsername), tag: bounded('tag', q.tag),
      status: q.status as 'active' | 'expired' | undefined, now: ctx.now,
    }, page);
    return { rows: rows.map((credential) => ({ credential, now: ctx.now })), total };
  });
}

/** CreateTelephonyCredentialToken: the JWT, as text (201, text/plain). */
export function createTelephonyCredentialToken(a: Account, id: string): string {
  return a.read((ctx) => rules.accessToken(ctx, rules.requireCredential(ctx, id)));
}


/**
 * Every body these operations parse, keyed as the spec names the operation, with the nested
 * objects' bodies keyed by field: test/contract/credential-fields.test.ts holds their fields to the
 * spec's request schemas (spec/telnyx-openapi/credentials.json), as bodies.ts does for the rest.
 */
export const CREDENTIAL_BODIES = {
  'POST /outbound_voice_profiles': { body: CreateOutboundVoiceProfile, nested: { call_recording: CallRecording, calling_window: CallingWindow } },
  'PATCH /outbound_voice_profiles/{id}': { body: UpdateOutboundVoiceProfile, nested: { call_recording: CallRecording, calling_window: CallingWindow } },
  'POST /credential_connections': { body: CreateCredentialConnection, nested: CONNECTION_NESTED },
  'PATCH /credential_connections/{id}': { body: UpdateCredentialConnection, nested: CONNECTION_NESTED },
  'POST /telephony_credentials': { body: CreateTelephonyCredential, nested: {} },
  'PATCH /telephony_credentials/{id}': { body: UpdateTelephonyCredential, nested: {} },
} as const satisfies Record<string, { body: Schema<unknown>; nested: Record<string, Schema<unknown>> }>;
