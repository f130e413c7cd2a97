import type { Emulator } from '../../src/server.js';

/**
 * Waits on the emulator's own change notifications (src/changes.ts: a write committed, a webhook
 * attempt recorded or settled, a request journaled, a clock moved) instead of polling: `probe` runs
 * now and again after each change of `account`, and the wait ends as soon as it finds something.
 * The listener is subscribed before the first probe, so a change landing during one is not missed.
 * (An event recorded with no URL anywhere is failed by the dispatcher's next turn, which notifies
 * too.) A slow re-probe (every `idleMs`) is a safety net, not the clock the wait runs on.
 */
export async function whenChanged<T>(
  em: Emulator, account: string, probe: () => T | undefined | Promise<T | undefined>,
  opts: { timeoutMs?: number; what?: string; idleMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 5000, what = 'a change', idleMs = 250 } = opts;
  const deadline = performance.now() + timeoutMs;
  let changed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = em.account(account).changes.subscribe(() => {
    changed = true;
    wake?.();
  });
  try {
    for (;;) {
      changed = false;
      const found = await probe();
      if (found !== undefined) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      if (!changed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(idleMs, left));
          function done() { clearTimeout(timer); wake = undefined; resolve(); }
          wake = done;
        });
      }
    }
  } finally {
    unsubscribe();
  }
}

/** Resolves at the account's next change (subscribed now, so one that lands before the await is not missed). */
export function nextChange(em: Emulator, account: string): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = em.account(account).changes.subscribe(() => {
      unsubscribe();
      resolve();
    });
  });
}
