import type { KeyObject } from 'node:crypto';
import type { DeliveryAttempt } from '../../schema/index.js';
import { iso } from '../clock.js';
import type { OutboxStore } from '../store/outbox.js';
import { envelope } from '../model/webhook.js';
import { answerOf, type Transport, type TransportAnswer } from './transport.js';
import { signatureTimestamp, signedHeaders, tamperSignature } from './sign.js';
import { DEFAULT_SKEW_SECS, EVENT_FAULT_KINDS, type AttemptProbe, type WebhookFault } from '../control/webhook-faults.js';
import { apiActivity } from './api-activity.js';
import type { DeliveryLog, Logger } from '../log.js';

export interface DeliveryOptions {
  /** Attempts per URL: the primary gets this many, then the failover as many again. */
  attempts: number;
  timeoutMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** In flight per account and per destination (the process: TOTAL_SHARES times this). */
  concurrency: number;
  /** Most deliveries started per second, so a burst leaves the event loop to the API too. */
  maxPerSecond: number;
  /** Events held in memory at most (default MAX_BUFFERED; a quarter of it per account). */
  maxBuffered?: number;
}

export interface DispatcherDeps {
  store: OutboxStore;
  transport: Transport;
  signingKey: KeyObject;
  /** Wall time in ms: retry schedule and telnyx-timestamp, never an account's virtual clock. */
  wallNow: () => number;
  /** Deterministic mode (--seed): telnyx-timestamp is the event's virtual occurred_at instead (sign.ts). */
  deterministic?: boolean;
  options: DeliveryOptions;
  /** Called with the accounts whose deliveries were recorded (an attempt started or settled). */
  onAttempts?: (accounts: Set<string>) => void;
  /** The server log: told of each attempt once it is recorded. */
  log?: Logger;
  /** Armed webhook faults (control/webhook-faults.ts); asked only while some account has one. */
  faults?: WebhookFaultSource;
}

/** What the dispatcher asks of the armed webhook faults. */
export interface WebhookFaultSource {
  /** Whether the account has a fault armed: one comparison while no account has any. */
  armedFor(account: string): boolean;
  take(account: string, probe: AttemptProbe): WebhookFault | undefined;
}

/** A reordered event waits at most this long (wall ms) for the next event of its call, then goes anyway. */
export const REORDER_HOLD_MS = 30_000;


/** One ordering key's queue of pending events; only its head is ever in flight. */
interface Lane {
  key: string;
  /** The account whose events the lane holds (ready lanes take turns by account). */
  account: string;
  items: { seq: number; dueAt: number }[];
  head: number;
  busy: boolean;
  queued: boolean;
  /** Waiting for a slot of its account or destination (see Dispatcher.park). */
  parked: boolean;
  timer?: NodeJS.Timeout;
  /** Events a `reorder` fault set aside: back at the head once the next event of the lane has settled. */
  held?: { seq: number; dueAt: number }[];
  heldTimer?: NodeJS.Timeout;
}

interface Job {
  account: string;
  lane: Lane;
  seq: number;
  url: string;
  urls: string[];
  attempt: number;
  attempts: DeliveryAttempt[];
  /** Where the attempt goes (the URL's origin): what the per-destination share counts. */
  destination: string;
  /** The exact body and headers sent, as recorded in the attempt when it was claimed. */
  body: string;
  headers: Record<string, string>;
  /** The event's occurred_at: where a delivery with no attempt is listed (store/outbox.ts deliveryColumns). */
  occurredAt: string;
  /** How long this attempt may take: the call's application's webhook_timeout_secs, else the server's. */
  timeoutMs: number;
  /** The webhook fault acting on this attempt, if any (recorded on the attempt as fault_id / fault). */
  fault: WebhookFault | undefined;
  /** The extra attempt a `duplicate` fault makes after the event was delivered. */
  duplicate: boolean;
}

interface Outcome {
  job: Job;
  status: number | null;
  error?: string;
  /** What the receiver answered (headers, body), for /v2/webhook_deliveries. */
  answer?: TransportAnswer;
  finishedAt?: string;
}

