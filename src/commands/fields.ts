/**
 * The fields several bodies share, each declared once: the bodies in src/commands/*.ts take them
 * from here, so a field means the same, and is refused with the same code, message and pointer,
 * whichever operation (and whichever door) it comes through. The readers are schema.ts's.
 */
import { REGIONS } from '../../schema/enums.js';
import { errors } from '../model/errors.js';
import { custom, int, oneOf, string, strings, url, withDefault, type Field } from './schema.js';

// DTMF

/** A phone's keys: what a caller presses, and what a gather's `valid_digits` / `terminating_digit` name. */
const KEY = '0-9A-D*#';
export const KEYS = new RegExp(`^[${KEY}]+$`);

/**
 * DTMF an app sends: the keys plus pauses. The spec words the set the same way for a call and a
 * conference, so one field serves both (and `transfer`):
 * - SendDTMFRequest.digits (call): "DTMF digits to send. Valid digits are 0-9, A-D, *, and #.
 *   Pauses can be added using w (0.5s) and W (1s)."
 * - ConferenceSendDTMFRequest.digits: "DTMF digits to send. Valid characters: 0-9, A-D, *, #,
 *   w (0.5s pause), W (1s pause)."
 * - TransferCallRequest.send_digits_on_answer: "Allowed characters: `0-9`, `A-D`, `w` (0.5s
 *   pause), `W` (1s pause), `*`, `#`. Maximum 64 characters."
 * Upper-case A-D only: none of them names a lower-case letter.
 */
export const DTMF = new RegExp(`^[${KEY}wW]+$`);

/** `text`, refused (10015) when it holds a character outside `re`, naming the characters allowed. */
const only = <T extends string | undefined>(text: Field<T>, re: RegExp, allowed: string): Field<T> => (body, name) => {
  const v = text(body, name);
  if (v !== undefined && !re.test(v)) throw errors.invalid(name, `The '${name}' parameter may contain only ${allowed}.`);
  return v;
};

/** DTMF to send (`digits`, `send_digits_on_answer`), one message whatever the field. */
export const dtmf = <R extends boolean = false>(o: { required?: R; max: number }) => only(string(o), DTMF, '0-9, A-D, *, #, w and W');

/** send_dtmf's `digits`, on a call or a conference (at most 128: the spec gives no bound). */
export const sendDigits = dtmf({ required: true, max: 128 });

/** Keys a caller presses (control API `dtmf`, startMock() `pressDigits`, scenario `press`): no pauses on a keypad. */
export const pressedKeys = only(string({ required: true, max: 128 }), KEYS, '0-9, A-D, * and #');

// gathers: a call's gather, gather_using_speak, gather_using_audio, and a conference participant's gather_using_audio

/**
 * What Telnyx assumes for a gather field not given: the `default` of GatherRequest,
 * GatherUsingSpeakRequest, GatherUsingAudioRequest and ConferenceGatherUsingAudioRequest, which
 * agree ("minimum_digits default 1", "maximum_digits default 128", "terminating_digit default #",
 * "valid_digits default 0123456789#*", "timeout_millis default 60000", "inter_digit_timeout_millis
 * default 5000", "maximum_tries default 3"; "initial_timeout_millis default 5000" on GatherRequest,
 * none on the conference's). The bodies fill them in, so every gather command passes complete values.
 */
export const GATHER_DEFAULTS = Object.freeze({
  minimum_digits: 1,
  maximum_digits: 128,
  terminating_digit: '#',
  valid_digits: '0123456789#*',
  timeout_millis: 60_000,
  initial_timeout_millis: 5000,
  inter_digit_timeout_millis: 5000,
  maximum_tries: 3,
});

/**
 * terminating_digit: one key, or "an empty string to disable the terminating digit entirely"
 * (SDK, for a call's gathers and a conference's gather_using_audio alike). Read raw: elsewhere an
 * empty string means "not given".
 */
const terminatingDigit = custom((v, name): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 1 || (v !== '' && !KEYS.test(v))) {
    throw errors.invalid(name, `The '${name}' parameter must be one of 0-9, A-D, * or #, or empty to disable it.`);
  }
  return v;
});

/** valid_digits: "A list of all digits accepted as valid" — keys, at most 64 of them. */
const validDigits = only(string({ max: 64 }), KEYS, '0-9, A-D, * and #');

/** The digit rules every gather takes, filled with GATHER_DEFAULTS when not given. */
export const gatherDigits = {
  minimum_digits: withDefault(int(1, 128), GATHER_DEFAULTS.minimum_digits),
  maximum_digits: withDefault(int(1, 128), GATHER_DEFAULTS.maximum_digits),
  terminating_digit: withDefault(terminatingDigit, GATHER_DEFAULTS.terminating_digit),
  valid_digits: withDefault(validDigits, GATHER_DEFAULTS.valid_digits),
};

/** timeout_millis of every gather (at most 10 minutes: the spec gives no bound). */
export const gatherTimeout = withDefault(int(1, 600_000), GATHER_DEFAULTS.timeout_millis);

/**
 * A rule across fields: minimum_digits may not exceed maximum_digits. Typed with optional fields,
 * which body()'s rules need to type-check; the gather bodies fill both anyway.
 */
export const minNotAboveMax = (b: { minimum_digits?: number; maximum_digits?: number }) => {
  if ((b.minimum_digits ?? GATHER_DEFAULTS.minimum_digits) > (b.maximum_digits ?? GATHER_DEFAULTS.maximum_digits)) {
    throw errors.invalid('minimum_digits', "'minimum_digits' cannot be greater than 'maximum_digits'.");
  }
};

// media

/**
 * `loop` on a call's speak / playback_start and a conference's play: "If supplied, the value must
 * be an integer between 1 and 100, or the special string `infinity` for an endless loop"
 * (PlayAudioUrlRequest, ConferencePlayRequest; the spec's Loopcount is "string or integer").
 */
export const loop = custom((v, name): number | 'infinity' | undefined => {
  if (v === undefined || v === null) return undefined;
  if (v === 'infinity') return v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) {
    throw errors.invalid(name, `The '${name}' parameter must be an integer between 1 and 100 or 'infinity'.`);
  }
  return v;
});

/**
 * A recording's file name: StartRecordingRequest.custom_file_name, StartConferenceRecordingRequest
 * .custom_file_name and TransferCallRequest.record_custom_file_name are each "maxLength: 40, minLength: 1".
 */
export const recordingFileName = string({ max: 40 });

// what most commands take

/** client_state: "Use this field to add state to every subsequent webhook." */
export const clientState = string();

/** `command_id`: Telnyx ignores a repeat of it for the same call or conference (see Engine.write). */
export const commandId = string();

/** Where webhooks go (webhook_url, webhook_failover_url): an absolute http(s) URL. */
export const webhookUrl = url();
export const webhookUrlMethod = oneOf(['POST', 'GET'] as const);

/** A conference's participants by call_control_id (call_control_ids, whisper_call_control_ids). */
export const callControlIds = strings();

/** A conference's `region`: "Region where the conference data is located". */
export const region = oneOf(REGIONS);
