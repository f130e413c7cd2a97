/**
 * Call Control media commands on a call: speak, playback, gathers, send_dtmf, transcription,
 * client_state_update, and the commands that need real media or AI (answered "not emulated").
 * Rules are in domain/call-media.ts and domain/gather.ts.
 */
import type { CallLeg, CallMedia } from '../model/entities.js';
import { errors } from '../model/errors.js';
import * as callLeg from '../domain/call-leg.js';
import * as media from '../domain/call-media.js';
import * as gather from '../domain/gather.js';
import type { Ctx } from '../domain/context.js';
import type { Account } from './account.js';
import { SPEAK_LANGUAGES } from '../../schema/enums.js';
import { body, bool, exclusive, int, oneOf, string, required, withDefault } from './schema.js';
import { ensureRoom } from './quotas.js';
import {
  clientState, commandId, gatherDigits, gatherTimeout, GATHER_DEFAULTS, loop, minNotAboveMax, sendDigits,
} from './fields.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts; shared fields: fields.ts).

/** `stop` on speak / playback: "Specify `current` … Specify `all` …". */
const stopWhich = oneOf(['current', 'all'] as const);
const targetLegs = oneOf(['self', 'opposite', 'both'] as const);
const payload = string({ required: true, max: 3000 });
const speakCommon = {
  voice: string({ required: true }),
  language: oneOf(SPEAK_LANGUAGES),
  payload_type: oneOf(['text', 'ssml'] as const),
  service_level: oneOf(['basic', 'premium'] as const),
};
const state = { client_state: clientState, command_id: commandId };

// A call's gather bounds, with the spec's defaults.
const interDigitTimeout = withDefault(int(1, 120_000), GATHER_DEFAULTS.inter_digit_timeout_millis);
const initialTimeout = withDefault(int(1, 120_000), GATHER_DEFAULTS.initial_timeout_millis);
const maximumTries = withDefault(int(1, 10), GATHER_DEFAULTS.maximum_tries);
const digitRules = { ...gatherDigits, inter_digit_timeout_millis: interDigitTimeout };

export const Speak = body({
  payload, ...speakCommon, loop, stop: stopWhich, target_legs: targetLegs, ...state,
});

export const PlaybackStart = body({
  audio_url: string(),
  media_name: string(),
  playback_content: string({ max: 10_000_000 }),
  audio_type: oneOf(['mp3', 'wav'] as const),
  cache_audio: bool(),
  loop,
  overlay: bool(),
  stop: stopWhich,
  target_legs: targetLegs,
  ...state,
}, exclusive('audio_url', 'media_name'), exclusive('audio_url', 'playback_content'), exclusive('media_name', 'playback_content'), (b) => {
  if (b.audio_url === undefined && b.media_name === undefined && b.playback_content === undefined) throw errors.missing('audio_url');
  // "When `overlay` is enabled, `target_legs` is limited to `self`."
  if (b.overlay && b.target_legs !== undefined && b.target_legs !== 'self') {
    throw errors.invalid('target_legs', "With overlay enabled, 'target_legs' is limited to 'self'.");
  }
});

export const PlaybackStop = body({ overlay: bool(), stop: stopWhich, ...state });

export const Gather = body({
  ...digitRules,
  initial_timeout_millis: initialTimeout,
  timeout_millis: gatherTimeout,
  gather_id: string({ max: 40 }),
  ...state,
}, minNotAboveMax);

const promptRules = { maximum_tries: maximumTries, timeout_millis: gatherTimeout };

export const GatherUsingSpeak = body({
  payload, ...speakCommon, invalid_payload: string({ max: 3000 }), ...digitRules, ...promptRules, ...state,
}, minNotAboveMax);

export const GatherUsingAudio = body({
  audio_url: string(),
  media_name: string(),
  invalid_audio_url: string(),
  invalid_media_name: string(),
  ...digitRules,
  ...promptRules,
  ...state,
}, exclusive('audio_url', 'media_name'), exclusive('invalid_audio_url', 'invalid_media_name'), minNotAboveMax, (b) => {
  if (b.audio_url === undefined && b.media_name === undefined) throw errors.missing('audio_url');
});

export const GatherStop = body({ ...state });

export const SendDtmf = body({
  digits: sendDigits,
  duration_millis: int(100, 500),
  ...state,
});