/** A URL's origin (scheme, host, port): one destination, however many paths it has. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Events read from the outbox per query, and how many the dispatcher holds in memory at most. */
const PAGE = 1000;
const MAX_BUFFERED = 20_000;
/**
 * The share of the buffer one account may hold: past it, its rows are left in the outbox (read
 * again once it has drained to half), so one account's backlog never keeps another's events unread.
 */
const BUFFER_SHARE_PER_ACCOUNT = 1 / 4;
const CLAIM_RETRY_MS = 1000;
/** Deliveries that may start at once after a pause (the token bucket's size). */
const BURST = 8;
/**
 * While the API is taking requests (any in the last API_WINDOW_MS), deliveries start at this
 * share of maxPerSecond: the API comes first, webhooks still flow.
 */
const BUSY_SHARE = 0.25;
const API_WINDOW_MS = 50;

/**
 * `concurrency` is what one account, and one destination (a URL's origin), may have in flight;
 * the whole process holds at most this many times as many. So a receiver that never answers
 * holds its own account's slots (for the timeout, attempt after attempt) and no one else's: the
 * other accounts' webhooks go out at once, taking turns with it when slots are short.
 */
const TOTAL_SHARES = 4;

/** The URLs an event is tried at, in order: primary then failover (either may be missing). */
const urlsOf = (row: { url: string | null; failoverUrl: string | null }) =>
  [row.url, row.failoverUrl].filter((u): u is string => !!u);

