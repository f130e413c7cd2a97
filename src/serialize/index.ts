import { iso } from '../clock.js';
import type { CallLeg, Conference, ConferenceView, Participant, Queue, QueueCall } from '../model/entities.js';

/** Row → Telnyx JSON, field names exactly as the SDK's type files spell them. */

/**
 * Conference.region is "Region where the conference is hosted", a site code (the spec's example is
 * "sv1"). The US data locality is reported as sv1; the spec gives no code for the other regions,
 * so they are reported by the name they were requested with.
 */
const REGION_SITES: Record<string, string> = { US: 'sv1' };

export function conferenceJson(c: ConferenceView) {
  return {
    record_type: 'conference' as const,
    id: c.id,
    name: c.name,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    expires_at: iso(c.expiresAt),
    status: c.status,
    region: c.region ? REGION_SITES[c.region] ?? c.region : undefined,
    connection_id: c.connectionId ?? undefined,
    end_reason: c.endReason ?? undefined,
    ended_by: c.status === 'completed'
      ? { call_control_id: c.endedByCallControlId ?? undefined, call_session_id: c.endedByCallSessionId ?? undefined }
      : undefined,
  };
}

/** `ConferenceParticipant` (GET/PATCH one participant). */
export function participantJson(p: Participant) {
  return {
    id: p.id,
    call_control_id: p.callControlId,
    call_leg_id: p.callLegId,
    conference_id: p.conferenceId,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    status: p.status,
    label: p.label ?? undefined,
    muted: p.muted,
    on_hold: p.onHold,
    end_conference_on_exit: p.endConferenceOnExit,
    soft_end_conference_on_exit: p.softEndConferenceOnExit,
    whisper_call_control_ids: p.whisperCallControlIds,
    supervisor_role: p.supervisorRole,
    beep_enabled: p.beepEnabled ?? undefined,
  };
}

/** `ConferenceListParticipantsResponse` (an entry of the participants list). */
export function participantListJson(p: Participant, conf: Conference) {
  return {
    record_type: 'participant' as const,
    id: p.id,
    call_control_id: p.callControlId,
    call_leg_id: p.callLegId,
    conference: { id: conf.id, name: conf.name },
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    status: p.status,
    muted: p.muted,
    on_hold: p.onHold,
    end_conference_on_exit: p.endConferenceOnExit,
    soft_end_conference_on_exit: p.softEndConferenceOnExit,
    whisper_call_control_ids: p.whisperCallControlIds,
    label: p.label ?? undefined,
    supervisor_role: p.supervisorRole,
  };
}

export function queueJson(q: Queue, stats: { currentSize: number; averageWaitSecs: number }) {
  return {
    record_type: 'queue' as const,
    id: q.id,
    name: q.name,
    max_size: q.maxSize,
    current_size: stats.currentSize,
    average_wait_time_secs: stats.averageWaitSecs,
    created_at: iso(q.createdAt),
    updated_at: iso(q.updatedAt),
  };
}

export function queueCallJson(qc: QueueCall, call: CallLeg, position: number, now: number) {
  return {
    record_type: 'queue_call' as const,
    call_control_id: qc.callControlId,
    call_leg_id: call.callLegId,
    call_session_id: call.callSessionId,
    connection_id: call.connectionId,
    from: call.from,
    to: call.to,
    queue_id: qc.queueId,
    queue_position: position,
    enqueued_at: iso(qc.enqueuedAt),
    wait_time_secs: Math.max(0, Math.floor((now - qc.enqueuedAt) / 1000)),
    is_alive: qc.isAlive,
  };
}

/** `CallDialResponse.Data` / `CallRetrieveStatusResponse.Data`. */
export function callJson(call: CallLeg, now: number, isAlive = call.state !== 'hangup') {
  const end = call.endTime ?? now;
  return {
    record_type: 'call' as const,
    call_control_id: call.callControlId,
    call_leg_id: call.callLegId,
    call_session_id: call.callSessionId,
    is_alive: isAlive,
    client_state: call.clientState ?? undefined,
    start_time: iso(call.startTime),
    end_time: call.endTime !== null ? iso(call.endTime) : undefined,
    call_duration: Math.max(0, Math.floor((end - (call.answeredAt ?? call.startTime)) / 1000)),
  };
}

export const commandOk = { data: { result: 'ok' } };
