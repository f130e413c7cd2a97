/**
 * A scenario: callers arriving, what they do, time passing, and what the app is expected to do
 * in return, step by step. Callers are named (`alice`, `agent1`) and the names stand for their
 * call_control_ids everywhere, `{alice}` included inside paths and payloads.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** connection_id of calls that name none. */
  connectionId: string;
  /** Where the calls' webhooks go, unless the run says otherwise (else the connection/server setting). */
  webhookUrl?: string;
  /** Default time a `wait` step waits, in ms of wall time. */
  timeoutMs: number;
  /** Clear the account before the first step (default true), so a run starts from nothing. */
  reset: boolean;
  /** The account refuses connection_ids no application has (422 10015) during and after the run; unset: as it was. */
  strictConnections?: boolean;
  /**
   * Deterministic mode for the run (`seed: 42`): the account is reset, its ids come from this
   * seed's stream and its clock starts frozen at 2026-01-01T00:00:00Z (README "Deterministic runs").
   */
  seed?: string;
  /**
   * `setup:` a state snapshot imported before the first step (after the reset): the document
   * inline, or a file named relative to the scenario file (read by the CLI and startMock()).
   */
  setup?: ScenarioSetup;
  steps: Step[];
}

export type ScenarioSetup = { document: unknown } | { file: string };

interface StepBase {
  /** 1-based position in the file's steps. */
  index: number;
  /** Line in the scenario file, when it came from one. */
  line?: number;
  /** A title given in the file, shown instead of the generated one. */
  title?: string;
}

export type Step = StepBase & (
  | { kind: 'call'; name: string; from: string; to: string; connectionId?: string; clientState?: string; answered: boolean }
  | { kind: 'hangup'; name: string }
  | { kind: 'press'; name: string; digits: string }
  | { kind: 'speak' | 'stop_speaking'; name: string }
  | { kind: 'say'; name: string; text: string }
  | { kind: 'advance'; seconds: number; text: string }
  | { kind: 'clock'; action: 'freeze' | 'unfreeze' }
  | { kind: 'number'; e164: string; behaviour: 'answer' | 'busy' | 'no_answer' | 'reject'; answerAfterSecs?: number;
    /** What answering machine detection finds on it (transfer). */
    amdResult?: 'human' | 'machine' | 'not_sure' }
  /** The account owns this number (as if bought), its callers routed to `connectionId`'s application. */
  | { kind: 'phone_number'; e164: string; connectionId?: string }
  | { kind: 'wait'; condition: Condition; timeoutMs: number; as?: string }
  | { kind: 'expect'; condition: Condition }
  /**
   * Arms a webhook fault (POST /_mock/webhook_faults's body, checked when the file is read);
   * `call` names the caller whose call_control_id it matches.
   */
  | { kind: 'webhook_fault'; fault: Record<string, unknown>; call?: string }
);

export type StepKind = Step['kind'];

/** What a `wait` waits for and an `expect` checks. Names are scenario names; `{name}` placeholders are allowed in strings. */
export type Condition =
  | {
    subject: 'call'; call: string;
    state?: 'ringing' | 'answered' | 'hangup';
    /** A queue name, or false: in no queue. */
    inQueue?: string | false;
    /** A conference name, true (any conference) or false (none). */
    inConference?: string | boolean;
    /** Another caller's name, or false: bridged to nobody. */
    bridgedWith?: string | false;
    muted?: boolean;
    onHold?: boolean;
    supervisorRole?: 'barge' | 'monitor' | 'none' | 'whisper';
    hangupCause?: string;
    /** Played into the call: part of a speak / gather_using_speak text, or an audio_url / media_name (started, not only queued). */
    heard?: string;
  }
  | {
    subject: 'conference'; conference: string;
    status?: 'init' | 'in_progress' | 'completed';
    endReason?: string;
    /** How many are in it, or exactly who (in joining order). */
    participants?: number | string[];
  }
  | { subject: 'queue'; queue: string; size?: number; calls?: string[] }
  | { subject: 'webhook'; eventType: string; call?: string; payload?: Record<string, unknown>; count?: number }
  | { subject: 'request'; method?: string; path: string; body?: unknown; status?: number; count?: number };

export interface StepResult {
  index: number;
  line?: number;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed, in words. */
  reason?: string;
  /** The Telnyx error code of the command that refused the step, when one did. */
  code?: string;
  duration_ms: number;
}

export interface ScenarioResult {
  name: string;
  passed: boolean;
  steps: StepResult[];
  duration_ms: number;
  /** The callers' call_control_ids, by name. */
  calls: Record<string, string>;
}
