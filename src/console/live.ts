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

/** Most console streams one account may have open, and the server in all (each answered 429 past it). */
export interface StreamCaps {
  perAccount: number;
  total: number;
}
export const STREAM_CAPS: StreamCaps = { perAccount: 20, total: 500 };

/** What the hub watches of one account: its changes and how to read its snapshot. */
export interface LiveSource {
  /** The account: its streams share one snapshot. */
  id: string;
  subscribe(listener: (kind: ChangeKind) => void): () => void;
  /** The snapshot as sent (JSON text). */
  snapshot(): string;
}

/** One open stream, as the hub writes to it. A write that throws ends the stream's updates. */
export interface LiveStream {
  snapshot(json: string): Promise<void>;
  timeline(): Promise<void>;
}

/**
 * What one stream is waiting to be sent: at most the newest snapshot and one timeline nudge, so a
 * browser that reads slowly skips snapshots instead of queueing them (and holds no one else back).
 */
class Mailbox {
  private snapshot: string | undefined;
  private timeline = false;
  private busy = false;
  private dead = false;

  constructor(private readonly stream: LiveStream) {}

  post(snapshot: string | undefined, timeline: boolean): void {
    if (snapshot !== undefined) this.snapshot = snapshot;
    this.timeline ||= timeline;
    if (!this.busy && !this.dead) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.snapshot !== undefined || this.timeline) {
        const snapshot = this.snapshot;
        this.snapshot = undefined;
        if (snapshot !== undefined) await this.stream.snapshot(snapshot);
        if (this.timeline) {
          this.timeline = false;
          await this.stream.timeline();
        }
      }
    } catch {
      this.dead = true;
    } finally {
      this.busy = false;
    }
  }
}

interface Watched {
  mailboxes: Set<Mailbox>;
  /** Streams joined (attached or about to be). */
  streams: number;
  /** The last snapshot computed, sent to a stream that joins (a newer one follows if changes are pending). */
  latest: string | undefined;
  stop(): void;
}

/**
 * The console's live streams, shared per account: one change subscription and one snapshot per
 * update interval for the account however many streams watch it (issue 19: each stream used to
 * rebuild the full snapshot on every change, so 50 tabs cost 50 snapshots per change), and caps on
 * streams per account and in all.
 */
export class LiveHub {
  private readonly watched = new Map<string, Watched>();
  private total = 0;
  /** Snapshots computed since start (what the caps and the sharing are for; tests count them). */
  computed = 0;

  constructor(private readonly caps: StreamCaps = STREAM_CAPS, private readonly updates: CoalesceOptions = LIVE_UPDATES) {}

  /**
   * Joins a stream to its account's updates, or says which cap is reached. `attach` gives the
   * stream its first snapshot and every update after; `leave` (always call it) lets it go.
   */
  join(source: LiveSource): { full: 'account' | 'server'; max: number } | { attach(stream: LiveStream): void; leave(): void } {
    if (this.total >= this.caps.total) return { full: 'server', max: this.caps.total };
    const w = this.watched.get(source.id) ?? this.watch(source);
    if (w.streams >= this.caps.perAccount) {
      if (w.streams === 0) this.unwatch(source.id, w);
      return { full: 'account', max: this.caps.perAccount };
    }
    w.streams++;
    this.total++;
    let mailbox: Mailbox | undefined;
    let left = false;
    return {
      attach: (stream) => {
        if (left) return;
        mailbox = new Mailbox(stream);
        w.mailboxes.add(mailbox);
        // The first snapshot goes through the mailbox too, so an update never overtakes it.
        w.latest ??= this.compute(source);
        mailbox.post(w.latest, false);
      },
      leave: () => {
        if (left) return;
        left = true;
        if (mailbox) w.mailboxes.delete(mailbox);
        w.streams--;
        this.total--;
        if (w.streams === 0) this.unwatch(source.id, w);
      },
    };
  }

  /** Open streams: in all, or of one account. */
  streams(account?: string): number {
    return account === undefined ? this.total : this.watched.get(account)?.streams ?? 0;
  }

  private compute(source: LiveSource): string {
    this.computed++;
    return source.snapshot();
  }

  private watch(source: LiveSource): Watched {
    const live = coalesce(async (kinds) => {
      const w = this.watched.get(source.id);
      if (!w) return;
      const state = kinds.has('state') || kinds.has('clock');
      if (state) w.latest = this.compute(source);
      const timeline = kinds.has('state') || kinds.has('request') || kinds.has('webhook');
      for (const m of w.mailboxes) m.post(state ? w.latest : undefined, timeline);
    }, this.updates);
    const unsubscribe = source.subscribe((kind) => live.push(kind));
    const w: Watched = { mailboxes: new Set(), streams: 0, latest: undefined, stop: () => { unsubscribe(); live.close(); } };
    this.watched.set(source.id, w);
    return w;
  }

  private unwatch(id: string, w: Watched): void {
    w.stop();
    this.watched.delete(id);
  }
}
