/**
 * telnyx-mock as a library: start an emulator inside a test process and play the other end of
 * the line from the test.
 *
 * ```ts
 * import Telnyx from 'telnyx';
 * import { startMock } from 'telnyx-mock';
 *
 * const mock = await startMock({ webhookUrl: 'http://127.0.0.1:4000/webhooks' });
 * const telnyx = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL });
 * const alice = mock.placeCall({ from: '+15550001001', to: '+15550100000' });
 * await mock.waitForWebhook('call.answered', { callControlId: alice.call_control_id });
 * await mock.waitForRequest({ method: 'POST', path: '/actions/answer' }); // the app's own call, journaled
 * await mock.waitForCall(alice.call_control_id, 'hangup');
 * await mock.close();
 * ```
 */
import { readFile } from 'node:fs/promises';
import { startEmulator, defaultConfig, type Emulator, type RunningEmulator } from './server.js';
import { parseRunSeed, type Config } from './config.js';
import { exportReplay } from './commands/replay.js';
import { parseReplay, replayRun, type ReplayDocument, type ReplayResult } from './control/replay.js';
import type { Quotas } from './model/quotas.js';
import { logSettings } from './log.js';
import type { RequestFilter } from './control/journal.js';
import { requestJson, type JournalEntry } from './serialize/requests.js';
import type { FaultSpec } from './control/faults.js';
import type { Account } from './commands/account.js';
import * as callers from './commands/callers.js';
import * as callMedia from './commands/call-media.js';
import * as clock from './commands/clock.js';
import * as faults from './commands/faults.js';
import * as webhookFaults from './commands/webhook-faults.js';
import * as numbers from './commands/numbers.js';
import * as phoneNumbers from './commands/phone-numbers.js';
import type { NumberConfig } from './commands/numbers.js';
import { listRequests } from './commands/requests.js';
import { reset } from './commands/reset.js';
import { webhookLog, type WebhookLogQuery } from './commands/webhooks.js';
import { callMediaJson, callView, clockJson, foundJson, webhookEvent, type CallView, type WebhookEvent } from './serialize/control.js';
import { webhookFaultJson, type WebhookFaultJson } from './serialize/control.js';
import type { WebhookFaultKind } from './control/webhook-faults.js';
import { waitFor } from './commands/wait.js';
import { DEFAULT_CONNECTION_ID } from './commands/callers.js';
import { exportSnapshot, importSnapshot, OPERATOR_KEY, parseSnapshotText, type SnapshotDocument } from './commands/snapshot.js';

/** One speak / playback of a call (MockControl.media). */
export type CallMediaView = ReturnType<typeof callMediaJson>;
import { parseScenarioText, validateScenario, ScenarioError } from './scenario/parse.js';
import { runScenario, type RunOptions } from './scenario/run.js';
import type { Scenario, ScenarioResult, StepResult } from './scenario/types.js';
import { TelnyxError } from './model/errors.js';

/** Which recorded webhooks to list; `after` takes the `seq` of an earlier one. */
export type WebhookFilter = Omit<WebhookLogQuery, 'status'>;

/** Options every wait takes: how long it holds (ms of wall time, default 5000, at most 10 minutes) and an abort. */
export interface WaitOptions {
  timeoutMs?: number;
  /** Stops the wait (it rejects) when this aborts. */
  signal?: AbortSignal;
}

/** Which request to wait for: as `requests()` filters (`path` is contained in the path), plus a body it must contain. */
export interface RequestWaitFilter {
  method?: string;
  path?: string;
  /** The HTTP status the emulator answered. */
  status?: number;
  /** Fields the request's JSON body must have (objects by their keys, lists item by item). */
  body?: unknown;
}

/** Which finished delivery to wait for: delivered, or failed after its last attempt (default: either). */
export interface DeliveryWaitFilter extends WaitOptions {
  eventType?: string;
  callControlId?: string;
  status?: 'delivered' | 'failed';
  /** Only a webhook recorded after this `seq`. */
  after?: number;
}

/**
 * A webhook fault to arm (POST /_mock/webhook_faults's body in camelCase): what it does, which
 * deliveries it matches (all given must match), and for how many (`count`) or how long (`for`:
 * seconds or an ISO 8601 duration, `until`: an instant; the account's virtual time).
 */
