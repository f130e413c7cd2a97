import type { ChangeKind } from '../changes.js';

export interface CoalesceOptions {
  /** Wait this long after the first change, so a burst (one command's webhooks) goes out as one update. */
  settleMs: number;
  /** Never flush more often than this: a fan-out of 1,600 webhooks becomes a handful of updates. */
  minGapMs: number;
}

export const LIVE_UPDATES: CoalesceOptions = { settleMs: 25, minGapMs: 200 };

/**
 * Gathers an account's changes and flushes them at most once per `minGapMs`, never more than
 * `settleMs + minGapMs` after the change (well within the console's 250 ms). A flush still being
 * written (a slow browser) holds the next one back instead of queueing more behind it.
 */
export function coalesce(flush: (kinds: Set<ChangeKind>) => Promise<void>, opts: CoalesceOptions = LIVE_UPDATES) {
  let pending = new Set<ChangeKind>();
  let timer: NodeJS.Timeout | undefined;
  let writing = false;
  let lastFlush = -Infinity;
  let closed = false;

  const schedule = () => {
    if (timer || writing || closed || pending.size === 0) return;
    const now = performance.now();
    const wait = Math.max(opts.settleMs, lastFlush + opts.minGapMs - now);
    timer = setTimeout(run, wait);
  };

  const run = () => {
    timer = undefined;
    if (closed) return;
    const kinds = pending;
    pending = new Set();
    writing = true;
    lastFlush = performance.now();
    flush(kinds).catch(() => { closed = true; }).finally(() => {
      writing = false;
      schedule();
    });
  };

  return {
    push(kind: ChangeKind) {
      pending.add(kind);
      schedule();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
