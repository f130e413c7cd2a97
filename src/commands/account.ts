import { timingSafeEqual } from 'node:crypto';
import { DETERMINISTIC_EPOCH, type AccountClock, type Clock } from '../clock.js';
import { ids as randomIds, seededIds, type Ids } from '../ids.js';
import type { Ctx } from '../domain/context.js';
import type { AccountStore } from '../domain/store.js';
import type { SqliteStore } from '../store/account-store.js';
import { ACCOUNT_ID } from '../store/account-id.js';
import type { AccountJournal, Journal } from '../control/journal.js';
import type { AccountFaults, Faults } from '../control/faults.js';
import type { AccountWebhookFaults, WebhookFaults } from '../control/webhook-faults.js';
import type { AccountChanges, Changes } from '../changes.js';
import type { BoundAccount, Engine, Once } from './engine.js';
import { SILENT_LOGGER, type Logger } from '../log.js';
import { QUOTA_DEFAULTS, shortKey, type Quotas } from '../model/quotas.js';
import { ensureCommandIdRoom, pruneWebhookLog } from './quotas.js';
import { SnapshotRows } from '../store/snapshot.js';

/** The process-wide parts every account's pieces are bound from (only Accounts sees them). */
export interface Services {
  engine: Engine;
  store: SqliteStore;
  clock: Clock;
  /** What the app sent to /v2 (filled by the /v2 middleware). */
  journal: Journal;
  /** Errors and delays the /v2 middleware injects. */
  faults: Faults;
  /** What the webhook dispatcher does to matching deliveries (fail, delay, duplicate, …). */
  webhookFaults: WebhookFaults;
  /** Committed changes per account, for live views and waits. */
  changes: Changes;
  /** TELNYX_MOCK_ADMIN_KEY: when set, only this key may act across accounts (see admin.ts). */
  adminKey?: string;
  /** The server log (silent when absent). */
  log?: Logger;
  /** Deterministic mode's seed (--seed): every account's ids come from a stream seeded by it and the account key. */
  seed?: string;
  /** Per-account quotas (model/quotas.ts); the defaults when absent. */
  quotas?: Quotas;
}

/** What may act across accounts, given to each account as a narrow capability (admin.ts guards it). */
export interface Server {
  /** True when no admin key is set (one developer, every key trusted) or `key` is the admin key. */
  isAdmin(key: string): boolean;
  /** Clears every account: their rows, clocks, journals and faults. */
  resetAll(): void;
  /** Releases the account's in-memory objects once nothing uses it (after a reset: its state is gone anyway). */
  release(id: string): void;
  // State snapshots (commands/snapshot.ts): every account's rows, read and written across accounts.
  snapshots: SnapshotRows;
  /** The account of a key, bound as any is, without counting it as used (a snapshot's accounts). */
  account(key: string): Account;
  /** The account stored under an id (store/account-id.ts), whether or not its key was presented. */
  accountOfId(id: string): Account;
  /** True when `name` has the shape of a stored account id rather than of an API key. */
  isAccountId(name: string): boolean;
  /** Outbox rows were written outside a command (a snapshot imported): the dispatcher looks. */
  eventsCommitted(): void;
}

/**
 * One account (API key), resolved once per request, scenario or startMock() handle and passed to
 * every command. Its pieces are bound to it — the store, the clock, the request journal, the
 * armed faults, the change notifications — so nothing below the door passes the account id again.
 *
 * `id` is what the database knows it by (store/account-id.ts: a keyed hash, never the key), and
 * everything is bound by it. `key` is the API key, kept in memory only: an account opened by its id
 * alone (a timer due, a webhook pending after a restart) has none until a request presents it.
 */
export class Account implements BoundAccount {
  readonly store: AccountStore;
  readonly clock: AccountClock;
  readonly journal: AccountJournal;
  readonly faults: AccountFaults;
  readonly webhookFaults: AccountWebhookFaults;
  readonly changes: AccountChanges;
  readonly log: Logger;
  /** Where the account's ids come from: the process's random ids, or its own seeded stream (deterministic mode). */
  ids: Ids;
  /** Deterministic mode's seed, when the server or a scenario set one. */
  seed: string | undefined;