export interface WebhookFaultSpec {
  kind: WebhookFaultKind;
  eventType?: string;
  callControlId?: string;
  url?: string;
  count?: number;
  for?: number | string;
  until?: string;
  /** kind `delay`: how long the attempt waits (ms). */
  delayMs?: number;
  /** kind `skew_timestamp`: seconds added to telnyx-timestamp (default -600). */
  skewSecs?: number;
}
export type { WebhookFaultJson, WebhookFaultKind };

/** A call's state as GET /_mock/calls/{id} shows it. */
export type CallState = CallView['state'];

export type { CallView, JournalEntry, RequestFilter, WebhookEvent, NumberConfig, FaultSpec };
export { DEFAULT_CONNECTION_ID };
export type { Scenario, ScenarioResult, StepResult, RunOptions };
export type { ReplayDocument, ReplayResult };
export type { SnapshotDocument };
/** `DomainError` is the name this error had before it was TelnyxError; both name one class. */
export { ScenarioError, TelnyxError, TelnyxError as DomainError };

export interface MockOptions {
  /** The API key the helpers act as (each key is its own account). Default `KEY_telnyx_mock`. */
  apiKey?: string;
  /** Port to listen on; default 0, a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where webhooks go when neither the call nor its connection names a URL. */
  webhookUrl?: string;
  webhookFailoverUrl?: string;
  /** base64 of a 32-byte Ed25519 seed to sign webhooks with; generated when absent. */
  signingKey?: string;
  /** SQLite file; in memory when absent. */
  dbPath?: string;
  /** How long simulated play/speak media lasts, in seconds (default 3). */
  mediaDurationSecs?: number;
  /** When set, `reset({ all: true })` and listing accounts need this key (TELNYX_MOCK_ADMIN_KEY). */
  adminKey?: string;
  /** Where apps reach the server, for recording URLs; default: the origin the app's request used. */
  publicUrl?: string;
  /**
   * Print the server log to stdout: `'requests,webhooks'` (every request and delivery attempt),
   * `'errors'` (failures only) or `true` (both kinds). Default: nothing is printed.
   */
  log?: string | boolean;
  /** The log as `text` (default) or JSON lines. */
  logFormat?: 'text' | 'json';
  /**
   * Phone numbers the account (`apiKey`) owns, as if it had bought them: E.164 strings, or
   * `{ phoneNumber, connectionId }` to assign one to a connection (its callers then go to that
   * application's webhook URL). Given again after each `reset()`.
   */
  phoneNumbers?: Array<string | { phoneNumber: string; connectionId?: string }>;
  /** Refuse connection_ids that name no application, as Telnyx does (422 10015); default lenient. */
  strictConnections?: boolean;
  /**
   * Deterministic mode: seeded ids per account, every clock frozen at 2026-01-01T00:00:00Z, the
   * signing key and telnyx-timestamp from the seed (README "Deterministic runs"). Default: random.
   */
  seed?: string | number;
  /** Per-account quotas (README "Quotas per account"), e.g. `{ calls: 500, downloads: 2 }`; the defaults where absent. */
  quotas?: Partial<Quotas>;
  /**
   * Start from a state snapshot (README "State snapshots"): a document (`mock.snapshot()`,
   * `GET /_mock/snapshot`) or the path of one. Each of its accounts goes into its own key, as
   * `serve --import` does; a bad document rejects with a TelnyxError naming the path. Not given
   * again after `reset()`.
   */
  state?: SnapshotDocument | object | string;
}

/** A caller arriving on an inbound call. */
export interface PlaceCall {
  from: string;
  to: string;
  /** Default `telnyx-mock`. */
  connectionId?: string;
  clientState?: string;
  /** Arrive already answered (call.initiated then call.answered). */
  answered?: boolean;
  /** Send this call's webhooks here, whatever the connection or server say. */
  webhookUrl?: string;
  /** Where they go when webhookUrl fails (only with webhookUrl). */
  webhookFailoverUrl?: string;
}

