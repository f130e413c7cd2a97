import { iso } from '../clock.js';
import type { CallLeg, Conference, MediaPlayback, Recording } from '../model/entities.js';

/**
 * Webhook payloads, field for field as the SDK's webhook types (node_modules/telnyx/resources/
 * webhooks.d.ts) spell them. The envelope (record_type, id, occurred_at) is added by the command
 * layer when the event is recorded.
 */
export function callFields(call: CallLeg) {
  return {
    call_control_id: call.callControlId,
    call_leg_id: call.callLegId,
    call_session_id: call.callSessionId,
    // The SDK types client_state as an optional string: absent, not null, when the app set none.
    client_state: call.clientState ?? undefined,
    connection_id: call.connectionId,
  };
}

const endpoints = (call: CallLeg) => ({ from: call.from, to: call.to });

/**
 * call.recording.saved: the spec's and the SDK's payload name no call_control_id, format or
 * recording_id, so neither is sent; the URLs point at this server (GET /_mock/recordings/…).
 */
const callRecordingPayloads = {
  callRecordingSaved: (call: CallLeg, r: Recording, urls: RecordingUrls) => ({
    call_leg_id: call.callLegId,
    call_session_id: call.callSessionId,
    channels: r.channels,
    client_state: call.clientState ?? undefined,
    connection_id: call.connectionId,
    recording_started_at: iso(r.startedAt),
    recording_ended_at: iso(r.endedAt ?? r.startedAt),
    recording_urls: urls,
    public_recording_urls: urls,
  }),
  /** call.machine.detection.ended, .greeting.ended and their premium kinds: the same fields, each its own `result`. */
  callMachine: (call: CallLeg, result: string) => ({ ...callFields(call), ...endpoints(call), result }),
};

