// State enums, defined once and shared by the tables, the domain and the serializers.
// Values are Telnyx's own words (SDK type files, telnyx-openapi/conferencing.yml).
export const CALL_STATES = ['ringing', 'answered', 'hangup'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const CALL_DIRECTIONS = ['incoming', 'outgoing'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const HANGUP_CAUSES = [
  'call_rejected', 'normal_clearing', 'originator_cancel', 'timeout', 'time_limit',
  'user_busy', 'not_found', 'no_answer', 'unspecified',
] as const;
export type HangupCause = (typeof HANGUP_CAUSES)[number];
export type HangupSource = 'caller' | 'callee' | 'unknown';

export const CONFERENCE_STATUSES = ['init', 'in_progress', 'completed'] as const;
export type ConferenceStatus = (typeof CONFERENCE_STATUSES)[number];

export const END_REASONS = ['all_left', 'ended_via_api', 'host_left', 'time_exceeded'] as const;
export type EndReason = (typeof END_REASONS)[number];

export const PARTICIPANT_STATUSES = ['joining', 'joined', 'left'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const SUPERVISOR_ROLES = ['barge', 'monitor', 'none', 'whisper'] as const;
export type SupervisorRole = (typeof SUPERVISOR_ROLES)[number];

export const BEEP_SETTINGS = ['always', 'never', 'on_enter', 'on_exit'] as const;
export type BeepEnabled = (typeof BEEP_SETTINGS)[number];

export const REGIONS = ['Australia', 'Europe', 'Middle East', 'US'] as const;

export const DEQUEUE_REASONS = ['bridged', 'bridging-in-process', 'hangup', 'leave', 'timeout'] as const;
export type DequeueReason = (typeof DEQUEUE_REASONS)[number];

export const RECORDING_STATES = ['recording', 'paused', 'stopped'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

export const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** Work that falls due on an account's clock (timers.kind). */
export const TIMER_KINDS = [
  'conference_expiry', 'queue_timeout', 'media_end', 'dial_answer', 'dial_timeout', 'gather_timeout',
  // call-level speak / playback_start (src/domain/call-media.ts)
  'call_media_end',
  // transfers and recordings (call-transfer.ts, recordings.ts)
  'call_time_limit', 'recording_max_length',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export const NUMBER_BEHAVIOURS = ['answer', 'busy', 'no_answer', 'reject'] as const;
export type NumberBehaviourKind = (typeof NUMBER_BEHAVIOURS)[number];

/** answering_machine_detection modes a transfer or dial accepts (SDK calls/actions.d.ts). */
export const AMD_MODES = ['premium', 'detect', 'detect_beep', 'detect_words', 'greeting_end', 'disabled'] as const;
export type AmdMode = (typeof AMD_MODES)[number];
/** What answering machine detection finds on a dialed number (control API; default human). */
export const AMD_RESULTS = ['human', 'machine', 'not_sure'] as const;
export type AmdResult = (typeof AMD_RESULTS)[number];

/** TTS languages a conference `speak` accepts (SDK conferences/actions.d.ts). */
export const SPEAK_LANGUAGES = ['arb', 'cmn-CN', 'cy-GB', 'da-DK', 'de-DE', 'en-AU', 'en-GB', 'en-GB-WLS', 'en-IN', 'en-US', 'es-ES',
  'es-MX', 'es-US', 'fr-CA', 'fr-FR', 'hi-IN', 'is-IS', 'it-IT', 'ja-JP', 'ko-KR', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR',
  'pt-PT', 'ro-RO', 'ru-RU', 'sv-SE', 'tr-TR'] as const;

/** Methods the journal, faults and scenario request conditions know. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const SPEECH_STATES = ['started', 'stopped'] as const;

/**
 * Webhook faults (issue 17): what an armed fault does to a matching delivery attempt
 * (src/control/webhook-faults.ts). Recorded on the attempt it touched (`fault`).
 */
export const WEBHOOK_FAULT_KINDS = [
  'fail', 'delay', 'duplicate', 'reorder', 'tamper_signature', 'skew_timestamp', 'failover_only',
] as const;
export type WebhookFaultKind = (typeof WEBHOOK_FAULT_KINDS)[number];
