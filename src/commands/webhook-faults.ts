/**
 * Webhook faults (control API, issue 17): the next matching deliveries fail, wait, arrive twice,
 * out of order, badly signed, stale, or only at the failover URL. The request faults' sibling
 * (commands/faults.ts): same body layer, same errors, same per-account bounds.
 */
import { errors } from '../model/errors.js';
import { iso } from '../clock.js';
import { DEFAULT_SKEW_SECS, WEBHOOK_FAULT_KINDS, type WebhookFault, type WebhookFaultKind } from '../control/webhook-faults.js';
import type { Account } from './account.js';
import { parseDurationSecs } from './duration.js';
import { body, custom, exclusive, int, oneOf, string } from './schema.js';

/** Longest a `delay` holds an attempt (wall ms): as long as a request fault's delay may be. */
export const MAX_WEBHOOK_DELAY_MS = 120_000;
/** Longest window (`for`, or `until` from now) a fault may hold, in the account's virtual time: 30 days. */
export const MAX_WEBHOOK_FAULT_WINDOW_SECS = 30 * 86_400;
/** Telnyx's SDKs refuse a telnyx-timestamp more than 300 s from their clock: a skew must go past it. */
export const SIGNATURE_TOLERANCE_SECS = 300;
/** Largest skew (either way): a day. */
export const MAX_SKEW_SECS = 86_400;
/** Faults armed at once per account: each attempt of the account is matched against them. */
export const MAX_WEBHOOK_FAULTS = 100;

/** `for`: seconds, or an ISO 8601 duration (`PT30S`), within the window's bound. */
const window = custom((v, name) => {
  if (v === undefined || v === null || v === '') return undefined;
  const secs = parseDurationSecs(v);
  if (secs === undefined) throw errors.invalid(name, `'${name}' must be a number of seconds or an ISO 8601 duration such as PT30S.`);
  if (secs <= 0 || secs > MAX_WEBHOOK_FAULT_WINDOW_SECS) throw errors.outOfRange(name, 1, MAX_WEBHOOK_FAULT_WINDOW_SECS);
  return secs;
});

/** `until`: an ISO 8601 instant, read on the account's virtual clock. */
const instant = custom((v, name) => {
  const text = string({ max: 64 })({ [name]: v }, name);
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw errors.invalid(name, `'${name}' must be an ISO 8601 datetime such as 2030-01-01T00:00:00Z.`);
  return ms;
});

export const AddWebhookFault = body({
  kind: oneOf(WEBHOOK_FAULT_KINDS, { required: true }),
  event_type: string({ max: 128 }),
  call_control_id: string({ max: 256 }),
  url: string({ max: 2048 }),
  count: int(1, 10_000),
  for: window,
  until: instant,
  delay_ms: int(1, MAX_WEBHOOK_DELAY_MS),
  skew_secs: int(-MAX_SKEW_SECS, MAX_SKEW_SECS),
}, exclusive('for', 'until'), (b) => {
  if (b.kind === 'delay' && b.delay_ms === undefined) throw errors.missing('delay_ms');
  if (b.kind !== 'delay' && b.delay_ms !== undefined) onlyFor('delay_ms', 'delay');
  if (b.kind !== 'skew_timestamp' && b.skew_secs !== undefined) onlyFor('skew_secs', 'skew_timestamp');
  if (b.skew_secs !== undefined && Math.abs(b.skew_secs) <= SIGNATURE_TOLERANCE_SECS) {
    throw errors.invalid('skew_secs', `'skew_secs' must be more than ${SIGNATURE_TOLERANCE_SECS} seconds either way (Telnyx's tolerance), so that only the age check fails.`);
  }
});

function onlyFor(field: string, kind: WebhookFaultKind): never {
  throw errors.invalid(field, `'${field}' applies only to kind '${kind}'.`);
}

/** Arms a webhook fault for the account; without `count`, `for` or `until` it touches one delivery. */
export function addWebhookFault(a: Account, input: unknown): WebhookFault {
  const b = AddWebhookFault.parse(input);
  const faults = a.webhookFaults;
  const now = faults.clockNow();
  let until: number | undefined;
  if (b.for !== undefined) until = now + b.for * 1000;
  if (b.until !== undefined) {
    if (b.until <= now) throw errors.invalid('until', `'until' must be after the account's time now (${iso(now)}).`);
    if (b.until > now + MAX_WEBHOOK_FAULT_WINDOW_SECS * 1000) {
      throw errors.invalid('until', `'until' may be at most ${MAX_WEBHOOK_FAULT_WINDOW_SECS} seconds after the account's time now (${iso(now)}).`);
    }
    until = b.until;
  }
  if (faults.all().length >= MAX_WEBHOOK_FAULTS) throw errors.tooMany('webhook faults armed', MAX_WEBHOOK_FAULTS);
  return faults.add({
    kind: b.kind, eventType: b.event_type, callControlId: b.call_control_id, url: b.url,
    // Neither a count nor a window: the next matching delivery only.
    count: b.count ?? (until === undefined ? 1 : undefined),
    armedAt: now, until, delayMs: b.delay_ms,
    skewSecs: b.kind === 'skew_timestamp' ? b.skew_secs ?? DEFAULT_SKEW_SECS : undefined,
  });
}

export function listWebhookFaults(a: Account): WebhookFault[] {
  return a.webhookFaults.all();
}

export function removeWebhookFault(a: Account, id: number): void {
  if (!Number.isInteger(id) || !a.webhookFaults.remove(id)) throw errors.notFound('WebhookFault');
}

export function clearWebhookFaults(a: Account): void {
  a.webhookFaults.clear();
}
