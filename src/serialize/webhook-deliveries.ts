/**
 * `WebhookDelivery` of the SDK's resources/webhook-deliveries.d.ts (spec `webhook_delivery`), made
 * from an outbox row and its recorded attempts (see commands/webhook-deliveries.ts for the rules).
 */
import { createHash } from 'node:crypto';
import type { DeliveryAttempt, WebhookEventRow } from '../model/entities.js';
import type { WebhookData } from '../model/webhook.js';

export const DELIVERY_STATUSES = ['delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `Attempt` of the SDK's resources/webhook-deliveries.d.ts. */
export interface WebhookDeliveryAttempt {
  started_at: string;
  finished_at: string;
  status: DeliveryStatus;
  http: {
    request: { url: string; headers: string[][] };
    response?: { status: number; headers: string[][]; body: string };
  };
  /** Not Telnyx's: the webhook fault that touched this attempt (telnyx-mock's chaos, /_mock/webhook_faults). */
  fault_id?: number;
  fault?: string;
}

/** `WebhookDelivery` of the SDK's resources/webhook-deliveries.d.ts. */
export interface WebhookDelivery {
  id: string;
  record_type: 'webhook_delivery';
  user_id: string;
  status: DeliveryStatus;
  started_at?: string;
  finished_at?: string;
  attempts: WebhookDeliveryAttempt[];
  webhook: WebhookData;
}

const delivered = (a: DeliveryAttempt) => a.status !== null && a.status >= 200 && a.status < 300;

/** An attempt has finished once it has an answer or an error (an interrupted one has its error). */
const finished = (a: DeliveryAttempt) => a.status !== null || a.error !== undefined || a.finished_at !== undefined;

/** The account as `user_id` (a uuid): derived from the key, the same for the same key. */
export function userId(account: string): string {
  const h = createHash('sha256').update(`telnyx-mock user ${account}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function attemptOf(a: DeliveryAttempt): WebhookDeliveryAttempt {
  return {
    started_at: a.at,
    // Attempts recorded before finished_at was kept (or cut off by a stop) end where they began.
    finished_at: a.finished_at ?? a.at,
    status: delivered(a) ? 'delivered' : 'failed',
    http: {
      request: { url: a.url, headers: a.request_headers ?? [] },
      ...(a.status !== null ? { response: { status: a.status, headers: a.response?.headers ?? [], body: a.response?.body ?? '' } } : {}),
    },
    ...(a.fault_id !== undefined ? { fault_id: a.fault_id, fault: a.fault } : {}),
  };
}

/** The delivery as Telnyx shows it, or undefined while its first attempt has not finished. */
export function webhookDeliveryJson(row: WebhookEventRow, user: string): WebhookDelivery | undefined {
  const done = row.attempts.filter(finished);
  if (row.status === 'pending' && done.length === 0) return undefined;
  const first = row.attempts[0];
  const last = done[done.length - 1];
  return {
    id: row.id,
    record_type: 'webhook_delivery',
    user_id: user,
    status: row.status === 'delivered' ? 'delivered' : 'failed',
    ...(first ? { started_at: first.at } : {}),
    ...(row.status !== 'pending' && last ? { finished_at: attemptOf(last).finished_at } : {}),
    attempts: done.map(attemptOf).reverse(),
    webhook: JSON.parse(row.data) as WebhookData,
  };
}
