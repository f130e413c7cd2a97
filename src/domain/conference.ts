import type { CallLeg, Conference, MediaPlayback, Participant } from '../model/entities.js';
import type { BeepEnabled, EndReason, SupervisorRole } from '../../schema/enums.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { requireAnswered, requireCall, setClientState } from './call-leg.js';
import { startGather } from './gather.js';
import { finishRecording, pauseRecording, recordingUrls, resumeRecording, startRecording } from './recording.js';

/** Conferences last 4 hours unless `duration_minutes` says otherwise (Telnyx docs). */
export const DEFAULT_DURATION_MINUTES = 240;

/** CreateConferenceRequest.max_participants: "Must be between 2 and 800. Defaults to 250". */
export const DEFAULT_MAX_PARTICIPANTS = 250;

/**
 * CreateConferenceRequest.region: "Defaults to the region defined in user's data locality settings
 * (Europe or US)". An emulated account's data locality is the US.
 */
export const DEFAULT_REGION = 'US';

/**
 * The call as conferencing webhooks show it. CreateConferenceRequest.client_state "will be used for
 * all webhooks related to the created conference"; JoinConferenceRequest.client_state "will not
 * affect conferencing webhooks unless the participient is the owner of the conference". So the
 * owner's (creator's) webhooks carry its call's state, everyone else's the conference's.
 */
function seenByConference(conf: Conference, call: CallLeg): CallLeg {
  return conf.creatorCallControlId === call.callControlId ? call : { ...call, clientState: conf.clientState };
}

export interface CreateConference {
  callControlId: string;
  name: string;
  beepEnabled?: BeepEnabled;
  clientState?: string;
  durationMinutes?: number;
  holdAudioUrl?: string;
  holdMediaName?: string;
  maxParticipants?: number;
  region?: string;
  startConferenceOnCreate?: boolean;
}

export interface JoinConference {
  callControlId: string;
  beepEnabled?: BeepEnabled;
  clientState?: string;
  endConferenceOnExit?: boolean;
  softEndConferenceOnExit?: boolean;
  hold?: boolean;
  mute?: boolean;
  startConferenceOnEnter?: boolean;
  supervisorRole?: SupervisorRole;
  whisperCallControlIds?: string[];
  label?: string;
}

export function requireConference(ctx: Ctx, id: string): Conference {
  const conf = ctx.store.conference(id);
  if (!conf) throw errors.conferenceNotFound();
  return conf;
}

export function requireActive<C extends Pick<Conference, 'id' | 'status'>>(conf: C): C {
  if (conf.status === 'completed') throw errors.conferenceEnded();
  return conf;
}

function requireFreeCall(ctx: Ctx, call: CallLeg): void {
  requireAnswered(call);
  if (ctx.store.participantOfCall(call.callControlId)) throw errors.alreadyInConference();
}

/** POST /conferences: the creating call is bridged into the new conference. */
export function createConference(ctx: Ctx, c: CreateConference): Conference {
  const call = requireCall(ctx, c.callControlId);
  requireFreeCall(ctx, call);
  if (ctx.store.activeConferenceByName(c.name)) throw errors.conferenceNameTaken();
  const startNow = c.startConferenceOnCreate ?? true;
  const conf: Conference = {
    id: ctx.ids.uuid(),
    account: ctx.account,
    name: c.name,
    status: startNow ? 'in_progress' : 'init',
    region: c.region ?? DEFAULT_REGION,
    connectionId: call.connectionId,
    creatorCallControlId: call.callControlId,
    clientState: c.clientState ?? null,
    beepEnabled: c.beepEnabled ?? null,
    maxParticipants: c.maxParticipants ?? DEFAULT_MAX_PARTICIPANTS,
    holdAudioUrl: startNow ? null : c.holdAudioUrl ?? null,
    holdMediaName: startNow ? null : c.holdMediaName ?? null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    expiresAt: ctx.now + (c.durationMinutes ?? DEFAULT_DURATION_MINUTES) * 60_000,
    endedAt: null,
    endReason: null,
    endedByCallControlId: null,
    endedByCallSessionId: null,
    recordingId: null,
    recordingState: null,
    recordingFormat: null,
    recordingChannels: null,
    recordingStartedAt: null,
    floorCallControlId: null,
  };
  ctx.store.saveConference(conf);
  ctx.schedule(conf.expiresAt, 'conference_expiry', conf.id);
  setClientState(call, c.clientState);
  ctx.emit('conference.created', payloads.conferenceCreated(conf, call, ctx.now), { call, conferenceId: conf.id });
  addParticipant(ctx, conf, call, { callControlId: call.callControlId, beepEnabled: c.beepEnabled });
  return conf;
}