  /** The server's seed (--seed): a reset brings the account back to it, or to random ids and wall time without one. */
  private readonly serverSeed: string | undefined;
  /** The API key, once one was presented for this account since start (see Accounts.peek). */
  key: string | undefined;
  readonly quotas: Quotas;
  /** Set by a library handle (startMock(), emulator.account()), which keeps this object: never released. */
  pinned = false;
  /** Wall ms of the last request, timer or handle that used the account (the idle sweep's measure). */
  seenAt = 0;
  /** Requests in flight (the bearer middleware counts them) and recording downloads open. */
  inFlight = 0;
  downloads = 0;
  /** A reset asked to release the account when its last request ends. */
  releaseRequested = false;
  /** Requests since its webhook log was last brought back to its quota. */
  sincePrune = 0;

  constructor(readonly id: string, key: string | undefined, services: Services, private readonly engine: Engine, readonly server: Server) {
    this.key = key;
    this.serverSeed = services.seed;
    this.seed = services.seed;
    // Seeded from the key, not the id: an id is a hash with a secret of this database's, so it
    // differs between two fresh servers, and their runs must be the same.
    this.ids = this.seed === undefined ? randomIds : seededIds(this.seed, key ?? id);
    this.store = services.store.forAccount(id);
    this.clock = services.clock.forAccount(id);
    this.journal = services.journal.forAccount(id);
    this.faults = services.faults.forAccount(id);
    this.webhookFaults = services.webhookFaults.forAccount(id);
    this.changes = services.changes.forAccount(id);
    this.log = services.log ?? SILENT_LOGGER;
    this.quotas = services.quotas ?? QUOTA_DEFAULTS;
  }

  /** The key as errors and logs may show it (a key is a credential), or the stored id while no key is known. */
  get shortId(): string {
    return shortKey(this.key ?? this.id);
  }

  /**
   * True while something holds on to this object: a request or download in flight, a parked wait
   * or an open console stream (both listen to its changes), armed request or webhook faults (state
   * kept in memory only), a seed (deterministic mode: its id stream's position lives in memory and
   * would start over, repeating ids). Releasing it then would leave two objects for one account,
   * with diverging clocks.
   */
  busy(): boolean {
    return this.inFlight > 0 || this.downloads > 0 || this.changes.listenerCount() > 0 || this.faults.armed()
      || this.webhookFaults.armed() || this.seed !== undefined;
  }

  /** Runs `fn` in one write transaction (see Engine.write for command_id). */
  write<T>(fn: (ctx: Ctx) => T, once?: Once): T {
    // One more command_id stored than the account's quota is refused before anything runs.
    if (once?.commandId) ensureCommandIdRoom(this, once.scope, once.commandId);
    return this.engine.write(this, fn, once);
  }

  /** Runs `fn` on one consistent snapshot of the account (see Engine.read). */
  read<T>(fn: (ctx: Ctx) => T): T {
    return this.engine.read(this, fn);
  }

  /**
   * Runs one read statement on the account's store: a single SELECT is atomic on its own (it sees
   * one snapshot, beside a writer on a database file too), so it needs neither a transaction nor a
   * context. For the hottest lookups; a read of several statements goes through `read`.
   */
  query<T>(fn: (store: AccountStore) => T): T {
    return fn(this.store);
  }

  /** Moves the account's time forward by `ms`, firing what falls due on the way; how many fired (see Engine.advance). */
  advance(ms: number): Promise<number> {
    return this.engine.advance(this, ms);
  }

  /** The account's virtual time in ms. */
  now(): number {
    return this.clock.now();
  }

  /** Wall time in ms, for waits on a real app doing real I/O, whatever the account's clock says. */
  wallNow(): number {
    return this.clock.wallNow();
  }

  /**
   * Deterministic mode for this account until its next reset (a scenario's `seed`, `POST
   * /_mock/reset {"seed"}`): its ids from the seed's stream, from the start, and its time frozen
   * at DETERMINISTIC_EPOCH. For an account just reset.
   */
  determinize(seed: string): void {
    this.seed = seed;
    this.ids = seededIds(seed, this.key ?? this.id);
    this.clock.startAt(DETERMINISTIC_EPOCH);
  }

