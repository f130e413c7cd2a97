import type { CallLeg, NumberBehaviour, WebhookEventRow } from '../model/entities.js';
import type { HangupCause, HangupSource, TimerKind } from '../../schema/enums.js';
import type { Ids } from '../ids.js';
import type { AccountStore } from './store.js';

export type { NumberBehaviour };

export interface DomainSettings {
  /** How long simulated media (play, speak) lasts, in seconds. */
  mediaDurationSecs: number;
  /** The server's own webhook URLs: where a call's webhooks go when neither it nor its connection names one. */
  webhookUrl?: string;
  webhookFailoverUrl?: string;
  /**
   * Where apps reach this server (e.g. http://telnyx-mock:5080), for the recording URLs in
   * webhooks; when absent, the origin of the request that started the recording is used.
   */
  publicUrl?: string;
  /**
   * Unknown connection_ids are refused as Telnyx refuses them (422 10015, /connection_id) instead
   * of being lenient connections on the server's webhook URL; an account may choose for itself.
   */
  strictConnections?: boolean;
}

/** Where an emitted event is filed: the call it concerns (ordering, webhook URL) and conference. */
export interface EventSubject {
  call?: CallLeg;
  conferenceId?: string;
}

/**
 * The call lifecycle (lifecycle.ts) as the features reach it: a conference hanging up its
 * participants, a queue bridging its first caller, a transfer dialing its leg B all go through
 * the one cascade, without importing the file that imports them.
 */
export interface Lifecycle {
  dial(ctx: Ctx, c: { from: string; to: string; connectionId: string; clientState?: string | null; webhookUrl?: string | null;
    webhookFailoverUrl?: string | null; callSessionId?: string; timeoutSecs?: number }): CallLeg;
  answer(ctx: Ctx, call: CallLeg, clientState?: string): CallLeg;
  hangup(ctx: Ctx, call: CallLeg, cause: HangupCause, source: HangupSource): void;
  bridge(ctx: Ctx, call: CallLeg, other: CallLeg, clientState?: string): void;
  /** The call is taken elsewhere: it leaves its queue, its conference and its bridge. */
  takeAway(ctx: Ctx, call: CallLeg): void;
}

/**
 * What a domain operation works with: the account's store, its "now", and the means to record
 * events and schedule work. The command layer builds one per transaction; the domain never
 * reads the system time or touches HTTP or SQL.
 */
export interface Ctx {
  readonly account: string;
  readonly now: number;
  readonly store: AccountStore;
  readonly ids: Ids;
  readonly settings: DomainSettings;
  /** The call lifecycle, injected as `emit` is. */
  readonly calls: Lifecycle;
  emit(eventType: string, payload: Record<string, unknown>, subject: EventSubject): void;
  /** Records a new delivery of an event already in the outbox (a resend); returns its row. */
  resend(original: WebhookEventRow): WebhookEventRow;
  schedule(dueAt: number, kind: TimerKind, subjectId: string): void;
  numberBehaviour(e164: string): NumberBehaviour;
}
