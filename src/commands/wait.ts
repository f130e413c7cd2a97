/**
 * Blocking waits (control API): hold until a webhook, a request, a call state or a finished
 * delivery matching a filter exists, or a timeout passes. One command for every door: POST
 * /_mock/wait, startMock()'s waitForWebhook / waitForRequest / waitForCall / waitForDelivery. Each
 * wait is parked on the account's committed changes (src/waits.ts), never on a polling timer, and
 * finds its match with the filters of the list it waits on (the webhook log's fields, the request
 * journal's filter, the payload/body matcher scenarios use), so the two agree on what matches.
 * Bounded per account: a timeout of at most MAX_WAIT_MS, at most MAX_PARKED_WAITS parked, and one
 * read of the log per change however many are parked.
 */
import { CALL_STATES, HTTP_METHODS, type CallState } from '../../schema/enums.js';
import type { AccountChanges, ChangeKind } from '../changes.js';
import type { CallLeg, WebhookEventRow } from '../model/entities.js';
import { errors } from '../model/errors.js';
import type { JournalItem } from '../control/journal.js';
import { waitForChange } from '../waits.js';
import type { Account } from './account.js';
import { listRequests, requestMark } from './requests.js';
import { webhookMark } from './webhooks.js';
import { body, custom, int, oneOf, string, type Json } from './schema.js';

/** What a wait can wait for. */
export const WAIT_FOR = ['webhook', 'request', 'call', 'delivery'] as const;
export type WaitFor = (typeof WAIT_FOR)[number];

/** How long a wait holds when it names no timeout (the scenario's default `wait` timeout). */
export const DEFAULT_WAIT_MS = 5_000;
/** The longest wait, as a scenario's `wait` step. */
export const MAX_WAIT_MS = 10 * 60_000;
/**
 * Waits parked at once per account, whatever the door: each costs a listener and a probe per
 * change, so one account cannot park enough of them to slow the server for the others.
 */
export const MAX_PARKED_WAITS = 200;

/** How a finished delivery ended (a pending one is not finished). */
const FINISHED = ['delivered', 'failed'] as const;

/** An object value (a webhook payload or a request body to match), taken as given. */
const objectValue = custom((v, name): Json | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalid(name, `The '${name}' parameter must be an object.`);
  return v as Json;
});

/** The fields each kind of wait takes besides `for`, `timeout_ms` and `after`. */
const TAKES: Record<WaitFor, readonly string[]> = {
  webhook: ['event_type', 'call_control_id', 'payload'],
  request: ['method', 'path', 'status', 'body'],
  call: ['call_control_id', 'state'],
  delivery: ['event_type', 'call_control_id', 'status'],
};

// The body this room takes, declared once (the one validation layer: see schema.ts).
export const Wait = body({
  for: oneOf(WAIT_FOR, { required: true }),
  event_type: string({ max: 200 }),
  call_control_id: string({ max: 200 }),
  payload: objectValue,
  method: custom((v, name) => {
    if (v === undefined || v === null || v === '') return undefined;
    const method = typeof v === 'string' ? v.toUpperCase() : v;
    if (!(HTTP_METHODS as readonly unknown[]).includes(method)) throw errors.badEnum(name, HTTP_METHODS);
    return method as string;
  }),
  path: string({ max: 4096 }),
  // A request's HTTP status (a number), or how a delivery ended ('delivered' / 'failed').
  status: custom((v, name, b): number | (typeof FINISHED)[number] | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (b.for === 'delivery') return oneOf(FINISHED)(b, name);
    return int(100, 599)(b, name);
  }),
  body: custom((v) => v ?? undefined),
  state: oneOf(CALL_STATES),
  after: int(0, Number.MAX_SAFE_INTEGER),
  timeout_ms: int(0, MAX_WAIT_MS),
}, (b) => {
  // A field another kind of wait takes is a mistake, not a filter silently ignored.
  const kinds = Object.keys(TAKES) as WaitFor[];
  for (const field of new Set(kinds.flatMap((k) => TAKES[k]))) {
    if (b[field as keyof typeof b] !== undefined && !TAKES[b.for].includes(field)) {
      throw errors.invalid(field, `'${field}' is not a filter of a wait for a ${b.for}; it takes ${TAKES[b.for].map((f) => `'${f}'`).join(', ')}.`);
    }
  }
  if (b.for === 'call') {
    if (b.call_control_id === undefined) throw errors.missing('call_control_id');
    if (b.state === undefined) throw errors.missing('state');
    if (b.after !== undefined) throw errors.invalid('after', "'after' is not a filter of a wait for a call.");
  }
});
export type WaitInput = ReturnType<typeof Wait.parse>;

/** What a wait found: the log row, the journaled request or the call, as recorded. */
export type Found =
  | { for: 'webhook' | 'delivery'; webhook: WebhookEventRow }
  | { for: 'request'; request: JournalItem }
  | { for: 'call'; call: CallLeg };

