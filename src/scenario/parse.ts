import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { parseRunSeed } from '../config.js';
import {
  CALL_STATES, CONFERENCE_STATUSES, HTTP_METHODS, SUPERVISOR_ROLES,
} from '../../schema/enums.js';
import { FIELD_CODES, TelnyxError } from '../model/errors.js';
import { closest } from '../model/suggest.js';
import { parseDurationSecs } from '../commands/duration.js';
import { DEFAULT_CONNECTION_ID, PlaceCall, PressDigits, Say } from '../commands/callers.js';
import { AdvanceClock } from '../commands/clock.js';
import { NumberPath, SetNumber } from '../commands/numbers.js';
import { GivePhoneNumber } from '../commands/phone-numbers.js';
import { AddWebhookFault } from '../commands/webhook-faults.js';
import { body, bool, url, MAX_BODY_BYTES, MAX_DEPTH, tooDeepAt, type Schema } from '../commands/schema.js';
import { pathPattern, PatternError } from '../control/faults.js';
import type { Condition, Scenario, ScenarioSetup, Step, StepKind } from './types.js';
import { validateSnapshot } from '../commands/snapshot.js';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * Scenario files (JSON or YAML) → a checked Scenario. Every problem is reported as a
 * ScenarioError naming the file line and the step, never as a stack trace.
 */
export class ScenarioError extends Error {
  /**
   * `where.code` is the Telnyx error code the same mistake gets over HTTP (10004 missing, 10015
   * wrong, 10032 not one of the values, 10033 out of range, or the command's own), when it is one.
   */
  constructor(message: string, readonly where: { line?: number; step?: number; pointer?: string; code?: string } = {}) {
    super(message);
    this.name = 'ScenarioError';
  }
}

type Obj = Record<string, unknown>;

export const STEP_KINDS: StepKind[] = ['call', 'hangup', 'press', 'speak', 'stop_speaking', 'say', 'advance', 'clock', 'number', 'phone_number', 'wait', 'expect', 'webhook_fault'];
const SUBJECTS: Array<'call' | 'conference' | 'queue' | 'webhook' | 'request'> = ['call', 'conference', 'queue', 'webhook', 'request'];
const METHODS: readonly string[] = HTTP_METHODS;
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/** How a scenario runs: where its callers' webhooks go, and whether the account is cleared first. */
export const ScenarioRun = body({ webhook_url: url(), reset: bool() });

/** Default `wait` timeout: long enough for a webhook round trip through a real app, short enough to fail fast. */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Longest wait a step may ask for. */
const MAX_TIMEOUT_MS = 10 * 60_000;
/** Most steps in one scenario. */
export const MAX_STEPS = 1000;
/** Longest text field (names, titles, conditions' strings), as the API's own string fields. */
export const MAX_TEXT = 4096;
/** YAML aliases (`*a`) a scenario may use: enough for shared fragments, too few for an alias bomb. */
export const MAX_YAML_ALIASES = 100;
/** connection_id of a scenario's calls when neither the call nor the scenario names one: the one every door uses. */
export { DEFAULT_CONNECTION_ID };

/**
 * The yaml parser, loaded when the first scenario is parsed rather than when the server starts:
 * importing it is a fifth of the server's start (tens of ms), and most runs parse no scenario.
 */
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** Parses scenario text; JSON when the file ends in .json or the text starts with `{`, YAML otherwise. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  // The same cap as a JSON body, whatever the door (a file given to startMock() or the CLI too).
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES) throw new ScenarioError(`${source}: a scenario is at most ${MAX_BODY_BYTES} bytes, this one is ${bytes}.`, { pointer: '/' });
  const { LineCounter, parseDocument, isSeq } = yaml();
  const lineCounter = new LineCounter();
  const asJson = source.endsWith('.json') || text.trimStart().startsWith('{');
  if (asJson) {
    try {
      JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const { line, col } = lineAndCol(text, jsonErrorOffset(text, message));
      // Node's message may quote the text around the error: keep only what went wrong.
      const what = message.split('\n')[0].replace(/ in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?".*$/, '');
      throw new ScenarioError(`${source}:${line}:${col}: not valid JSON: ${what}`, { line });
    }
  }
  // The yaml parser reads JSON too, and tells on which line each step starts.
  let doc: ReturnType<typeof Yaml.parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false });
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep(source, '/');
    throw err;
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lineCounter.linePos(e.pos[0]);
    throw new ScenarioError(`${source}:${line}:${col}: not valid YAML: ${e.message.split('\n')[0]}`, { line });
  }
  const steps = doc.get('steps', true);
  const stepLines = isSeq(steps) ? steps.items.map((item) => {
    const range = (item as { range?: [number, number, number] }).range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  }) : [];
  let value: unknown;
  try {
    // The yaml package counts an anchor's own node as one use, so N aliases of it are N + 1.
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES + 1 });
  } catch (err) {
    // The yaml package refuses an alias bomb with a ReferenceError; deep nesting may overflow the stack.
    if (err instanceof ReferenceError) {
      throw new ScenarioError(`${source}: too many YAML aliases (at most ${MAX_YAML_ALIASES} uses of an anchor).`, { pointer: '/' });
    }
    if (err instanceof RangeError) throw tooDeep(source, '/');
    throw err;
  }
  return validateScenario(value, { source, stepLines });
}

