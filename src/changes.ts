/**
 * Committed changes, per account: what live views (the console's server-sent events) and waits
 * (scenario `wait`, `waitForWebhook`) wake on instead of polling. Notified after a write commits,
 * after webhook attempts are recorded, after a request is journaled and when a clock moves.
 * Listeners run synchronously and must only schedule work: they never throw into the notifier.
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

  /**
   * Resolves with the next change of `account`, or with null after `timeoutMs` or when `signal`
   * aborts: a wait checks its condition, then awaits this, then checks again.
   */
  next(account: string, timeoutMs: number, signal?: AbortSignal): Promise<ChangeKind | null> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(null);
      const done = (kind: ChangeKind | null) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(kind);
      };
      const onAbort = () => done(null);
      const timer = setTimeout(() => done(null), Math.max(0, timeoutMs));
      const unsubscribe = this.subscribe(account, (kind) => done(kind));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How many listeners an account has (tests check that waits unsubscribe). */
  listenerCount(account: string): number {
    return this.byAccount.get(account)?.size ?? 0;
  }
}
