/**
 * The live console's reads: one account's calls, conferences, queues and clock as one snapshot,
 * and its timeline (the request journal interleaved with the webhook log). Read-only: the
 * console drives the emulator through the control API's own commands, never through these.
 */
import type { WebhookEventRow } from '../model/entities.js';
import type { ConsoleCallView, ConsoleConferenceView, ConsoleQueueView, ConsoleState } from '../model/views.js';
import { errors } from '../model/errors.js';
import { iso } from '../clock.js';
import type { WebhookSummary } from '../domain/store.js';
import type { JournalItem } from '../control/journal.js';
import { decodePath } from '../control/journal.js';
import type { Account, Accounts } from './account.js';
import { clockReading } from './clock.js';
import { listRequests } from './requests.js';
import { listFaults } from './faults.js';
import { listNumbers } from './numbers.js';
import { intParam } from './schema.js';
import { requireAdmin } from './admin.js';

/** Most calls a snapshot lists (those still up first); the total says how many there are. */
export const SNAPSHOT_CALLS = 500;
/** Most conferences a snapshot lists, latest expiry first (live ones before ended ones). */
export const SNAPSHOT_CONFERENCES = 20;
/**
 * Most participants one snapshot carries, filled conference by conference in listing order (live
 * ones first): an account of several 1,000-seat conferences still makes a snapshot of bounded size.
 */
export const SNAPSHOT_PARTICIPANTS = 2000;
/**
 * Most queued callers one snapshot lists, filled queue by queue (the first of each): a queue of
 * 3,000 callers still makes a snapshot of bounded size; its counts say how many wait.
 */
export const SNAPSHOT_QUEUE_CALLERS = 500;
/** Most applications and owned numbers a snapshot lists (newest first); the totals say how many there are. */
export const SNAPSHOT_PROVISIONED = 100;
/** Largest timeline page. */
export const MAX_TIMELINE_PAGE = 500;
/** Calls still up whose line shows what plays and their latest webhook (two indexed reads each). */
export const SNAPSHOT_DETAILED_CALLS = 100;

/** Most keys the console may present at once (the ones its browser remembers). */
export const MAX_KNOWN_KEYS = 50;

/**
 * The accounts (API keys) used since start, most recent first. A key is the whole credential, so
 * with TELNYX_MOCK_ADMIN_KEY set only the admin key lists every account (403 otherwise); without
 * one, each caller sees only the keys it presents — its own and those its browser remembers
 * (`known`) — never another tenant's.
 */
export function listAccounts(accounts: Accounts, key: string, known: readonly string[] = []): { key: string; lastUsedAt: number; refusedOnly: boolean }[] {
  let used = accounts.used();
  if (accounts.adminKeySet) requireAdmin({ key, accounts });
  else {
    const asked = new Set([key, ...known.slice(0, MAX_KNOWN_KEYS)].filter(Boolean));
    used = used.filter((u) => asked.has(u.key));
  }
  // A key whose every request was refused (a mistaken curl) is told apart, so the picker can fold it away.
  return used.map((u) => ({ ...u, refusedOnly: accounts.peek(u.key).journal.onlyRefused() }));
}

/** Everything the console's live views show, read in one transaction so the views agree. */
export function consoleSnapshot(a: Account): ConsoleState {
  const state = a.read((ctx) => {
    const { store } = ctx;
    const queues = store.listQueues({ number: 1, size: 1000 }).rows;
    const queueOf = new Map<string, string>();
    // Callers shown queue by queue in listing order, as many as the snapshot has room for (the
    // first of each queue: positions stay right); the tallies count them all.
    let queueRoom = SNAPSHOT_QUEUE_CALLERS;
    const waiting = queues.map((q) => {
      const tally = store.queueCallTally(q.id);
      const calls = queueRoom > 0 && tally.all > 0 ? store.firstQueueCalls(q.id, queueRoom) : [];
      queueRoom -= calls.length;
      return { q, calls, tally };
    });
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
    const conferences: ConsoleConferenceView[] = confs.rows.map((c) => {
      const conf = store.conference(c.id);
      // Counted in the database; read only when they fit (a 1,000-seat room is not read to be left out).
      const tally = store.participantTally(c.id);
      const omitted = tally.all > room;
      const parts = omitted || tally.all === 0 ? [] : store.firstParticipants(c.id, tally.all);
      room -= parts.length;
      const from = fromOf(parts.map((p) => p.callControlId));
      return {
        conference: c, floor: conf?.floorCallControlId ?? null, joined: tally.all - tally.left, left: tally.left, omitted,
        participants: parts.map((p) => ({ participant: p, from: from(p.callControlId) })),
      };
    });

    const queueViews: ConsoleQueueView[] = waiting.map(({ q, calls: qcs, tally }) => {
      const from = fromOf(qcs.map((qc) => qc.callControlId));
      return {
        queue: q, waiting: tally.alive, total: tally.all,
        callers: qcs.map((qc) => ({ queueCall: qc, from: from(qc.callControlId) })),
      };
    });

    let detailed = SNAPSHOT_DETAILED_CALLS;
    const callViews: ConsoleCallView[] = calls.rows.map((c) => ({
      call: c,
      conference: c.conferenceId ? confName.get(c.conferenceId) ?? store.conferenceView(c.conferenceId)?.name ?? null : null,
      queue: queueOf.get(c.callControlId) ?? null,
      ...(c.state !== 'hangup' && detailed-- > 0
        ? { playing: store.playingOf(c.callControlId), lastEvent: store.lastEventOf(c.callControlId) ?? null } : {}),
    }));
    const firstPage = { number: 1, size: SNAPSHOT_PROVISIONED };
    return {
      calls: { total: calls.total, rows: callViews },
      conferences: { total: confs.total, rows: conferences },
      queues: queueViews,
      applications: store.listApplications({}, firstPage),
      phoneNumbers: store.listPhoneNumbers({}, firstPage),
    };
  });
  return {
    account: a.key ?? a.id,
    clock: clockReading(a),
    ...state,
    numbers: listNumbers(a),
    faults: listFaults(a),
  };
}