export const payloads = {
  // call recordings and answering machine detection (transfer.ts, recording.ts)
  ...callRecordingPayloads,
  callInitiated: (call: CallLeg) => ({
    ...callFields(call), ...endpoints(call),
    direction: call.direction,
    // Telnyx: an inbound call waits parked for the app; an outbound one is being bridged out.
    state: call.direction === 'incoming' ? 'parked' : 'bridging',
    start_time: iso(call.startTime),
    caller_id_name: call.from,
    custom_headers: [],
    sip_headers: [],
    tags: [],
  }),
  callAnswered: (call: CallLeg) => ({
    ...callFields(call), ...endpoints(call),
    start_time: iso(call.startTime),
    state: 'answered',
    custom_headers: [],
    sip_headers: [],
    tags: [],
  }),
  callHangup: (call: CallLeg) => ({
    ...callFields(call), ...endpoints(call),
    hangup_cause: call.hangupCause ?? 'normal_clearing',
    hangup_source: call.hangupSource ?? 'unknown',
    sip_hangup_cause: sipCause(call.hangupCause),
    start_time: iso(call.startTime),
    state: 'hangup',
    call_quality_stats: null,
    custom_headers: [],
    sip_headers: [],
    tags: [],
  }),
  callBridged: (call: CallLeg) => ({ ...callFields(call), ...endpoints(call) }),
  callDtmfReceived: (call: CallLeg, digit: string) => ({ ...callFields(call), ...endpoints(call), digit }),
  callGatherEnded: (call: CallLeg, digits: string, status: string) => ({
    ...callFields(call), ...endpoints(call), digits, status,
  }),
  // call-level media and transcription (src/domain/call-media.ts)
  callSpeakStarted: (call: CallLeg) => ({ ...callFields(call) }),
  callSpeakEnded: (call: CallLeg, status: string) => ({ ...callFields(call), status }),
  /** playback_content names no source: "`media_url` and `media_name` … will be empty". */
  callPlaybackStarted: (call: CallLeg, m: { mediaUrl: string | null; mediaName: string | null }, overlay: boolean) => ({
    ...callFields(call), media_url: m.mediaUrl ?? undefined, media_name: m.mediaName ?? undefined, overlay,
  }),
  callPlaybackEnded: (call: CallLeg, m: { mediaUrl: string | null; mediaName: string | null }, overlay: boolean, status: string) => ({
    ...callFields(call), media_url: m.mediaUrl ?? undefined, media_name: m.mediaName ?? undefined, overlay, status,
  }),
  callTranscription: (call: CallLeg, transcript: string, track?: 'inbound') => ({
    ...callFields(call),
    transcription_data: { transcript, confidence: 1, is_final: true, transcription_track: track },
  }),
  callEnqueued: (call: CallLeg, queue: string, position: number, avgWait: number) => ({
    ...callFields(call), queue, current_position: position, queue_avg_wait_time_secs: avgWait,
  }),
  callDequeued: (call: CallLeg, queue: string, position: number, reason: string, waitSecs: number) => ({
    ...callFields(call), queue, queue_position: position, reason, wait_time_secs: waitSecs,
  }),

  conferenceCreated: (conf: Conference, creator: CallLeg, now: number) => ({
    ...callFields(creator), client_state: conf.clientState ?? creator.clientState ?? undefined,
    conference_id: conf.id, occurred_at: iso(now),
  }),
  conferenceEnded: (conf: Conference, creator: CallLeg | undefined, now: number) => ({
    ...(creator ? callFields(creator) : {}), client_state: conf.clientState ?? creator?.clientState ?? undefined,
    conference_id: conf.id, connection_id: conf.connectionId, occurred_at: iso(now), reason: conf.endReason,
  }),
  conferenceFloorChanged: (conf: Conference, speaker: CallLeg, now: number) => ({
    ...callFields(speaker), conference_id: conf.id, occurred_at: iso(now),
  }),
  participantJoined: (conf: Conference, call: CallLeg) => ({ ...callFields(call), conference_id: conf.id }),
  participantLeft: (conf: Conference, call: CallLeg) => ({ ...callFields(call), conference_id: conf.id }),

  /** Whole-conference media: conference.playback.* / conference.speak.* */
  conferenceMedia: (conf: Conference, media: MediaPlayback, creator: CallLeg | undefined, now: number) => ({
    conference_id: conf.id,
    connection_id: conf.connectionId,
    creator_call_session_id: creator?.callSessionId,
    ...mediaSource(media),
    occurred_at: iso(now),
  }),
  /** Media targeted at some participants: conference.participant.playback.* / .speak.* */
  participantMedia: (conf: Conference, media: MediaPlayback, call: CallLeg, creator: CallLeg | undefined, now: number) => ({
    ...callFields(call),
    conference_id: conf.id,
    creator_call_session_id: creator?.callSessionId,
    ...mediaSource(media),
    occurred_at: iso(now),
  }),
  recordingSaved: (conf: Conference, creator: CallLeg | undefined, endedAt: number, clientState: string | null,
    urls: RecordingUrls) => {
    const format = (conf.recordingFormat ?? 'mp3') as 'mp3' | 'wav';
    return {
      call_control_id: creator?.callControlId,
      call_session_id: creator?.callSessionId,
      channels: conf.recordingChannels ?? 'single',
      client_state: clientState ?? conf.clientState ?? undefined,
      conference_id: conf.id,
      connection_id: conf.connectionId,
      format,
      recording_id: conf.recordingId,
      recording_started_at: iso(conf.recordingStartedAt ?? endedAt),
      recording_ended_at: iso(endedAt),
      recording_urls: urls,
      public_recording_urls: urls,
    };
  },
};

export type RecordingUrls = { mp3: string | null; wav: string | null };

/** Playback names its source (media_url or media_name, whichever was given); speak has none. */
function mediaSource(media: MediaPlayback) {
  if (media.kind !== 'playback') return {};
  return { media_url: media.mediaUrl ?? undefined, media_name: media.mediaName ?? undefined };
}

function sipCause(cause: string | null): string {
  switch (cause) {
    case 'user_busy': return '486';
    case 'call_rejected': return '603';
    case 'timeout': case 'no_answer': return '480';
    case 'originator_cancel': return '487';
    case 'not_found': return '404';
    default: return '200';
  }
}
