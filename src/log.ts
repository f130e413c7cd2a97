/**
 * The server log: one line per answered /v2 request and per webhook delivery attempt, as text for
 * people or JSON lines for CI log collectors. Failures are logged by default, successes when asked
 * (`--log requests,webhooks`, TELNYX_MOCK_LOG); `startMock()` logs nothing unless asked.
 *
 * Logging sits on the hot path of every request, so deciding not to log is one comparison: nothing
 * is built (no string, no object) for an answer that is not printed.
 */
import { createHash } from 'node:crypto';
import { closest } from './model/suggest.js';
import { decodePath } from './model/url.js';
import { firstError } from './model/errors.js';

export type LogFormat = 'text' | 'json';

/** What is printed. */
export interface LogSettings {
  /** Requests answered with 4xx/5xx and delivery attempts that failed. */
  errors: boolean;
  /** Requests answered with 1xx-3xx too. */
  requests: boolean;
  /** Delivery attempts that were answered 2xx too. */
  webhooks: boolean;
  format: LogFormat;
}

/** The words `--log` / TELNYX_MOCK_LOG take, comma-separated. */
export const LOG_KINDS = ['requests', 'webhooks', 'errors', 'none'] as const;
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** The server's default: failures only, as text. */
export const DEFAULT_LOG: LogSettings = { errors: true, requests: false, webhooks: false, format: 'text' };

/**
 * The settings a `--log` list and a `--log-format` name give (either may be absent). Failures stay
 * logged whatever else is asked, unless the list says `none`. Throws an Error naming the setting
 * (as `names` gives it: a flag or an environment variable) and the bad word.
 */
export function logSettings(kinds: string | undefined, format: string | undefined,
  names = { kinds: '--log', format: '--log-format' }): LogSettings {
  const s: LogSettings = { ...DEFAULT_LOG };
  for (const word of (kinds ?? '').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean)) {
    if (word === 'requests') s.requests = true;
    else if (word === 'webhooks') s.webhooks = true;
    else if (word === 'errors') s.errors = true;
    else if (word === 'none') s.errors = s.requests = s.webhooks = false;
    else throw new Error(`${names.kinds} takes a list of ${LOG_KINDS.join(', ')}, got '${word}'${hint(word, LOG_KINDS)}`);
  }
  if (format !== undefined && format !== '') {
    const f = format.trim().toLowerCase();
    if (!(LOG_FORMATS as readonly string[]).includes(f)) throw new Error(`${names.format} is text or json, got '${format}'${hint(f, LOG_FORMATS)}`);
    s.format = f as LogFormat;
  }
  return s;
}

const hint = (word: string, options: readonly string[]) => {
  const guess = closest(word, options);
  return guess ? ` (did you mean '${guess}'?)` : '';
};

/** One delivery attempt, settled. */
export interface DeliveryLog {
  account: string;
  /** The exact body sent (the event type is read from it only when the line is printed). */
  body: string;
  url: string;
  attempt: number;
  /** Attempts the event gets in all (primary and failover URLs). */
  maxAttempts: number;
  /** The receiver's status; null when it never answered (`error` says why). */
  status: number | null;
  error?: string;
  /** What became of the event: delivered, tried again later, or failed for good. */
  state: 'delivered' | 'pending' | 'failed';
  /** When `state` is pending: wall ms until the next attempt. */
  retryInMs?: number;
}

/** The port the server's rooms log through. */
export interface Logger {
  /** Prints nothing at all: callers may skip gathering what they would hand it. */
  readonly silent: boolean;
  /** One /v2 request answered (the percent-encoded path as received; `errorBody` is the error answer's text). */
  request(account: string, method: string, path: string, status: number, durationMs: number, errorBody?: string): void;
  /** One webhook delivery attempt settled. */
  delivery(d: DeliveryLog): void;
  /** An event failed with no attempt: neither the call, its connection nor the server names a webhook URL. */
  noUrl(account: string, data: string): void;
}

/** Logs nothing: what startMock() and the tests get unless they ask. */
export const SILENT_LOGGER: Logger = { silent: true, request() {}, delivery() {}, noUrl() {} };

const stdout = (line: string) => { process.stdout.write(`${line}\n`); };

