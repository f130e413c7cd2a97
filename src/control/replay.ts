import { errors } from '../model/errors.js';

/**
 * A recording of a run (GET /_mock/requests/export): the app's /v2 requests, each with its body as
 * sent and the account's virtual time it arrived at, oldest first. Replayed against a fresh
 * emulator in deterministic mode it reproduces the run's webhook stream (README "Replaying a run").
 */
export interface ReplayDocument {
  /** The document's format: 1. */
  telnyx_mock_replay: typeof REPLAY_VERSION;
  /** The run's deterministic seed (null when the run was not deterministic: its ids cannot be reproduced). */
  seed: string | null;
  /**
   * The account (API key) the run was recorded in: its seeded ids derive from (seed, key), so the
   * replay runs in the same account, or the ids in the recorded paths would name nothing.
   */
  api_key: string;
  /** The account's time when the recording was taken: the replay ends by moving the clock there. */
  ended_at: string;
  /** Requests the journal had dropped before the export (its ring holds 1000): a replay of a cut recording is refused. */
  dropped: number;
  requests: ReplayRequest[];
}

export interface ReplayRequest {
  method: string;
  /** The path and query as received (still percent-encoded), e.g. /v2/calls/v3:…/actions/answer. */
  path: string;
  /** The body text exactly as sent ('' for none). */
  body: string;
  /** The account's virtual time the request arrived at (ISO 8601). */
  time: string;
  /** What it was answered (null while it was in flight); the replay reports requests answered otherwise. */
  status: number | null;
}

export const REPLAY_VERSION = 1;
/** Requests a recording may hold: the journal keeps 1000; a hand-made one is bounded too. */
export const MAX_REPLAY_REQUESTS = 10_000;
/** A replayed body, at most: the largest body the API takes. */
export const MAX_REPLAY_BODY_BYTES = 1024 * 1024;
/** All bodies together, at most: what a full journal holds (1000 bodies of 64 KiB). */
export const MAX_REPLAY_TOTAL_BYTES = 64 * 1024 * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const SEED = /^[A-Za-z0-9_.-]{1,64}$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (path: string, detail: string) => errors.invalid(path, detail);

function instant(v: unknown, path: string): number {
  if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v))) throw bad(path, `'${path}' must be an ISO 8601 UTC time such as 2026-01-01T00:00:00.000Z.`);
  return Date.parse(v);
}

/**
 * Checks a recording before anything is sent: a 422 naming the first bad field by its JSON
 * pointer (`/requests/3/method`), so nothing is half-replayed.
 */
