import type { Repository, CallLeg } from '../store/repository.js';
import type { Ids } from '../ids.js';

/** How a dialed number behaves (set through the control API; default: answers at once). */
export type NumberBehaviour =
  | { kind: 'answer'; afterSecs: number }
  | { kind: 'busy' }
  | { kind: 'no_answer' }
  | { kind: 'reject' };

export interface DomainSettings {
  /** How long simulated media (play, speak) lasts, in seconds. */
  mediaDurationSecs: number;
}

/** Where an emitted event is filed: the call it concerns (ordering, webhook URL) and conference. */
export interface EventSubject {
  call?: CallLeg;
  conferenceId?: string;
}

/**
 * What a domain operation works with: the account, its "now", storage, and the means to record
 * events and schedule work. The command layer builds one per transaction; the domain never
 * reads the system time or touches HTTP.
 */
export interface Ctx {
  readonly account: string;
  readonly now: number;
  readonly repo: Repository;
  readonly ids: Ids;
  readonly settings: DomainSettings;
  emit(eventType: string, payload: Record<string, unknown>, subject: EventSubject): void;
  schedule(dueAt: number, kind: TimerKind, subjectId: string): void;
  numberBehaviour(e164: string): NumberBehaviour;
}

export type TimerKind =
  | 'conference_expiry' | 'queue_timeout' | 'media_end' | 'dial_answer' | 'dial_timeout' | 'gather_timeout';
