/**
 * Conference and participant operations: each parses its body, checks and changes state in one
 * transaction, and returns what the door encodes. The rules are in domain/conference.ts.
 */
import {
  BEEP_SETTINGS, CONFERENCE_STATUSES, REGIONS, SPEAK_LANGUAGES, SUPERVISOR_ROLES, type ConferenceStatus,
} from '../../schema/enums.js';
import type { Conference, ConferenceView, Page, Paged, Participant } from '../model/entities.js';
import { errors } from '../model/errors.js';
import * as conference from '../domain/conference.js';
import type { Ctx } from '../domain/context.js';
import type { Account } from './account.js';
import { ensureRoom } from './quotas.js';
import { body, bool, exclusive, int, oneOf, required, string, withDefault } from './schema.js';
import {
  callControlIds, clientState, commandId, gatherDigits, gatherTimeout, GATHER_DEFAULTS, loop, minNotAboveMax, recordingFileName, region,
  sendDigits,
} from './fields.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts; shared fields: fields.ts).

// conferences

export const CreateConference = body({
  call_control_id: string({ required: true }),
  name: string({ required: true, max: 255 }),
  beep_enabled: oneOf(BEEP_SETTINGS),
  client_state: clientState,
  comfort_noise: bool(),
  command_id: commandId,
  duration_minutes: int(1, 24 * 60),
  hold_audio_url: string(),
  hold_media_name: string(),
  max_participants: int(2, 800),
  region,
  start_conference_on_create: bool(),
}, exclusive('hold_audio_url', 'hold_media_name'));

export const JoinConference = body({
  call_control_id: string({ required: true }),
  beep_enabled: oneOf(BEEP_SETTINGS),
  client_state: clientState,
  command_id: commandId,
  end_conference_on_exit: bool(),
  soft_end_conference_on_exit: bool(),
  hold: bool(),
  hold_audio_url: string(),
  hold_media_name: string(),
  mute: bool(),
  start_conference_on_enter: bool(),
  supervisor_role: oneOf(SUPERVISOR_ROLES),
  whisper_call_control_ids: callControlIds,
  label: string({ max: 255 }),
  region,
}, exclusive('hold_audio_url', 'hold_media_name'));

export const LeaveConference = body({
  call_control_id: string({ required: true }),
  beep_enabled: oneOf(BEEP_SETTINGS),
  command_id: commandId,
  region,
});

export const MuteParticipants = body({ call_control_ids: callControlIds, region });
export const HoldParticipants = body({
  call_control_ids: callControlIds, audio_url: string(), media_name: string(), region,
}, exclusive('audio_url', 'media_name'));
export const UnholdParticipants = body({ call_control_ids: required(callControlIds), region });

export const UpdateParticipantRole = body({
  call_control_id: string({ required: true }),
  supervisor_role: oneOf(SUPERVISOR_ROLES, { required: true }),
  whisper_call_control_ids: callControlIds,
  command_id: commandId,
  region,
});

export const EndConference = body({ command_id: commandId });

export const PlayToConference = body({
  audio_url: string(),
  media_name: string(),
  call_control_ids: callControlIds,
  loop,
  region,
}, exclusive('audio_url', 'media_name'), (b) => {
  if (b.audio_url === undefined && b.media_name === undefined) throw errors.missing('audio_url');
});

export const SpeakToConference = body({
  payload: string({ required: true, max: 3000 }),
  voice: string({ required: true }),
  payload_type: oneOf(['text', 'ssml'] as const),
  language: oneOf(SPEAK_LANGUAGES),
  call_control_ids: callControlIds,
  command_id: commandId,
  region,
});

export const StopConferenceMedia = body({ call_control_ids: callControlIds, region });

export const SendDtmfToConference = body({
  digits: sendDigits,
  call_control_ids: callControlIds,
  client_state: clientState,
  duration_millis: int(100, 500),
});

export const GatherUsingAudio = body({
  call_control_id: string({ required: true }),
  audio_url: string(),
  media_name: string(),
  // Filled with GATHER_DEFAULTS: the command hands the domain complete values.
  ...gatherDigits,
  timeout_millis: gatherTimeout,
  client_state: clientState,
  maximum_tries: withDefault(int(1, 100), GATHER_DEFAULTS.maximum_tries),
  // No default in ConferenceGatherUsingAudioRequest.
  initial_timeout_millis: int(1, 600_000),
  inter_digit_timeout_millis: withDefault(int(1, 600_000), GATHER_DEFAULTS.inter_digit_timeout_millis),
  stop_playback_on_dtmf: bool(),
}, exclusive('audio_url', 'media_name'), minNotAboveMax);

