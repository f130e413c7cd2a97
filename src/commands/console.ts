/**
 * The live console's reads: one account's calls, conferences, queues and clock as one snapshot,
 * and its timeline (the request journal interleaved with the webhook log). Read-only: the
 * console drives the emulator through the control API's own commands, never through these.
 */
import type { CallLeg, WebhookEventRow } from '../model/entities.js';
import { errors } from '../model/errors.js';
import type { WebhookSummary } from '../domain/store.js';
import type { JournalEntry } from '../control/journal.js';
import type { Account, Accounts } from './account.js';
import { clockState, type ClockState } from './clock.js';
import { listRequests } from './requests.js';
import { listFaults } from './faults.js';
import { listNumbers, type NumberSetting } from './numbers.js';
import type { Fault } from '../control/faults.js';
import { intParam } from './schema.js';

/** Most calls a snapshot lists (those still up first); the total says how many there are. */
export const SNAPSHOT_CALLS = 500;
/** Most conferences a snapshot lists, latest expiry first (live ones before ended ones). */
export const SNAPSHOT_CONFERENCES = 20;
/**
 * Most participants one snapshot carries, filled conference by conference in listing order (live
 * ones first): an account of several 1,000-seat conferences still makes a snapshot of bounded size.
 */
export const SNAPSHOT_PARTICIPANTS = 2000;
/** Largest timeline page. */
export const MAX_TIMELINE_PAGE = 500;

/**
 * The accounts (API keys) used since start, most recent first. The one read that crosses
 * accounts: whoever may list other people's keys is decided by the door that serves it.
 */
export function listAccounts(accounts: Accounts): { key: string; last_activity: string }[] {
  return accounts.used().map((u) => ({ key: u.key, last_activity: new Date(u.lastUsedAt).toISOString() }));
}

export interface ConsoleCall {
  call_control_id: string;
  direction: CallLeg['direction'];
  from: string;
  to: string;
  state: CallLeg['state'];
  connection_id: string;
  conference_id: string | null;
  conference: string | null;
  queue: string | null;
  bridged_to: string | null;
  start_time: number;
  answered_at: number | null;
  end_time: number | null;
  hangup_cause: string | null;
}

export interface ConsoleParticipant {
  call_control_id: string;
  from: string | null;
  label: string | null;
  status: string;
  muted: boolean;
  on_hold: boolean;
  supervisor_role: string;
  whisper_call_control_ids: string[];
  joined_at: number;
  updated_at: number;
}

export interface ConsoleConference {
  id: string;
  name: string;
  status: string;
  created_at: number;
  expires_at: number;
  end_reason: string | null;
  /** The call_control_id holding the floor (speaking), if any. */
  floor: string | null;
  joined: number;
  left: number;
  /** Every participant, in join order (those who left included), unless omitted. */
  participants: ConsoleParticipant[];
  /** True when the snapshot had no room left for this conference's participants (SNAPSHOT_PARTICIPANTS). */
  participants_omitted: boolean;
}

export interface ConsoleQueue {
  id: string;
  name: string;
  max_size: number;
  callers: { position: number; call_control_id: string; from: string | null; enqueued_at: number; is_alive: boolean }[];
}

export interface ConsoleSnapshot {
  account: string;
  /** The account's clock; `now_ms` is the instant the snapshot was read at. */
  clock: ClockState & { now_ms: number };
  calls: { total: number; rows: ConsoleCall[] };
  conferences: { total: number; rows: ConsoleConference[] };
  queues: ConsoleQueue[];
  numbers: NumberSetting[];
  faults: Fault[];
}

/** Everything the console's live views show, read in one transaction so the views agree. */
export function consoleSnapshot(a: Account): ConsoleSnapshot {
  const state = a.read((ctx) => {
    const { store } = ctx;
    const queues = store.listQueues({ number: 1, size: 1000 }).rows;
    const queueOf = new Map<string, string>();
    const waiting = queues.map((q) => ({ q, calls: store.queueCalls(q.id) }));
    for (const { q, calls } of waiting) for (const qc of calls) if (qc.isAlive) queueOf.set(qc.callControlId, q.name);

    const confs = store.listConferences({}, { number: 1, size: SNAPSHOT_CONFERENCES });
    const confName = new Map(confs.rows.map((c) => [c.id, c.name]));
    const calls = store.recentCalls(SNAPSHOT_CALLS);
    const known = new Map(calls.rows.map((c) => [c.callControlId, c]));
    const fromOf = (ids: string[]) => {
      const missing = ids.filter((id) => !known.has(id));
      for (const c of store.callsByIds(missing)) known.set(c.callControlId, c);
      return (id: string) => known.get(id)?.from ?? null;
    };

    let room = SNAPSHOT_PARTICIPANTS;
    const conferences: ConsoleConference[] = confs.rows.map((c) => {
      const conf = store.conference(c.id);
      const all = store.participants(c.id);
      const left = all.filter((p) => p.status === 'left').length;
      const omitted = all.length > room;
      const parts = omitted ? [] : all;
      room -= parts.length;
      const from = fromOf(parts.map((p) => p.callControlId));
      return {
        id: c.id, name: c.name, status: c.status, created_at: c.createdAt, expires_at: c.expiresAt,
        end_reason: c.endReason, floor: conf?.floorCallControlId ?? null,
        joined: all.length - left, left, participants_omitted: omitted,
        participants: parts.map((p) => ({
          call_control_id: p.callControlId, from: from(p.callControlId), label: p.label, status: p.status,
          muted: p.muted, on_hold: p.onHold, supervisor_role: p.supervisorRole,
          whisper_call_control_ids: p.whisperCallControlIds, joined_at: p.createdAt, updated_at: p.updatedAt,
        })),
      };
    });

    const queueViews: ConsoleQueue[] = waiting.map(({ q, calls: qcs }) => {
      const from = fromOf(qcs.map((qc) => qc.callControlId));
      return {
        id: q.id, name: q.name, max_size: q.maxSize,
        callers: qcs.map((qc, i) => ({
          position: i + 1, call_control_id: qc.callControlId, from: from(qc.callControlId),
          enqueued_at: qc.enqueuedAt, is_alive: qc.isAlive,
        })),
      };
    });

    const callViews: ConsoleCall[] = calls.rows.map((c) => ({
      call_control_id: c.callControlId, direction: c.direction, from: c.from, to: c.to, state: c.state,
      connection_id: c.connectionId, conference_id: c.conferenceId,
      conference: c.conferenceId ? confName.get(c.conferenceId) ?? store.conferenceView(c.conferenceId)?.name ?? null : null,
      queue: queueOf.get(c.callControlId) ?? null, bridged_to: c.bridgedTo,
      start_time: c.startTime, answered_at: c.answeredAt, end_time: c.endTime, hangup_cause: c.hangupCause,
    }));
    return {
      calls: { total: calls.total, rows: callViews },
      conferences: { total: confs.total, rows: conferences },
      queues: queueViews,
    };
  });
  return {
    account: a.id,
    clock: { ...clockState(a), now_ms: a.now() },
    ...state,
    numbers: listNumbers(a),
    faults: listFaults(a),
  };
}