/** The spec's transcription engines, with the SDK's additions. */
const ENGINES = ['Google', 'Telnyx', 'Deepgram', 'Azure', 'xAI', 'AssemblyAI', 'Speechmatics', 'Soniox', 'Parakeet',
  'Cohere', 'Humain', 'Reson8', 'A', 'B'] as const;
export const TranscriptionStart = body({
  transcription_engine: oneOf(ENGINES),
  transcription_tracks: oneOf(['inbound', 'outbound', 'both'] as const),
  ...state,
});
export const TranscriptionStop = body({ ...state });

export const ClientStateUpdate = body({ client_state: required(clientState) });

// commands

type CallAction = (a: Account, callControlId: string, input: unknown) => void;

/**
 * Runs `fn` on a live, answered call in one transaction, once per command_id; the command's
 * client_state is set first, so the webhooks it causes carry it ("add state to every subsequent
 * webhook").
 */
function onAnsweredCall(a: Account, id: string, b: { client_state?: string; command_id?: string }, fn: (ctx: Ctx, call: CallLeg) => void) {
  a.write((ctx) => {
    const call = callLeg.requireAnswered(callLeg.requireCall(ctx, id));
    callLeg.setClientState(call, b.client_state);
    ctx.store.saveCall(call);
    fn(ctx, call);
  }, { scope: id, commandId: b.command_id });
}

const loops = (l: number | 'infinity' | undefined) => (l === 'infinity' ? null : l ?? 1);

export const speak: CallAction = (a, id, input) => {
  const b = Speak.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => {
    ensureRoom(a, 'mediaItems');
    media.queueMedia(ctx, call, {
      kind: 'speak', text: b.payload, loops: loops(b.loop), playMs: media.speakDurationMs(b.payload, b.payload_type), stop: b.stop,
    });
  });
};

export const playbackStart: CallAction = (a, id, input) => {
  const b = PlaybackStart.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => {
    ensureRoom(a, 'mediaItems');
    media.queueMedia(ctx, call, {
      kind: 'playback', mediaUrl: b.audio_url, mediaName: b.media_name, loops: loops(b.loop),
      playMs: ctx.settings.mediaDurationSecs * 1000, overlay: b.overlay, stop: b.stop,
    });
  });
};

export const playbackStop: CallAction = (a, id, input) => {
  const b = PlaybackStop.parse(input);
  // stop: "Use `current` to stop the current audio being played. Use `all` …" (default all).
  onAnsweredCall(a, id, b, (ctx, call) => media.stopMedia(ctx, call, b.stop ?? 'all', b.overlay ?? false));
};

/** The digit rules, complete: the body filled in the spec's defaults (GATHER_DEFAULTS, fields.ts). */
const rules = (b: { minimum_digits: number; maximum_digits: number; terminating_digit: string; valid_digits: string; client_state?: string }) => ({
  conferenceId: null,
  minimumDigits: b.minimum_digits,
  maximumDigits: b.maximum_digits,
  terminatingDigit: b.terminating_digit,
  validDigits: b.valid_digits,
  clientState: b.client_state ?? null,
});

export const gatherDtmf: CallAction = (a, id, input) => {
  const b = Gather.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => gather.begin(ctx, call, {
    ...rules(b),
    deadlineAt: ctx.now + b.timeout_millis,
    initialTimeoutMs: b.initial_timeout_millis,
    interDigitTimeoutMs: b.inter_digit_timeout_millis,
  }));
};

const prompt = (p: { kind: 'speak' | 'audio'; durationMs: number; invalidDurationMs: number; mediaUrl?: string; mediaName?: string;
  invalidMediaUrl?: string; invalidMediaName?: string; maximumTries: number; timeoutMs: number; text?: string; invalidText?: string }) => ({
  kind: p.kind, durationMs: p.durationMs, invalidDurationMs: p.invalidDurationMs, text: p.text ?? null, invalidText: p.invalidText ?? null,
  mediaUrl: p.mediaUrl ?? null, mediaName: p.mediaName ?? null,
  invalidMediaUrl: p.invalidMediaUrl ?? null, invalidMediaName: p.invalidMediaName ?? null,
  triesLeft: p.maximumTries, timeoutMs: p.timeoutMs, playingUntil: null, invalidFirst: false,
});

