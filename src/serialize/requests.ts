import { iso } from '../clock.js';
import { mayBeTooDeep, tooDeepAt } from '../model/bounds.js';
import { decodePath, type JournalItem } from '../control/journal.js';

/**
 * A journaled request as the control API shows it (GET /_mock/requests, startMock().requests(),
 * the console): its path as the app wrote it (call ids decoded), its query, its body parsed where it
 * is JSON, and the account's time it arrived at.
 */
export interface JournalEntry {
  id: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The answer's status; null while the request is still in flight. */
  status: number | null;
  time: string;
  /** Wall milliseconds from arrival to the answer (absent while in flight). */
  duration_ms?: number;
  /** The error answer's body (4xx/5xx), parsed where it is JSON: what the app was told. */
  response_body?: unknown;
  /** The injected fault (GET /_mock/faults) that answered or delayed this request. */
  fault_id?: number;
  /** Present (true) when the client closed the connection mid-body. */
  aborted?: true;
  /** Top-level body fields the operation does not take, accepted and ignored: present only when there are some (a typo shows here). */
  ignored_fields?: string[];
}

/** One request, its body parsed where it is JSON. */
export function requestJson(r: JournalItem): JournalEntry {
  return { ...head(r), ...answered(r), body: parseBody(r.body) };
}

/**
 * One request as JSON text, its body spliced in as received when it is JSON (so nothing deep is
 * serialised again), as a JSON string otherwise: the control API streams the journal entry by entry.
 */
export function requestJsonText(r: JournalItem): string {
  const text = JSON.stringify({ ...head(r), ...answered(r) });
  return `${text.slice(0, -1)},"body":${bodyJson(r.body)}}`;
}

function head(r: JournalItem): Omit<JournalEntry, 'body'> {
  return {
    id: r.id, method: r.method, path: decodePath(r.path), query: queryOf(r.url), status: r.status, time: iso(r.at),
    ...(r.aborted ? { aborted: true as const } : {}),
    ...(r.ignoredFields ? { ignored_fields: r.ignoredFields } : {}),
  };
}

function answered(r: JournalItem): Pick<JournalEntry, 'duration_ms' | 'response_body' | 'fault_id'> {
  return {
    ...(r.durationMs !== undefined ? { duration_ms: r.durationMs } : {}),
    ...(r.errorBody !== undefined ? { response_body: parseBody(r.errorBody) } : {}),
    ...(r.faultId !== undefined ? { fault_id: r.faultId } : {}),
  };
}

function queryOf(url: string): Record<string, string> {
  const i = url.indexOf('?');
  return i === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(i + 1)));
}

/** The body as JSON text: itself when it is JSON (checked by parsing, never re-serialised), else a JSON string. */
function bodyJson(text: string | undefined): string {
  if (text === undefined || text.trim() === '') return 'null';
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

/** The body parsed where it is JSON; as text where it is not, or is nested deeper than any reader should walk. */
function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return mayBeTooDeep(text) && tooDeepAt(value) !== undefined ? text : value;
}
