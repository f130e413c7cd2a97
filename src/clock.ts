/**
 * The one source of time. Each account has its own virtual time, wall time plus an offset (or
 * frozen at an instant), so a CI job that moves time never moves another job's. Nothing else
 * reads the system time, except webhook signing, which uses wall time (the SDKs reject
 * signatures more than 300 s off) unless the server is deterministic (see webhooks/sign.ts).
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
 * Where an account's time starts in deterministic mode (--seed): frozen at 2026-01-01T00:00:00Z,
 * and moved only by advances, so every timestamp of a run is the same on every run.
 */
export const DETERMINISTIC_EPOCH = Date.UTC(2026, 0, 1);

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
  /**
   * Saves the time only, not the wall-due index of the account's timers (an advance stepping
   * through its timers: the index is redone when it ends, and at start-up after a crash).
   */
  savePosition(account: string, time: AccountTime): void;
  clear(account?: string): void;
}

/**
 * The accounts' clocks. Each account's time is reached through its own bound clock
 * (`forAccount`), which the account keeps: nothing below the door passes an account id for it.
 */
export class Clock {
  private readonly accounts = new Map<string, AccountClock>();

  /**
   * `start`: deterministic mode's instant (DETERMINISTIC_EPOCH): every account's time starts
   * there, frozen, and a reset puts it back there; absent, an account starts at wall time.
   */
  constructor(
    private readonly wall: () => number = () => Date.now(),
    private readonly persistence?: ClockPersistence,
    private readonly start?: number,
  ) {}

  /** Wall time in ms; only for things the outside world checks against real time. */
  wallNow(): number {
    return this.wall();
  }

  /** The furthest an account's time may be set to (MAX_OFFSET_MS from wall time). */
  latest(): number {
    return this.wall() + MAX_OFFSET_MS;
  }

  /** The account's clock, loaded (and clamped into bounds) the first time it is asked for. */
  forAccount(account: string): AccountClock {
    let bound = this.accounts.get(account);
    if (!bound) {
      const loaded = this.persistence?.load(account);
      const t = loaded ? this.bounded(loaded) : { offsetMs: 0, frozenAt: this.start ?? null };
      bound = new AccountClock(account, t, this.wall, this.persistence, this.start ?? null);
      this.accounts.set(account, bound);
      // A clock saved past the bound (by an older version) recovers: clamped, and saved so.
      if (loaded && (loaded.offsetMs !== t.offsetMs || loaded.frozenAt !== t.frozenAt)) this.persistence?.save(account, t);
    }
    return bound;
  }

  /** Every account's time back to wall time (reset of all accounts). */
  resetAll(): void {
    for (const bound of this.accounts.values()) bound.clear();
    this.persistence?.clear();
  }

  /** Drops the account's clock from memory (an idle or reset account released); the database keeps its time. */
  forget(account: string): void {
    this.accounts.delete(account);
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

/** One account's virtual time: wall time plus an offset, or frozen at an instant. */
export class AccountClock {
  constructor(
    private readonly account: string,
    private readonly t: AccountTime,
    private readonly wall: () => number,
    private readonly persistence?: ClockPersistence,
    /** Deterministic mode: the frozen instant the time starts at, and goes back to on a reset. */
    private start: number | null = null,
  ) {}

  /**
   * Deterministic mode from now on (a scenario's `seed`): the time goes to `at`, frozen, even if
   * that is backwards, and a reset brings it back there; `null` goes back to wall time.
   */
  startAt(at: number | null): void {
    this.start = at;
    this.t.offsetMs = 0;
    this.t.frozenAt = at;
    this.persistence?.save(this.account, this.t);
  }

  /** The account's current virtual time in ms since the epoch. */
  now(): number {
    return this.t.frozenAt ?? this.wall() + this.t.offsetMs;
  }

  /** Wall time in ms, for waits on a real app doing real I/O, whatever the account's clock says. */
  wallNow(): number {
    return this.wall();
  }

  state(): AccountTime {
    return { ...this.t };
  }

  /** When a timer due at `dueAt` on this clock falls due on the wall clock (see wallDue). */
  wallDue(dueAt: number): number | null {
    return wallDue(this.t, dueAt);
  }

  /** The furthest `at` this time may be set to (MAX_OFFSET_MS from wall time). */
  latest(): number {
    return this.wall() + MAX_OFFSET_MS;
  }

  /**
   * Moves the time to `at` (never backwards, never past MAX_OFFSET_MS ahead of wall time).
   * `persist: 'position'` saves the time without re-indexing the account's timers (an advance
   * stepping through its timers, in each timer's transaction; the full save comes at its end).
   */
  set(at: number, persist: boolean | 'position' = true): void {
    const target = Math.min(Math.max(at, this.now()), this.latest());
    if (this.t.frozenAt !== null) this.t.frozenAt = target;
    else this.t.offsetMs = target - this.wall();
    if (persist === 'position') this.persistence?.savePosition(this.account, this.t);
    else if (persist) this.persistence?.save(this.account, this.t);
  }

  freeze(): void {
    if (this.t.frozenAt === null) this.t.frozenAt = this.now();
    this.persistence?.save(this.account, this.t);
  }

  unfreeze(): void {
    if (this.t.frozenAt !== null) {
      this.t.offsetMs = this.t.frozenAt - this.wall();
      this.t.frozenAt = null;
    }
    this.persistence?.save(this.account, this.t);
  }

  /**
   * Sets the time as a snapshot recorded it, backwards too (an import into an empty account, whose
   * clock nothing depends on yet); bounded as a loaded clock is by the snapshot's schema.
   */
  restore(t: AccountTime): void {
    this.t.offsetMs = t.offsetMs;
    this.t.frozenAt = t.frozenAt;
    this.persistence?.save(this.account, this.t);
  }

  /** Back to wall time, and forgotten by the database (reset). */
  reset(): void {
    this.clear();
    this.persistence?.clear(this.account);
  }

  /**
   * How many times this time was reset: work that spans turns of the event loop (an advance)
   * compares it to tell that the account was reset meanwhile. (The time alone cannot tell: a
   * reset to wall time may land ahead of where a frozen clock's advance had got to.)
   */
  get resets(): number {
    return this.resetCount;
  }

  private resetCount = 0;

  /** Back to wall time in memory, or to the start in deterministic mode (the database's row is the caller's to clear). */
  clear(): void {
    this.resetCount++;
    this.t.offsetMs = 0;
    this.t.frozenAt = this.start;
  }
}

/** Instants rendered lately: the same few (a conference's created/updated/expiry) are shown on every read. */
const isoCache = new Map<number, string>();
const ISO_CACHE_SIZE = 8192;

/**
 * An instant (ms since the epoch) as ISO 8601 in UTC. Remembered: toISOString costs several
 * hundred ns, and a page of 20 conferences renders 60 instants that every read renders again.
 */
export const iso = (ms: number): string => {
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear();
    isoCache.set(ms, text);
  }
  return text;
};
