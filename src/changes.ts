/**
 * Committed changes, per account: what live views (the console's server-sent events) and waits
 * (scenario `wait`, `waitForWebhook`) wake on instead of polling. Notified after a write commits,
 * after webhook attempts are recorded, after a request is journaled and when a clock moves.
 * Listeners run synchronously and must only schedule work: they never throw into the notifier.
 * Waits are built on it in src/waits.ts.
 */
export type ChangeKind = 'state' | 'webhook' | 'request' | 'clock';

export type ChangeListener = (kind: ChangeKind) => void;

export class Changes {
  private readonly byAccount = new Map<string, Set<ChangeListener>>();

  notify(account: string, kind: ChangeKind): void {
    const listeners = this.byAccount.get(account);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try { listener(kind); } catch (err) { console.error('change listener failed', err); }
    }
  }

  /** Calls `listener` after each change of `account`; returns the unsubscribe. */
  subscribe(account: string, listener: ChangeListener): () => void {
    let listeners = this.byAccount.get(account);
    if (!listeners) this.byAccount.set(account, listeners = new Set());
    listeners.add(listener);
    return () => {
      listeners!.delete(listener);
      if (listeners!.size === 0 && this.byAccount.get(account) === listeners) this.byAccount.delete(account);
    };
  }

  /** How many listeners an account has (tests check that waits unsubscribe). */
  listenerCount(account: string): number {
    return this.byAccount.get(account)?.size ?? 0;
  }
}
