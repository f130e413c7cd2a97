import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import type { Fault, FaultSpec } from '../model/views.js';

/**
 * Injected faults: the next `count` requests matching method + path answer an error status, or
 * are held for `delay_ms` first. Per account, in memory; the /v2 middleware applies them.
 */
export type { Fault, FaultSpec };

export class PatternError extends Error {}

/**
 * A path pattern as a predicate: a glob, or a regular expression when it starts with `^`.
 * Both run in time linear in the path, whatever the pattern: one account's pattern is matched on
 * the event loop every account shares, and a backtracking engine can be made to take minutes on a
 * 40-character path (`^/v2/calls/(a+)+$`, `/v2/**a**a**…**b`).
 */
export function pathPattern(pattern: string): (path: string) => boolean {
  if (pattern.startsWith('^')) return linearRegex(pattern);
  return globMatcher(pattern);
}

/** re2js, loaded with the first regular expression rather than when the server starts. */
let re2jsClass: typeof RE2JS | undefined;
const re2js = (): typeof RE2JS => (re2jsClass ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS);

/**
 * Regular expressions run by re2js, the pure-JS port of Google's RE2: an automaton with no
 * backtracking (time linear in the input), no native build to install, and kept up to date.
 * RE2 refuses what it cannot run in linear time (backreferences, lookaround): those patterns are
 * refused here too. There are no flags to translate (a pattern is a bare string); RE2's inline
 * flags such as `(?i)` work.
 */
function linearRegex(pattern: string): (path: string) => boolean {
  let re: RE2JS;
  try {
    re = re2js().compile(pattern);
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new PatternError(`not a regular expression this server can match in linear time (RE2 syntax: no backreferences or lookaround): ${message}`);
  }
  return (path) => re.test(path);
}

/** A glob's pieces: literal text, `*` (within one segment) or `**` (anything). */
type GlobToken = { kind: 'text'; char: number } | { kind: 'star' } | { kind: 'globstar' };

/**
 * A glob (`*` = any run of characters but `/`, `**` = any run at all, the rest literal) as a
 * matcher that walks the path once, keeping the set of pattern positions reached so far (an NFA
 * simulation): path length × pattern length steps at most, never exponential.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] !== '*') tokens.push({ kind: 'text', char: glob.charCodeAt(i) });
    else if (glob[i + 1] === '*') {
      // Runs of stars are one globstar (`***` means what `**` means).
      while (glob[i + 1] === '*') i++;
      if (tokens.at(-1)?.kind !== 'globstar') tokens.push({ kind: 'globstar' });
    } else if (tokens.at(-1)?.kind !== 'globstar') tokens.push({ kind: 'star' });
  }
  const m = tokens.length;
  const SLASH = 47;
  return (path) => {
    let cur = new Uint8Array(m + 1);
    let next = new Uint8Array(m + 1);
    const close = (set: Uint8Array) => {
      // A star may match nothing: reaching it reaches what follows it.
      for (let j = 0; j < m; j++) if (set[j] && tokens[j].kind !== 'text') set[j + 1] = 1;
    };
    cur[0] = 1;
    close(cur);
    for (let i = 0; i < path.length; i++) {
      const c = path.charCodeAt(i);
      next.fill(0);
      let any = false;
      for (let j = 0; j < m; j++) {
        if (!cur[j]) continue;
        const t = tokens[j];
        if (t.kind === 'text') {
          if (t.char === c) { next[j + 1] = 1; any = true; }
        } else if (t.kind === 'globstar' || c !== SLASH) {
          next[j] = 1;
          any = true;
        }
      }
      if (!any) return false;
      close(next);
      [cur, next] = [next, cur];
    }
    return cur[m] === 1;
  };
}

/** Every account's armed faults, each bound to its account when first asked for. */
export class Faults {
  private readonly byAccount = new Map<string, AccountFaults>();
  private lastId = 0;
  private readonly nextId = () => ++this.lastId;

  forAccount(account: string): AccountFaults {
    let faults = this.byAccount.get(account);
    if (!faults) this.byAccount.set(account, faults = new AccountFaults(this.nextId));
    return faults;
  }

  /** Disarms every account's faults (reset of all accounts). */
  clearAll(): void {
    for (const faults of this.byAccount.values()) faults.clear();
  }

  /** Drops the account's (empty) fault list from memory (an idle or reset account released). */
  forget(account: string): void {
    this.byAccount.delete(account);
  }
}

/** One account's armed faults, in the order they were added. Ids are unique across accounts. */
export class AccountFaults {
  private readonly list: Fault[] = [];

  constructor(private readonly nextId: () => number) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, method: spec.method.toUpperCase(), id: this.nextId(), remaining: spec.count, matches: pathPattern(spec.path) };
    this.list.push(fault);
    return fault;
  }

  all(): Fault[] {
    return this.list.slice();
  }

  /** True when any fault is armed: the middleware's cheap first check. */
  armed(): boolean {
    return this.list.length > 0;
  }

  /** Consumes one use of the first fault (in the order they were added) matching the request. */
  take(method: string, path: string): Fault | undefined {
    const i = this.list.findIndex((f) => (f.method === '*' || f.method === method) && f.matches(path));
    if (i === -1) return undefined;
    const fault = this.list[i];
    if (--fault.remaining <= 0) this.list.splice(i, 1);
    return fault;
  }

  remove(id: number): boolean {
    const i = this.list.findIndex((f) => f.id === id);
    if (i === -1) return false;
    this.list.splice(i, 1);
    return true;
  }

  clear(): void {
    this.list.length = 0;
  }
}