export const RecordStart = body({
  format: oneOf(['wav', 'mp3'] as const, { required: true }),
  channels: oneOf(['single', 'dual'] as const),
  play_beep: bool(),
  trim: oneOf(['trim-silence'] as const),
  custom_file_name: recordingFileName,
  command_id: commandId,
  region,
});
export const RecordStop = body({ client_state: clientState, recording_id: string(), command_id: commandId, region });
export const RecordPauseResume = body({ recording_id: string(), command_id: commandId, region });

export const UpdateParticipant = body({
  beep_enabled: oneOf(BEEP_SETTINGS),
  end_conference_on_exit: bool(),
  soft_end_conference_on_exit: bool(),
});

/**
 * GET /conferences (filter[name], filter[status], region). `region` is a documented query parameter
 * ("Region where the conference data is located", enum Australia|Europe|Middle East|US): checked like
 * the filters, and it lists only that region's conferences. Without it every region is listed.
 */
export function listConferences(a: Account, q: { name?: string; status?: string; region?: string; page: Page }): Paged<ConferenceView> {
  if (q.status !== undefined && !(CONFERENCE_STATUSES as readonly string[]).includes(q.status)) {
    throw errors.paramBadEnum('filter[status]', CONFERENCE_STATUSES);
  }
  if (q.region !== undefined && !(REGIONS as readonly string[]).includes(q.region)) throw errors.paramBadEnum('region', REGIONS);
  return a.read((ctx) => ctx.store.listConferences(
    { name: q.name, status: q.status as ConferenceStatus | undefined, region: q.region }, q.page));
}

/** POST /conferences: the creating call is bridged into the new conference. */
export function createConference(a: Account, input: unknown): Conference {
  const b = CreateConference.parse(input);
  return a.write((ctx) => conference.createConference(ctx, {
    callControlId: b.call_control_id, name: b.name, beepEnabled: b.beep_enabled, clientState: b.client_state,
    durationMinutes: b.duration_minutes, holdAudioUrl: b.hold_audio_url, holdMediaName: b.hold_media_name,
    maxParticipants: b.max_participants, region: b.region, startConferenceOnCreate: b.start_conference_on_create,
  }), { scope: b.call_control_id, commandId: b.command_id });
}

export function getConference(a: Account, id: string): ConferenceView {
  const conf = a.query((store) => store.conferenceView(id));
  if (!conf) throw errors.conferenceNotFound();
  return conf;
}

export function listParticipants(a: Account, id: string,
  q: { muted?: boolean; onHold?: boolean; whispering?: boolean; page: Page }): Paged<Participant> & { conference: Conference } {
  return a.read((ctx) => {
    const conf = conference.requireConference(ctx, id);
    return { conference: conf, ...ctx.store.listParticipants(conf.id, q, q.page) };
  });
}

/** A participant by participant id, call_control_id or label. */
export function getParticipant(a: Account, id: string, ref: string): Participant {
  return a.read((ctx) => conference.findParticipant(ctx, conference.requireConference(ctx, id), ref));
}

export function updateParticipant(a: Account, id: string, ref: string, input: unknown): Participant {
  const b = UpdateParticipant.parse(input);
  return a.write((ctx) => {
    const conf = conference.requireConference(ctx, id);
    return conference.updateParticipant(ctx, conference.findParticipant(ctx, conf, ref), {
      beepEnabled: b.beep_enabled, endConferenceOnExit: b.end_conference_on_exit,
      softEndConferenceOnExit: b.soft_end_conference_on_exit,
    });
  });
}

// actions: POST /conferences/{id}/actions/{action}

/** `origin`: where the app reached the server (recording URLs point there unless a public URL is set). */
type ConferenceAction = (a: Account, conferenceId: string, input: unknown, origin?: string) => void;

/** Runs `fn` on the whole conference row, in one transaction, once per command_id. */
const onConference = (a: Account, id: string, fn: (ctx: Ctx, conf: Conference) => void, scope = id, commandId?: string) =>
  a.write((ctx) => { fn(ctx, conference.requireConference(ctx, id)); }, { scope, commandId });

export const joinConference: ConferenceAction = (a, id, input) => {
  const b = JoinConference.parse(input);
  onConference(a, id, (ctx, conf) => {
    conference.join(ctx, conf, {
      callControlId: b.call_control_id, beepEnabled: b.beep_enabled, clientState: b.client_state,
      endConferenceOnExit: b.end_conference_on_exit, softEndConferenceOnExit: b.soft_end_conference_on_exit,
      hold: b.hold, mute: b.mute, startConferenceOnEnter: b.start_conference_on_enter,
      supervisorRole: b.supervisor_role, whisperCallControlIds: b.whisper_call_control_ids, label: b.label,
    });
  }, b.call_control_id, b.command_id);
};

export const leaveConference: ConferenceAction = (a, id, input) => {
  const b = LeaveConference.parse(input);
  onConference(a, id, (ctx, conf) => conference.leave(ctx, conf, b.call_control_id), b.call_control_id, b.command_id);
};

