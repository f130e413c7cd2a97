/**
 * What commands return beyond single rows: small views composed of entities, in the domain's
 * words (camelCase, instants in ms). serialize/ turns each into its wire shape.
 */
import type { AmdResult } from '../../schema/enums.js';
import type { Application, CallLeg, CallMedia, ConferenceView, Participant, PhoneNumber, Queue, QueueCall } from './entities.js';

/** An account's clock as the control API reports it. */
export interface ClockReading {
  /** The account's time (ms since the epoch). */
  now: number;
  /** How far it runs from wall time (ms); while frozen, where the frozen instant stands. */
  offsetMs: number;
  frozen: boolean;
}

/** How a number the app dials answers (control API); default: at once. */
export type NumberConfig =
  | { behaviour: 'answer'; answerAfterSecs?: number; amdResult?: AmdResult }
  | { behaviour: 'busy' | 'no_answer' | 'reject' };
export type NumberSetting = { e164: string } & NumberConfig;

/** What an injected fault is given: the next `count` requests matching method + path fail or wait. */
export interface FaultSpec {
  /** HTTP method, or `*` for any. */
  method: string;
  /**
   * A glob over the decoded path (`*` = one path segment, `**` = anything), or a regular
   * expression when it starts with `^`.
   */
  path: string;
  /** The status to answer; absent means "pass through after the delay". */
  status?: number;
  count: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

/** An armed fault: its spec, its id, the uses left, and its path compiled. */
export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  matches: (path: string) => boolean;
}

/** The live console's view of one account, read in one transaction (see commands/console.ts). */
export interface ConsoleState {
  account: string;
  clock: ClockReading;
  calls: { total: number; rows: ConsoleCallView[] };
  conferences: { total: number; rows: ConsoleConferenceView[] };
  queues: ConsoleQueueView[];
  numbers: NumberSetting[];
  faults: Fault[];
  /** What the account provisioned: its Call Control applications and the numbers it owns (the first of each, and how many). */
  applications: { total: number; rows: Application[] };
  phoneNumbers: { total: number; rows: PhoneNumber[] };
}

export interface ConsoleCallView {
  call: CallLeg;
  /** The name of the conference it is in, and of the queue it waits in. */
  conference: string | null;
  queue: string | null;
  /** For calls still up (the first CONSOLE_DETAILED_CALLS): what plays now and the latest webhook. */
  playing?: CallMedia[];
  lastEvent?: { eventType: string; occurredAt: string } | null;
}

export interface ConsoleConferenceView {
  conference: ConferenceView;
  /** The call_control_id holding the floor (speaking), if any. */
  floor: string | null;
  joined: number;
  left: number;
  /** Every participant with its caller's number, in join order; empty when omitted. */
  participants: { participant: Participant; from: string | null }[];
  /** True when the snapshot had no room left for this conference's participants. */
  omitted: boolean;
}

export interface ConsoleQueueView {
  queue: Queue;
  /** Calls in the queue still up, and all it holds (hung-up ones are kept until the queue is read). */
  waiting: number;
  total: number;
  /** The first of its calls in arrival order, as many as the snapshot had room for. */
  callers: { queueCall: QueueCall; from: string | null }[];
}
