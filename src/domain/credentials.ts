/**
 * Outbound voice profiles, credential connections and telephony credentials (issue 16): resources
 * a voice app provisions and reads back. Nothing in the emulator acts on them; the rules here are
 * the ones Telnyx answers for: which fields are unique, which ids must name a resource, and what
 * Telnyx fills in (ids, SIP credentials, the access token).
 */
import { createHash, createHmac } from 'node:crypto';
import { errors } from '../model/errors.js';
import type { CredentialConnection, CredentialsStore, OutboundVoiceProfile, TelephonyCredential } from './credentials-store.js';
import type { Ctx } from './context.js';

export type {
  Sort, ConnectionFilter, ConnectionSort, CredentialConnection, CredentialFilter, CredentialsStore, OutboundVoiceProfile,
  ProfileFilter, ProfileSort, TelephonyCredential,
} from './credentials-store.js';

/** At most this many of each resource per account: enough for any test, bounded for every tenant. */
export const MAX_PER_ACCOUNT = 1000;

/**
 * Telnyx's profile and connection ids are int64 numbers as strings (the spec's examples:
 * "1293384261075731499"; `x-format: int64`). Made from the injected uuid source: 19 digits.
 */
export function int64Id(ctx: Ctx): string {
  const n = BigInt(`0x${ctx.ids.uuid().replace(/-/g, '').slice(0, 16)}`) % 8_000_000_000_000_000_000n;
  return (n + 1_000_000_000_000_000_000n).toString();
}

/** A resource's `settings` with `patch` over them: nested objects (inbound, outbound …) field by field. */
export function mergeSettings(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const old = out[k];
    out[k] = isObject(old) && isObject(v) ? { ...old, ...v } : v;
  }
  return out;
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const full = (count: number, what: string) => {
  if (count >= MAX_PER_ACCOUNT) throw errors.tooMany(what, MAX_PER_ACCOUNT);
};

// outbound voice profiles

export function requireProfile(ctx: Ctx, id: string): OutboundVoiceProfile {
  const store = ctx.store.credentials;
  const row = store.profile(id);
  if (!row) throw errors.resourceNotFound();
  return row;
}

export function createProfile(ctx: Ctx, v: { name: string; enabled: boolean; settings: Record<string, unknown> }) {
  const store = ctx.store.credentials;
  full(store.countProfiles(), 'outbound voice profiles');
  const row = { id: int64Id(ctx), ...v, createdAt: ctx.now, updatedAt: ctx.now };
  store.saveProfile(row);
  return { ...row, account: ctx.account };
}

export function updateProfile(ctx: Ctx, row: OutboundVoiceProfile,
  v: { name: string; enabled?: boolean; settings: Record<string, unknown> }) {
  const store = ctx.store.credentials;
  const next = { ...row, name: v.name, enabled: v.enabled ?? row.enabled, settings: mergeSettings(row.settings, v.settings ?? {}), updatedAt: ctx.now };
  store.saveProfile(next);
  return next;
}

// credential connections

export function requireConnection(ctx: Ctx, id: string): CredentialConnection {
  const store = ctx.store.credentials;
  const row = store.connection(id);
  if (!row) throw errors.resourceNotFound();
  return row;
}

/**
 * A credential connection's user_name is its SIP login, so no two may share one (Telnyx keeps them
 * unique across its network; here, across the account).
 */
function checkUserName(store: CredentialsStore, userName: string, self?: string) {
  const other = store.connectionByUserName(userName);
  if (other && other.id !== self) throw errors.invalid('user_name', 'user_name has already been taken.');
}

/** `outbound.outbound_voice_profile_id` must name a profile of the account. */
function checkProfile(store: CredentialsStore, id: string | null) {
  if (id !== null && !store.profile(id)) {
    throw errors.invalid('outbound/outbound_voice_profile_id', 'The outbound voice profile does not exist.');
  }
}

export interface ConnectionValues {
  connectionName: string; userName: string; active: boolean; outboundVoiceProfileId: string | null;
  settings: Record<string, unknown>;
}

export function createConnection(ctx: Ctx, v: ConnectionValues): CredentialConnection {
  const store = ctx.store.credentials;
  full(store.countConnections(), 'credential connections');
  checkUserName(store, v.userName);
  checkProfile(store, v.outboundVoiceProfileId);
  const row = { id: int64Id(ctx), ...v, createdAt: ctx.now, updatedAt: ctx.now };
  store.saveConnection(row);
  return { ...row, account: ctx.account };
}

