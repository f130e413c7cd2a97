import { decodePath } from '../model/url.js';

export { decodePath };

/**
 * The request journal (WireMock's "verify"): what the app sent to /v2, per account, in memory.
 * Recording sits on the hot path of every API call, so it only keeps references (the URL
 * string, the body text the route already read) in a fixed-size ring; decoding, JSON-parsing
 * and filtering happen when someone reads the journal. Only settled text is kept (never a
 * promise that a vanished client could leave pending), at most MAX_JOURNAL_BODY_BYTES of it, and
 * it is re-served as it came: a body nested too deep to serialise again is spliced in as text.
 */
export interface JournalRecord {
  method: string;
  /** The path as received (still percent-encoded). */
  path: string;
  url: string;
  /**
   * The answer's status; null while the request is in flight. A request is journaled when it
   * arrives, before its route runs, so nothing it causes (a webhook, a change) is seen before it is.
   */
  status: number | null;
  /** The account's virtual time when the request arrived. */
  at: number;
  /** The body text as received (or a note saying why it is not kept). */
  body: string | undefined;
  /** The client closed the connection before its body arrived in full. */
  aborted?: boolean;
  /** Top-level body fields the operation does not take, accepted and ignored (only when there are some). */
  ignoredFields?: string[];
  /** Wall milliseconds from arrival to the answer (set when it is answered). */
  durationMs?: number;
  /** The answer's body text when it is an error (4xx/5xx), kept as request bodies are. */
  errorBody?: string;
  /** The injected fault that answered or delayed the request, by its id. */
  faultId?: number;
}

/** How a journaled request was answered. */
export interface JournalAnswer {
  status: number;
  durationMs: number;
  errorBody?: string;
  ignoredFields?: string[];
  faultId?: number;
}

/** A journaled request with its id: 1-based, counting every request the account ever sent. */
export type JournalItem = JournalRecord & { id: number };

/** Larger bodies are journaled as their size alone, so a full ring of 1000 requests stays small. */
export const MAX_JOURNAL_BODY_BYTES = 64 * 1024;

export interface RequestFilter {
  method?: string;
  /** Matches when the (decoded) path contains this text. */
  path?: string;
  /** Matches when the (decoded) path starts with this text. */
  pathPrefix?: string;
  /** A predicate on the decoded path, for callers with richer patterns (scenarios use globs). */
  pathMatches?: (path: string) => boolean;
  status?: number;
  /** The status's class: 2 for 2xx … 5 for 5xx. */
  statusClass?: number;
  /** Only requests answered with an error (4xx or 5xx). */
  errors?: boolean;
  /** Only entries with an id greater than this. */
  after?: number;
  /** At most this many, the most recent ones. */
  limit?: number;
}

/** Requests kept per account; older ones are dropped first. */
export const JOURNAL_CAPACITY = 1000;

/**
 * One account's journal: a fixed-size ring of its latest requests. The account keeps its own
 * (`Journal.forAccount`), so recording a request is a push, with no lookup by key.
 */
export class AccountJournal {
  private readonly items: JournalItem[] = [];
  private next = 0;
  /** Ids are 1-based and count every request ever recorded, so `after` survives wrap-around. */
  private recorded = 0;
  /** Requests answered with a success (below 400), ever: a key with none is one only ever refused. */
  private succeeded = 0;

  constructor(private readonly capacity: number) {}

  record(r: JournalRecord): JournalItem {
    this.recorded++;
    const item = r as JournalItem;
    item.id = this.recorded;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    return item;
  }

  /** Fills in how a journaled request was answered (harmless if the ring dropped it meanwhile). */
  answer(item: JournalItem, a: JournalAnswer): void {
    item.status = a.status;
    if (a.status < 400) this.succeeded++;
    item.durationMs = a.durationMs;
    if (a.errorBody !== undefined) item.errorBody = a.errorBody;
    if (a.ignoredFields?.length) item.ignoredFields = a.ignoredFields;
    if (a.faultId !== undefined) item.faultId = a.faultId;
  }

  /** The id of the latest request (0 when none): a "since" mark for later reads. */
  mark(): number {
    return this.recorded;
  }

  /** True when the account sent requests and every answered one was refused (4xx/5xx): a stray key. */
  onlyRefused(): boolean {
    return this.recorded > 0 && this.succeeded === 0;
  }

  /** How many requests were dropped because the ring was full. */
  dropped(): number {
    return Math.max(0, this.recorded - this.capacity);
  }

  /** Matching requests, oldest first, as recorded (serialize/requests.ts shows them). */
  entries(f: RequestFilter = {}): JournalItem[] {
    return this.matching(f);
  }

  /** Forgets every request; ids start again from 1. */
  clear(): void {
    this.items.length = 0;
    this.next = 0;
    this.recorded = 0;
    this.succeeded = 0;
  }

  /** Oldest first. */
  private all(): JournalItem[] {
    return this.items.length < this.capacity ? this.items.slice()
      : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }

  private matching(f: RequestFilter): JournalItem[] {
    const method = f.method?.toUpperCase();
    let rows = this.all().filter((r) => {
      if (f.after !== undefined && r.id <= f.after) return false;
      if (method && r.method !== method) return false;
      if (f.status !== undefined && r.status !== f.status) return false;
      if (f.statusClass !== undefined && (r.status === null || Math.floor(r.status / 100) !== f.statusClass)) return false;
      if (f.errors && (r.status === null || r.status < 400)) return false;
      const path = decodePath(r.path);
      if (f.path !== undefined && !path.includes(f.path)) return false;
      if (f.pathPrefix !== undefined && !path.startsWith(f.pathPrefix)) return false;
      return !f.pathMatches || f.pathMatches(path);
    });
    if (f.limit !== undefined && rows.length > f.limit) rows = rows.slice(rows.length - f.limit);
    return rows;
  }
}

/** Every account's journal, each bound to its account when first asked for. */
export class Journal {
  private readonly byAccount = new Map<string, AccountJournal>();

  constructor(private readonly capacity = JOURNAL_CAPACITY) {}

  forAccount(account: string): AccountJournal {
    let journal = this.byAccount.get(account);
    if (!journal) this.byAccount.set(account, journal = new AccountJournal(this.capacity));
    return journal;
  }

  /** Forgets every account's requests (reset of all accounts). */
  clearAll(): void {
    for (const journal of this.byAccount.values()) journal.clear();
  }

  /** Drops the account's journal from memory (an idle or reset account released). */
  forget(account: string): void {
    this.byAccount.delete(account);
  }
}