function tooDeep(source: string | undefined, pointer: string): ScenarioError {
  return new ScenarioError(`${source ? `${source}: ` : ''}nested too deeply (at most ${MAX_DEPTH} levels).`, { pointer });
}

/**
 * Where JSON.parse gave up. Node 20 names the position for some errors only; otherwise the error
 * is at the end of the shortest prefix that fails for a reason other than ending too soon.
 */
function jsonErrorOffset(text: string, message: string): number {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const endsTooSoon = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (err) {
      const m = (err as Error).message;
      const at = /position (\d+)/.exec(m);
      return /end of JSON input|Unterminated string/.test(m) || (at !== null && Number(at[1]) >= n);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endsTooSoon(mid)) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

function lineAndCol(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

interface Location {
  source?: string;
  stepLines?: (number | undefined)[];
}

/** Checks a parsed scenario (from a file or a JSON request body) and gives it its typed shape. */
export function validateScenario(raw: unknown, loc: Location = {}): Scenario {
  const prefix = loc.source ? `${loc.source}: ` : '';
  if (!isObj(raw)) throw new ScenarioError(`${prefix}a scenario is an object with 'name' and 'steps'.`, { pointer: '' });
  // Iterative, before anything walks the scenario recursively (a cyclic object reads as too deep).
  const deep = tooDeepAt(raw);
  if (deep !== undefined) throw tooDeep(loc.source, deep);
  const top = new Reader(raw, (msg, key, code) => new ScenarioError(`${prefix}${msg}`, { pointer: key ? `/${key}` : '', code }));
  top.only(['name', 'description', 'connection_id', 'webhook_url', 'timeout', 'reset', 'strict_connections', 'seed', 'setup', 'steps'], 'a scenario');
  const name = top.string('name', true)!;
  const description = top.string('description');
  const connectionId = top.string('connection_id') ?? DEFAULT_CONNECTION_ID;
  const run = top.check(ScenarioRun, { webhook_url: raw.webhook_url, reset: raw.reset });
  const webhookUrl = run.webhook_url;
  const timeoutMs = top.duration('timeout') ?? DEFAULT_TIMEOUT_MS;
  const reset = run.reset ?? true;
  const strictConnections = top.bool('strict_connections');
  const seed = runSeed(raw.seed, top);
  const rawSteps = raw.steps;
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
    throw top.error(rawSteps === undefined ? "'steps' is required: a list of steps." : "'steps' must be a non-empty list of steps.", 'steps');
  }
  if (rawSteps.length > MAX_STEPS) throw top.error(`a scenario has at most ${MAX_STEPS} steps, this one has ${rawSteps.length}.`, 'steps');

  const names = new Set<string>();
  const steps = rawSteps.map((s, i) => parseStep(s, i + 1, loc.stepLines?.[i], { prefix: loc.source, names, timeoutMs, connectionId }));
  const setup = raw.setup === undefined ? undefined : scenarioSetup(raw.setup, loc.source, prefix);
  return {
    name, description, connectionId, webhookUrl, timeoutMs, reset, ...(strictConnections === undefined ? {} : { strictConnections }),
    ...(seed === undefined ? {} : { seed }), ...(setup ? { setup } : {}), steps,
  };
}

/** A scenario's `seed` (deterministic mode for its run): an integer or a short word, as `--seed` takes. */
function runSeed(v: unknown, top: Reader): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : undefined;
  try {
    if (text === undefined) throw new Error();
    return parseRunSeed(text, 'seed');
  } catch {
    throw top.error(`'seed' must be an integer or a short word (letters, digits, _ . -; at most 64), got ${describe(v)}.`, 'seed');
  }
}