/**
 * Delivers the outbox after commit. Events of one ordering key (a call, else a conference) go
 * out one at a time in recording order; different keys go in parallel up to `concurrency` per
 * account and per destination. Fair across tenants: ready lanes take turns by account (round
 * robin), and no destination or account holds more than its own slots, so a receiver that never
 * answers delays only its own account's events while every other account's webhooks flow.
 * Each attempt is recorded before it is sent (so an attempt number is never reused, even across a
 * crash) and its outcome after; both are batched into one transaction per turn of the event loop.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  /** Ready lanes per account, FIFO; the map's order is the round robin (an account served moves last). */
  private readonly ready = new Map<string, Lane[]>();
  private readyCount = 0;
  /** In flight per destination and per account, and the lanes parked until one of those frees a slot. */
  private readonly inFlightBy = new Map<string, number>();
  private readonly parked = new Map<string, Lane[]>();
  private lastSeq = 0;
  private buffered = 0;
  /** Buffered seqs (a row read again is not queued twice) and how many each account has. */
  private readonly bufferedSeqs = new Set<number>();
  private readonly bufferedBy = new Map<string, number>();
  /** Accounts whose rows were left unread for their backlog, and the first such row. */
  private readonly capped = new Set<string>();
  private leftFrom: number | undefined;
  private active = 0;
  private outcomes: Outcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private pumpScheduled = false;
  private tokens = BURST;
  private refilledAt = performance.now();
  private tokenTimer?: NodeJS.Timeout;
  /** The outbox may hold rows not read yet (set on wake and at start; cleared when read to the end). */
  private unread = true;
  private flushScheduled = false;
  private closed = false;
  /** Accounts whose events the current claim settled without an attempt (no URL left to try). */
  private readonly settledHere = new Set<string>();
  /**
   * Webhook faults that act on an event as a whole (duplicate, reorder, failover_only), by seq,
   * kept until the event settles; and events owed their duplicate attempt (the URL it goes to).
   * Both empty unless a fault is armed.
   */
  private readonly eventFaults = new Map<number, WebhookFault>();
  private readonly duplicates = new Map<number, string>();
  /** Sends a `delay` fault holds back, each one's cancel (close() settles them as interrupted). */
  private readonly delayed = new Set<() => void>();

  private readonly api = apiActivity(API_WINDOW_MS);

  constructor(private readonly deps: DispatcherDeps) {}

  /** Something was recorded: look soon, outside the caller's stack. */
  wake(): void {
    this.unread = true;
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.closed || this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Stops: no new attempts, in-flight ones are aborted and recorded (they stay pending). */
  async close(): Promise<void> {
    this.closed = true;
    this.api.close();
    clearTimeout(this.tokenTimer);
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      clearTimeout(lane.heldTimer);
    }
    for (const cancel of [...this.delayed]) cancel();
    this.deps.transport.close();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.flush();
  }

  private pump(): void {
    if (this.closed) return;
    try {
      this.load();
      this.dispatch();
    } catch (err) {
      console.error('webhook dispatch failed', err);
    }
  }

  /** Picks up pending events recorded since the last look (at start: everything still pending). */
  private load(): void {
    while (this.unread && this.buffered < this.maxBuffered()) {
      const refs = this.deps.store.pendingAfter(this.lastSeq, PAGE);
      for (const ref of refs) {
        this.lastSeq = ref.seq;
        if (this.bufferedSeqs.has(ref.seq)) continue;
        const held = this.bufferedBy.get(ref.account) ?? 0;
        if (held >= this.maxBufferedPerAccount()) {
          this.capped.add(ref.account);
          this.leftFrom = Math.min(this.leftFrom ?? ref.seq, ref.seq);
          continue;
        }
        this.bufferedBy.set(ref.account, held + 1);
        this.bufferedSeqs.add(ref.seq);
        let lane = this.lanes.get(ref.orderingKey);
        if (!lane) {
          lane = { key: ref.orderingKey, account: ref.account, items: [], head: 0, busy: false, queued: false, parked: false };
          this.lanes.set(lane.key, lane);
        }
        lane.items.push({ seq: ref.seq, dueAt: ref.nextAttemptAt ?? 0 });
        this.buffered++;
        if (lane.items.length - lane.head === 1) this.arm(lane);
      }
      if (refs.length < PAGE) this.unread = false;
    }
  }

  /** Puts an idle lane's head in the ready queue when due, or sets a timer for it. */
  private arm(lane: Lane): void {
    if (lane.busy || lane.queued || lane.parked || lane.timer || this.closed) return;
    const item = lane.items[lane.head];
    if (!item) return;
    const wait = item.dueAt - this.deps.wallNow();
    if (wait <= 0) {
      lane.queued = true;
      const queue = this.ready.get(lane.account);
      if (queue) queue.push(lane);
      else this.ready.set(lane.account, [lane]);
      this.readyCount++;
      return;
    }
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.arm(lane);
      this.schedulePump();
    }, wait);
    lane.timer.unref();
  }

  /**
   * Starts as many deliveries as the concurrency bound and the rate allow. The rate (a token
   * bucket, `maxPerSecond`) keeps a burst of thousands of webhooks from taking the whole event
   * loop: the API shares that loop, and its requests are served between the dispatcher's turns.
   */
  private dispatch(): void {
    if (this.readyCount === 0) return;
    const room = Math.min(this.total() - this.active, this.takeTokens());
    if (room <= 0) {
      if (this.active < this.total()) this.waitForTokens();
      return;
    }
    const jobs: Job[] = [];
    this.settledHere.clear();
    try {
      this.deps.store.transaction(() => {
        while (jobs.length < room && this.readyCount > 0) {
          const lane = this.nextReady();
          lane.queued = false;
          const job = this.claim(lane);
          if (job) jobs.push(job);
        }
      });
    } catch (err) {
      console.error('claiming webhooks failed; retrying in a second', err);
      for (const job of jobs) {
        this.release(job);
        this.retryLater(job.lane, CLAIM_RETRY_MS);
      }
      // Lanes skipped in the rolled-back claim lost their place: read the outbox again (a row
      // queued twice is harmless, every claim re-reads its row).
      this.lastSeq = 0;
      this.unread = true;
      return;
    }
    this.tokens -= jobs.length;
    // Told: the accounts whose attempts were recorded, and those whose events failed with no URL to try.
    if (jobs.length > 0 || this.settledHere.size > 0) this.deps.onAttempts?.(new Set([...jobs.map((j) => j.account), ...this.settledHere]));
    for (const job of jobs) this.send(job);
    if (this.readyCount > 0 && this.active < this.total()) this.schedulePump();
  }

  /** The next ready lane, accounts taking turns: the account served goes to the back of the round. */
  private nextReady(): Lane {
    const [account, queue] = this.ready.entries().next().value!;
    const lane = queue.shift()!;
    this.ready.delete(account);
    if (queue.length > 0) this.ready.set(account, queue);
    this.readyCount--;
    return lane;
  }

  private maxBuffered(): number {
    return this.deps.options.maxBuffered ?? MAX_BUFFERED;
  }

  private maxBufferedPerAccount(): number {
    return Math.max(1, Math.floor(this.maxBuffered() * BUFFER_SHARE_PER_ACCOUNT));
  }

  /** The most the process has in flight (each account and destination: `concurrency`). */
  private total(): number {
    return this.deps.options.concurrency * TOTAL_SHARES;
  }

  /**
   * The slot key (destination or account) that has no room left for one more delivery, if any.
   * Keys are prefixed so an account named like a URL origin is still counted apart.
   */
  private full(account: string, destination: string): string | undefined {
    const max = this.deps.options.concurrency;
    for (const key of [`to ${destination}`, `of ${account}`]) if ((this.inFlightBy.get(key) ?? 0) >= max) return key;
    return undefined;
  }

  /** A lane whose next delivery has no slot: set aside (nothing recorded) until `key` frees one. */
  private park(key: string, lane: Lane): void {
    lane.parked = true;
    const list = this.parked.get(key);
    if (list) list.push(lane);
    else this.parked.set(key, [lane]);
  }

  private hold(job: Job): void {
    for (const key of [`to ${job.destination}`, `of ${job.account}`]) this.inFlightBy.set(key, (this.inFlightBy.get(key) ?? 0) + 1);
  }

  /** A delivery ended (or its claim rolled back): its slots free, and a lane parked on them is ready again. */
  private release(job: Job): void {
    for (const key of [`to ${job.destination}`, `of ${job.account}`]) {
      const n = (this.inFlightBy.get(key) ?? 1) - 1;
      if (n > 0) this.inFlightBy.set(key, n);
      else this.inFlightBy.delete(key);
      const waiting = this.parked.get(key);
      const lane = waiting?.shift();
      if (waiting && waiting.length === 0) this.parked.delete(key);
      if (lane) {
        lane.parked = false;
        this.arm(lane);
      }
    }
  }

  /** Deliveries per second allowed now: a share of the maximum while API requests are arriving. */
  private rate(now: number): number {
    const { maxPerSecond } = this.deps.options;
    return this.api.busy(now) ? maxPerSecond * BUSY_SHARE : maxPerSecond;
  }

  /** Whole tokens available now; the bucket refills at rate() and holds up to BURST. */
  private takeTokens(): number {
    const now = performance.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilledAt) * this.rate(now)) / 1000);
    this.refilledAt = now;
    return Math.floor(this.tokens);
  }

  private waitForTokens(): void {
    if (this.tokenTimer || this.closed) return;
    const ms = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate(performance.now())));
    this.tokenTimer = setTimeout(() => {
      this.tokenTimer = undefined;
      this.schedulePump();
    }, ms);
    this.tokenTimer.unref();
  }

  /**
   * Records the next attempt of the lane's head and returns it. Heads deleted meanwhile (log
   * cleared, account reset) or already settled are skipped; an event with no URL left is failed.
   */
  private claim(lane: Lane): Job | undefined {
    const { store, wallNow, options } = this.deps;
    for (;;) {
      const item = lane.items[lane.head];
      if (!item) {
        this.dropLaneIfEmpty(lane);
        return undefined;
      }
      const row = store.row(item.seq);
      // A delivered event owed its duplicate attempt (webhook fault) is claimed once more.
      const duplicateTo = this.duplicates.size > 0 ? this.duplicates.get(item.seq) : undefined;
      if (!row || (row.status !== 'pending' && !(duplicateTo && row.status === 'delivered'))) {
        this.shift(lane);
        continue;
      }
      const attempts = row.attempts.map((a) =>
        // Recorded but never answered: the server stopped mid-attempt.
        a.status === null && !a.error ? { ...a, error: 'interrupted: server stopped' } : a);
      const attempt = attempts.length + 1;
      let eventFault = this.eventFaults.size > 0 ? this.eventFaults.get(item.seq) : undefined;
      let urls = eventFault?.kind === 'failover_only' ? failoverOnly(row) : urlsOf(row);
      let url = duplicateTo ?? urls[Math.floor((attempt - 1) / options.attempts)];
      if (!url) {
        store.update(item.seq, 'failed', attempts, null, row.occurredAt);
        this.settledHere.add(row.account);
        if (urls.length === 0) this.deps.log?.noUrl(row.account, row.data);
        this.shift(lane);
        continue;
      }
      let destination = originOf(url);
      let full = this.full(row.account, destination);
      if (full) {
        this.park(full, lane);
        return undefined;
      }
      // An armed webhook fault is asked only once the attempt has its slot (a parked lane takes none).
      let fault = duplicateTo ? undefined : eventFault;
      if (!duplicateTo && !eventFault && this.deps.faults?.armedFor(row.account)) {
        fault = this.deps.faults.take(row.account, probeOf(row.data, url, attempt === 1));
        if (fault && isEventFault(fault)) {
          this.eventFaults.set(item.seq, eventFault = fault);
          if (fault.kind === 'reorder') {
            this.setAside(lane);
            continue;
          }
          if (fault.kind === 'failover_only') {
            urls = failoverOnly(row);
            url = urls[Math.floor((attempt - 1) / options.attempts)];
            if (!url) continue; // no failover URL: failed with no attempt, on the next turn of this loop
            destination = originOf(url);
            full = this.full(row.account, destination);
            if (full) {
              this.park(full, lane);
              return undefined;
            }
          }
        }
      }
      // The attempt is recorded with the exact bytes it sends, before it is sent: the log, the
      // console and /v2/webhook_deliveries show this record, never a body built or signed again.
      const now = wallNow();
      const body = envelope(row.data, attempt, url);
      const seconds = signatureTimestamp(now, row.occurredAt, this.deps.deterministic === true);
      let headers = signedHeaders(this.deps.signingKey, fault?.kind === 'skew_timestamp' ? seconds + (fault.skewSecs ?? DEFAULT_SKEW_SECS) : seconds, body);
      if (fault?.kind === 'tamper_signature') headers = tamperSignature(headers);
      const record: DeliveryAttempt = { attempt, url, status: null, at: iso(now), request_headers: Object.entries(headers), body };
      // The fault that touched it, named as the request journal names a request fault.
      const mark = fault ?? (duplicateTo ? eventFault : undefined);
      if (mark) {
        record.fault_id = mark.id;
        record.fault = mark.kind;
      }
      attempts.push(record);
      store.update(item.seq, duplicateTo ? 'delivered' : 'pending', attempts, null, row.occurredAt);
      lane.busy = true;
      const job: Job = {
        account: row.account, lane, seq: item.seq, url, urls, attempt, attempts, destination, body, headers,
        timeoutMs: row.timeoutMs ?? options.timeoutMs, occurredAt: row.occurredAt, fault, duplicate: duplicateTo !== undefined,
      };
      if (duplicateTo) this.duplicates.delete(item.seq);
      this.hold(job);
      return job;
    }
  }

  private send(job: Job): void {
    this.active++;
    const done = job.fault ? this.sendFaulty(job, job.fault) : this.post(job);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private post(job: Job): Promise<void> {
    return this.deps.transport.post(job.url, job.body, job.headers, job.timeoutMs).then(
      (answer) => this.settle({ job, status: answerOf(answer).status, answer: answerOf(answer) }),
      (err: Error) => this.settle({ job, status: null, error: err.message || String(err) }),
    );
  }

  /** An attempt a webhook fault acts on: `fail` sends nothing, `delay` sends later; the rest send as recorded. */
  private sendFaulty(job: Job, fault: WebhookFault): Promise<void> {
    if (fault.kind === 'fail') {
      // As if the network failed: the attempt fails like a refused connection, retries and failover run as usual.
      return Promise.resolve().then(() => this.settle({ job, status: null, error: `webhook fault ${fault.id} (fail): not sent` }));
    }
    if (fault.kind !== 'delay' || !fault.delayMs) return this.post(job);
    return new Promise<void>((resolve) => {
      const cancel = () => {
        clearTimeout(timer);
        this.delayed.delete(cancel);
        this.settle({ job, status: null, error: 'interrupted: server stopped' });
        resolve();
      };
      const timer = setTimeout(() => {
        this.delayed.delete(cancel);
        resolve(this.post(job));
      }, fault.delayMs);
      this.delayed.add(cancel);
    });
  }

  private settle(outcome: Outcome): void {
    this.active--;
    this.release(outcome.job);
    this.outcomes.push({ ...outcome, finishedAt: iso(this.deps.wallNow()) });
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
      this.pump();
    });
  }

  /** Records the outcomes gathered since the last flush in one transaction, then frees their lanes. */
  private flush(): void {
    const outcomes = this.outcomes;
    if (outcomes.length === 0) return;
    this.outcomes = [];
    const { store, wallNow, options } = this.deps;
    const now = wallNow();
    const decided = outcomes.map(({ job, status, error, answer, finishedAt }) => {
      const last = job.attempts[job.attempts.length - 1];
      Object.assign(last, { status }, error ? { error } : {}, { finished_at: finishedAt },
        answer ? { response: { headers: answer.headers, body: answer.body } } : {});
      // A duplicate attempt follows a delivery: the event stays delivered whatever it met.
      if (job.duplicate) return { job, state: 'delivered' as const, retryAt: null };
      if (status !== null && status >= 200 && status < 300) {
        // duplicate fault: delivered, and sent once more (same event id, a new attempt) at once.
        if (this.eventFaults.size > 0 && this.eventFaults.get(job.seq)?.kind === 'duplicate') {
          this.duplicates.set(job.seq, job.url);
          return { job, state: 'delivered' as const, retryAt: null, again: now };
        }
        return { job, state: 'delivered' as const, retryAt: null };
      }
      if (job.attempt >= job.urls.length * options.attempts) return { job, state: 'failed' as const, retryAt: null };
      return { job, state: 'pending' as const, retryAt: now + this.backoff(job.attempt) };
    });
    try {
      store.transaction(() => {
        for (const d of decided) store.update(d.job.seq, d.state, d.job.attempts, d.retryAt, d.job.occurredAt);
      });
    } catch (err) {
      if (this.closed) return; // the database closed under us: the rows stay pending for the next start
      console.error('recording webhook attempts failed; retrying in a second', err);
      for (const { job } of decided) this.retryLater(job.lane, CLAIM_RETRY_MS);
      return;
    }
    this.deps.onAttempts?.(new Set(decided.map((d) => d.job.account)));
    if (this.deps.log && !this.deps.log.silent) for (const d of decided) this.deps.log.delivery(attemptLog(d, now, options.attempts));
    for (const d of decided) {
      const { job: { lane }, retryAt } = d;
      lane.busy = false;
      const again = 'again' in d ? d.again : undefined;
      if (again !== undefined) lane.items[lane.head].dueAt = again;
      else if (retryAt === null) this.shift(lane);
      else lane.items[lane.head].dueAt = retryAt;
      this.arm(lane);
      this.dropLaneIfEmpty(lane);
    }
  }

  /**
   * Wait before the attempt after `attempt`: exponential per URL, none when moving on to the
   * failover URL (Telnyx retries "at the failover webhook URL" once the primary has failed).
   */
  private backoff(attempt: number): number {
    const { attempts, backoffMs, backoffMaxMs } = this.deps.options;
    const nth = ((attempt - 1) % attempts) + 1;
    if (nth === attempts) return 0;
    return Math.min(backoffMs * 2 ** (nth - 1), backoffMaxMs);
  }

  /** After a database error the claim was rolled back: the lane tries again later. */
  private retryLater(lane: Lane, ms: number): void {
    lane.busy = false;
    const item = lane.items[lane.head];
    if (item) item.dueAt = this.deps.wallNow() + ms;
    this.arm(lane);
  }

  private shift(lane: Lane): void {
    const item = lane.items[lane.head];
    if (item && this.eventFaults.size > 0) {
      this.eventFaults.delete(item.seq);
      this.duplicates.delete(item.seq);
    }
    lane.head++;
    this.buffered--;
    if (item) this.bufferedSeqs.delete(item.seq);
    const held = (this.bufferedBy.get(lane.account) ?? 1) - 1;
    if (held > 0) this.bufferedBy.set(lane.account, held);
    else this.bufferedBy.delete(lane.account);
    // A capped account has drained to half: read again from its first row left unread.
    if (this.capped.has(lane.account) && held <= this.maxBufferedPerAccount() / 2 && this.leftFrom !== undefined) {
      this.capped.clear();
      this.lastSeq = Math.min(this.lastSeq, this.leftFrom - 1);
      this.leftFrom = undefined;
      this.unread = true;
      this.schedulePump();
    }
    // Compact now and then so a long-lived lane does not keep every seq it ever held.
    if (lane.head > 64 && lane.head * 2 > lane.items.length) {
      lane.items = lane.items.slice(lane.head);
      lane.head = 0;
    }
    // The event after a reordered one has been sent: the one set aside goes next.
    if (lane.held) this.putBack(lane);
  }

  /**
   * reorder fault: the lane's head is set aside (still buffered, still pending in the outbox) so
   * the next event of its call goes first; it comes back once that one settles, or after
   * REORDER_HOLD_MS when no next event comes.
   */
  private setAside(lane: Lane): void {
    const item = lane.items[lane.head];
    lane.head++;
    (lane.held ??= []).push(item);
    if (!lane.heldTimer) {
      lane.heldTimer = setTimeout(() => {
        lane.heldTimer = undefined;
        // While the next event is in flight it stays the head: its settling puts these back.
        if (!lane.held || lane.busy) return;
        this.putBack(lane);
        this.arm(lane);
        this.schedulePump();
      }, REORDER_HOLD_MS);
      lane.heldTimer.unref();
    }
  }

  /** The events set aside go back to the head of their lane, in their order. */
  private putBack(lane: Lane): void {
    const back = lane.held!;
    lane.held = undefined;
    clearTimeout(lane.heldTimer);
    lane.heldTimer = undefined;
    if (lane.head >= back.length) {
      lane.head -= back.length;
      for (let i = 0; i < back.length; i++) lane.items[lane.head + i] = back[i];
    } else {
      lane.items = [...back, ...lane.items.slice(lane.head)];
      lane.head = 0;
    }
  }

  private dropLaneIfEmpty(lane: Lane): void {
    if (lane.head >= lane.items.length && !lane.busy && !lane.timer && !lane.queued && !lane.parked && !lane.held) this.lanes.delete(lane.key);
  }
}

/** Where a `failover_only` fault sends an event: its failover URL alone (none: it fails with no attempt). */
const failoverOnly = (row: { failoverUrl: string | null }) => (row.failoverUrl ? [row.failoverUrl] : []);

const isEventFault = (f: WebhookFault) => EVENT_FAULT_KINDS.includes(f.kind);

/** What a fault is matched on, read from the event's data (only while a fault is armed). */
function probeOf(data: string, url: string, first: boolean): AttemptProbe {
  const d = JSON.parse(data) as { event_type: string; payload?: { call_control_id?: unknown } };
  const call = d.payload?.call_control_id;
  return { eventType: d.event_type, callControlId: typeof call === 'string' ? call : null, url, first };
}

/** A settled attempt as the server log shows it. */
function attemptLog(d: { job: Job; state: 'delivered' | 'pending' | 'failed'; retryAt: number | null }, now: number, attempts: number): DeliveryLog {
  const { job } = d;
  const last = job.attempts[job.attempts.length - 1];
  return {
    account: job.account, body: job.body, url: job.url, attempt: job.attempt, maxAttempts: job.urls.length * attempts,
    status: last.status, error: last.error ?? undefined, state: d.state, retryInMs: d.retryAt === null ? undefined : d.retryAt - now,
  };
}
