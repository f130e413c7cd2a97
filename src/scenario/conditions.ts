import type { Account } from '../commands/account.js';
import * as reads from '../commands/reads.js';
import { webhookLog, type WebhookLogQuery } from '../commands/webhooks.js';
import { listRequests } from '../commands/requests.js';
import { requestJson } from '../serialize/requests.js';
import { callMediaHistory } from '../commands/call-media.js';
import { pathPattern } from '../control/faults.js';
import { webhookEvent, type WebhookEvent } from '../serialize/control.js';
import type { Condition } from './types.js';
import { matches } from '../commands/wait.js';

/** Payloads and bodies match as a blocking wait matches them: one matcher (commands/wait.ts). */
export { matches };

/** What a run knows while it checks conditions: its account, the callers' ids, where it started. */
export interface RunState {
  account: Account;
  /** Caller name → call_control_id. */
  names: Map<string, string>;
  /** Webhooks and requests recorded before the run are not the run's. */
  since: { webhook: number; request: number };
}

export interface Check {
  ok: boolean;
  /** What was found, in words, for a failure message. */
  actual: string;
  /** Webhook conditions: the matching events (a wait with `as` names the first one's call). */
  events?: WebhookEvent[];
}

type Of<S extends Condition['subject']> = Extract<Condition, { subject: S }>;

/**
 * Checks a condition. `explain: false` skips the queries that only word a failure (a waiting
 * probe that finds nothing yet needs no message; the wait asks again with words when it gives up).
 */
export async function check(c: Condition, rs: RunState, opts: { explain?: boolean } = {}): Promise<Check> {
  const explain = opts.explain ?? true;
  switch (c.subject) {
    case 'call': return checkCall(c, rs);
    case 'conference': return checkConference(c, rs);
    case 'queue': return checkQueue(c, rs);
    case 'webhook': return checkWebhook(c, rs, explain);
    case 'request': return checkRequest(c, rs, explain);
  }
}

/** The condition in words: "alice is answered, in queue 'support'". */
export function describeCondition(c: Condition): string {
  switch (c.subject) {
    case 'call': {
      const facts = callFacts(c);
      return `${c.call} ${facts.length > 0 ? `is ${facts.join(', ')}` : 'exists'}`;
    }
    case 'conference': {
      const clauses: string[] = [];
      if (c.status) clauses.push(`is ${c.status}${c.endReason ? ` (${c.endReason})` : ''}`);
      else if (c.endReason) clauses.push(`ended with ${c.endReason}`);
      if (c.participants !== undefined) {
        clauses.push(`has ${typeof c.participants === 'number' ? `${c.participants} participant(s)` : list(c.participants)}`);
      }
      return `conference '${c.conference}' ${clauses.length > 0 ? clauses.join(' and ') : 'exists'}`;
    }
    case 'queue': {
      const holds = c.calls ? list(c.calls) : c.size !== undefined ? `${c.size} call(s)` : undefined;
      return holds ? `queue '${c.queue}' holds ${holds}` : `queue '${c.queue}' exists`;
    }
    case 'webhook':
      return `${c.count !== undefined ? `exactly ${c.count}` : 'a'} ${c.eventType} webhook${c.count !== undefined && c.count !== 1 ? 's' : ''}`
        + `${c.call ? ` for ${c.call}` : ''}${c.payload ? ` with payload ${JSON.stringify(c.payload)}` : ''}`;
    case 'request':
      return `the app sent ${c.method ?? 'a request to'} ${c.path}${c.body !== undefined ? ` with body ${JSON.stringify(c.body)}` : ''}`
        + `${c.count !== undefined ? ` exactly ${c.count} time(s)` : ''}${c.status !== undefined ? ` (answered ${c.status})` : ''}`;
  }
}

function callFacts(c: Of<'call'>): string[] {
  const facts: string[] = [];
  if (c.state) facts.push(c.state === 'hangup' ? 'hung up' : c.state);
  if (c.inQueue !== undefined) facts.push(c.inQueue === false ? 'in no queue' : `in queue '${c.inQueue}'`);
  if (c.inConference !== undefined) {
    facts.push(c.inConference === false ? 'in no conference' : c.inConference === true ? 'in a conference' : `in conference '${c.inConference}'`);
  }
  if (c.bridgedWith !== undefined) facts.push(c.bridgedWith === false ? 'bridged with nobody' : `bridged with ${c.bridgedWith}`);
  if (c.muted !== undefined) facts.push(c.muted ? 'muted' : 'not muted');
  if (c.onHold !== undefined) facts.push(c.onHold ? 'on hold' : 'not on hold');
  if (c.supervisorRole) facts.push(`supervisor_role ${c.supervisorRole}`);
  if (c.hangupCause) facts.push(`hung up with cause ${c.hangupCause}`);
  if (c.heard) facts.push(`played "${c.heard}"`);
  return facts;
}