/**
 * `setup:` (state snapshots): a snapshot document, checked here against its schema so a bad one is
 * reported before anything runs, or the name of a file holding one, relative to the scenario file.
 */
function scenarioSetup(raw: unknown, source: string | undefined, prefix: string): ScenarioSetup {
  if (typeof raw === 'string' && raw.trim() !== '') {
    const file = raw.trim();
    return { file: isAbsolute(file) || !source || source === 'scenario' ? file : join(dirname(source), file) };
  }
  if (!isObj(raw)) throw new ScenarioError(`${prefix}'setup' is a state snapshot (GET /_mock/snapshot) or the name of a file holding one.`, { pointer: '/setup' });
  try {
    validateSnapshot(raw);
  } catch (err) {
    if (!(err instanceof TelnyxError)) throw err;
    throw new ScenarioError(`${prefix}setup: ${err.detail}`, { pointer: `/setup${err.pointer === '/' ? '' : err.pointer ?? ''}` });
  }
  return { document: raw };
}

interface StepContext { prefix?: string; names: Set<string>; timeoutMs: number; connectionId: string }

function parseStep(raw: unknown, index: number, line: number | undefined, sc: StepContext): Step {
  const at = sc.prefix ? `${sc.prefix}:${line !== undefined ? `${line}:` : ''} ` : '';
  const where = (kind?: string) => `${at}step ${index}${kind ? ` (${kind})` : ''}: `;
  const fail = (msg: string, kind?: string, key?: string, code?: string) =>
    new ScenarioError(`${where(kind)}${msg}`, { line, step: index, pointer: `/steps/${index - 1}${key ? `/${key}` : ''}`, code });
  if (!isObj(raw)) throw fail(`a step is an object such as { "call": "alice", ... }, got ${describe(raw)}.`);
  let kinds = Object.keys(raw).filter((k): k is StepKind => (STEP_KINDS as string[]).includes(k));
  // A webhook_fault step's `call` names the caller it matches, as a webhook condition's does.
  if (kinds.includes('webhook_fault')) kinds = kinds.filter((k) => k !== 'call');
  if (kinds.length === 0) {
    const keys = Object.keys(raw).filter((k) => k !== 'title');
    const guess = keys.length > 0 ? closest(keys[0], STEP_KINDS) : undefined;
    throw fail(`${keys.length > 0 ? `unknown step '${keys[0]}'` : 'no action given'}${guess ? ` (did you mean '${guess}'?)` : ''}; a step is one of: ${STEP_KINDS.join(', ')}.`);
  }
  if (kinds.length > 1) throw fail(`has both '${kinds[0]}' and '${kinds[1]}': one action per step.`);
  const kind = kinds[0];
  const r = new Reader(raw, (msg, key, code) => fail(msg, kind, key, code));
  const base = { index, line, title: r.string('title') };
  const known = (name: string, key: string) => {
    if (!sc.names.has(name)) throw r.error(`'${name}' is not a caller yet: name callers with a 'call' step (or 'as' on a wait) before this step.`, key);
    return name;
  };
  const caller = (key: string) => known(r.name(key), key);

  switch (kind) {
    case 'call': {
      r.only(['call', 'from', 'to', 'connection_id', 'client_state', 'answered', 'title'], 'a call step');
      const name = r.name('call');
      if (sc.names.has(name)) throw r.error(`'${name}' already names a call; give each caller its own name.`, 'call');
      const b = r.check(PlaceCall, {
        from: raw.from, to: raw.to, connection_id: raw.connection_id ?? sc.connectionId,
        client_state: raw.client_state, answered: raw.answered,
      });
      sc.names.add(name);
      return {
        ...base, kind, name, from: b.from, to: b.to,
        connectionId: raw.connection_id === undefined ? undefined : b.connection_id, clientState: b.client_state, answered: b.answered ?? false,
      } as const;
    }
    case 'hangup': case 'speak': case 'stop_speaking':
      r.only([kind, 'title'], `a ${kind} step`);
      return { ...base, kind, name: caller(kind) };
    case 'press': {
      r.only(['press', 'digits', 'title'], 'a press step');
      return { ...base, kind, name: caller('press'), digits: r.check(PressDigits, { digits: raw.digits }).digits };
    }
    case 'say': {
      // { say: alice, text: "I'd like to speak to sales" }: what a transcription hears.
      r.only(['say', 'text', 'title'], 'a say step');
      return { ...base, kind, name: caller('say'), text: r.check(Say, { text: raw.text }).text };
    }
    case 'advance': {
      r.only(['advance', 'title'], 'an advance step');
      const ms = r.duration('advance', true)!;
      const { seconds } = r.check(AdvanceClock, { seconds: ms / 1000 }, { seconds: 'advance' });
      return { ...base, kind, seconds: seconds as number, text: String(raw.advance) };
    }
    case 'clock': {
      r.only(['clock', 'title'], 'a clock step');
      return { ...base, kind, action: r.oneOf('clock', ['freeze', 'unfreeze'] as const, true)! };
    }
    case 'number': {
      r.only(['number', 'behaviour', 'answer_after_secs', 'amd_result', 'title'], 'a number step');
      const { e164 } = r.check(NumberPath, { e164: raw.number }, { e164: 'number' });
      const b = r.check(SetNumber, { behaviour: raw.behaviour, answer_after_secs: raw.answer_after_secs, amd_result: raw.amd_result });
      return { ...base, kind, e164, behaviour: b.behaviour, answerAfterSecs: b.answer_after_secs, amdResult: b.amd_result };
    }
    case 'phone_number': {
      // { phone_number: "+15550500000", connection_id: my-app }: the account owns the number.
      r.only(['phone_number', 'connection_id', 'title'], 'a phone_number step');
      const b = r.check(GivePhoneNumber, { phone_number: raw.phone_number, connection_id: raw.connection_id });
      return { ...base, kind, e164: b.phone_number, connectionId: b.connection_id };
    }
    case 'wait': {
      r.only(['wait', 'timeout', 'as', 'title'], 'a wait step');
      const condition = parseCondition(raw.wait, 'wait', r, known);
      const timeoutMs = r.duration('timeout') ?? sc.timeoutMs;
      if (timeoutMs > MAX_TIMEOUT_MS) throw r.error('a wait lasts at most 10 minutes.', 'timeout');
      let as: string | undefined;
      if (raw.as !== undefined) {
        if (condition.subject !== 'webhook') throw r.error("'as' names the call of a webhook: use it with a webhook condition.", 'as');
        as = r.name('as');
        if (sc.names.has(as)) throw r.error(`'${as}' already names a call.`, 'as');
      }
      if (as) sc.names.add(as);
      return { ...base, kind, condition, timeoutMs, as };
    }
    case 'expect':
      r.only(['expect', 'title'], 'an expect step');
      return { ...base, kind, condition: parseCondition(raw.expect, 'expect', r, known) };
    case 'webhook_fault': {
      // { webhook_fault: duplicate, event_type: call.answered, call: alice, count: 1 }: arms a webhook fault.
      r.only(['webhook_fault', 'event_type', 'call', 'url', 'count', 'for', 'until', 'delay_ms', 'skew_secs', 'title'], 'a webhook_fault step');
      const fault = {
        kind: raw.webhook_fault, event_type: raw.event_type, url: raw.url, count: raw.count,
        for: raw.for, until: raw.until, delay_ms: raw.delay_ms, skew_secs: raw.skew_secs,
      };
      r.check(AddWebhookFault, fault, { kind: 'webhook_fault' });
      return { ...base, kind, fault, call: raw.call === undefined ? undefined : caller('call') };
    }
  }
}

