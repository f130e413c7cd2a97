/**
 * Injected faults: the next `count` requests matching method + path answer an error status, or
 * are held for `delay_ms` first. Per account, in memory; the /v2 middleware applies them.
 */
export interface FaultSpec {
  /** HTTP method, or `*` for any. */
  method: string;
  /**
   * A glob over the decoded path (`*` = one path segment, `**` = anything), or a regular
   * expression when it starts with `^`.
   */
  path: string;
  /** The status to answer; absent means "pass through after the delay". */
  status?: number;
  count: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  matches: (path: string) => boolean;
}

export class PatternError extends Error {}

/** A path pattern as a predicate: a glob, or a regular expression when it starts with `^`. */
export function pathPattern(pattern: string): (path: string) => boolean {
  if (pattern.startsWith('^')) {
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch (err) {
      throw new PatternError(`not a valid regular expression: ${(err as Error).message}`);
    }
    return (path) => re.test(path);
  }
  const re = new RegExp(`^${pattern.split(/(\*\*|\*)/).map((part) =>
    part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('')}$`);
  return (path) => re.test(path);
}

export class Faults {
  private readonly byAccount = new Map<string, Fault[]>();
  private nextId = 1;

  add(account: string, spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, method: spec.method.toUpperCase(), id: this.nextId++, remaining: spec.count, matches: pathPattern(spec.path) };
    const list = this.byAccount.get(account);
    if (list) list.push(fault);
    else this.byAccount.set(account, [fault]);
    return fault;
  }

  list(account: string): Fault[] {
    return this.byAccount.get(account) ?? [];
  }

  /** True when the account has any fault armed: the middleware's cheap first check. */
  armed(account: string): boolean {
    return this.byAccount.has(account);
  }

  /** Consumes one use of the first fault (in the order they were added) matching the request. */
  take(account: string, method: string, path: string): Fault | undefined {
    const list = this.byAccount.get(account);
    if (!list) return undefined;
    const i = list.findIndex((f) => (f.method === '*' || f.method === method) && f.matches(path));
    if (i === -1) return undefined;
    const fault = list[i];
    if (--fault.remaining <= 0) {
      list.splice(i, 1);
      if (list.length === 0) this.byAccount.delete(account);
    }
    return fault;
  }

  remove(account: string, id: number): boolean {
    const list = this.byAccount.get(account);
    const i = list?.findIndex((f) => f.id === id) ?? -1;
    if (!list || i === -1) return false;
    list.splice(i, 1);
    if (list.length === 0) this.byAccount.delete(account);
    return true;
  }

  clear(account?: string): void {
    if (account === undefined) this.byAccount.clear();
    else this.byAccount.delete(account);
  }
}