/**
 * What an account's parked waits share (keyed by its change notifications, which each account
 * keeps): how many there are, a version that every change moves, and the tail of its webhook log
 * as last read at some version, so a hundred waits woken by one change read the log once.
 */
interface AccountWaits {
  parked: number;
  version: number;
  tail?: { version: number; after: number; rows: WebhookEventRow[] };
}
const shared = new WeakMap<AccountChanges, AccountWaits>();

/** How many waits the account has parked now. */
export function parkedWaits(a: Account): number {
  return shared.get(a.changes)?.parked ?? 0;
}

/**
 * The account's webhooks logged after `after`, oldest first: one statement per change however
 * many parked waits ask (they read from nearly the same place: where each last looked).
 */
function logTail(a: Account, after: number): WebhookEventRow[] {
  const waits = shared.get(a.changes);
  const tail = waits?.tail;
  if (waits && tail && tail.version === waits.version && tail.after <= after) {
    return tail.after === after ? tail.rows : tail.rows.filter((r) => r.seq > after);
  }
  const rows = a.query((s) => s.webhookLog({ after })).rows;
  if (waits) waits.tail = { version: waits.version, after, rows };
  return rows;
}

/**
 * Holds until a match exists, then returns it; a match that exists already is returned at once
 * (`after` asks for a later one). Throws a 408 naming what was awaited when `timeout_ms` of wall
 * time pass, a 429 when the account has MAX_PARKED_WAITS waits parked already, and stops (a 408
 * saying so) when `signal` aborts: a client that hung up releases its wait.
 */
export async function waitFor(a: Account, input: unknown, opts: { signal?: AbortSignal } = {}): Promise<Found> {
  const w = Wait.parse(input);
  const timeoutMs = w.timeout_ms ?? DEFAULT_WAIT_MS;
  const probe = prober(a, w);
  // A match already there needs no slot: only a wait that parks counts against the account.
  const now = probe();
  if (now !== undefined) return now;
  let waits = shared.get(a.changes);
  if ((waits?.parked ?? 0) >= MAX_PARKED_WAITS) throw errors.tooManyWaits(MAX_PARKED_WAITS);
  if (!waits) shared.set(a.changes, waits = { parked: 0, version: 0 });
  waits.parked++;
  const account = waits;
  try {
    const outcome = await waitForChange(a.changes, timeoutMs, probe, {
      wall: () => a.wallNow(), signal: opts.signal, kinds: WAKES_ON[w.for],
      // Any change may have logged a webhook or moved a delivery: the shared tail is stale.
      onChange: () => { account.version++; },
    });
    if (outcome.found !== undefined) return outcome.found;
  } finally {
    if (--account.parked === 0) shared.delete(a.changes);
  }
  // Aborted (a client that hung up never reads this; a library caller that aborted does).
  if (opts.signal?.aborted) throw errors.waitTimedOut(`Stopped: the wait for ${describeWait(w)} was aborted.`);
  throw errors.waitTimedOut(w.for === 'call'
    ? `Timed out: call ${w.call_control_id} was not ${w.state} within ${timeoutMs} ms (it is ${a.read((ctx) => ctx.store.call(w.call_control_id!))?.state ?? 'gone'}).`
    : `Timed out: no ${describeWait(w)} within ${timeoutMs} ms.`);
}

/**
 * The changes that can make a wait's answer differ: webhooks are logged by the write that causes
 * them; a delivery finishes when its attempts are recorded (or, with no URL anywhere, by a write);
 * requests are journaled; a call's state moves with a write (a clock move's timers write too).
 */
const WAKES_ON: Record<WaitFor, ChangeKind[]> = {
  webhook: ['state'],
  delivery: ['webhook', 'state'],
  request: ['request'],
  call: ['state'],
};

