import type { Application, NumberOrder, PhoneNumber } from '../model/entities.js';
import type { ApplicationInbound, ApplicationOutbound, VoiceSettings } from '../../schema/provisioning.js';
import { errors } from '../model/errors.js';
import type { Ctx } from './context.js';

/**
 * What an account provisions through Telnyx's API, and how it routes calls: Call Control
 * applications (each one a connection), the phone numbers it owns, the orders that buy them, and
 * the one rule for a connection_id a call names (strict or lenient).
 */

/** Most applications and owned numbers one account may hold: everything a tenant sends is bounded. */
export const MAX_APPLICATIONS = 1000;
export const MAX_PHONE_NUMBERS = 10_000;

/** An id shaped as Telnyx's int64 ids ("1293384261075731499"), drawn from the one id source. */
export function numericId(ctx: Ctx): string {
  const n = BigInt(`0x${ctx.ids.uuid().replace(/-/g, '').slice(0, 15)}`);
  return `1${n.toString().padStart(18, '0')}`;
}

// connections: the one rule

/** Whether unknown connection_ids are refused: the account's own choice, else the server's. */
export function strictConnections(ctx: Ctx): boolean {
  return ctx.store.strictConnections() ?? ctx.settings.strictConnections ?? false;
}

/**
 * A connection_id a call is placed on (dial, a caller, a transfer's new leg). Zero setup by
 * default: an id naming no connection is a lenient connection whose webhooks go to the server's
 * URL. Strict, Telnyx's answer (the spec's `invalid_connection_id` example): "The requested
 * connection_id (Call Control App ID) is either invalid or does not exist. Only Call Control Apps
 * with valid webhook URL are accepted." An application made inactive ("Specifies whether the
 * connection can be used") is refused either way: the app chose that.
 */
export function requireUsableConnection(ctx: Ctx, connectionId: string): void {
  const conn = ctx.store.connection(connectionId);
  if (conn && !conn.active) throw errors.invalidConnection();
  if (strictConnections(ctx) && (!conn || !conn.webhookUrl)) throw errors.invalidConnection();
}

/** A connection_id a number is assigned to or ordered for: strict, it has to exist. */
export function requireKnownConnection(ctx: Ctx, connectionId: string): void {
  if (strictConnections(ctx) && !ctx.store.connection(connectionId)) throw errors.invalidConnection();
}

/**
 * The connection an inbound call to `to` arrives on: an owned number's connection routes it
 * (Telnyx routes a number's calls to the connection it is assigned to, whoever calls); else the
 * connection the caller names. Either is then held to the one rule above.
 */
export function inboundConnection(ctx: Ctx, to: string, named: string | undefined): string {
  const owned = ctx.store.phoneNumberByNumber(to);
  const connectionId = owned?.connectionId ?? named;
  if (connectionId === undefined) throw errors.missing('connection_id');
  requireUsableConnection(ctx, connectionId);
  return connectionId;
}

// Call Control applications

/** CreateCallControlApplicationRequest's defaults, as the spec gives them. */
export const APPLICATION_DEFAULTS = {
  active: true,
  anchorsiteOverride: 'Latency',
  dtmfType: 'RFC 2833',
  firstCommandTimeout: false,
  firstCommandTimeoutSecs: 30,
  callCostInWebhooks: false,
  redactDtmfDebugLogging: false,
  webhookApiVersion: '1' as const,
  webhookTimeoutSecs: null,
  inbound: { channel_limit: null, shaken_stir_enabled: false, sip_subdomain: null, sip_subdomain_receive_settings: 'from_anyone' } as ApplicationInbound,
  outbound: { channel_limit: null } as ApplicationOutbound,
};

export type ApplicationFields = Partial<Omit<Application, 'account' | 'id' | 'createdAt' | 'updatedAt'>>;

export function requireApplication(ctx: Ctx, id: string): Application {
  const app = ctx.store.application(id);
  if (!app) throw errors.resourceNotFound();
  return app;
}

/** A new application; `id` only for the control API's connections, which name their own. */
export function createApplication(ctx: Ctx, f: ApplicationFields & { applicationName: string }, id?: string): Application {
  if (ctx.store.listApplications({}, { number: 1, size: 1 }).total >= MAX_APPLICATIONS) throw errors.tooMany('applications', MAX_APPLICATIONS);
  const app: Application = {
    ...APPLICATION_DEFAULTS, webhookEventUrl: null, webhookEventFailoverUrl: null, tags: [],
    ...defined(f), applicationName: f.applicationName,
    inbound: { ...APPLICATION_DEFAULTS.inbound, ...f.inbound },
    outbound: { ...APPLICATION_DEFAULTS.outbound, ...f.outbound },
    account: ctx.account, id: id ?? numericId(ctx), createdAt: ctx.now, updatedAt: ctx.now,
  };
  ctx.store.saveApplication(app);
  return app;
}

/** PATCH: the fields given replace theirs; inbound / outbound merge field by field. */
export function updateApplication(ctx: Ctx, app: Application, f: ApplicationFields): Application {
  const next: Application = {
    ...app, ...defined(f),
    inbound: { ...app.inbound, ...f.inbound },
    outbound: { ...app.outbound, ...f.outbound },
    updatedAt: ctx.now,
  };
  ctx.store.saveApplication(next);
  return next;
}

