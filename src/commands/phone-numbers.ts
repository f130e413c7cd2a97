/**
 * Phone numbers the account owns (/v2/phone_numbers, their voice settings), the orders that buy
 * them (/v2/number_orders) and the control API's way to give a test numbers (/_mock/phone_numbers).
 * Rules in domain/provisioning.ts.
 */
import type { NumberOrder, Page, Paged, PhoneNumber } from '../model/entities.js';
import { errors } from '../model/errors.js';
import * as provisioning from '../domain/provisioning.js';
import type { Ctx } from '../domain/context.js';
import type { PhoneNumberFilter } from '../domain/store.js';
import type { Account } from './account.js';
import { body, bool, custom, e164, oneOf, string, strings, E164, type Json } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** A connection_id that may be cleared: null or '' unassigns the number. */
const assignedConnection = custom((v, name, b): string | null | undefined => (v === null || v === '' ? null : string({ max: 64 })(b, name)));

/** UpdatePhoneNumberRequest. */
export const UpdatePhoneNumber = body({
  connection_id: assignedConnection,
  tags: strings({ max: 100 }),
  customer_reference: string({ max: 255 }),
  billing_group_id: string({ max: 64 }),
  external_pin: string({ max: 64 }),
  hd_voice_enabled: bool(),
  address_id: string({ max: 64 }),
});

/** An object setting (call_forwarding, …): kept as sent and read back. */
const setting = custom((v, name): Json | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(name, `The '${name}' parameter must be an object.`);
  return v as Json;
});

/** UpdatePhoneNumberVoiceSettingsRequest (and connection_id, which many apps send here too). */
export const UpdateVoiceSettings = body({
  connection_id: assignedConnection,
  call_forwarding: setting,
  call_recording: setting,
  cnam_listing: setting,
  media_features: setting,
  caller_id_name_enabled: bool(),
  tech_prefix_enabled: bool(),
  translated_number: string({ max: 64 }),
  inbound_call_screening: oneOf(['disabled', 'reject_calls', 'flag_calls'] as const),
  usage_payment_method: oneOf(['pay-per-minute', 'channel'] as const),
});

/** The numbers of an order: `[{ "phone_number": "+1…" }]`, at most 100 per order. */
const orderedNumbers = custom((v, name): string[] => {
  if (v === undefined || v === null) throw errors.missing(name);
  if (!Array.isArray(v) || v.length === 0) throw errors.invalid(name, `The '${name}' parameter must be a non-empty array.`);
  if (v.length > 100) throw errors.invalid(name, `The '${name}' parameter has too many items (at most 100).`);
  const seen = new Set<string>();
  return v.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw errors.invalid(name, `The '${name}' parameter must be an array of objects, each with a phone_number.`);
    }
    const n = (item as Json).phone_number;
    if (n === undefined || n === null || n === '') throw errors.missing(`${name}/${i}/phone_number`);
    if (typeof n !== 'string' || !E164.test(n)) throw errors.notE164(`${name}/${i}/phone_number`);
    if (seen.has(n)) throw errors.invalid(`${name}/${i}/phone_number`, `The phone number ${n} is ordered twice.`);
    seen.add(n);
    return n;
  });
});

/** CreateNumberOrderRequest. */
export const CreateNumberOrder = body({
  phone_numbers: orderedNumbers,
  connection_id: string({ max: 64 }),
  customer_reference: string({ max: 255 }),
  billing_group_id: string({ max: 64 }),
  messaging_profile_id: string({ max: 64 }),
});

/**
 * UpdateNumberOrderRequest. Every order completes at once with its requirements met, so
 * regulatory requirements are checked for shape and not kept.
 */
export const UpdateNumberOrder = body({
  customer_reference: string({ max: 255 }),
  regulatory_requirements: custom((v, name): Json[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
      throw errors.invalid(name, `The '${name}' parameter must be an array of objects.`);
    }
    if (v.length > 100) throw errors.invalid(name, `The '${name}' parameter has too many items (at most 100).`);
    return v as Json[];
  }),
});

/** Control API: the account owns this number from now on, assigned to `connection_id` if given. */
export const GivePhoneNumber = body({
  phone_number: e164({ required: true }),
  connection_id: string({ max: 64 }),
  tags: strings({ max: 100 }),
});

/** A number with the name of the connection it is assigned to (what the wire shape shows). */
export interface OwnedNumber { number: PhoneNumber; connectionName: string | null }

const owned = (ctx: Ctx, n: PhoneNumber): OwnedNumber =>
  ({ number: n, connectionName: n.connectionId ? ctx.store.application(n.connectionId)?.applicationName ?? null : null });

