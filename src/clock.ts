/**
 * The one source of time. Each account has its own virtual time, wall time plus an offset (or
 * frozen at an instant), so a CI job that moves time never moves another job's. Nothing else
 * reads the system time, except webhook signing, which must use wall time (the SDKs reject
 * signatures more than 300 s off).
 */
export interface AccountTime {
  offsetMs: number;
  frozenAt: number | null;
}

export interface ClockPersistence {
  load(account: string): AccountTime | undefined;
  save(account: string, time: AccountTime): void;
  clear(account?: string): void;
}

export class Clock {
  private readonly accounts = new Map<string, AccountTime>();

  constructor(
    private readonly wall: () => number = () => Date.now(),
    private readonly persistence?: ClockPersistence,
  ) {}

  /** Wall time in ms; only for things the outside world checks against real time. */
  wallNow(): number {
    return this.wall();
  }

  /** The account's current virtual time in ms since the epoch. */
  now(account: string): number {
    const t = this.time(account);
    return t.frozenAt ?? this.wall() + t.offsetMs;
  }

  state(account: string): AccountTime {
    return { ...this.time(account) };
  }

  /** Moves the account's time to `at` (never backwards). */
  set(account: string, at: number): void {
    const t = this.time(account);
    const target = Math.max(at, this.now(account));
    if (t.frozenAt !== null) t.frozenAt = target;
    else t.offsetMs = target - this.wall();
    this.persistence?.save(account, t);
  }

  freeze(account: string): void {
    const t = this.time(account);
    if (t.frozenAt === null) t.frozenAt = this.now(account);
    this.persistence?.save(account, t);
  }

  unfreeze(account: string): void {
    const t = this.time(account);
    if (t.frozenAt !== null) {
      t.offsetMs = t.frozenAt - this.wall();
      t.frozenAt = null;
    }
    this.persistence?.save(account, t);
  }

  reset(account?: string): void {
    if (account === undefined) this.accounts.clear();
    else this.accounts.delete(account);
    this.persistence?.clear(account);
  }

  private time(account: string): AccountTime {
    let t = this.accounts.get(account);
    if (!t) {
      t = this.persistence?.load(account) ?? { offsetMs: 0, frozenAt: null };
      this.accounts.set(account, t);
    }
    return t;
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();
