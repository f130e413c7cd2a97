import type { CallLeg, NumberBehaviour } from '../model/entities.js';
import type { TimerKind } from '../../schema/enums.js';
import type { Ids } from '../ids.js';
import type { AccountStore } from './store.js';

export type { NumberBehaviour };

export interface DomainSettings {
  /** How long simulated media (play, speak) lasts, in seconds. */
  mediaDurationSecs: number;
  /**
   * Where apps reach this server (e.g. http://telnyx-mock:5080), for the recording URLs in
   * webhooks; when absent, the origin of the request that started the recording is used.
   */
  publicUrl?: string;
}

/** Where an emitted event is filed: the call it concerns (ordering, webhook URL) and conference. */
export interface EventSubject {
  call?: CallLeg;
  conferenceId?: string;
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
  emit(eventType: string, payload: Record<string, unknown>, subject: EventSubject): void;
  schedule(dueAt: number, kind: TimerKind, subjectId: string): void;
  numberBehaviour(e164: string): NumberBehaviour;
}