/** A logger printing what `settings` ask for to `write` (stdout by default); silent without settings. */
export function createLogger(settings: LogSettings | undefined, write: (line: string) => void = stdout): Logger {
  if (!settings || (!settings.errors && !settings.requests && !settings.webhooks)) return SILENT_LOGGER;
  const { errors, requests, webhooks, format } = settings;
  const json = format === 'json';
  return {
    silent: false,
    request(account, method, path, status, durationMs, errorBody) {
      if (status >= 400 ? !errors : !requests) return;
      const error = status >= 400 ? (firstError(errorBody) ?? {}) : undefined;
      const shown = decodePath(path);
      if (json) {
        write(JSON.stringify({
          time: new Date().toISOString(), type: 'request', account: accountLabel(account), method, path: shown, status,
          duration_ms: durationMs, ...(error ? { error } : {}),
        }));
        return;
      }
      const tail = error ? ` ${error.code ?? ''} ${clip(error.detail ?? error.title ?? '')}`.trimEnd() : '';
      write(`${accountLabel(account)} ${clip(method)} ${clip(shown)} → ${status} ${round(durationMs)}ms${tail}`);
    },
    delivery(d) {
      const ok = d.status !== null && d.status >= 200 && d.status < 300;
      if (ok ? !webhooks : !errors) return;
      const eventType = eventTypeOf(d.body);
      if (json) {
        write(JSON.stringify({
          time: new Date().toISOString(), type: 'webhook', account: accountLabel(d.account), event_type: eventType, url: d.url,
          attempt: d.attempt, max_attempts: d.maxAttempts, status: d.status, ...(d.error ? { error: d.error } : {}),
          state: d.state, ...(d.retryInMs !== undefined ? { retry_in_ms: d.retryInMs } : {}),
        }));
        return;
      }
      const outcome = d.status !== null ? `${d.status}` : `failed: ${clip(d.error ?? 'no answer')}`;
      const next = d.state === 'pending' ? `, retry in ${d.retryInMs ?? 0}ms` : d.state === 'failed' ? ', gave up' : '';
      write(`${accountLabel(d.account)} webhook ${eventType} → ${clip(d.url)} ${outcome} (attempt ${d.attempt} of ${d.maxAttempts}${next})`);
    },
    noUrl(account, data) {
      if (!errors) return;
      const eventType = eventTypeOf(data);
      if (json) {
        write(JSON.stringify({
          time: new Date().toISOString(), type: 'webhook', account: accountLabel(account), event_type: eventType, url: null,
          attempt: 0, status: null, error: 'no webhook URL', state: 'failed',
        }));
        return;
      }
      write(`${accountLabel(account)} webhook ${eventType} not sent: no webhook URL (give the call or its connection a webhook_url, `
        + 'e.g. PUT /_mock/connections/{connection_id}, or start the server with --webhook-url)');
    },
  };
}

/**
 * The log as a room that knows accounts by their stored id (the outbox) hands it: each id is shown
 * as the label of its key when the key is known in memory (`keyOf`), else as the label of the id
 * itself (an account whose key was not presented since a restart). Never the key in full.
 */
export function byAccountId(log: Logger, keyOf: (id: string) => string | undefined): Logger {
  if (log.silent) return log;
  return {
    silent: false,
    request: (id, ...rest) => log.request(keyOf(id) ?? id, ...rest),
    delivery: (d) => log.delivery({ ...d, account: keyOf(d.account) ?? d.account }),
    noUrl: (id, data) => log.noUrl(keyOf(id) ?? id, data),
  };
}

const labels = new Map<string, string>();

/**
 * How an API key is shown in the log: never in full, as its first characters (at most 4, and at
 * most half the key) and the first 6 hex digits of its SHA-256. The label is stable (one key, one
 * label) so lines of one account can be grepped, and the hash cannot be turned back into the key.
 * A request sent without a key shows as `-`.
 */
export function accountLabel(key: string): string {
  if (key === '') return '-';
  let label = labels.get(key);
  if (label === undefined) {
    label = `${key.slice(0, Math.min(4, Math.floor(key.length / 2)))}…${createHash('sha256').update(key).digest('hex').slice(0, 6)}`;
    // Keys are the tenants' to choose: the cache is bounded, not a record of every key ever seen.
    if (labels.size >= 1000) labels.clear();
    labels.set(key, label);
  }
  return label;
}

const EVENT_TYPE = /"event_type":"([^"\\]{1,100})"/;
const eventTypeOf = (body: string) => EVENT_TYPE.exec(body)?.[1] ?? 'event';

const round = (ms: number) => (ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10);
/**
 * A tenant's text in a text line: one line, short and inert. Control characters (a decoded `%0A` in
 * a path, an escape sequence in a detail echoing a value) are shown as `\xNN`, so no request can
 * forge a log line or drive the terminal; what is longer than 300 characters is cut. (JSON lines
 * need none of it: JSON.stringify escapes them.)
 */
const clip = (text: string) => {
  const inert = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return inert.length > 300 ? `${inert.slice(0, 299)}…` : inert;
};