export function updateConnection(ctx: Ctx, row: CredentialConnection,
  v: Partial<ConnectionValues>): CredentialConnection {
  const store = ctx.store.credentials;
  if (v.userName !== undefined) checkUserName(store, v.userName, row.id);
  if (v.outboundVoiceProfileId !== undefined) checkProfile(store, v.outboundVoiceProfileId);
  const next: CredentialConnection = {
    ...row,
    connectionName: v.connectionName ?? row.connectionName,
    userName: v.userName ?? row.userName,
    active: v.active ?? row.active,
    outboundVoiceProfileId: v.outboundVoiceProfileId !== undefined ? v.outboundVoiceProfileId : row.outboundVoiceProfileId,
    settings: mergeSettings(row.settings, v.settings ?? {}),
    updatedAt: ctx.now,
  };
  store.saveConnection(next);
  return next;
}

// telephony credentials

export function requireCredential(ctx: Ctx, id: string): TelephonyCredential {
  const store = ctx.store.credentials;
  const row = store.credential(id);
  if (!row) throw errors.resourceNotFound();
  return row;
}

/**
 * TelephonyCredentialCreateRequest.connection_id: "Identifies the Credential Connection this
 * credential is associated with." — it must be one of the account's credential connections.
 */
function checkCredentialConnection(store: CredentialsStore, id: string) {
  if (!store.connection(id)) {
    throw errors.invalid('connection_id', 'The connection_id does not name a credential connection of this account.');
  }
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * "The randomly generated SIP username / password for the credential." Shaped as the spec's
 * examples: `gencred` and 22 letters or digits; 32 hex digits.
 */
function sipLogin(ctx: Ctx): { sipUsername: string; sipPassword: string } {
  const bytes = Buffer.from(`${ctx.ids.uuid()}${ctx.ids.uuid()}`.replace(/-/g, ''), 'hex');
  const user = [...bytes.subarray(0, 22)].map((b) => ALNUM[b % ALNUM.length]).join('');
  return { sipUsername: `gencred${user}`, sipPassword: ctx.ids.uuid().replace(/-/g, '') };
}

export interface CredentialValues { connectionId: string; name: string | null; tag: string | null; expiresAt: number | null }

export function createCredential(ctx: Ctx, v: CredentialValues): TelephonyCredential {
  const store = ctx.store.credentials;
  full(store.countCredentials(), 'telephony credentials');
  checkCredentialConnection(store, v.connectionId);
  const row = { id: ctx.ids.uuid(), ...v, ...sipLogin(ctx), createdAt: ctx.now, updatedAt: ctx.now };
  store.saveCredential(row);
  return { ...row, account: ctx.account };
}

export function updateCredential(ctx: Ctx, row: TelephonyCredential,
  v: Partial<CredentialValues>): TelephonyCredential {
  const store = ctx.store.credentials;
  if (v.connectionId !== undefined) checkCredentialConnection(store, v.connectionId);
  const next: TelephonyCredential = {
    ...row,
    connectionId: v.connectionId ?? row.connectionId,
    name: v.name !== undefined ? v.name : row.name,
    tag: v.tag !== undefined ? v.tag : row.tag,
    expiresAt: v.expiresAt !== undefined ? v.expiresAt : row.expiresAt,
    updatedAt: ctx.now,
  };
  store.saveCredential(next);
  return next;
}

/** "Defaults to false": a credential is expired once its expires_at has passed. */
export const isExpired = (c: TelephonyCredential, now: number) => c.expiresAt !== null && c.expiresAt <= now;

/** How long an access token is good for (Telnyx's WebRTC tokens last a day). */
export const TOKEN_TTL_SECS = 24 * 60 * 60;

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/**
 * CreateTelephonyCredentialToken: "Create an Access Token (JWT) for the credential." A JWT in
 * form (header.payload.signature, HS256 keyed by the credential's SIP password), naming the
 * credential's SIP username as its subject. Nothing here checks it: it only has to reach the
 * WebRTC client the way Telnyx's does.
 */
export function accessToken(ctx: Ctx, c: TelephonyCredential): string {
  const iat = Math.floor(ctx.now / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({
    aud: 'telnyx_telephony', iss: 'telnyx_telephony', sub: c.sipUsername, typ: 'access',
    jti: ctx.ids.uuid(), iat, nbf: iat, exp: iat + TOKEN_TTL_SECS,
  }));
  const signature = b64url(createHmac('sha256', c.sipPassword).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

/** TelephonyCredential.user_id, "the user this credential is associated with": stable per account, never the key itself. */
export const userIdOf = (account: string) => createHash('sha256').update(`user:${account}`).digest('hex').slice(0, 32)
  .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
