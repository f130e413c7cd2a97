/**
 * Committed changes, per account: what live views (the console's server-sent events) and waits
 * (scenario `wait`, `waitForWebhook`) wake on instead of polling. Notified after a write commits,
 * after webhook attempts are recorded, after a request is journaled and when a clock moves.
 * Listeners run synchronously and must only schedule work: they never throw into the notifier.
 * Waits are built on it in src/waits.ts. Each account's are reached through its own bound
 * `AccountChanges` (`forAccount`), which the account keeps.
 */
export type ChangeKind = 'state' | 'webhook' | 'request' | 'clock';

export type ChangeListener = (kind: ChangeKind) => void;

export class Changes {
  private readonly byAccount = new Map<string, AccountChanges>();

  forAccount(account: string): AccountChanges {
    let bound = this.byAccount.get(account);
    if (!bound) this.byAccount.set(account, bound = new AccountChanges());
    return bound;
  }

  /** Tells an account's listeners, if it has any (the dispatcher knows accounts by id only). */
  notify(account: string, kind: ChangeKind): void {
    this.byAccount.get(account)?.notify(kind);
  }

  /** Drops the account's (listener-free) registry from memory (an idle or reset account released). */
  forget(account: string): void {
    this.byAccount.delete(account);
  }
}

/** One account's change notifications. */
export class AccountChanges {
  private readonly listeners = new Set<ChangeListener>();

  notify(kind: ChangeKind): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try { listener(kind); } catch (err) { console.error('change listener failed', err); }
    }
  }

  /** Calls `listener` after each change; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** How many listeners there are (tests check that waits unsubscribe). */
  listenerCount(): number {
    return this.listeners.size;
  }
}