/** mute / unmute / hold / unhold need only the conference's status: the hottest actions. */
const setFlag = (schema: typeof MuteParticipants | typeof UnholdParticipants, flag: 'muted' | 'onHold', value: boolean): ConferenceAction =>
  (a, id, input) => {
    const b = schema.parse(input);
    a.write((ctx) => conference.setFlag(ctx, id, b.call_control_ids, flag, value));
  };

export const muteParticipants = setFlag(MuteParticipants, 'muted', true);
export const unmuteParticipants = setFlag(MuteParticipants, 'muted', false);
export const holdParticipants: ConferenceAction = (a, id, input) => {
  const b = HoldParticipants.parse(input);
  a.write((ctx) => conference.setFlag(ctx, id, b.call_control_ids, 'onHold', true));
};
export const unholdParticipants = setFlag(UnholdParticipants, 'onHold', false);

export const updateSupervisorRole: ConferenceAction = (a, id, input) => {
  const b = UpdateParticipantRole.parse(input);
  onConference(a, id, (ctx, conf) =>
    conference.updateSupervisorRole(ctx, conf, b.call_control_id, b.supervisor_role, b.whisper_call_control_ids), id, b.command_id);
};

export const endConference: ConferenceAction = (a, id, input) => {
  const b = EndConference.parse(input);
  onConference(a, id, (ctx, conf) => conference.endViaApi(ctx, conf), id, b.command_id);
};

export const playToConference: ConferenceAction = (a, id, input) => {
  const b = PlayToConference.parse(input);
  onConference(a, id, (ctx, conf) => {
    ensureRoom(a, 'mediaItems');
    conference.startMedia(ctx, conf, {
      kind: 'playback', callControlIds: b.call_control_ids, mediaUrl: b.audio_url, mediaName: b.media_name,
    });
  });
};

export const speakToConference: ConferenceAction = (a, id, input) => {
  const b = SpeakToConference.parse(input);
  onConference(a, id, (ctx, conf) => {
    ensureRoom(a, 'mediaItems');
    conference.startMedia(ctx, conf, { kind: 'speak', callControlIds: b.call_control_ids });
  }, id, b.command_id);
};

export const stopConferenceMedia: ConferenceAction = (a, id, input) => {
  const b = StopConferenceMedia.parse(input);
  onConference(a, id, (ctx, conf) => conference.stopMedia(ctx, conf, b.call_control_ids));
};

export const sendDtmfToConference: ConferenceAction = (a, id, input) => {
  const b = SendDtmfToConference.parse(input);
  onConference(a, id, (ctx, conf) => conference.sendDtmf(ctx, conf, b.call_control_ids));
};

export const gatherUsingAudio: ConferenceAction = (a, id, input) => {
  const b = GatherUsingAudio.parse(input);
  onConference(a, id, (ctx, conf) => conference.gatherUsingAudio(ctx, conf, {
    callControlId: b.call_control_id, minimumDigits: b.minimum_digits, maximumDigits: b.maximum_digits,
    terminatingDigit: b.terminating_digit, validDigits: b.valid_digits, timeoutMillis: b.timeout_millis,
    clientState: b.client_state,
  }));
};

export const recordStart: ConferenceAction = (a, id, input, origin) => {
  const b = RecordStart.parse(input);
  onConference(a, id, (ctx, conf) => conference.recordStart(ctx, conf, { format: b.format, channels: b.channels, origin }), id, b.command_id);
};

export const recordStop: ConferenceAction = (a, id, input) => {
  const b = RecordStop.parse(input);
  onConference(a, id, (ctx, conf) => conference.recordStop(ctx, conf, b.client_state ?? null), id, b.command_id);
};

const recordPauseResume = (to: 'paused' | 'recording'): ConferenceAction => (a, id, input) => {
  const b = RecordPauseResume.parse(input);
  onConference(a, id, (ctx, conf) => conference.recordPauseResume(ctx, conf, to), id, b.command_id);
};
export const recordPause = recordPauseResume('paused');
export const recordResume = recordPauseResume('recording');

/** Every conference action by the name in its path (own entries only: `constructor` is no action). */
export const CONFERENCE_ACTIONS: ReadonlyMap<string, ConferenceAction> = new Map([
  ['join', joinConference], ['leave', leaveConference],
  ['mute', muteParticipants], ['unmute', unmuteParticipants],
  ['hold', holdParticipants], ['unhold', unholdParticipants],
  ['update', updateSupervisorRole], ['end', endConference],
  ['play', playToConference], ['speak', speakToConference], ['stop', stopConferenceMedia],
  ['send_dtmf', sendDtmfToConference], ['gather_using_audio', gatherUsingAudio],
  ['record_start', recordStart], ['record_stop', recordStop],
  ['record_pause', recordPause], ['record_resume', recordResume],
]);