  /**
   * Deterministic mode, after a snapshot was imported into this account: ids from a stream of
   * their own, named by the document (`salt`). The stream from its start would give again the ids
   * the snapshot's run gave, which the imported rows hold; the same document still gives the same ids.
   */
  continueStreamAfter(salt: string): void {
    if (this.seed !== undefined) this.ids = seededIds(`${this.seed}\0${salt}`, this.key ?? this.id);
  }

  /**
   * After a reset: back to the server's mode, as on a fresh server. Deterministic: the id stream
   * and the clock start over. Otherwise a seed the account was given goes with the rest of its
   * state (random ids, wall time); an account never given one is left as it is.
   */
  restartStreams(): void {
    if (this.serverSeed !== undefined) this.determinize(this.serverSeed);
    else if (this.seed !== undefined) {
      this.seed = undefined;
      this.ids = randomIds;
      this.clock.startAt(null);
    }
  }
}

/** Requests between two prunes of an account's webhook log (and each sweep prunes the accounts used since). */
const PRUNE_EVERY = 100;
/** How often the server sweeps accounts (server.ts): an account seen within it is pruned. */
export const SWEEP_MS = 60_000;

/** Every account seen since start, each built once: reachable by its key and by its stored id. */
export class Accounts {
  /** Each key presented, to its account: one Map lookup per request, the key's HMAC computed once. */
  private readonly byKey = new Map<string, Account>();
  /** Each account by its stored id: what the timer sweep and recording downloads know it by. */
  private readonly byId = new Map<string, Account>();
  /** Wall time each key was last used (by a request, startMock() or a scenario), for the console's picker. */
  private readonly lastUsed = new Map<string, number>();
  private lastKey: string | undefined;
  private readonly server: Server;

  constructor(private readonly services: Services) {
    this.server = {
      isAdmin: (key) => isAdminKey(key, services.adminKey),
      resetAll: () => {
        services.store.deleteEverything();
        services.clock.resetAll();
        services.journal.clearAll();
        services.faults.clearAll();
        for (const account of this.byKey.values()) account.restartStreams();
        services.webhookFaults.clearAll();
        for (const account of [...this.byId.values()]) this.requestRelease(account);
      },
      release: (id) => this.requestRelease(this.byId.get(id)),
      snapshots: new SnapshotRows(services.store.db),
      account: (key) => this.peek(key),
      accountOfId: (id) => this.ofId(id),
      isAccountId: (name) => ACCOUNT_ID.test(name),
      eventsCommitted: () => services.engine.eventsCommitted(),
    };
  }

  /** The server log, for what is refused before any account is known (a request without a key). */
  get log(): Logger {
    return this.services.log ?? SILENT_LOGGER;
  }

  get(key: string): Account {
    // Re-inserted so the map's order is the order of use (two keys used in the same millisecond
    // still list most recent first); the key used last is already in place.
    if (key !== this.lastKey) {
      this.lastUsed.delete(key);
      this.lastKey = key;
    }
    const now = this.services.clock.wallNow();
    this.lastUsed.set(key, now);
    return this.peek(key, now);
  }

  /** The account without counting it as used: what watching it (the console) takes. */
  peek(key: string, now = this.services.clock.wallNow()): Account {
    let account = this.byKey.get(key);
    if (!account) {
      account = this.ofId(this.services.store.accountIdOf(key), key);
      account.key = key;
      this.byKey.set(key, account);
    }
    account.seenAt = now;
    return account;
  }

  /** The account stored under `id`, built from the id alone when no key of it was presented yet. */
  ofId(id: string, key?: string): Account {
    let account = this.byId.get(id);
    if (!account) this.byId.set(id, account = new Account(id, key, this.services, this.services.engine, this.server));
    account.seenAt = this.services.clock.wallNow();
    return account;
  }

  /** The id stored for `key` (an HMAC when the key was never presented; nothing is built). */
  idOf(key: string): string {
    return this.byKey.get(key)?.id ?? this.services.store.accountIdOf(key);
  }

  /** The key of the account stored under `id`, when one was presented since start. */
  keyOf(id: string): string | undefined {
    return this.byId.get(id)?.key;
  }

  /** The account for a library handle, which keeps the object: never released while the process runs. */
  pin(key: string): Account {
    const account = this.get(key);
    account.pinned = true;
    return account;
  }

  /** The account for one request, counted in flight until `leave` (the bearer middleware). */
  enter(key: string): Account {
    const account = this.get(key);
    account.inFlight++;
    return account;
  }