/** POST /conferences/{id}/actions/join. A join beyond max_participants fails and changes nothing. */
export function join(ctx: Ctx, conf: Conference, j: JoinConference): Participant {
  requireActive(conf);
  const call = requireCall(ctx, j.callControlId);
  requireFreeCall(ctx, call);
  // Counted in SQL: loading every participant made each join cost O(n) rows mapped.
  if (conf.maxParticipants !== null && ctx.store.countActiveParticipants(conf.id) >= conf.maxParticipants) {
    throw errors.conferenceFull(conf.maxParticipants);
  }
  setClientState(call, j.clientState);
  // The owner's new state is the conference's from now on (see seenByConference).
  if (j.clientState !== undefined && call.callControlId === conf.creatorCallControlId) {
    conf.clientState = j.clientState;
    ctx.store.saveConference(conf);
  }
  if (conf.status === 'init' && j.startConferenceOnEnter) {
    conf.status = 'in_progress';
    conf.updatedAt = ctx.now;
    ctx.store.saveConference(conf);
    // Those waiting were held only "until it starts" (start_conference_on_create: false).
    ctx.store.setFlagForAll(conf.id, 'onHold', false, ctx.now);
  }
  return addParticipant(ctx, conf, call, j);
}

function addParticipant(ctx: Ctx, conf: Conference, call: CallLeg, j: JoinConference): Participant {
  const role = j.supervisorRole ?? 'none';
  const participant: Participant = {
    id: ctx.ids.uuid(),
    account: ctx.account,
    conferenceId: conf.id,
    callControlId: call.callControlId,
    callLegId: call.callLegId,
    callSessionId: call.callSessionId,
    label: j.label ?? null,
    status: 'joined',
    muted: j.mute ?? false,
    // CreateConferenceRequest.start_conference_on_create: "If the conference isn't started all
    // participants that join are automatically put on hold."; JoinConferenceRequest.hold: "Whether
    // the participant should be put on hold immediately after joining the conference."
    onHold: conf.status === 'init' || (j.hold ?? false),
    supervisorRole: role,
    whisperCallControlIds: role === 'whisper' ? j.whisperCallControlIds ?? [] : [],
    endConferenceOnExit: j.endConferenceOnExit ?? false,
    softEndConferenceOnExit: j.softEndConferenceOnExit ?? false,
    beepEnabled: j.beepEnabled ?? conf.beepEnabled ?? null,
    clientState: call.clientState,
    seq: ctx.store.nextParticipantSeq(conf.id),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.store.saveParticipant(participant);
  call.conferenceId = conf.id;
  ctx.store.saveCall(call);
  ctx.emit('conference.participant.joined', payloads.participantJoined(conf, seenByConference(conf, call)), { call, conferenceId: conf.id });
  return participant;
}

/** POST /conferences/{id}/actions/leave: the call leaves but stays alive (parked). */
export function leave(ctx: Ctx, conf: Conference, callControlId: string): void {
  requireActive(conf);
  const call = requireCall(ctx, callControlId);
  const participant = ctx.store.participantOfCall(callControlId);
  if (!participant || participant.conferenceId !== conf.id) throw errors.notInConference();
  participantLeaves(ctx, participant, call);
}

/**
 * The call's participant, if it is one, leaves (the call hung up, or a transfer took it away):
 * the lifecycle's reaction (lifecycle.ts).
 */
export function callLeaves(ctx: Ctx, call: CallLeg): void {
  const participant = ctx.store.participantOfCall(call.callControlId);
  if (participant) participantLeaves(ctx, participant, call);
}

/**
 * What happens when a participant leaves, in one place, whatever the cause (leave, hangup):
 * participant.left, then the conference may end: `end_conference_on_exit` ends it and hangs up
 * the others (host_left), `soft_end_conference_on_exit` ends it leaving the others' calls alive,
 * and the last one out ends it (all_left).
 */
export function participantLeaves(ctx: Ctx, participant: Participant, call: CallLeg): void {
  const conf = ctx.store.conference(participant.conferenceId)!;
  markLeft(ctx, conf, participant, call);
  if (conf.status === 'completed') return;
  if (participant.endConferenceOnExit) {
    endConference(ctx, conf, 'host_left', { hangUpOthers: true, endedBy: call });
  } else if (participant.softEndConferenceOnExit) {
    endConference(ctx, conf, 'host_left', { hangUpOthers: false, endedBy: call });
  } else if (ctx.store.countActiveParticipants(conf.id) === 0) {
    endConference(ctx, conf, 'all_left', { hangUpOthers: false });
  } else if (conf.floorCallControlId === call.callControlId) {
    conf.floorCallControlId = null;
    ctx.store.saveConference(conf);
  }
}

function markLeft(ctx: Ctx, conf: Conference, participant: Participant, call: CallLeg) {
  participant.status = 'left';
  participant.updatedAt = ctx.now;
  ctx.store.saveParticipant(participant);
  call.conferenceId = null;
  if (call.pendingGather?.conferenceId === conf.id) call.pendingGather = null;
  ctx.store.saveCall(call);
  ctx.emit('conference.participant.left', payloads.participantLeft(conf, seenByConference(conf, call)), { call, conferenceId: conf.id });
}

/**
 * Ends a conference: media stops, a recording is saved, the remaining participants leave (and are
 * hung up unless it is a soft end), then conference.ended.
 */
export function endConference(ctx: Ctx, conf: Conference, reason: EndReason,
  opts: { hangUpOthers: boolean; endedBy?: CallLeg }): void {
  if (conf.status === 'completed') return;
  conf.status = 'completed';
  conf.endReason = reason;
  conf.endedAt = ctx.now;
  conf.updatedAt = ctx.now;
  conf.endedByCallControlId = opts.endedBy?.callControlId ?? null;
  conf.endedByCallSessionId = opts.endedBy?.callSessionId ?? null;
  conf.floorCallControlId = null;
  ctx.store.cancelTimers(conf.id);
  const creator = ctx.store.call(conf.creatorCallControlId);
  for (const media of ctx.store.mediaOf(conf.id)) finishMedia(ctx, conf, media);
  if (conf.recordingState && conf.recordingState !== 'stopped') saveRecording(ctx, conf, creator, null);
  ctx.store.saveConference(conf);

  const remaining = ctx.store.activeParticipants(conf.id);
  const calls = new Map(ctx.store.callsByIds(remaining.map((p) => p.callControlId))
    .map((c) => [c.callControlId, c]));
  for (const participant of remaining) {
    const call = calls.get(participant.callControlId)!;
    markLeft(ctx, conf, participant, call);
    if (opts.hangUpOthers) ctx.calls.hangup(ctx, call, 'normal_clearing', 'unknown');
  }
  ctx.emit('conference.ended', payloads.conferenceEnded(conf, creator, ctx.now),
    { call: creator, conferenceId: conf.id });
}

/** POST /conferences/{id}/actions/end: the others are hung up (ended_via_api). */
export function endViaApi(ctx: Ctx, conf: Conference): void {
  requireActive(conf);
  endConference(ctx, conf, 'ended_via_api', { hangUpOthers: true });
}

export function conferenceExpired(ctx: Ctx, conf: Conference): void {
  if (conf.status !== 'completed') endConference(ctx, conf, 'time_exceeded', { hangUpOthers: true });
}

/**
 * The one participant an action names by its `call_control_id` (update, gather_using_audio): a call
 * not in the conference is 90015 pointing at that field.
 */
function participantNamed(ctx: Ctx, conf: Pick<Conference, 'id'>, callControlId: string): Participant {
  const p = ctx.store.participantOfCall(callControlId);
  if (!p || p.conferenceId !== conf.id) throw errors.notInConference('/call_control_id');
  return p;
}

/** The participants an action targets: empty or missing call_control_ids means every participant. */
export function targets(ctx: Ctx, conf: Pick<Conference, 'id'>, callControlIds: string[] | undefined): Participant[] {
  const active = ctx.store.activeParticipants(conf.id);
  if (!callControlIds || callControlIds.length === 0) return active;
  return callControlIds.map((id, i) => {
    const p = active.find((a) => a.callControlId === id);
    if (!p) throw errors.notInConference(`/call_control_ids/${i}`);
    return p;
  });
}

type Flag = 'muted' | 'onHold';
/**
 * mute / unmute / hold / unhold. Takes the conference id: these are the hottest actions, and they
 * need only the conference's status, not its whole row.
 */
export function setFlag(ctx: Ctx, conferenceId: string, callControlIds: string[] | undefined, flag: Flag, value: boolean): void {
  const status = ctx.store.conferenceStatus(conferenceId);
  if (!status) throw errors.conferenceNotFound();
  const conf = requireActive(status);
  if (!callControlIds || callControlIds.length === 0) {
    // Everyone: one statement (mute-all is the hot path of a moderated call).
    ctx.store.setFlagForAll(conf.id, flag, value, ctx.now);
    return;
  }
  for (const p of targets(ctx, conf, callControlIds)) {
    if (p[flag] === value) continue;
    p[flag] = value;
    p.updatedAt = ctx.now;
    ctx.store.saveParticipant(p);
  }
}

/** POST /conferences/{id}/actions/update: change a participant's supervisor role. */
export function updateSupervisorRole(ctx: Ctx, conf: Conference, callControlId: string, role: SupervisorRole,
  whisperTo: string[] | undefined): void {
  requireActive(conf);
  const p = participantNamed(ctx, conf, callControlId);
  p.supervisorRole = role;
  p.whisperCallControlIds = role === 'whisper' ? whisperTo ?? [] : [];
  p.updatedAt = ctx.now;
  ctx.store.saveParticipant(p);
}

/** GET/PATCH participant by participant id, call_control_id or label. */
export function findParticipant(ctx: Ctx, conf: Conference, ref: string): Participant {
  const all = ctx.store.participants(conf.id);
  // Prefer the current (not left) participant when a call joined more than once.
  const byPriority = [...all].sort((a, b) => Number(a.status === 'left') - Number(b.status === 'left') || b.seq - a.seq);
  const p = byPriority.find((x) => x.id === ref)
    ?? byPriority.find((x) => x.callControlId === ref)
    ?? byPriority.find((x) => x.label === ref);
  if (!p) throw errors.participantNotFound();
  return p;
}

export function updateParticipant(ctx: Ctx, p: Participant,
  u: { beepEnabled?: BeepEnabled; endConferenceOnExit?: boolean; softEndConferenceOnExit?: boolean }): Participant {
  if (u.beepEnabled !== undefined) p.beepEnabled = u.beepEnabled;
  if (u.endConferenceOnExit !== undefined) p.endConferenceOnExit = u.endConferenceOnExit;
  if (u.softEndConferenceOnExit !== undefined) p.softEndConferenceOnExit = u.softEndConferenceOnExit;
  p.updatedAt = ctx.now;
  ctx.store.saveParticipant(p);
  return p;
}

// Media: play and speak last a simulated duration on the account's clock, or until stop.

export function startMedia(ctx: Ctx, conf: Conference, m: {
  kind: MediaPlayback['kind']; callControlIds?: string[]; mediaUrl?: string; mediaName?: string;
}): void {
  requireActive(conf);
  const targeted = m.callControlIds && m.callControlIds.length > 0 ? targets(ctx, conf, m.callControlIds) : null;
  const media: MediaPlayback = {
    id: ctx.ids.uuid(),
    account: ctx.account,
    conferenceId: conf.id,
    kind: m.kind,
    callControlIds: targeted ? targeted.map((p) => p.callControlId) : null,
    mediaUrl: m.mediaUrl ?? null,
    mediaName: m.mediaName ?? null,
    startedAt: ctx.now,
    endsAt: ctx.now + ctx.settings.mediaDurationSecs * 1000,
  };
  ctx.store.saveMedia(media);
  ctx.schedule(media.endsAt, 'media_end', media.id);
  emitMedia(ctx, conf, media, 'started');
}

/** POST stop: ends media playing to the given participants (or all media). */
export function stopMedia(ctx: Ctx, conf: Conference, callControlIds: string[] | undefined): void {
  requireActive(conf);
  const only = callControlIds && callControlIds.length > 0 ? new Set(callControlIds) : null;
  for (const media of ctx.store.mediaOf(conf.id)) {
    if (only && !(media.callControlIds ?? []).some((id) => only.has(id))) continue;
    finishMedia(ctx, conf, media);
  }
}

export function mediaEnded(ctx: Ctx, mediaId: string): void {
  const media = ctx.store.media(mediaId);
  if (!media) return;
  const conf = ctx.store.conference(media.conferenceId)!;
  finishMedia(ctx, conf, media);
}

function finishMedia(ctx: Ctx, conf: Conference, media: MediaPlayback) {
  ctx.store.deleteMedia(media.id);
  ctx.store.cancelTimers(media.id, 'media_end');
  emitMedia(ctx, conf, media, 'ended');
}

function emitMedia(ctx: Ctx, conf: Conference, media: MediaPlayback, phase: 'started' | 'ended') {
  const creator = ctx.store.call(conf.creatorCallControlId);
  if (!media.callControlIds) {
    ctx.emit(`conference.${media.kind}.${phase}`, payloads.conferenceMedia(conf, media, creator, ctx.now),
      { conferenceId: conf.id });
    return;
  }
  for (const call of ctx.store.callsByIds(media.callControlIds)) {
    ctx.emit(`conference.participant.${media.kind}.${phase}`,
      payloads.participantMedia(conf, media, seenByConference(conf, call), creator, ctx.now), { call, conferenceId: conf.id });
  }
}

/** POST send_dtmf: the digits go to the targeted participants (nothing is recorded of them). */
export function sendDtmf(ctx: Ctx, conf: Conference, callControlIds: string[] | undefined): void {
  requireActive(conf);
  targets(ctx, conf, callControlIds);
}

// Recording

export function recordStart(ctx: Ctx, conf: Conference, r: { format: 'wav' | 'mp3'; channels?: 'single' | 'dual'; origin?: string }): void {
  requireActive(conf);
  if (conf.recordingState === 'recording' || conf.recordingState === 'paused') throw errors.recordingAlreadyActive();
  // The recording's file is served like a call's (domain/recording.ts); its state stays on the conference.
  conf.recordingId = startRecording(ctx, { conferenceId: conf.id },
    { format: r.format, channels: r.channels ?? 'single', origin: r.origin }).id;
  conf.recordingState = 'recording';
  conf.recordingFormat = r.format;
  conf.recordingChannels = r.channels ?? 'single';
  conf.recordingStartedAt = ctx.now;
  conf.updatedAt = ctx.now;
  ctx.store.saveConference(conf);
}

export function recordPauseResume(ctx: Ctx, conf: Conference, to: 'paused' | 'recording'): void {
  requireActive(conf);
  if (!conf.recordingState || conf.recordingState === 'stopped') throw errors.recordingNotActive();
  conf.recordingState = to;
  conf.updatedAt = ctx.now;
  ctx.store.saveConference(conf);
  const rec = conf.recordingId ? ctx.store.recording(conf.recordingId) : undefined;
  if (rec) (to === 'paused' ? pauseRecording : resumeRecording)(ctx, rec);
}

export function recordStop(ctx: Ctx, conf: Conference, clientState: string | null): void {
  requireActive(conf);
  if (!conf.recordingState || conf.recordingState === 'stopped') throw errors.recordingNotActive();
  saveRecording(ctx, conf, ctx.store.call(conf.creatorCallControlId), clientState);
  ctx.store.saveConference(conf);
}

function saveRecording(ctx: Ctx, conf: Conference, creator: CallLeg | undefined, clientState: string | null) {
  conf.recordingState = 'stopped';
  conf.updatedAt = ctx.now;
  const rec = conf.recordingId ? ctx.store.recording(conf.recordingId) : undefined;
  const urls = rec ? recordingUrls(finishRecording(ctx, rec)) : { mp3: null, wav: null };
  ctx.emit('conference.recording.saved', payloads.recordingSaved(conf, creator, ctx.now, clientState, urls),
    { call: creator, conferenceId: conf.id });
}

/**
 * gather_using_audio: the participant's next digits complete it (see caller.ts pressDigits). The
 * rules come complete: the body fills in the spec's defaults (commands/fields.ts GATHER_DEFAULTS).
 */
export function gatherUsingAudio(ctx: Ctx, conf: Conference, g: {
  callControlId: string; minimumDigits: number; maximumDigits: number; terminatingDigit: string;
  validDigits: string; timeoutMillis: number; clientState?: string;
}): void {
  requireActive(conf);
  const p = participantNamed(ctx, conf, g.callControlId);
  const call = requireCall(ctx, p.callControlId);
  startGather(ctx, call, {
    conferenceId: conf.id,
    minimumDigits: g.minimumDigits,
    maximumDigits: g.maximumDigits,
    terminatingDigit: g.terminatingDigit,
    validDigits: g.validDigits,
    clientState: g.clientState ?? null,
  }, g.timeoutMillis);
}

/** A participant starts speaking (control API): conference.floor.changed when the floor moves. */
export function speechStarted(ctx: Ctx, call: CallLeg): void {
  const p = ctx.store.participantOfCall(call.callControlId);
  if (!p) throw errors.speechWithoutConference();
  const conf = requireActive(ctx.store.conference(p.conferenceId)!);
  if (conf.floorCallControlId === call.callControlId) return;
  conf.floorCallControlId = call.callControlId;
  ctx.store.saveConference(conf);
  ctx.emit('conference.floor.changed', payloads.conferenceFloorChanged(conf, seenByConference(conf, call), ctx.now), { call, conferenceId: conf.id });
}

export function speechStopped(ctx: Ctx, call: CallLeg): void {
  const p = ctx.store.participantOfCall(call.callControlId);
  if (!p) throw errors.speechWithoutConference();
  const conf = ctx.store.conference(p.conferenceId)!;
  if (conf.floorCallControlId !== call.callControlId) return;
  conf.floorCallControlId = null;
  ctx.store.saveConference(conf);
}