/** The control API for one account, in process: the same functions /_mock calls. */
export interface MockControl {
  readonly apiKey: string;
  /** An inbound call arrives and rings (call.initiated); the app answers it with the real API. */
  placeCall(call: PlaceCall): CallView;
  /** A call as the far end sees it (state, conference, bridge). Throws a 404 TelnyxError if unknown. */
  call(callControlId: string): CallView;
  /** The caller (or, on a dialed call, the callee) hangs up. */
  hangup(callControlId: string): void;
  /** The caller presses keys: call.dtmf.received per digit; completes a pending gather. */
  pressDigits(callControlId: string, digits: string): void;
  /** The caller starts or stops speaking: moves the conference floor (conference.floor.changed). */
  speech(callControlId: string, state: 'started' | 'stopped'): void;
  /** The caller says TEXT: call.transcription while transcription runs; moves the conference floor like `speech`. */
  say(callControlId: string, text: string): void;
  /** What was spoken and played into a call (speak / playback_start), oldest first, with each one's state and end status. */
  media(callControlId: string): CallMediaView[];
  /** How a number the app dials answers from now on (default: at once). */
  setNumber(e164: string, behaviour: NumberConfig): void;
  clearNumber(e164: string): void;
  /** Moves the account's clock forward: a number of seconds, or an ISO 8601 duration like `PT4H`, firing what falls due. */
  /**
   * A Promise (it was a plain object before 0.x: add `await`): the timers fire in slices (200 timers
   * or 10 ms of work), with the event loop's other work run between them, so a long advance doesn't
   * hold the process. It resolves once every timer due on the way has fired.
   */
  advance(by: number | string): Promise<{ now: string; fired: number }>;
  freeze(): { now: string };
  unfreeze(): { now: string };
  /** The account's current virtual time (ISO 8601). */
  now(): string;
  /** The request journal: what the app sent to /v2, oldest first (GET /_mock/requests's entries). */
  requests(filter?: RequestFilter): Promise<JournalEntry[]>;
  /**
   * Webhooks recorded for the account, oldest first, whether delivered yet or not, each with its
   * delivery attempts: GET /_mock/webhooks's entries. A Promise, as `requests()` is (it was a
   * plain array before 0.x: add `await`).
   */
  webhooks(filter?: WebhookFilter): Promise<WebhookEvent[]>;
  /**
   * Resolves with the first webhook of that type (recorded after `after`, for that call, with a
   * payload containing `payload`), at once if one is there already; rejects with a 408
   * TelnyxError after `timeoutMs` (default 5000).
   */
  waitForWebhook(eventType: string, opts?: WaitOptions & { callControlId?: string; after?: number; payload?: Record<string, unknown> }): Promise<WebhookEvent>;
  /**
   * Resolves with the first journaled request matching `filter` (after request id `after`) once
   * the emulator has answered it, so whatever it caused is observable; rejects with a 408 after `timeoutMs`.
   */
  waitForRequest(filter: RequestWaitFilter, opts?: WaitOptions & { after?: number }): Promise<JournalEntry>;
  /**
   * Resolves with the call (as `call()` shows it) once it is in `state`; rejects with a 408 after
   * `timeoutMs`, at once with a 422 when it has hung up and so never will, with a 404 for an unknown call.
   */
  waitForCall(callControlId: string, state: CallState, opts?: WaitOptions): Promise<CallView>;
  /** Resolves with the first webhook whose delivery finished (delivered, or failed after its last attempt), with its attempts. */
  waitForDelivery(filter?: DeliveryWaitFilter): Promise<WebhookEvent>;
  /** Makes the next `count` matching /v2 requests fail (or wait). Returns the fault's id. */
  fault(spec: Partial<FaultSpec> & { path: string }): number;
  clearFaults(): void;
  /** Arms a webhook fault (fail, delay, duplicate, reorder, tamper_signature, skew_timestamp, failover_only). Returns its id. */
  webhookFault(spec: WebhookFaultSpec): number;
  /** The armed webhook faults, as GET /_mock/webhook_faults lists them. */
  webhookFaults(): WebhookFaultJson[];
  /** Disarms one webhook fault (by id), or all of them. */
  clearWebhookFaults(id?: number): void;
  /** Clears this account (or every account with `{ all: true }`). */
  reset(opts?: { all?: boolean }): void;
  /**
   * Runs a scenario: a file path (.json/.yaml/.yml), scenario text, or a scenario object.
   * Throws ScenarioError (naming the line and step) for a bad scenario; resolves with each step's result.
   */
  runScenario(scenario: string | object, opts?: RunOptions): Promise<ScenarioResult>;
  /** The account's run as a recording to replay (GET /_mock/requests/export): its /v2 requests, bodies and virtual times. */
  recording(): ReplayDocument;
}