function parseCondition(raw: unknown, key: 'wait' | 'expect', step: Reader, known: (name: string, key: string) => string): Condition {
  if (!isObj(raw)) throw step.error(`'${key}' takes a condition such as { "call": "alice", "state": "answered" }.`, key);
  // `call` is also a webhook condition's filter, so webhook and request are recognised first.
  const subjects = SUBJECTS.filter((s) => s in raw);
  if (subjects.includes('webhook') && !subjects.includes('request')) subjects.splice(0, subjects.length, 'webhook');
  if (subjects.length !== 1) {
    throw step.error(subjects.length === 0
      ? `a condition names what it is about, one of: ${SUBJECTS.join(', ')}.`
      : `a condition is about one thing; it has both '${subjects[0]}' and '${subjects[1]}'.`, key);
  }
  const r = new Reader(raw, (msg, k) => step.error(msg, k ? `${key}/${k}` : key));
  const placeholders = (value: unknown, k: string) => {
    for (const text of strings(value)) for (const m of text.matchAll(PLACEHOLDER)) known(m[1], `${key}/${k}`);
    return value;
  };
  switch (subjects[0]) {
    case 'call': {
      r.only(['call', 'state', 'in_queue', 'in_conference', 'bridged_with', 'muted', 'on_hold', 'supervisor_role', 'hangup_cause', 'heard'], 'a call condition');
      const bridged = raw.bridged_with === false ? false : raw.bridged_with === undefined ? undefined : known(r.name('bridged_with'), `${key}/bridged_with`);
      return {
        subject: 'call', call: known(r.name('call'), `${key}/call`),
        state: r.oneOf('state', CALL_STATES),
        inQueue: raw.in_queue === false ? false : r.string('in_queue'),
        inConference: typeof raw.in_conference === 'boolean' ? raw.in_conference : r.string('in_conference'),
        bridgedWith: bridged,
        muted: r.bool('muted'), onHold: r.bool('on_hold'),
        supervisorRole: r.oneOf('supervisor_role', SUPERVISOR_ROLES),
        hangupCause: r.string('hangup_cause'),
        heard: r.string('heard'),
      };
    }
    case 'conference': {
      r.only(['conference', 'status', 'end_reason', 'participants'], 'a conference condition');
      let participants: number | string[] | undefined;
      if (typeof raw.participants === 'number') participants = r.int('participants', 0, 10_000);
      else if (raw.participants !== undefined) participants = r.names('participants').map((n) => known(n, `${key}/participants`));
      return {
        subject: 'conference', conference: r.string('conference', true)!,
        status: r.oneOf('status', CONFERENCE_STATUSES), endReason: r.string('end_reason'), participants,
      };
    }
    case 'queue': {
      r.only(['queue', 'size', 'calls'], 'a queue condition');
      return {
        subject: 'queue', queue: r.string('queue', true)!, size: r.int('size', 0, 5000),
        calls: raw.calls === undefined ? undefined : r.names('calls').map((n) => known(n, `${key}/calls`)),
      };
    }
    case 'webhook': {
      r.only(['webhook', 'call', 'payload', 'count'], 'a webhook condition');
      if (raw.payload !== undefined && !isObj(raw.payload)) throw r.error("'payload' must be an object of fields the event's payload has.", 'payload');
      return {
        subject: 'webhook', eventType: r.string('webhook', true)!,
        call: raw.call === undefined ? undefined : known(r.name('call'), `${key}/call`),
        payload: placeholders(raw.payload, 'payload') as Obj | undefined,
        count: r.int('count', 0, 10_000),
      };
    }
    case 'request': {
      r.only(['request', 'body', 'status', 'count'], 'a request condition');
      const text = r.string('request', true)!.trim();
      const [first, ...rest] = text.split(/\s+/);
      const method = METHODS.includes(first.toUpperCase()) ? first.toUpperCase() : undefined;
      const path = method ? rest.join(' ') : text;
      if (!path.startsWith('/') && !path.startsWith('^')) {
        throw r.error(`'request' is "METHOD /path" with a glob path (e.g. "POST /v2/conferences/*/actions/mute"), got "${text}".`, 'request');
      }
      placeholders(path, 'request');
      try {
        pathPattern(path.replace(PLACEHOLDER, 'x'));
      } catch (err) {
        if (err instanceof PatternError) throw r.error(`the request path is ${err.message}.`, 'request');
        throw err;
      }
      return {
        subject: 'request', method, path, body: placeholders(raw.body, 'body'),
        status: r.int('status', 100, 599), count: r.int('count', 0, 10_000),
      };
    }
  }
}