export interface PhoneNumberQuery {
  'filter[phone_number]'?: string;
  'filter[connection_id]'?: string;
  'filter[tag]'?: string;
  'filter[status]'?: string;
  'filter[customer_reference]'?: string;
}

/**
 * ListPhoneNumbers' filters. filter[phone_number]: "Requires at least three digits. Non-numerical
 * characters will result in no values being returned" — a leading + is taken as the E.164 sign.
 */
export function phoneNumberFilter(q: PhoneNumberQuery): PhoneNumberFilter {
  const digits = q['filter[phone_number]']?.replace(/^\+/, '');
  // Non-digits find nothing (no number has them); too few digits is refused.
  if (digits !== undefined && /^\d{1,2}$/.test(digits)) {
    throw errors.paramInvalid('filter[phone_number]', "The 'filter[phone_number]' filter requires at least three digits.");
  }
  return {
    phoneNumber: digits || undefined,
    connectionId: q['filter[connection_id]'] || undefined,
    tag: q['filter[tag]'] || undefined,
    status: q['filter[status]'] || undefined,
    customerReference: q['filter[customer_reference]'] || undefined,
  };
}

export function listPhoneNumbers(a: Account, q: PhoneNumberQuery, page: Page): Paged<OwnedNumber> {
  const filter = phoneNumberFilter(q);
  return a.read((ctx) => {
    const { rows, total } = ctx.store.listPhoneNumbers(filter, page);
    return { rows: rows.map((n) => owned(ctx, n)), total };
  });
}

export function getPhoneNumber(a: Account, id: string): OwnedNumber {
  return a.read((ctx) => owned(ctx, provisioning.requirePhoneNumber(ctx, id)));
}

export function updatePhoneNumber(a: Account, id: string, input: unknown): OwnedNumber {
  const b = UpdatePhoneNumber.parse(input);
  return a.write((ctx) => owned(ctx, provisioning.updatePhoneNumber(ctx, provisioning.requirePhoneNumber(ctx, id), {
    connectionId: b.connection_id, tags: b.tags, customerReference: b.customer_reference, billingGroupId: b.billing_group_id,
    externalPin: b.external_pin, hdVoiceEnabled: b.hd_voice_enabled,
  })));
}

export function getVoiceSettings(a: Account, id: string): PhoneNumber {
  return a.read((ctx) => provisioning.requirePhoneNumber(ctx, id));
}

export function updateVoiceSettings(a: Account, id: string, input: unknown): PhoneNumber {
  const { connection_id: connectionId, ...settings } = UpdateVoiceSettings.parse(input);
  return a.write((ctx) => {
    let n = provisioning.requirePhoneNumber(ctx, id);
    if (connectionId !== undefined) n = provisioning.updatePhoneNumber(ctx, n, { connectionId });
    const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    return provisioning.updateVoiceSettings(ctx, n, given);
  });
}

/** Control API: the account owns the number (201), as if it had bought it. */
export function givePhoneNumber(a: Account, input: unknown): OwnedNumber {
  const b = GivePhoneNumber.parse(input);
  return a.write((ctx) => owned(ctx, provisioning.ownNumber(ctx, { phoneNumber: b.phone_number, connectionId: b.connection_id, tags: b.tags })));
}

/**
 * The account gives the number back (by id or E.164): DELETE /v2/phone_numbers/{id} and the
 * control API alike. Answers the number as it was, assigned to what it was.
 */
export function releasePhoneNumber(a: Account, id: string): OwnedNumber {
  return a.write((ctx) => {
    const n = provisioning.requirePhoneNumber(ctx, id);
    const was = owned(ctx, n);
    provisioning.releaseNumber(ctx, n);
    return was;
  });
}

export function createNumberOrder(a: Account, input: unknown): NumberOrder {
  const b = CreateNumberOrder.parse(input);
  return a.write((ctx) => provisioning.orderNumbers(ctx, {
    phoneNumbers: b.phone_numbers, connectionId: b.connection_id, customerReference: b.customer_reference,
    billingGroupId: b.billing_group_id, messagingProfileId: b.messaging_profile_id,
  }).order);
}

export function updateNumberOrder(a: Account, id: string, input: unknown): NumberOrder {
  const b = UpdateNumberOrder.parse(input);
  return a.write((ctx) => provisioning.updateNumberOrder(ctx, provisioning.requireNumberOrder(ctx, id), { customerReference: b.customer_reference }));
}

export function getNumberOrder(a: Account, id: string): NumberOrder {
  return a.read((ctx) => provisioning.requireNumberOrder(ctx, id));
}

export function listNumberOrders(a: Account, page: Page): Paged<NumberOrder> {
  return a.read((ctx) => ctx.store.listNumberOrders(page));
}
