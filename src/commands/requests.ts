/** The request journal (control API): what the app sent to /v2. */
import { HTTP_METHODS } from '../../schema/enums.js';
import { errors } from '../model/errors.js';
import { JOURNAL_CAPACITY, type JournalAnswer, type JournalItem, type JournalRecord, type RequestFilter } from '../control/journal.js';
import type { Account } from './account.js';
import { intParam } from './schema.js';

/** The journal's filters as a door gives them: numbers, or the text of a query string. */
export interface RequestQuery extends Omit<RequestFilter, 'status' | 'statusClass' | 'errors' | 'after' | 'limit'> {
  /** A status (`422`) or a class of them (`4xx`). */
  status?: number | string;
  /** Only requests answered with an error (4xx or 5xx): true, or the text `true`/`false`. */
  errors?: boolean | string;
  after?: number | string;
  limit?: number | string;
}

/** The filters checked in the order they are listed. */
function filterOf(q: RequestQuery): RequestFilter {
  const method = q.method?.toUpperCase();
  if (method !== undefined && !(HTTP_METHODS as readonly string[]).includes(method)) throw errors.paramBadEnum('method', HTTP_METHODS);
  const int = (name: 'status' | 'after' | 'limit', min: number, max: number) => intParam(name, q[name], min, max);
  const statusClass = typeof q.status === 'string' ? /^([1-5])xx$/i.exec(q.status)?.[1] : undefined;
  return {
    ...q,
    method,
    ...(statusClass ? { status: undefined, statusClass: Number(statusClass) } : { status: int('status', 100, 599) }),
    errors: flag('errors', q.errors),
    after: int('after', 0, Number.MAX_SAFE_INTEGER),
    limit: int('limit', 1, JOURNAL_CAPACITY),
  };
}

/** Requests the app sent, oldest first, filtered, as recorded (serialize/requests.ts shows them). */
export function listRequests(a: Account, q: RequestQuery = {}): JournalItem[] {
  return a.journal.entries(filterOf(q));
}

/** The id of the account's latest request (0 when none): a "since" mark. */
export function requestMark(a: Account): number {
  return a.journal.mark();
}

/** Requests dropped from the full ring so far. */
export function droppedRequests(a: Account): number {
  return a.journal.dropped();
}

export function clearRequests(a: Account): void {
  a.journal.clear();
}

/** Journals one /v2 request as it arrives, before its route runs (the middleware calls this). */
export function recordRequest(a: Account, r: JournalRecord): JournalItem {
  const item = a.journal.record(r);
  a.changes.notify('request');
  return item;
}

/** Records how a journaled request was answered. */
export function answerRequest(a: Account, item: JournalItem, answer: JournalAnswer): void {
  // Deterministic mode: duration_ms is real elapsed time, so the journal shows 0 (the log keeps the real one).
  a.journal.answer(item, a.seed === undefined ? answer : { ...answer, durationMs: 0 });
  a.log.request(a.key ?? a.id, item.method, item.path, answer.status, answer.durationMs, answer.errorBody);
  a.changes.notify('request');
}

function flag(name: string, raw: boolean | string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || typeof raw === 'boolean') return raw === '' ? undefined : raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw errors.paramBadEnum(name, ['true', 'false']);
}
