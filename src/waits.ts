import type { Changes } from './changes.js';

/**
 * Waits until `probe` finds what it looks for, re-probing only after the account's committed
 * changes (src/changes.ts), never on a polling timer: a parked wait costs nothing while nothing
 * happens, however many there are. The listener is subscribed before the first probe, so a change
 * landing while an (async) probe runs is not missed. Probes are at least GAP_MS apart, so a burst
 * of writes wakes a wait once, not once per write.
 * Resolves with the probe's answer, or with `undefined` (after a last probe) when `timeoutMs` of
 * wall time pass or `signal` aborts.
 */
export async function waitForChange<T>(
  changes: Changes, account: string, timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
  opts: { wall?: () => number; signal?: AbortSignal } = {},
): Promise<{ found: T } | { found?: undefined; last: true }> {
  const wall = opts.wall ?? (() => Date.now());
  const deadline = wall() + timeoutMs;
  let changed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = changes.subscribe(account, () => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      changed = false;
      const started = wall();
      const found = await probe();
      if (found !== undefined) return { found };
      if (wall() >= deadline || opts.signal?.aborted) return { last: true };
      if (!changed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(0, deadline - wall()));
          function done() { clearTimeout(timer); wake = undefined; resolve(); }
          wake = done;
        });
      }
      const gap = started + GAP_MS - wall();
      if (gap > 0 && wall() < deadline) await new Promise((resolve) => setTimeout(resolve, Math.min(gap, deadline - wall())));
    }
  } finally {
    unsubscribe();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** The least time between two probes of one wait. */
const GAP_MS = 5;