/** Deleting an application unassigns its numbers: their calls then have no connection to go to. */
export function deleteApplication(ctx: Ctx, app: Application): void {
  ctx.store.deleteApplication(app.id);
  ctx.store.unassignPhoneNumbers(app.id, ctx.now);
}

// phone numbers the account owns

/** By its id, or by the number itself (an app holding only the E.164 finds it either way). */
export function requirePhoneNumber(ctx: Ctx, idOrNumber: string): PhoneNumber {
  const n = ctx.store.phoneNumber(idOrNumber) ?? (idOrNumber.startsWith('+') ? ctx.store.phoneNumberByNumber(idOrNumber) : undefined);
  if (!n) throw errors.resourceNotFound();
  return n;
}

export interface NewPhoneNumber {
  phoneNumber: string;
  connectionId?: string | null;
  tags?: string[];
  customerReference?: string | null;
  billingGroupId?: string | null;
  sourceType?: 'number_order' | null;
}

/** The account owns `phoneNumber` from now on (a test gives it, or an order buys it). */
export function ownNumber(ctx: Ctx, n: NewPhoneNumber, pointer = '/phone_number'): PhoneNumber {
  if (ctx.store.phoneNumberByNumber(n.phoneNumber)) throw errors.numberAlreadyOwned(pointer, n.phoneNumber);
  if (ctx.store.listPhoneNumbers({}, { number: 1, size: 1 }).total >= MAX_PHONE_NUMBERS) throw errors.tooMany('phone numbers', MAX_PHONE_NUMBERS);
  if (n.connectionId) requireKnownConnection(ctx, n.connectionId);
  const row: PhoneNumber = {
    account: ctx.account, id: numericId(ctx), phoneNumber: n.phoneNumber, connectionId: n.connectionId ?? null,
    tags: n.tags ?? [], customerReference: n.customerReference ?? null, billingGroupId: n.billingGroupId ?? null,
    externalPin: null, hdVoiceEnabled: false, voice: {}, sourceType: n.sourceType ?? null, createdAt: ctx.now, updatedAt: ctx.now,
  };
  ctx.store.savePhoneNumber(row);
  return row;
}

export type PhoneNumberFields = Partial<Pick<PhoneNumber, 'connectionId' | 'tags' | 'customerReference' | 'billingGroupId' | 'externalPin' | 'hdVoiceEnabled'>>;

/** PATCH /phone_numbers/{id}: `connection_id` assigns it (the number's calls go there from now on). */
export function updatePhoneNumber(ctx: Ctx, n: PhoneNumber, f: PhoneNumberFields): PhoneNumber {
  if (f.connectionId) requireKnownConnection(ctx, f.connectionId);
  const next = { ...n, ...defined(f), updatedAt: ctx.now };
  ctx.store.savePhoneNumber(next);
  return next;
}

/** PATCH /phone_numbers/{id}/voice: the voice settings given replace theirs (kept and read back). */
export function updateVoiceSettings(ctx: Ctx, n: PhoneNumber, settings: VoiceSettings): PhoneNumber {
  const next = { ...n, voice: { ...n.voice, ...settings }, updatedAt: ctx.now };
  ctx.store.savePhoneNumber(next);
  return next;
}

/** The control API gives a number back: the account no longer owns it. */
export function releaseNumber(ctx: Ctx, n: PhoneNumber): void {
  ctx.store.deletePhoneNumber(n.id);
}

// number orders

export interface NewNumberOrder {
  phoneNumbers: string[];
  connectionId?: string;
  customerReference?: string;
  billingGroupId?: string;
  messagingProfileId?: string;
}

/**
 * An order completes at once (status success): every number in it is owned, assigned to the
 * order's connection_id when it names one. A number owned already refuses the whole order.
 */
export function orderNumbers(ctx: Ctx, o: NewNumberOrder): { order: NumberOrder; numbers: PhoneNumber[] } {
  const numbers = o.phoneNumbers.map((phoneNumber, i) => ownNumber(ctx, {
    phoneNumber, connectionId: o.connectionId, customerReference: o.customerReference, billingGroupId: o.billingGroupId,
    sourceType: 'number_order',
  }, `/phone_numbers/${i}/phone_number`));
  const order: NumberOrder = {
    account: ctx.account, id: ctx.ids.uuid(), phoneNumbers: numbers.map((n) => ({ id: n.id, phoneNumber: n.phoneNumber })),
    connectionId: o.connectionId ?? null, customerReference: o.customerReference ?? null, billingGroupId: o.billingGroupId ?? null,
    messagingProfileId: o.messagingProfileId ?? null, createdAt: ctx.now, updatedAt: ctx.now,
  };
  ctx.store.saveNumberOrder(order);
  return { order, numbers };
}

export function updateNumberOrder(ctx: Ctx, o: NumberOrder, f: { customerReference?: string }): NumberOrder {
  const next = { ...o, ...defined(f), updatedAt: ctx.now };
  ctx.store.saveNumberOrder(next);
  return next;
}

export function requireNumberOrder(ctx: Ctx, id: string): NumberOrder {
  const o = ctx.store.numberOrder(id);
  if (!o) throw errors.resourceNotFound();
  return o;
}

/** The fields given (an absent one leaves the current value). */
function defined<T extends object>(f: T): Partial<T> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Partial<T>;
}
