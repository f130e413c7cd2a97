import type { AccountChanges, ChangeKind } from './changes.js';

/**
 * A turn of the event loop (setImmediate: pending I/O callbacks, such as other accounts' requests
 * and webhook delivery responses, run first). Long work (an advance's timers, a scenario's steps)
 * awaits one between slices, so no account holds the server.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long a slice of long work may run before it gives the event loop a turn (see nextTurn). */
export const SLICE_MS = 10;

/**
 * Waits until `probe` finds what it looks for, re-probing only after the account's committed
 * changes (src/changes.ts), never on a polling timer: a parked wait costs nothing while nothing
 * happens, however many there are. The listener is subscribed before the first probe, so a change
 * landing while an (async) probe runs is not missed. `kinds` narrows the changes that can make
 * the probe's answer differ (a webhook log condition: writes; a request condition: requests).
 * Probes are at least MIN_GAP_MS apart, so a burst of writes wakes a wait once, not once per
 * write; a wait woken again and again without finding what it waits for (its account is busy with
 * other things) backs off to one probe per MAX_GAP_MS, so a hundred waits on a busy account cost
 * about a hundred cheap queries a second, not tens of thousands.
 * Resolves with the probe's answer, or with `undefined` (after a last probe) when `timeoutMs` of
 * wall time pass or `signal` aborts.
 */
export async function waitForChange<T>(
  changes: AccountChanges, timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
  opts: {
    wall?: () => number; signal?: AbortSignal; kinds?: readonly ChangeKind[];
    /** Told of every change of the account, of whatever kind, as it is notified (a memo shared by many waits drops there). */
    onChange?: (kind: ChangeKind) => void;
  } = {},
): Promise<{ found: T } | { found?: undefined; last: true }> {
  const wall = opts.wall ?? (() => Date.now());
  const deadline = wall() + timeoutMs;
  let changed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = changes.subscribe((kind) => {
    opts.onChange?.(kind);
    if (opts.kinds && !opts.kinds.includes(kind)) return;
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  opts.signal?.addEventListener('abort', onAbort);
  let fruitless = 0;
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
      fruitless++;
      // The first change after parking is looked at at once (a wait is often for the very next
      // event); after that, at least MIN_GAP_MS apart, so a burst wakes a wait once.
      const wanted = fruitless === 1 ? 0
        : fruitless <= PATIENCE ? MIN_GAP_MS : Math.min(MAX_GAP_MS, MIN_GAP_MS * 2 ** (fruitless - PATIENCE));
      const gap = started + wanted - wall();
      if (gap > 0 && wall() < deadline) await new Promise((resolve) => setTimeout(resolve, Math.min(gap, deadline - wall())));
    }
  } finally {
    unsubscribe();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** The least time between two probes of one wait, and what it backs off to on a busy account. */
const MIN_GAP_MS = 10;
const MAX_GAP_MS = 1000;
/** Probes at the shortest gap before backing off (a wait in a scenario is woken a few times). */
const PATIENCE = 8;