/** Typed field readers over one object, each failing with a message naming the field. */
class Reader {
  constructor(private readonly o: Obj, private readonly fail: (msg: string, key?: string, code?: string) => ScenarioError) {}

  error(msg: string, key?: string): ScenarioError {
    return this.fail(msg, key);
  }

  only(allowed: string[], what: string): void {
    for (const key of Object.keys(this.o)) {
      if (!allowed.includes(key)) {
        const guess = closest(key, allowed);
        throw this.fail(`unknown field '${key}' in ${what}${guess ? ` (did you mean '${guess}'?)` : ''}; allowed: ${allowed.join(', ')}.`, key);
      }
    }
  }

  private present(key: string, required: boolean): unknown {
    const v = this.o[key];
    if ((v === undefined || v === null) && required) throw this.fail(`'${key}' is required.`, key, FIELD_CODES.missing);
    return v ?? undefined;
  }

  string(key: string, required = false): string | undefined {
    const v = this.present(key, required);
    if (v === undefined) return undefined;
    if (required && v === '') throw this.fail(`'${key}' is required.`, key, FIELD_CODES.missing);
    if (typeof v !== 'string' || (required && v.trim() === '')) throw this.fail(`'${key}' must be a ${required ? 'non-empty ' : ''}string, got ${describe(v)}.`, key, FIELD_CODES.invalid);
    if (v.length > MAX_TEXT) throw this.fail(`'${key}' is too long (at most ${MAX_TEXT} characters).`, key, FIELD_CODES.invalid);
    return v;
  }

