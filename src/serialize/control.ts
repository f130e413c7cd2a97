import { iso } from '../clock.js';
import type { CallLeg, CallMedia, Connection, DeliveryAttempt, WebhookEventRow } from '../model/entities.js';
import type { ClockReading, Fault, NumberSetting } from '../model/views.js';
import type { WebhookData } from '../model/webhook.js';
import { callJson } from './index.js';
import type { JournalItem } from '../control/journal.js';
import { DEFAULT_SKEW_SECS, type WebhookFault } from '../control/webhook-faults.js';
import { requestJson } from './requests.js';

/** What the control API shows (HTTP and startMock() alike), snake_case like the rest of the API. */

/**
 * A call as the far end sees it: the Telnyx call object plus numbers, connection, state,
 * conference and bridge.
 */
export function callView(call: CallLeg, now: number) {
  return {
    ...callJson(call, now),
    from: call.from,
    to: call.to,
    connection_id: call.connectionId,
    direction: call.direction,
    state: call.state,
    conference_id: call.conferenceId,
    bridged_to: call.bridgedTo,
    hangup_cause: call.hangupCause,
    /** send_dtmf: the digits this end has sent, as the far end heard them. */
    dtmf_received: call.dtmfSent,
    /** transcription_start: the engine transcribing the caller, or null. */
    transcription_engine: call.transcriptionEngine,
  };
}

/** One speak / playback of a call's media history (GET /_mock/calls/{id}/media). */
export function callMediaJson(m: CallMedia) {
  return {
    kind: m.kind, text: m.text, media_url: m.mediaUrl, media_name: m.mediaName, overlay: m.overlay,
    loop: m.loops === null ? 'infinity' : m.loops, state: m.state, status: m.status,
    queued_at: iso(m.queuedAt), started_at: m.startedAt === null ? null : iso(m.startedAt),
    ended_at: m.endedAt === null ? null : iso(m.endedAt),
  };
}
export type CallView = ReturnType<typeof callView>;

export function numberJson(n: NumberSetting) {
  return n.behaviour === 'answer'
    ? { e164: n.e164, behaviour: n.behaviour, answer_after_secs: n.answerAfterSecs ?? 0, ...(n.amdResult ? { amd_result: n.amdResult } : {}) }
    : { e164: n.e164, behaviour: n.behaviour };
}

export function faultJson(f: Fault) {
  return {
    id: f.id, method: f.method, path: f.path, status: f.status ?? null, count: f.count, remaining: f.remaining,
    delay_ms: f.delayMs ?? 0, headers: f.headers ?? {},
  };
}

/** GET /_mock/clock and the clock's moves. */
export function clockJson(r: ClockReading) {
  return { now: iso(r.now), offset_ms: r.offsetMs, frozen: r.frozen };
}
export type ClockJson = ReturnType<typeof clockJson>;

/** The account's settings (control API `/_mock/settings`). */
export function settingsJson(s: { strictConnections: boolean; accountStrictConnections: boolean | null }) {
  return { strict_connections: s.strictConnections, account_strict_connections: s.accountStrictConnections };
}

export function connectionJson(c: Connection) {
  return { record_type: 'connection', connection_id: c.connectionId, webhook_url: c.webhookUrl, webhook_failover_url: c.webhookFailoverUrl };
}

/**
 * One recorded webhook, as every door shows it (GET /_mock/webhooks, startMock().webhooks() and
 * its waits, scenarios, POST /_mock/wait): its place in the log (`seq`, what `after` takes), what
 * was recorded, where it went, each attempt, and the exact body the last attempt sent, as the
 * dispatcher recorded it (null until the first attempt).
 */
export function logEntry(row: WebhookEventRow) {
  const last = row.attempts[row.attempts.length - 1];
  return {
    seq: row.seq,
    id: row.id,
    event_type: row.eventType,
    occurred_at: row.occurredAt,
    call_control_id: row.callControlId,
    conference_id: row.conferenceId,
    status: row.status,
    url: last?.url ?? row.url ?? row.failoverUrl,
    failover_url: row.failoverUrl,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' && row.nextAttemptAt ? iso(row.nextAttemptAt) : null,
    body: last?.body ?? null,
    data: JSON.parse(row.data) as WebhookData,
    ...(row.resendOf !== null && row.resendOf !== undefined ? { resend_of: row.resendOf } : {}),
  };
}

/** One attempt as the console's webhook detail shows it: the record, with its headers as sent. */
export function attemptJson(a: DeliveryAttempt) {
  return { ...a, headers: a.request_headers ? Object.fromEntries(a.request_headers) : undefined };
}

/** One recorded webhook as startMock(), scenarios and the HTTP log see it: one shape (logEntry). */
export type WebhookEvent = ReturnType<typeof logEntry>;
export const webhookEvent = logEntry;

/**
 * What a blocking wait found (POST /_mock/wait's `data`), in the shape of the list it was found
 * in: a webhook or delivery as the webhook log shows it, a request as the journal does, a call as
 * GET /_mock/calls/{id} does.
 */
export function foundJson(f: { webhook: WebhookEventRow } | { request: JournalItem } | { call: CallLeg }, now: number) {
  if ('webhook' in f) return logEntry(f.webhook);
  if ('request' in f) return requestJson(f.request);
  return callView(f.call, now);
}

/** An armed webhook fault (GET /_mock/webhook_faults, startMock().webhookFaults()): its match, its limits, what it did. */
export function webhookFaultJson(f: WebhookFault) {
  return {
    id: f.id, kind: f.kind,
    event_type: f.eventType ?? null, call_control_id: f.callControlId ?? null, url: f.url ?? null,
    count: f.count ?? null, remaining: f.remaining ?? null,
    armed_at: iso(f.armedAt), until: f.until === undefined ? null : iso(f.until),
    ...(f.kind === 'delay' ? { delay_ms: f.delayMs ?? 0 } : {}),
    ...(f.kind === 'skew_timestamp' ? { skew_secs: f.skewSecs ?? DEFAULT_SKEW_SECS } : {}),
    /** Attempts (events, for duplicate / reorder / failover_only) it has touched so far. */
    touched: f.touched,
  };
}
export type WebhookFaultJson = ReturnType<typeof webhookFaultJson>;