export function parseReplay(raw: unknown): ReplayDocument {
  if (!isObj(raw)) throw bad('', 'a recording is an object with telnyx_mock_replay, seed, api_key, ended_at and requests (GET /_mock/requests/export).');
  for (const key of Object.keys(raw)) {
    if (!['telnyx_mock_replay', 'seed', 'api_key', 'ended_at', 'dropped', 'requests'].includes(key)) throw bad(key, `unknown field '${key}' in a recording.`);
  }
  if (raw.telnyx_mock_replay !== REPLAY_VERSION) throw bad('telnyx_mock_replay', `'telnyx_mock_replay' must be ${REPLAY_VERSION} (the only version this server reads).`);
  const seed = raw.seed ?? null;
  if (seed !== null && (typeof seed !== 'string' || !SEED.test(seed))) throw bad('seed', "'seed' must be null or the run's seed (an integer or a short word).");
  const apiKey = raw.api_key;
  if (typeof apiKey !== 'string' || apiKey === '' || apiKey.length > 256 || /[\s]/.test(apiKey)) throw bad('api_key', "'api_key' must be the API key the run was recorded with.");
  const dropped = raw.dropped ?? 0;
  if (typeof dropped !== 'number' || !Number.isInteger(dropped) || dropped < 0) throw bad('dropped', "'dropped' must be a whole number.");
  if (dropped > 0) throw bad('dropped', `the recording lost its first ${dropped} requests (the journal keeps 1000): replaying the rest would not reproduce the run.`);
  const endedAt = instant(raw.ended_at, 'ended_at');
  const list = raw.requests;
  if (!Array.isArray(list)) throw bad('requests', "'requests' must be a list.");
  if (list.length > MAX_REPLAY_REQUESTS) throw errors.tooManyItems('requests', MAX_REPLAY_REQUESTS, list.length);
  let last = -Infinity;
  let total = 0;
  const requests = list.map((r, i): ReplayRequest => {
    const at = `requests/${i}`;
    if (!isObj(r)) throw bad(at, `'${at}' must be an object with method, path, body, time and status.`);
    for (const key of Object.keys(r)) {
      if (!['method', 'path', 'body', 'time', 'status'].includes(key)) throw bad(`${at}/${key}`, `unknown field '${key}' in a recorded request.`);
    }
    if (typeof r.method !== 'string' || !METHODS.includes(r.method)) throw bad(`${at}/method`, `'${at}/method' must be one of ${METHODS.join(', ')}.`);
    if (typeof r.path !== 'string' || !r.path.startsWith('/v2/') || r.path.length > 8192 || /[\s#]/.test(r.path)) {
      throw bad(`${at}/path`, `'${at}/path' must be an API path starting with /v2/ (at most 8192 characters, no spaces).`);
    }
    const body = r.body ?? '';
    if (typeof body !== 'string') throw bad(`${at}/body`, `'${at}/body' must be the body as text (a string).`);
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_REPLAY_BODY_BYTES) throw bad(`${at}/body`, `'${at}/body' is larger than ${MAX_REPLAY_BODY_BYTES} bytes.`);
    total += bytes;
    if (total > MAX_REPLAY_TOTAL_BYTES) throw bad(`${at}/body`, `the recording's bodies pass ${MAX_REPLAY_TOTAL_BYTES} bytes in all here.`);
    const time = instant(r.time, `${at}/time`);
    if (time < last) throw bad(`${at}/time`, `'${at}/time' is before the request above it: a recording is in the order it arrived.`);
    last = time;
    const status = r.status ?? null;
    if (status !== null && (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)) {
      throw bad(`${at}/status`, `'${at}/status' must be null or an HTTP status.`);
    }
    return { method: r.method, path: r.path, body, time: r.time as string, status };
  });
  if (endedAt < last) throw bad('ended_at', "'ended_at' is before the last request.");
  return { telnyx_mock_replay: REPLAY_VERSION, seed: seed as string | null, api_key: apiKey, ended_at: raw.ended_at as string, dropped: 0, requests };
}

export interface ReplayOptions {
  /** The emulator, e.g. http://127.0.0.1:5080. */
  url: string;
  /** The account to replay in (default: the recording's, as its ids need): it is reset first, deterministic with the recording's seed. */
  apiKey?: string;
  /** Told of each request as it is answered. */
  onRequest?: (r: ReplayedRequest) => void;
}

export interface ReplayedRequest {
  index: number;
  method: string;
  path: string;
  recorded: number | null;
  status: number;
}

export interface ReplayResult {
  replayed: number;
  /** Requests answered with another status than recorded: where the replay went another way. */
  mismatches: ReplayedRequest[];
}

/**
 * Replays a recording over HTTP: the account is reset (deterministic with the recording's seed),
 * then before each request the clock is moved to the time it was recorded at (so timers fire as
 * they did), and the request is sent with its body as recorded. Ends by moving the clock to
 * `ended_at`. The webhooks go where the recorded requests and the server's settings send them.
 */
export async function replayRun(doc: ReplayDocument, opts: ReplayOptions): Promise<ReplayResult> {
  const base = opts.url.replace(/\/+$/, '');
  const apiKey = opts.apiKey ?? doc.api_key;
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body || undefined,
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const control = async (path: string, body?: object) => {
    const res = await call(body ? 'POST' : 'GET', `/_mock${path}`, body && JSON.stringify(body));
    if (res.status >= 400) throw new Error(`replay: ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
    return JSON.parse(res.text) as { data: { now: string } };
  };
  const moveTo = async (time: string) => {
    const now = Date.parse((await control('/clock')).data.now);
    const ms = Date.parse(time) - now;
    if (ms > 0) await control('/clock/advance', { seconds: ms / 1000 });
  };
  await control('/reset', doc.seed === null ? {} : { seed: doc.seed });
  const mismatches: ReplayedRequest[] = [];
  for (const [index, r] of doc.requests.entries()) {
    await moveTo(r.time);
    const { status } = await call(r.method, r.path, r.body);
    const replayed = { index, method: r.method, path: r.path, recorded: r.status, status };
    if (r.status !== null && r.status !== status) mismatches.push(replayed);
    opts.onRequest?.(replayed);
  }
  await moveTo(doc.ended_at);
  return { replayed: doc.requests.length, mismatches };
}