function checkCall(c: Of<'call'>, rs: RunState): Check {
  const facts = reads.callFacts(rs.account, rs.names.get(c.call)!);
  if (!facts) return { ok: false, actual: `${c.call}'s call no longer exists (was the account reset?)` };
  const { call, queue, participant, conference } = facts;
  const bridged = call.bridgedTo ? nameOf(rs, call.bridgedTo) : null;

  const wrong: string[] = [];
  if (c.state && call.state !== c.state) wrong.push(call.state === 'hangup' ? `hung up (${call.hangupCause})` : call.state);
  if (c.inQueue !== undefined && (c.inQueue === false ? queue !== null : queue !== c.inQueue)) {
    wrong.push(queue ? `in queue '${queue}'` : 'in no queue');
  }
  if (c.inConference !== undefined
    && (typeof c.inConference === 'boolean' ? (conference !== null) !== c.inConference : conference !== c.inConference)) {
    wrong.push(conference ? `in conference '${conference}'` : 'in no conference');
  }
  if (c.bridgedWith !== undefined && (c.bridgedWith === false ? bridged !== null : bridged !== c.bridgedWith)) {
    wrong.push(bridged ? `bridged with ${bridged}` : 'bridged with nobody');
  }
  if (c.muted !== undefined || c.onHold !== undefined || c.supervisorRole !== undefined) {
    if (!participant) wrong.push('in no conference');
    else {
      if (c.muted !== undefined && participant.muted !== c.muted) wrong.push(participant.muted ? 'muted' : 'not muted');
      if (c.onHold !== undefined && participant.onHold !== c.onHold) wrong.push(participant.onHold ? 'on hold' : 'not on hold');
      if (c.supervisorRole && participant.supervisorRole !== c.supervisorRole) wrong.push(`supervisor_role ${participant.supervisorRole}`);
    }
  }
  if (c.hangupCause && call.hangupCause !== c.hangupCause) {
    wrong.push(call.hangupCause ? `hung up with cause ${call.hangupCause}` : 'not hung up');
  }
  if (c.heard) {
    const heard = c.heard;
    const played = callMediaHistory(rs.account, call.callControlId).filter((m) => m.state !== 'queued');
    if (!played.some((m) => m.text?.includes(heard) || m.mediaUrl === heard || m.mediaName === heard)) {
      const what = played.map((m) => JSON.stringify(m.text ?? m.mediaUrl ?? m.mediaName ?? 'playback_content'));
      wrong.push(`played ${what.length > 0 ? what.join(', ') : 'nothing'}`);
    }
  }
  return { ok: wrong.length === 0, actual: `${c.call} is ${wrong.join(', ')}` };
}

function checkConference(c: Of<'conference'>, rs: RunState): Check {
  const facts = reads.conferenceFacts(rs.account, c.conference);
  if (!facts) return { ok: false, actual: `there is no conference named '${c.conference}'` };
  const conf = facts.conference;
  const wrong: string[] = [];
  if (c.status && conf.status !== c.status) wrong.push(`is ${conf.status}`);
  if (c.endReason && conf.endReason !== c.endReason) wrong.push(conf.endReason ? `ended with ${conf.endReason}` : 'has not ended');
  if (c.participants !== undefined) {
    const who = facts.participants.map((id) => nameOf(rs, id));
    const ok = typeof c.participants === 'number' ? who.length === c.participants : sameList(who, c.participants);
    if (!ok) wrong.push(`has ${who.length === 0 ? 'no participants' : list(who)}`);
  }
  return { ok: wrong.length === 0, actual: `conference '${c.conference}' ${wrong.join(', ')}` };
}

function checkQueue(c: Of<'queue'>, rs: RunState): Check {
  const facts = reads.queueFacts(rs.account, c.queue);
  const who = facts ? facts.calls.map((id) => nameOf(rs, id)) : [];
  const ok = (c.size === undefined || who.length === c.size) && (c.calls === undefined || sameList(who, c.calls))
    && (facts !== undefined || c.size !== undefined || c.calls !== undefined);
  return { ok, actual: facts ? `queue '${c.queue}' holds ${who.length === 0 ? 'no calls' : list(who)}` : `there is no queue named '${c.queue}'` };
}

/** The account's webhooks as scenarios see them. */
const webhooks = (rs: RunState, q: WebhookLogQuery) => webhookLog(rs.account, q).rows.map(webhookEvent);

