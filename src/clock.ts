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

/**
 * The furthest an account's clock may run from wall time, either way: a hundred years. Dates then
 * stay far inside JavaScript's Date range (±8.64e15 ms) wherever a timer is scheduled ahead, so
 * rendering one (toISOString) can never throw.
 */
export const MAX_OFFSET_MS = 100 * 365.25 * 86_400_000;

/**
 * The wall-clock instant a timer due at `dueAt` (virtual) falls due: `dueAt - offset` while the
 * clock runs; while frozen, now (0) when the frozen instant has reached it, else never (null).
 */
export function wallDue(t: AccountTime, dueAt: number): number | null {
  if (t.frozenAt === null) return dueAt - t.offsetMs;
  return dueAt <= t.frozenAt ? 0 : null;
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

  /** When a timer due at `dueAt` on the account's clock falls due on the wall clock (see wallDue). */
  wallDue(account: string, dueAt: number): number | null {
    return wallDue(this.time(account), dueAt);
  }

  /** The furthest `at` the account's time may be set to (MAX_OFFSET_MS from wall time). */
  latest(): number {
    return this.wall() + MAX_OFFSET_MS;
  }

  /**
   * Moves the account's time to `at` (never backwards, never past MAX_OFFSET_MS ahead of wall time).
   * `persist: false` moves it in memory only (an advance stepping through its timers saves once, at
   * its end: saving re-indexes the account's timers).
   */
  set(account: string, at: number, persist = true): void {
    const t = this.time(account);
    const target = Math.min(Math.max(at, this.now(account)), this.latest());
    if (t.frozenAt !== null) t.frozenAt = target;
    else t.offsetMs = target - this.wall();
    if (persist) this.persistence?.save(account, t);
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
      const loaded = this.persistence?.load(account);
      t = loaded ? this.bounded(loaded) : { offsetMs: 0, frozenAt: null };
      this.accounts.set(account, t);
      // A clock saved past the bound (by an older version) recovers: clamped, and saved so.
      if (loaded && (loaded.offsetMs !== t.offsetMs || loaded.frozenAt !== t.frozenAt)) this.persistence?.save(account, t);
    }
    return t;
  }

  /** The time brought within MAX_OFFSET_MS of wall time (a non-finite value counts as none). */
  private bounded(t: AccountTime): AccountTime {
    const clamp = (v: number, around: number) =>
      Number.isFinite(v) ? Math.min(Math.max(v, around - MAX_OFFSET_MS), around + MAX_OFFSET_MS) : around;
    const wall = this.wall();
    return {
      offsetMs: clamp(t.offsetMs, 0),
      frozenAt: t.frozenAt === null ? null : clamp(t.frozenAt, wall),
    };
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();
