import type { WebhookFaultKind } from '../../schema/enums.js';
import { globMatcher } from './faults.js';

/**
 * Webhook faults (issue 17): what the app's *receiver* meets, as control/faults.ts is what its
 * *requests* meet. Per account, in memory, armed through commands/webhook-faults.ts; the
 * dispatcher (webhooks/dispatcher.ts) asks here once per attempt it claims, and only when some
 * account has one armed, so the normal path costs one comparison.
 */
export { WEBHOOK_FAULT_KINDS, type WebhookFaultKind } from '../../schema/enums.js';

/**
 * Kinds that act on an event as a whole (its route, its order, its count): taken on its first
 * attempt only and kept by the event until it settles. The others act on one attempt each.
 */
export const EVENT_FAULT_KINDS: readonly WebhookFaultKind[] = ['duplicate', 'reorder', 'failover_only'];

/** skew_timestamp's offset when the fault names none: ten minutes old, twice Telnyx's 300 s tolerance. */
export const DEFAULT_SKEW_SECS = -600;

/** What a webhook fault is armed with (commands/webhook-faults.ts checks and bounds it). */
export interface WebhookFaultSpec {
  kind: WebhookFaultKind;
  /** Matches only this event type (`call.answered`), when set. */
  eventType?: string;
  /** Matches only this call's events, when set. */
  callControlId?: string;
  /** Matches only attempts to this URL: exact, or a glob (`*` within a path segment, `**` anything). */
  url?: string;
  /** How many matching attempts (events, for event kinds) it touches, as a request fault's `count`; undefined: as many as its window lets. */
  count?: number;
  /** The account's virtual time (ms) it was armed at, and until which it holds (exclusive), if bounded so. */
  armedAt: number;
  until?: number;
  /** delay: how long the attempt waits before it is sent (wall ms). */
  delayMs?: number;
  /** skew_timestamp: seconds added to telnyx-timestamp (negative: in the past). */
  skewSecs?: number;
}

/** An armed webhook fault: its spec, its id, the uses left and how many attempts it touched. */
export interface WebhookFault extends WebhookFaultSpec {
  id: number;
  remaining: number | undefined;
  touched: number;
}

/** What the dispatcher knows of an attempt it is about to make. */
export interface AttemptProbe {
  eventType: string;
  callControlId: string | null;
  url: string;
  /** The event's first attempt: only then may an event kind (duplicate, reorder, failover_only) take it. */
  first: boolean;
}

interface Armed {
  fault: WebhookFault;
  matchesUrl?: (url: string) => boolean;
}

/** Every account's armed webhook faults, each account's bound when first asked for. */
export class WebhookFaults {
  private readonly byAccount = new Map<string, AccountWebhookFaults>();
  private lastId = 0;
  /** Faults armed across all accounts: zero keeps the dispatcher's normal path untouched. */
  private armedTotal = 0;
  private readonly counter = { nextId: () => ++this.lastId, count: (n: number) => { this.armedTotal += n; } };

  /** `now(account)`: the account's virtual time, which windows (`for`, `until`) are read on. */
  constructor(private readonly now: (account: string) => number) {}

  forAccount(account: string): AccountWebhookFaults {
    let faults = this.byAccount.get(account);
    if (!faults) this.byAccount.set(account, faults = new AccountWebhookFaults(this.counter, () => this.now(account)));
    return faults;
  }

  /** Whether the account has a fault armed; while no account has any, one comparison. */
  armedFor(account: string): boolean {
    return this.armedTotal > 0 && (this.byAccount.get(account)?.armed() ?? false);
  }

  /** The first of the account's faults (in arming order) that matches the attempt; one use of it is consumed. */
  take(account: string, probe: AttemptProbe): WebhookFault | undefined {
    if (this.armedTotal === 0) return undefined;
    return this.byAccount.get(account)?.take(probe);
  }

  /** Disarms every account's faults (reset of all accounts). */
  clearAll(): void {
    for (const faults of this.byAccount.values()) faults.clear();
  }

  /** Drops the account's (disarmed) list from memory (an idle or reset account released). */
  forget(account: string): void {
    this.byAccount.delete(account);
  }
}

/** One account's armed webhook faults, in arming order. Ids are unique across accounts. */
export class AccountWebhookFaults {
  private readonly list: Armed[] = [];

  constructor(
    private readonly counter: { nextId: () => number; count: (n: number) => void },
    private readonly now: () => number,
  ) {}

  armed(): boolean {
    return this.list.length > 0;
  }

  /** The account's virtual time: what a window starts from. */
  clockNow(): number {
    return this.now();
  }

  add(spec: WebhookFaultSpec): WebhookFault {
    const fault: WebhookFault = { ...spec, id: this.counter.nextId(), remaining: spec.count, touched: 0 };
    this.list.push({ fault, matchesUrl: spec.url === undefined ? undefined : globMatcher(spec.url) });
    this.counter.count(1);
    return fault;
  }

  /** The faults still armed (those whose window has passed are dropped first). */
  all(): WebhookFault[] {
    this.expire(this.now());
    return this.list.map((a) => a.fault);
  }

  take(probe: AttemptProbe): WebhookFault | undefined {
    const now = this.now();
    this.expire(now);
    const i = this.list.findIndex(({ fault: f, matchesUrl }) => now >= f.armedAt
      && (probe.first || !EVENT_FAULT_KINDS.includes(f.kind))
      && (f.eventType === undefined || f.eventType === probe.eventType)
      && (f.callControlId === undefined || f.callControlId === probe.callControlId)
      && (matchesUrl === undefined || matchesUrl(probe.url)));
    if (i === -1) return undefined;
    const { fault } = this.list[i];
    fault.touched++;
    if (fault.remaining !== undefined && --fault.remaining <= 0) this.drop(i);
    return fault;
  }

  remove(id: number): boolean {
    const i = this.list.findIndex((a) => a.fault.id === id);
    if (i === -1) return false;
    this.drop(i);
    return true;
  }

  clear(): void {
    this.counter.count(-this.list.length);
    this.list.length = 0;
  }

  private drop(i: number): void {
    this.list.splice(i, 1);
    this.counter.count(-1);
  }

  /** Drops the faults whose window ended at or before `now` (virtual time). */
  private expire(now: number): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const { until } = this.list[i].fault;
      if (until !== undefined && now >= until) this.drop(i);
    }
  }
}