function checkWebhook(c: Of<'webhook'>, rs: RunState, explain: boolean): Check {
  const callControlId = c.call ? rs.names.get(c.call) : undefined;
  const ofType = webhooks(rs, { eventType: c.eventType, callControlId, after: rs.since.webhook });
  const expected = c.payload && substitute(c.payload, rs.names);
  const events = expected ? ofType.filter((e) => matches(expected, e.data.payload)) : ofType;
  const ok = c.count === undefined ? events.length > 0 : events.length === c.count;
  if (!ok && !explain) return { ok, actual: '', events };
  const forWhom = c.call ? ` for ${c.call}` : '';
  let actual: string;
  if (ofType.length === 0) {
    const seen = webhooks(rs, { callControlId, after: rs.since.webhook }).map((e) => e.event_type);
    actual = `no ${c.eventType} webhook${forWhom}; ${c.call ? `${c.call}'s` : 'the'} webhooks so far: ${seen.length > 0 ? seen.join(', ') : 'none'}`;
  } else if (expected && events.length === 0) {
    const last = ofType[ofType.length - 1].data.payload;
    actual = `${ofType.length} ${c.eventType} webhook(s)${forWhom}, none with that payload; the last has ${differences(expected, last, rs)}`;
  } else {
    actual = `${events.length} matching ${c.eventType} webhook(s)${forWhom}`;
  }
  return { ok, actual, events };
}

/**
 * Path matchers compiled once per run and path: a wait checks its condition again after every
 * change. Keyed by the run's caller names, the one part of a RunState every check of a run shares.
 */
const matchers = new WeakMap<RunState['names'], Map<string, (path: string) => boolean>>();

function pathMatcher(rs: RunState, path: string): (path: string) => boolean {
  let byPath = matchers.get(rs.names);
  if (!byPath) matchers.set(rs.names, byPath = new Map());
  let matcher = byPath.get(path);
  if (!matcher) byPath.set(path, matcher = pathPattern(path));
  return matcher;
}

async function checkRequest(c: Of<'request'>, rs: RunState, explain: boolean): Promise<Check> {
  const matchesPath = pathMatcher(rs, substitute(c.path, rs.names) as string);
  const sent = listRequests(rs.account, { method: c.method, pathMatches: matchesPath, after: rs.since.request }).map(requestJson);
  const body = c.body === undefined ? undefined : substitute(c.body, rs.names);
  const hits = sent.filter((r) => (c.status === undefined || r.status === c.status) && (body === undefined || matches(body, r.body)));
  const ok = c.count === undefined ? hits.length > 0 : hits.length === c.count;
  if (!ok && !explain) return { ok, actual: '' };
  let actual: string;
  if (sent.length === 0) {
    const recent = listRequests(rs.account, { after: rs.since.request, limit: 5 }).map(requestJson)
      .map((r) => `${r.method} ${named(r.path, rs)} → ${r.status}`);
    actual = `no ${c.method ? `${c.method} ` : ''}${c.path} request; the app's latest requests: ${recent.length > 0 ? recent.join('; ') : 'none'}`;
  } else if (hits.length === 0) {
    const last = sent[sent.length - 1];
    actual = `${sent.length} such request(s), none matching; the last answered ${last.status}`
      + `${body !== undefined ? ` and had ${differences(body, last.body, rs)}` : ''}`;
  } else {
    actual = `${hits.length} matching request(s)`;
  }
  return { ok, actual };
}

/** Replaces `{alice}` with alice's call_control_id in every string of a value. */
export function substitute(value: unknown, names: Map<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{([A-Za-z_][A-Za-z0-9_-]*)\}/g, (m, name: string) => names.get(name) ?? m);
  if (Array.isArray(value)) return value.map((v) => substitute(v, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names)]));
  }
  return value;
}

/** The fields where `actual` differs from `expected`, with call ids shown as names. */
function differences(expected: unknown, actual: unknown, rs: RunState): string {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected) || actual === null || typeof actual !== 'object') {
    return `${show(actual, rs)} instead of ${show(expected, rs)}`;
  }
  return Object.entries(expected as Record<string, unknown>)
    .filter(([k, v]) => !matches(v, (actual as Record<string, unknown>)[k]))
    .map(([k, v]) => `${k}: ${show((actual as Record<string, unknown>)[k], rs)} (expected ${show(v, rs)})`)
    .join(', ');
}

function show(v: unknown, rs: RunState): string {
  return v === undefined ? 'missing' : named(JSON.stringify(v), rs);
}

/** Call ids in text replaced by their callers' names, so messages read like the scenario. */
function named(text: string, rs: RunState): string {
  let out = text;
  for (const [name, id] of rs.names) out = out.split(id).join(`{${name}}`);
  return out;
}

function nameOf(rs: RunState, callControlId: string): string {
  for (const [name, id] of rs.names) if (id === callControlId) return name;
  return callControlId;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const list = (names: string[]) => names.join(', ');
