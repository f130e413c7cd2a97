import { iso } from '../clock.js';
import type { ConsoleState } from '../model/views.js';
import type { WebhookSummary } from '../domain/store.js';
import type { JournalItem } from '../control/journal.js';
import { decodePath } from '../control/journal.js';
import { clockJson, faultJson, numberJson } from './control.js';
import { webhookFailed } from '../model/webhook.js';
import { firstError } from '../model/errors.js';

/**
 * The live console's wire shapes: the snapshot its views redraw from and its timeline entries.
 * Instants are ms here (the page computes durations and the ticking clock from them).
 */
export function consoleSnapshotJson(s: ConsoleState) {
  return {
    account: s.account,
    clock: { ...clockJson(s.clock), now_ms: s.clock.now },
    calls: {
      total: s.calls.total,
      rows: s.calls.rows.map(({ call: c, conference, queue, playing, lastEvent }) => ({
        call_control_id: c.callControlId, direction: c.direction, from: c.from, to: c.to, state: c.state,
        connection_id: c.connectionId, conference_id: c.conferenceId, conference, queue, bridged_to: c.bridgedTo,
        start_time: c.startTime, answered_at: c.answeredAt, end_time: c.endTime, hangup_cause: c.hangupCause,
        // A pending gather: the digits pressed so far and when it gives up (ms, account time).
        gather: c.pendingGather ? {
          digits: c.gatheredDigits ?? '', minimum_digits: c.pendingGather.minimumDigits, maximum_digits: c.pendingGather.maximumDigits,
          terminating_digit: c.pendingGather.terminatingDigit, valid_digits: c.pendingGather.validDigits,
          timeout_at: c.pendingGather.deadlineAt ?? null, prompt_playing: !!c.pendingGather.prompt?.playingUntil,
        } : null,
        playing: playing?.map((m) => ({ kind: m.kind, text: m.text, media_url: m.mediaUrl, media_name: m.mediaName, overlay: m.overlay })),
        last_event: lastEvent ? { event_type: lastEvent.eventType, occurred_at: lastEvent.occurredAt } : undefined,
      })),
    },
    conferences: {
      total: s.conferences.total,
      rows: s.conferences.rows.map(({ conference: c, floor, joined, left, participants, omitted }) => ({
        id: c.id, name: c.name, status: c.status, created_at: c.createdAt, expires_at: c.expiresAt,
        end_reason: c.endReason, floor, joined, left, participants_omitted: omitted,
        participants: participants.map(({ participant: p, from }) => ({
          call_control_id: p.callControlId, from, label: p.label, status: p.status,
          muted: p.muted, on_hold: p.onHold, supervisor_role: p.supervisorRole,
          whisper_call_control_ids: p.whisperCallControlIds, joined_at: p.createdAt, updated_at: p.updatedAt,
        })),
      })),
    },
    queues: s.queues.map(({ queue: q, callers, waiting, total }) => ({
      id: q.id, name: q.name, max_size: q.maxSize, waiting, callers_omitted: total - callers.length,
      callers: callers.map(({ queueCall: qc, from }, i) => ({
        position: i + 1, call_control_id: qc.callControlId, from, enqueued_at: qc.enqueuedAt, is_alive: qc.isAlive,
      })),
    })),
    numbers: s.numbers.map(numberJson),
    faults: s.faults.map(faultJson),
    applications: {
      total: s.applications.total,
      rows: s.applications.rows.map((a) => ({
        id: a.id, application_name: a.applicationName, webhook_event_url: a.webhookEventUrl, active: a.active,
      })),
    },
    phone_numbers: {
      total: s.phoneNumbers.total,
      rows: s.phoneNumbers.rows.map((n) => ({ id: n.id, phone_number: n.phoneNumber, connection_id: n.connectionId })),
    },
  };
}
export type ConsoleSnapshotJson = ReturnType<typeof consoleSnapshotJson>;

/** One timeline entry: a request the app sent, or a webhook the emulator recorded (its last attempt). */
export function timelineEntryJson(e: { kind: 'request'; request: JournalItem } | { kind: 'webhook'; webhook: WebhookSummary }) {
  if (e.kind === 'request') {
    const r = e.request;
    return {
      kind: 'request' as const, id: r.id, time: iso(r.at), method: r.method, path: decodePath(r.path), status: r.status,
      failed: r.status !== null && r.status >= 400, error: firstError(r.errorBody) ?? null,
    };
  }
  const w = e.webhook;
  const last = w.attempts[w.attempts.length - 1];
  return {
    kind: 'webhook' as const, id: w.seq, time: w.occurredAt, event_type: w.eventType, status: w.status,
    attempts: w.attempts.length, last_status: last?.status ?? null, last_error: last?.error ?? null, url: last?.url ?? w.url,
    call_control_id: w.callControlId, conference_id: w.conferenceId, failed: webhookFailed(w), resend_of: w.resendOf ?? null,
    // The webhook faults that touched its attempts (issue 17), once each, in the order met.
    faults: [...new Set(w.attempts.flatMap((a) => (a.fault ? [a.fault] : [])))],
  };
}

/** An account of the console's picker: its key, when it was last used, and whether it was only ever refused. */
export function accountJson(a: { key: string; lastUsedAt: number; refusedOnly?: boolean }) {
  return { key: a.key, last_activity: iso(a.lastUsedAt), refused_only: a.refusedOnly ?? false };
}

/** The console's server panel: what this server is and how it is set up (no secrets: never a key but the public one). */
export interface ServerInfo {
  version: string;
  public_key: string;
  public_key_source: string;
  webhook_url: string | null;
  webhook_failover_url: string | null;
  database: string;
  delivery: Record<string, number>;
  bounds: Record<string, number>;
}

export function serverInfoJson(s: {
  version: string; publicKey: string; publicKeySource: string; webhookUrl?: string; webhookFailoverUrl?: string; dbPath?: string;
  delivery: Record<string, number>; bounds: Record<string, number>;
}): ServerInfo {
  return {
    version: s.version, public_key: s.publicKey, public_key_source: s.publicKeySource,
    webhook_url: s.webhookUrl ?? null, webhook_failover_url: s.webhookFailoverUrl ?? null,
    database: s.dbPath && s.dbPath !== ':memory:' ? s.dbPath : 'in memory',
    delivery: s.delivery, bounds: s.bounds,
  };
}
