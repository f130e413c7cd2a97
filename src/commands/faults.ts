/** Injected faults (control API): the next matching /v2 requests fail or wait. */
import { errors } from '../model/errors.js';
import { pathPattern, PatternError, type Fault } from '../control/faults.js';
import { decodePath } from '../control/journal.js';
import type { Account } from './account.js';
import { HTTP_METHODS } from '../../schema/enums.js';
import { body, custom, int, string } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** Longest injected delay: long enough to trip any client timeout, short enough not to wedge a test run. */
export const MAX_FAULT_DELAY_MS = 120_000;

/** Extra response headers: names and values a header can carry. */
const headerMap = custom((v, name) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw errors.invalid(name, `'${name}' must be an object whose values are strings.`);
  }
  for (const [key, value] of Object.entries(v as Record<string, string>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw errors.invalid(name, `'${key}' is not a valid header name.`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw errors.invalid(name, `The value of '${key}' has characters a header cannot carry.`);
  }
  return v as Record<string, string>;
});

export const AddFault = body({
  path: string({ required: true, max: 1024 }),
  status: int(400, 599),
  delay_ms: int(0, MAX_FAULT_DELAY_MS),
  method: custom((v, name) => {
    const m = string()({ [name]: v }, name)?.toUpperCase() ?? '*';
    if (m !== '*' && !(HTTP_METHODS as readonly string[]).includes(m)) throw errors.badEnum(name, ['*', ...HTTP_METHODS]);
    return m;
  }),
  count: int(1, 10_000),
  headers: headerMap,
}, (b) => {
  if (!b.path.startsWith('/') && !b.path.startsWith('^')) {
    throw errors.invalid('path', "'path' must be a glob starting with '/' (e.g. /v2/conferences/*/actions/mute) or a regular expression starting with '^'.");
  }
  try {
    pathPattern(b.path);
  } catch (err) {
    if (err instanceof PatternError) throw errors.invalid('path', `'path' is ${err.message}`);
    throw err;
  }
  if (b.status === undefined && !b.delay_ms) throw errors.missing('status');
});

/** Faults armed at once per account: each /v2 request of the account is matched against them. */
export const MAX_FAULTS = 100;

export function addFault(a: Account, input: unknown): Fault {
  const b = AddFault.parse(input);
  if (a.faults.all().length >= MAX_FAULTS) throw errors.tooMany('faults armed', MAX_FAULTS);
  return a.faults.add({
    method: b.method, path: b.path, status: b.status, count: b.count ?? 1, delayMs: b.delay_ms, headers: b.headers,
  });
}

export function listFaults(a: Account): Fault[] {
  return a.faults.all();
}

export function removeFault(a: Account, id: number): void {
  if (!a.faults.remove(id)) throw errors.notFound('Fault');
}

export function clearFaults(a: Account): void {
  a.faults.clear();
}

/**
 * The fault a /v2 request meets, if any (one use of it is consumed). The path is matched as the
 * app wrote it (call_control_ids decoded).
 */
export function takeFault(a: Account, method: string, path: string): Fault | undefined {
  return a.faults.armed() ? a.faults.take(method, decodePath(path)) : undefined;
}
