/** The request journal (control API): what the app sent to /v2. */
import { HTTP_METHODS } from '../../schema/enums.js';
import { errors } from '../model/errors.js';
import { JOURNAL_CAPACITY, type JournalItem, type JournalRecord, type RequestFilter } from '../control/journal.js';
import type { Account } from './account.js';
import { intParam } from './schema.js';

/** The journal's filters as a door gives them: numbers, or the text of a query string. */
export interface RequestQuery extends Omit<RequestFilter, 'status' | 'after' | 'limit'> {
  status?: number | string;
  after?: number | string;
  limit?: number | string;
}

/** The filters checked in the order they are listed. */
function filterOf(q: RequestQuery): RequestFilter {
  const method = q.method?.toUpperCase();
  if (method !== undefined && !(HTTP_METHODS as readonly string[]).includes(method)) throw errors.paramBadEnum('method', HTTP_METHODS);
  const int = (name: 'status' | 'after' | 'limit', min: number, max: number) => intParam(name, q[name], min, max);
  return {
    ...q,
    method,
    status: int('status', 100, 599),
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

/** Journals one /v2 request (the middleware calls this after the route answered). */
export function recordRequest(a: Account, r: JournalRecord): void {
  a.journal.record(r);
  a.changes.notify('request');
}
