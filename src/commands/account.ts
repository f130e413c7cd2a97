import type { Clock } from '../clock.js';
import type { Ctx } from '../domain/context.js';
import type { AccountStore } from '../domain/store.js';
import type { SqliteStore } from '../store/account-store.js';
import type { Journal } from '../control/journal.js';
import type { Faults } from '../control/faults.js';
import type { Engine, Once } from './engine.js';
import type { Changes } from '../changes.js';

/** The process-wide parts every account's commands share. */
export interface Services {
  engine: Engine;
  store: SqliteStore;
  clock: Clock;
  /** What the app sent to /v2 (filled by the /v2 middleware). */
  journal: Journal;
  /** Errors and delays the /v2 middleware injects. */
  faults: Faults;
  /** Committed changes per account, for live views and waits. */
  changes: Changes;
  /** TELNYX_MOCK_ADMIN_KEY: when set, only this key may act across accounts (see admin.ts). */
  adminKey?: string;
}

/**
 * One account (API key), resolved once per request, scenario or startMock() handle and passed to
 * every command: its store is bound to it, so nothing below passes the account id again.
 */
export class Account {
  readonly store: AccountStore;

  constructor(readonly id: string, readonly services: Services) {
    this.store = services.store.forAccount(id);
  }

  /** Runs `fn` in one write transaction (see Engine.write for command_id). */
  write<T>(fn: (ctx: Ctx) => T, once?: Once): T {
    return this.services.engine.write(this.store, fn, once);
  }

  /** Runs `fn` in one read transaction. */
  read<T>(fn: (ctx: Ctx) => T): T {
    return this.services.engine.read(this.store, fn);
  }

  /** The account's virtual time in ms. */
  now(): number {
    return this.services.clock.now(this.id);
  }

  /** Wall time in ms, for waits on a real app doing real I/O, whatever the account's clock says. */
  wallNow(): number {
    return this.services.clock.wallNow();
  }
}

/** Every account seen since start, each built once. */
export class Accounts {
  private readonly byKey = new Map<string, Account>();
  /** Wall time each key was last used (by a request, startMock() or a scenario), for the console's picker. */
  private readonly lastUsed = new Map<string, number>();

  constructor(readonly services: Services) {}

  get(key: string): Account {
    this.lastUsed.set(key, this.services.clock.wallNow());
    return this.peek(key);
  }

  /** The account without counting it as used: what watching it (the console) takes. */
  peek(key: string): Account {
    let account = this.byKey.get(key);
    if (!account) this.byKey.set(key, account = new Account(key, this.services));
    return account;
  }

  /** Keys used since start, each with when it was last used (wall ms), most recent first. */
  used(): { key: string; lastUsedAt: number }[] {
    return [...this.lastUsed].map(([key, lastUsedAt]) => ({ key, lastUsedAt })).sort((x, y) => y.lastUsedAt - x.lastUsedAt);
  }
}