/** Which part of the timeline to show: one call's or one conference's entries, a page of them. */
export interface TimelineQuery {
  call?: string;
  conference?: string;
  /** Index of the first entry (0 = the oldest); absent: the last page, the newest entries. */
  offset?: number | string;
  limit?: number | string;
}

export type TimelineEntry =
  | { kind: 'request'; id: number; time: string; method: string; path: string; status: number }
  | {
    kind: 'webhook'; id: number; time: string; event_type: string; status: string; attempts: number;
    last_status: number | null; url: string | null; call_control_id: string | null; conference_id: string | null;
  };

export interface TimelinePage {
  total: number;
  offset: number;
  entries: TimelineEntry[];
}

/** Does a journaled request concern this call or conference (its path names it, or its body does)? */
function concerns(r: JournalEntry, q: TimelineQuery): boolean {
  const body = r.body !== null && typeof r.body === 'object' ? r.body as Record<string, unknown> : {};
  if (q.call !== undefined && !r.path.includes(q.call) && body.call_control_id !== q.call) return false;
  if (q.conference !== undefined && !r.path.includes(q.conference)) return false;
  return true;
}

const webhookEntry = (w: WebhookSummary): TimelineEntry => {
  const last = w.attempts[w.attempts.length - 1];
  return {
    kind: 'webhook', id: w.seq, time: w.occurredAt, event_type: w.eventType, status: w.status,
    attempts: w.attempts.length, last_status: last?.status ?? null, url: last?.url ?? w.url,
    call_control_id: w.callControlId, conference_id: w.conferenceId,
  };
};

/**
 * The account's timeline, oldest to newest: the app's /v2 requests (the journal, which keeps the
 * latest 1,000) and the webhooks the emulator recorded, ordered by the account's clock; at one
 * instant a request comes before the webhooks it caused.
 */
export async function consoleTimeline(a: Account, q: TimelineQuery = {}): Promise<TimelinePage> {
  const limit = intParam('limit', q.limit, 1, MAX_TIMELINE_PAGE) ?? 100;
  const offset = intParam('offset', q.offset, 0, Number.MAX_SAFE_INTEGER);
  const requests = (await listRequests(a)).filter((r) => concerns(r, q));
  const webhooks = a.read((ctx) => ctx.store.webhookSummaries({ callControlId: q.call, conferenceId: q.conference }));
  const entries: TimelineEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < requests.length || j < webhooks.length) {
    const r = requests[i];
    const w = webhooks[j];
    if (r && (!w || r.time <= w.occurredAt)) {
      entries.push({ kind: 'request', id: r.id, time: r.time, method: r.method, path: r.path, status: r.status });
      i++;
    } else {
      entries.push(webhookEntry(w));
      j++;
    }
  }
  const start = offset ?? Math.max(0, entries.length - limit);
  return { total: entries.length, offset: start, entries: entries.slice(start, start + limit) };
}

/** One journaled request in full (method, path, query, body, status), by its id. */
export async function timelineRequest(a: Account, id: number): Promise<JournalEntry> {
  const found = Number.isInteger(id) && id > 0 ? (await listRequests(a, { after: id - 1 })).find((r) => r.id === id) : undefined;
  if (!found) throw errors.notFound('Request');
  return found;
}

/** One logged webhook in full, by its sequence number. */
export function timelineWebhook(a: Account, seq: number): WebhookEventRow {
  const row = Number.isInteger(seq) && seq > 0 ? a.read((ctx) => ctx.store.webhookEntry(seq)) : undefined;
  if (!row) throw errors.notFound('Webhook');
  return row;
}