/** The probe a wait runs at first and after each change: the first match, or undefined. */
function prober(a: Account, w: WaitInput): () => Found | undefined {
  // Each probe is one statement on the store (`a.query`: a single SELECT needs no transaction):
  // a hundred waits woken by each change of a busy account cost a hundred statements, not hundreds.
  switch (w.for) {
    case 'webhook': {
      // A logged webhook never changes what these filters look at, so one that did not match will
      // never match: after a first look over the log (from `after`), each probe reads only what
      // was logged since the last, through the tail the account's waits share.
      const expected = w.payload;
      const match = (r: WebhookEventRow) => (w.event_type === undefined || r.eventType === w.event_type)
        && (w.call_control_id === undefined || r.callControlId === w.call_control_id)
        && (expected === undefined || matches(expected, (JSON.parse(r.data) as { payload?: unknown }).payload));
      let cursor = -1;
      return () => {
        if (cursor < 0) {
          const mark = webhookMark(a);
          const filter = { eventType: w.event_type, callControlId: w.call_control_id, after: w.after ?? 0 };
          // Without a payload every row of the filter matches: one is enough.
          const rows = a.query((s) => s.webhookLog(filter, expected === undefined ? { number: 1, size: 1 } : undefined)).rows;
          const row = rows.find(match);
          if (row) return { for: 'webhook', webhook: row };
          cursor = Math.max(mark, w.after ?? 0);
          return undefined;
        }
        const rows = logTail(a, cursor);
        const row = rows.find(match);
        if (row) return { for: 'webhook', webhook: row };
        if (rows.length > 0) cursor = rows[rows.length - 1].seq;
        return undefined;
      };
    }
    case 'delivery': {
      // Rows still pending may finish later: the cursor stops before the first that matches.
      const ends: readonly string[] = w.status === undefined ? FINISHED : [w.status as string];
      const match = (r: WebhookEventRow) => (w.event_type === undefined || r.eventType === w.event_type)
        && (w.call_control_id === undefined || r.callControlId === w.call_control_id);
      let cursor = -1;
      return () => {
        const first = cursor < 0;
        // Everything up to `read` has been looked at: the mark on a first look, else the tail's end.
        let read = first ? webhookMark(a) : cursor;
        let rows: WebhookEventRow[];
        if (first) {
          rows = a.query((s) => s.webhookLog({ eventType: w.event_type, callControlId: w.call_control_id, after: w.after ?? 0 })).rows;
        } else {
          const tail = logTail(a, cursor);
          if (tail.length > 0) read = tail[tail.length - 1].seq;
          rows = tail.filter(match);
        }
        const row = rows.find((r) => ends.includes(r.status));
        if (row) return { for: 'delivery', webhook: row };
        const pending = rows.find((r) => r.status === 'pending');
        cursor = pending ? pending.seq - 1 : Math.max(read, w.after ?? 0);
        return undefined;
      };
    }
    case 'request': {
      // The journal is in memory; answered requests that did not match never will. One still in
      // flight (journaled at arrival, `status` null) may: the cursor stops before it.
      const expected = w.body;
      let cursor = w.after ?? 0;
      return () => {
        const mark = requestMark(a);
        let inFlight: number | undefined;
        for (const r of listRequests(a, { method: w.method, path: w.path, after: cursor })) {
          if (r.status === null) {
            inFlight ??= r.id;
            continue;
          }
          // Only a request that has been answered: then whatever it caused is observable too.
          if ((w.status === undefined || r.status === w.status) && (expected === undefined || matches(expected, parsed(r.body)))) {
            return { for: 'request', request: r };
          }
        }
        cursor = inFlight !== undefined ? inFlight - 1 : Math.max(cursor, mark);
        return undefined;
      };
    }
    case 'call': {
      const id = w.call_control_id!;
      const state = w.state as CallState;
      return () => {
        const call = a.query((s) => s.call(id));
        if (!call) throw errors.notFound('Call');
        if (call.state === state) return { for: 'call', call };
        // A hung-up call never changes again: say so now rather than after the whole timeout.
        if (call.state === 'hangup') {
          throw errors.waitUnmeetable(`Call ${id} will never be ${state}: it has hung up (${call.hangupCause ?? 'normal_clearing'}).`);
        }
        return undefined;
      };
    }
  }
}

/** What a webhook, delivery or request wait waits for, in words: "call.answered webhook for v3:abc". */
export function describeWait(w: WaitInput): string {
  const forCall = w.call_control_id ? ` for ${w.call_control_id}` : '';
  const after = w.after !== undefined ? ` after ${w.for === 'request' ? 'request' : 'webhook'} ${w.after}` : '';
  switch (w.for) {
    case 'webhook':
      return `${w.event_type ?? 'any'} webhook${forCall}${w.payload ? ` with payload ${JSON.stringify(w.payload)}` : ''}${after}`;
    case 'delivery':
      return `${w.status ?? 'finished'} delivery of ${w.event_type ? `a ${w.event_type} webhook` : 'a webhook'}${forCall}${after}`;
    case 'request':
      return `${w.method ? `${w.method} ` : ''}request${w.path ? ` to a path containing ${w.path}` : ''}`
        + `${w.status !== undefined ? ` answered ${w.status}` : ''}${w.body !== undefined ? ` with body ${JSON.stringify(w.body)}` : ''}${after}`;
    case 'call':
      return `call ${w.call_control_id} ${w.state}`;
  }
}

/** A journaled body as JSON where it is JSON. */
function parsed(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * True when `actual` has everything `expected` has: objects by their keys, lists item by item.
 * The one matcher of payloads and bodies (scenario conditions use it too).
 */
export function matches(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return expected === actual;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(e, actual[i]));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([k, v]) => matches(v, (actual as Record<string, unknown>)[k]));
}