  name(key: string): string {
    const v = this.present(key, true);
    if (typeof v !== 'string' || v.length > 64 || !NAME.test(v)) {
      throw this.fail(`'${key}' must be a caller name such as "alice" or "agent1" (letters, digits, _ and -; at most 64), got ${describe(v)}.`, key);
    }
    return v;
  }

  names(key: string): string[] {
    const v = this.o[key];
    if (!Array.isArray(v) || v.length > MAX_STEPS || v.some((x) => typeof x !== 'string' || x.length > 64 || !NAME.test(x))) {
      throw this.fail(`'${key}' must be a list of caller names, got ${describe(v)}.`, key);
    }
    return v as string[];
  }

  /**
   * Checks fields with the schema of the command the step will call, so a scenario refuses
   * exactly what HTTP and startMock() refuse; `keys` names the step's field for a body field.
   */
  check<T>(schema: Schema<T>, input: Obj, keys: Record<string, string> = {}): T {
    try {
      return schema.parse(input);
    } catch (err) {
      if (!(err instanceof TelnyxError)) throw err;
      const field = err.pointer?.replace(/^\//, '');
      const key = field === undefined ? undefined : keys[field] ?? field;
      const given = field === undefined ? undefined : input[field];
      // YAML reads an unquoted +1555… as a number: say so rather than "must be a string".
      const message = err.code === FIELD_CODES.missing ? `'${key}' is required.`
        : typeof given === 'number' && (key === 'from' || key === 'to' || key === 'number')
          ? `'${key}' must be a quoted string: YAML reads ${given} as a number (write "+${given}").`
          : err.detail;
      throw this.fail(message, key, err.code);
    }
  }

  bool(key: string): boolean | undefined {
    const v = this.present(key, false);
    if (v !== undefined && typeof v !== 'boolean') throw this.fail(`'${key}' must be true or false, got ${describe(v)}.`, key, FIELD_CODES.invalid);
    return v as boolean | undefined;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.present(key, false);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.fail(`'${key}' must be a whole number from ${min} to ${max}, got ${describe(v)}.`, key,
        typeof v === 'number' && Number.isInteger(v) ? FIELD_CODES.outOfRange : FIELD_CODES.invalid);
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required = false): T | undefined {
    const v = this.present(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) throw this.fail(`'${key}' must be one of ${values.join(', ')}, got ${describe(v)}.`, key, FIELD_CODES.badEnum);
    return v as T;
  }

  /** Milliseconds from seconds (a number), "500ms", "5s", "2m", "4h", or an ISO 8601 duration ("PT4H"). */
  duration(key: string, required = false): number | undefined {
    const v = this.present(key, required);
    if (v === undefined) return undefined;
    const ms = durationMs(v);
    if (ms === undefined) throw this.fail(`'${key}' must be a duration: seconds, "500ms", "5s", "2m", "4h" or ISO 8601 like "PT4H"; got ${describe(v)}.`, key, FIELD_CODES.invalid);
    return ms;
  }
}

export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(v.trim());
    if (m) return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
  }
  const secs = parseDurationSecs(v);
  return secs === undefined ? undefined : secs * 1000;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'an object';
  return JSON.stringify(v);
}

function* strings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (isObj(v)) for (const x of Object.values(v)) yield* strings(x);
}