  leave(account: Account): void {
    if (++account.sincePrune >= PRUNE_EVERY) this.prune(account);
    if (--account.inFlight === 0 && account.releaseRequested) this.requestRelease(account);
  }

  /** The webhook log back to its quota (oldest delivered rows first); never throws into a request's end. */
  private prune(account: Account): void {
    account.sincePrune = 0;
    try {
      pruneWebhookLog(account);
    } catch (err) {
      console.error(`webhook log prune failed: ${(err as Error).message}`);
    }
  }

  /** Recording downloads count as use too: the object is kept until the last one ends. */
  endDownload(account: Account): void {
    if (--account.downloads === 0 && account.releaseRequested) this.requestRelease(account);
  }

  /**
   * Drops the account's in-memory objects (its Account, by key and by id, clock, journal, faults,
   * change registry, its place in the picker) now if nothing holds it, else when its last request
   * ends. Its stored state stays: the next use loads it again (the clock from the database).
   */
  private requestRelease(account: Account | undefined): void {
    if (!account || account.pinned || this.byId.get(account.id) !== account) return;
    if (account.busy()) {
      // Faults armed or a seed keep it; a request or a download ending releases it.
      account.releaseRequested = account.inFlight > 0 || account.downloads > 0;
      return;
    }
    this.byId.delete(account.id);
    const key = account.key;
    if (key !== undefined) {
      this.byKey.delete(key);
      this.lastUsed.delete(key);
      if (this.lastKey === key) this.lastKey = undefined;
    }
    const id = account.id;
    this.services.clock.forget(id);
    this.services.journal.forget(id);
    this.services.faults.forget(id);
    this.services.webhookFaults.forget(id);
    this.services.changes.forget(id);
  }

  /**
   * The minute sweep (server.ts): webhook logs of accounts used since are pruned to their quota,
   * and accounts unused for `quotas.idleReleaseMs` of wall time (`journalIdleReleaseMs` when their
   * journal holds answered requests), with nothing in flight, no parked
   * wait, no open stream or download, no armed fault and no seed, are released. Pending timers do
   * not keep one: the timer sweep finds them in the database and binds the account again when due.
   * How many were released.
   */
  releaseIdle(now = this.services.clock.wallNow()): number {
    const { idleReleaseMs, journalIdleReleaseMs } = this.services.quotas ?? QUOTA_DEFAULTS;
    let released = 0;
    for (const account of [...this.byId.values()]) {
      // Used since the last sweep (a request, or a timer that logged webhooks): its log is pruned.
      if (account.sincePrune > 0 || now - account.seenAt < SWEEP_MS) this.prune(account);
      // A journal of answered requests is kept longer: it lives in memory only.
      const keptFor = account.journal.mark() > 0 && !account.journal.onlyRefused() ? journalIdleReleaseMs : idleReleaseMs;
      if (now - account.seenAt < keptFor || account.pinned || account.busy()) continue;
      this.requestRelease(account);
      released++;
    }
    return released;
  }

  /** Keys used since start, each with when it was last used (wall ms), most recent first. */
  used(): { key: string; lastUsedAt: number }[] {
    return [...this.lastUsed].reverse().map(([key, lastUsedAt]) => ({ key, lastUsedAt }));
  }

  /** True when TELNYX_MOCK_ADMIN_KEY is set: cross-account reads are the admin's alone. */
  get adminKeySet(): boolean {
    return this.services.adminKey !== undefined;
  }

  /** True when `key` may act across accounts (see Server.isAdmin). */
  isAdmin(key: string): boolean {
    return this.server.isAdmin(key);
  }

  /**
   * The account a recording belongs to, whatever the account: its download URL carries no key
   * (Telnyx's are pre-signed), only the recording's unguessable id.
   */
  recordingOwner(recordingId: string): Account | undefined {
    const owner = this.services.store.recordingAccount(recordingId);
    return owner === undefined ? undefined : this.ofId(owner);
  }
}

/** Constant-time comparison with the admin key; no admin key means every key is trusted. */
function isAdminKey(key: string, admin: string | undefined): boolean {
  if (admin === undefined) return true;
  const a = Buffer.from(key);
  const b = Buffer.from(admin);
  return a.length === b.length && timingSafeEqual(a, b);
}