export interface TelnyxMock extends MockControl {
  /** The server, e.g. http://127.0.0.1:54321. */
  url: string;
  /** What the SDK takes as `baseURL`: url + '/v2'. */
  baseURL: string;
  /** base64 Ed25519 public key webhooks are signed with (the SDK's `publicKey`). */
  publicKey: string;
  /** The account's state as a snapshot document (`{ all: true }`: every account's), for `startMock({ state })` or PUT /_mock/snapshot. */
  snapshot(opts?: { all?: boolean }): SnapshotDocument;
  /** The same helpers acting as another API key (another isolated account). */
  as(apiKey: string): MockControl;
  /**
   * Replays a recording (from `recording()` or GET /_mock/requests/export, checked first: a 422
   * TelnyxError naming the bad field) in the account it was recorded in (or `apiKey`: its ids then differ):
   * reset with the recording's seed, each request re-sent at its recorded virtual time.
   */
  replay(recording: unknown, opts?: { apiKey?: string }): Promise<ReplayResult>;
  /** The running emulator, for what the helpers do not cover. */
  emulator: RunningEmulator;
  close(): Promise<void>;
}

const DEFAULT_API_KEY = 'KEY_telnyx_mock';

/** Starts an emulator on a free port with an in-memory database. Call `close()` when done. */
export async function startMock(opts: MockOptions = {}): Promise<TelnyxMock> {
  const overrides: Partial<Config> = { port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' };
  if (opts.webhookUrl !== undefined) overrides.webhookUrl = opts.webhookUrl;
  if (opts.webhookFailoverUrl !== undefined) overrides.webhookFailoverUrl = opts.webhookFailoverUrl;
  if (opts.signingKey !== undefined) overrides.signingKey = opts.signingKey;
  if (opts.dbPath !== undefined) overrides.dbPath = opts.dbPath;
  if (opts.mediaDurationSecs !== undefined) overrides.mediaDurationSecs = opts.mediaDurationSecs;
  if (opts.adminKey !== undefined) overrides.adminKey = opts.adminKey;
  if (opts.publicUrl !== undefined) overrides.publicUrl = opts.publicUrl;
  if (opts.log) overrides.log = logSettings(opts.log === true ? 'requests,webhooks' : opts.log, opts.logFormat, { kinds: 'log', format: 'logFormat' });
  if (opts.strictConnections !== undefined) overrides.strictConnections = opts.strictConnections;
  if (opts.seed !== undefined) overrides.seed = parseRunSeed(String(opts.seed), 'seed');
  if (opts.quotas !== undefined) overrides.quotas = opts.quotas;
  const em = await startEmulator(defaultConfig(overrides));
  const control = mockControl(em, opts.apiKey ?? DEFAULT_API_KEY);
  // The numbers the account owns from the start (and again after a reset, which clears them).
  const giveNumbers = () => {
    for (const n of opts.phoneNumbers ?? []) {
      const { phoneNumber, connectionId } = typeof n === 'string' ? { phoneNumber: n, connectionId: undefined } : n;
      phoneNumbers.givePhoneNumber(em.account(control.apiKey), { phone_number: phoneNumber, connection_id: connectionId });
    }
  };
  // Snapshots act for every account: as the admin key when one is set (any key is trusted otherwise).
  const operator = em.peekAccount(opts.adminKey ?? OPERATOR_KEY);
  try {
    if (opts.state !== undefined) {
      const state = typeof opts.state === 'string' ? await readSnapshotFile(opts.state) : opts.state;
      importSnapshot(operator, state, { all: true });
    }
    giveNumbers();
  } catch (err) {
    await em.close();
    throw err;
  }
  return {
    ...control,
    snapshot: (o = {}) => exportSnapshot(o.all ? operator : em.account(control.apiKey), o),
    reset: (o) => { control.reset(o); giveNumbers(); },
    url: em.url,
    baseURL: `${em.url}/v2`,
    publicKey: em.webhooks.publicKey,
    as: (apiKey: string) => mockControl(em, apiKey),
    replay: (recording, o = {}) => replayRun(parseReplay(recording), { url: em.url, apiKey: o.apiKey }),
    emulator: em,
    close: () => em.close(),
  };
}

/**
 * The helpers for one account: each decodes its arguments into the body the control API takes
 * and calls the same command, so every input is checked (and refused) exactly as over HTTP.
 */
export function mockControl(em: Emulator, apiKey: string): MockControl {
  const account: Account = em.account(apiKey);
  // Every wait is the one command POST /_mock/wait calls, its answer shaped as that list shows it.
  const wait = async (body: object, signal?: AbortSignal) => foundJson(await waitFor(account, body, { signal }), account.now());
  return {
    apiKey,
    placeCall: (c) => callView(callers.placeCall(account, {
      from: c.from, to: c.to, connection_id: c.connectionId,
      client_state: c.clientState, answered: c.answered, webhook_url: c.webhookUrl, webhook_failover_url: c.webhookFailoverUrl,
    }), account.now()),
    call: (id) => callView(callers.farEndCall(account, id), account.now()),
    hangup: (id) => { callers.farEndHangup(account, id); },
    pressDigits: (id, digits) => callers.pressDigits(account, id, { digits }),
    speech: (id, state) => callers.speech(account, id, { state }),
    say: (id, text) => callers.say(account, id, { text }),
    media: (id) => callMedia.callMediaHistory(account, id).map(callMediaJson),
    setNumber: (e164, n) => {
      numbers.setNumber(account, e164, {
        behaviour: n.behaviour,
        answer_after_secs: 'answerAfterSecs' in n ? n.answerAfterSecs : undefined,
        amd_result: 'amdResult' in n ? n.amdResult : undefined,
      });
    },
    clearNumber: (e164) => { numbers.clearNumber(account, e164); },
    advance: async (by) => {
      const moved = await clock.advanceClock(account, typeof by === 'string' ? { duration: by } : { seconds: by });
      return { ...clockJson(moved), fired: moved.fired };
    },
    freeze: () => clockJson(clock.freezeClock(account)),
    unfreeze: () => clockJson(clock.unfreezeClock(account)),
    now: () => clockJson(clock.clockReading(account)).now,
    requests: async (filter) => listRequests(account, filter).map(requestJson),
    webhooks: async (f = {}) => webhookLog(account, f).rows.map(webhookEvent),
    waitForWebhook: async (eventType, o = {}) => wait({
      for: 'webhook', event_type: eventType, call_control_id: o.callControlId, payload: o.payload, after: o.after, timeout_ms: o.timeoutMs,
    }, o.signal) as Promise<WebhookEvent>,
    waitForRequest: async (f, o = {}) => wait({
      for: 'request', method: f.method, path: f.path, status: f.status, body: f.body, after: o.after, timeout_ms: o.timeoutMs,
    }, o.signal) as Promise<JournalEntry>,
    waitForCall: async (id, state, o = {}) => wait({ for: 'call', call_control_id: id, state, timeout_ms: o.timeoutMs }, o.signal) as Promise<CallView>,
    waitForDelivery: async (f = {}) => wait({
      for: 'delivery', event_type: f.eventType, call_control_id: f.callControlId, status: f.status, after: f.after, timeout_ms: f.timeoutMs,
    }, f.signal) as Promise<WebhookEvent>,
    fault: (spec) => faults.addFault(account, {
      path: spec.path, method: spec.method, status: spec.status, count: spec.count, delay_ms: spec.delayMs, headers: spec.headers,
    }).id,
    clearFaults: () => faults.clearFaults(account),
    webhookFault: (spec) => webhookFaults.addWebhookFault(account, {
      kind: spec.kind, event_type: spec.eventType, call_control_id: spec.callControlId, url: spec.url, count: spec.count,
      for: spec.for, until: spec.until, delay_ms: spec.delayMs, skew_secs: spec.skewSecs,
    }).id,
    webhookFaults: () => webhookFaults.listWebhookFaults(account).map(webhookFaultJson),
    clearWebhookFaults: (id) => (id === undefined ? webhookFaults.clearWebhookFaults(account) : webhookFaults.removeWebhookFault(account, id)),
    reset: (o = {}) => reset(account, { all: o.all }),
    async runScenario(scenario, o = {}) {
      const loaded = await loadScenario(scenario);
      // A `setup:` file is read here, beside the scenario file it is named relative to.
      const setup = loaded.setup && 'file' in loaded.setup ? await readSnapshotFile(loaded.setup.file) : undefined;
      return runScenario(account, loaded, setup === undefined ? o : { ...o, setup });
    },
    recording: () => exportReplay(account),
  };
}

/** A snapshot file's document (parsed, size-bounded; checked when imported). */
async function readSnapshotFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read the snapshot file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  return parseSnapshotText(text);
}

/** A file path, scenario text or scenario object → a checked Scenario (ScenarioError otherwise). */
export async function loadScenario(scenario: string | object): Promise<Scenario> {
  if (typeof scenario !== 'string') return validateScenario(scenario);
  if (/\.(json|ya?ml)$/i.test(scenario.trim())) {
    let text: string;
    try {
      text = await readFile(scenario, 'utf8');
    } catch (err) {
      throw new ScenarioError(`${scenario}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
    }
    return parseScenarioText(text, scenario);
  }
  return parseScenarioText(scenario, 'scenario');
}