export const gatherUsingSpeak: CallAction = (a, id, input) => {
  const b = GatherUsingSpeak.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => {
    ensureRoom(a, 'mediaItems');
    gather.begin(ctx, call, {
      ...rules(b),
      interDigitTimeoutMs: b.inter_digit_timeout_millis,
      prompt: prompt({
        kind: 'speak', durationMs: media.speakDurationMs(b.payload, b.payload_type), text: b.payload, invalidText: b.invalid_payload,
        invalidDurationMs: b.invalid_payload ? media.speakDurationMs(b.invalid_payload, b.payload_type) : 0,
        maximumTries: b.maximum_tries, timeoutMs: b.timeout_millis,
      }),
    });
  });
};

export const gatherUsingAudio: CallAction = (a, id, input) => {
  const b = GatherUsingAudio.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => {
    ensureRoom(a, 'mediaItems');
    const fileMs = ctx.settings.mediaDurationSecs * 1000;
    const hasInvalid = b.invalid_audio_url !== undefined || b.invalid_media_name !== undefined;
    gather.begin(ctx, call, {
      ...rules(b),
      interDigitTimeoutMs: b.inter_digit_timeout_millis,
      prompt: prompt({
        kind: 'audio', durationMs: fileMs, invalidDurationMs: hasInvalid ? fileMs : 0,
        mediaUrl: b.audio_url, mediaName: b.media_name, invalidMediaUrl: b.invalid_audio_url, invalidMediaName: b.invalid_media_name,
        maximumTries: b.maximum_tries, timeoutMs: b.timeout_millis,
      }),
    });
  });
};

export const gatherStop: CallAction = (a, id, input) => {
  const b = GatherStop.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => gather.stopGather(ctx, call));
};

export const sendDtmf: CallAction = (a, id, input) => {
  const b = SendDtmf.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => {
    media.sendDtmf(call, b.digits);
    ctx.store.saveCall(call);
  });
};

export const transcriptionStart: CallAction = (a, id, input) => {
  const b = TranscriptionStart.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => media.startTranscription(ctx, call, b.transcription_engine ?? 'Google'));
};

export const transcriptionStop: CallAction = (a, id, input) => {
  const b = TranscriptionStop.parse(input);
  onAnsweredCall(a, id, b, (ctx, call) => media.stopTranscription(ctx, call));
};

/** PUT /calls/{id}/actions/client_state_update: the state later webhooks of the call carry. */
export function updateClientState(a: Account, id: string, input: unknown): void {
  const b = ClientStateUpdate.parse(input);
  a.write((ctx) => {
    const call = callLeg.requireLive(callLeg.requireCall(ctx, id));
    callLeg.setClientState(call, b.client_state);
    ctx.store.saveCall(call);
  });
}

/**
 * Call actions that need real media, speech recognition or AI, or a SIP peer: routed (not a 404,
 * which the SDK raises as "call gone") and answered 422 naming the command.
 */
export const NOT_EMULATED = [
  'ai_assistant_start', 'ai_assistant_stop', 'ai_assistant_join', 'ai_assistant_add_messages',
  'streaming_start', 'streaming_stop', 'fork_start', 'fork_stop', 'siprec_start', 'siprec_stop',
  'conversation_relay_start', 'conversation_relay_stop', 'gather_using_ai', 'pay', 'refer', 'send_sip_info',
  'suppression_start', 'suppression_stop', 'switch_supervisor_role',
] as const;

const notEmulated = (name: string): CallAction => () => { throw errors.notEmulated(name); };

/** The media actions by the name in their path (spread into CALL_ACTIONS). */
export const CALL_MEDIA_ACTIONS: ReadonlyArray<readonly [string, CallAction]> = [
  ['speak', speak], ['playback_start', playbackStart], ['playback_stop', playbackStop],
  ['gather', gatherDtmf], ['gather_using_speak', gatherUsingSpeak], ['gather_using_audio', gatherUsingAudio],
  ['gather_stop', gatherStop], ['send_dtmf', sendDtmf],
  ['transcription_start', transcriptionStart], ['transcription_stop', transcriptionStop],
  ...NOT_EMULATED.map((name) => [name, notEmulated(name)] as const),
];

// the control API's view of a call's media

/** A call's speak / playback history, oldest first (GET /_mock/calls/{id}/media). */
export function callMediaHistory(a: Account, callControlId: string): CallMedia[] {
  return a.read((ctx) => {
    if (!ctx.store.call(callControlId)) throw errors.notFound('Call');
    return ctx.store.callMediaOf(callControlId);
  });
}
