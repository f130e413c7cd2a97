import type { CallLeg, Connection, NewWebhookEvent, WebhookEventRow } from '../model/entities.js';
import { webhookData } from '../model/webhook.js';
import type { AccountStore } from './store.js';
import type { DomainSettings, EventSubject } from './context.js';

/**
 * The one rule for where a call's webhooks go, in Telnyx's order of precedence: the `webhook_url`
 * given when the call was dialed (or answered), else its connection's URL — the Call Control
 * application whose id is the call's connection_id ("webhook_event_url: The URL where webhooks
 * related to this connection will be sent"), however the call got that connection_id: dialed on
 * it, or routed to it as the connection of the owned number a caller dialed — else the server's
 * URL (a lenient connection, which names no application). The failover URL comes from the same
 * place as the URL it backs ("webhook_event_failover_url: The failover URL where webhooks related
 * to this connection will be sent if sending to the primary URL fails").
 */
export function webhookDestination(call: CallLeg | undefined,
  connections: { connection(connectionId: string): Connection | undefined },
  global: Pick<DomainSettings, 'webhookUrl' | 'webhookFailoverUrl'>): { url: string | null; failoverUrl: string | null; timeoutMs: number | null } {
  const conn = call ? connections.connection(call.connectionId) : undefined;
  // The application's webhook_timeout_secs bounds every attempt of its calls' webhooks, wherever
  // they go ("Specifies how many seconds to wait before timing out a webhook"); 0 or null: the server's.
  const timeoutMs = conn?.webhookTimeoutSecs ? conn.webhookTimeoutSecs * 1000 : null;
  if (call?.webhookUrl) return { url: call.webhookUrl, failoverUrl: call.webhookFailoverUrl ?? null, timeoutMs };
  if (conn?.webhookUrl) return { url: conn.webhookUrl, failoverUrl: conn.webhookFailoverUrl, timeoutMs };
  return { url: global.webhookUrl ?? null, failoverUrl: global.webhookFailoverUrl ?? null, timeoutMs };
}

/** A conference's own events (no call) follow the call that created it. */
function conferenceCreator(store: AccountStore, conferenceId: string): CallLeg | undefined {
  const conf = store.conference(conferenceId);
  return conf ? store.call(conf.creatorCallControlId) : undefined;
}

/**
 * The outbox row of one event: its `data`, where it goes, and the lane it is delivered in (one
 * call's events in order, else one conference's, else the account's).
 */
export function outboxRow(store: AccountStore, settings: DomainSettings, e: {
  id: string; eventType: string; payload: Record<string, unknown>; subject: EventSubject; occurredAt: string; createdAt: number;
}): NewWebhookEvent {
  const { subject } = e;
  const call = subject.call ?? (subject.conferenceId ? conferenceCreator(store, subject.conferenceId) : undefined);
  const { url, failoverUrl, timeoutMs } = webhookDestination(call, store, settings);
  return {
    id: e.id, account: store.account, eventType: e.eventType,
    callControlId: subject.call?.callControlId ?? null,
    conferenceId: subject.conferenceId ?? null,
    orderingKey: call?.callControlId ?? subject.conferenceId ?? store.account,
    occurredAt: e.occurredAt, data: webhookData(e.eventType, e.id, e.occurredAt, e.payload), url, failoverUrl, timeoutMs,
    status: 'pending', attempts: [], nextAttemptAt: 0, createdAt: e.createdAt, resendOf: null,
  };
}

/**
 * A new delivery of a recorded event (a resend): the same `data`, so the same event id and
 * payload reach the app again, to the destination the event had, in its call's lane, recorded
 * as a resend of the original.
 */
export function resendRow(original: WebhookEventRow, id: string, createdAt: number): NewWebhookEvent {
  return {
    id, account: original.account, eventType: original.eventType, callControlId: original.callControlId,
    conferenceId: original.conferenceId, orderingKey: original.orderingKey, occurredAt: original.occurredAt,
    data: original.data, url: original.url, failoverUrl: original.failoverUrl, timeoutMs: original.timeoutMs,
    status: 'pending', attempts: [], nextAttemptAt: 0, createdAt, resendOf: original.seq,
  };
}