/** Which part of the timeline to show: one call's or one conference's entries, a page of them. */
export interface TimelineQuery {
  call?: string;
  conference?: string;
  /** Only failures: requests answered 4xx/5xx and webhooks that failed or whose last attempt was refused. */
  errors?: boolean | string;
  /** Only webhooks of this event type (requests are left out). */
  eventType?: string;
  /** Only entries whose method and path, or event type, contain this text (any case). */
  text?: string;
  /** Index of the first entry (0 = the oldest); absent: the last page, the newest entries. */
  offset?: number | string;
  limit?: number | string;
}

/** One entry of the timeline: a journaled request or a logged webhook (without its body). */
export type TimelineItem = { kind: 'request'; request: JournalItem } | { kind: 'webhook'; webhook: WebhookSummary };

export interface TimelinePage {
  total: number;
  offset: number;
  entries: TimelineItem[];
}

/** Does a journaled request concern this call or conference (its path names it, or its body does)? */
function concerns(r: JournalItem, q: TimelineQuery): boolean {
  const path = decodePath(r.path);
  if (q.conference !== undefined && !path.includes(q.conference)) return false;
  if (q.call === undefined || path.includes(q.call)) return true;
  return callOfBody(r.body) === q.call;
}

/** The call_control_id a JSON body names, if it names one. */
function callOfBody(text: string | undefined): unknown {
  if (!text || !text.includes('call_control_id')) return undefined;
  try {
    const body = JSON.parse(text) as unknown;
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>).call_control_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account's timeline, oldest to newest: the app's /v2 requests (the journal, which keeps the
 * latest 1,000) and the webhooks the emulator recorded, ordered by the account's clock; at one
 * instant a request comes before the webhooks it caused.
 */
export async function consoleTimeline(a: Account, q: TimelineQuery = {}): Promise<TimelinePage> {
  const limit = intParam('limit', q.limit, 1, MAX_TIMELINE_PAGE) ?? 100;
  const offset = intParam('offset', q.offset, 0, Number.MAX_SAFE_INTEGER);
  if (q.errors !== undefined && typeof q.errors !== 'boolean' && q.errors !== 'true' && q.errors !== 'false') {
    throw errors.paramBadEnum('errors', ['true', 'false']);
  }
  const onlyErrors = q.errors === true || q.errors === 'true';
  const text = q.text?.toLowerCase();
  const requests = q.eventType ? [] : listRequests(a).filter((r) => concerns(r, q)
    && (!onlyErrors || (r.status !== null && r.status >= 400))
    && (!text || `${r.method} ${decodePath(r.path)}`.toLowerCase().includes(text)));
  const filter = { callControlId: q.call, conferenceId: q.conference, eventType: q.eventType, failed: onlyErrors, eventTypeContains: text };
  // The newest page (the page a console follows, reloaded on every change) reads only the newest
  // `limit` webhooks and a count: its newest entries are among the newest of each list.
  let webhooks: WebhookSummary[];
  let skipped = 0;
  if (offset === undefined) {
    const tail = a.read((ctx) => ctx.store.webhookSummariesTail(filter, limit));
    webhooks = tail.rows;
    skipped = tail.total - tail.rows.length;
  } else {
    webhooks = a.read((ctx) => ctx.store.webhookSummaries(filter));
  }
  const page = merged(requests.slice(offset === undefined ? -limit : 0), webhooks);
  const total = page.length + skipped + (offset === undefined ? Math.max(0, requests.length - limit) : 0);
  const start = offset ?? Math.max(0, total - limit);
  const from = offset === undefined ? Math.max(0, page.length - limit) : start;
  return { total, offset: start, entries: page.slice(from, from + limit) };
}

/** The journal and the webhook log interleaved by the account's clock; at one instant a request comes first. */
function merged(requests: JournalItem[], webhooks: WebhookSummary[]): TimelineItem[] {
  const entries: TimelineItem[] = [];
  let i = 0;
  let j = 0;
  while (i < requests.length || j < webhooks.length) {
    const r = requests[i];
    const w = webhooks[j];
    if (r && (!w || iso(r.at) <= w.occurredAt)) {
      entries.push({ kind: 'request', request: r });
      i++;
    } else {
      entries.push({ kind: 'webhook', webhook: w });
      j++;
    }
  }
  return entries;
}

/** One journaled request in full (method, path, query, body, status), by its id. */
export function timelineRequest(a: Account, id: number): JournalItem {
  const found = Number.isInteger(id) && id > 0 ? listRequests(a, { after: id - 1 }).find((r) => r.id === id) : undefined;
  if (!found) throw errors.notFound('Request');
  return found;
}

/** One logged webhook in full, by its sequence number. */
export function timelineWebhook(a: Account, seq: number): WebhookEventRow {
  const row = Number.isInteger(seq) && seq > 0 ? a.read((ctx) => ctx.store.webhookEntry(seq)) : undefined;
  if (!row) throw errors.notFound('Webhook');
  return row;
}
