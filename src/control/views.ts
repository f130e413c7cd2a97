import { callJson } from '../serialize/index.js';
import type { CallLeg } from '../store/repository.js';

/**
 * A call as the control API shows it (HTTP and startMock alike): the Telnyx call object plus
 * what the far end knows about it: numbers, connection, state and conference.
 */
export function callView(call: CallLeg, now: number) {
  return {
    ...callJson(call, now),
    from: call.from,
    to: call.to,
    connection_id: call.connectionId,
    direction: call.direction,
    state: call.state,
    conference_id: call.conferenceId,
    bridged_to: call.bridgedTo,
    hangup_cause: call.hangupCause,
  };
}

export type CallView = ReturnType<typeof callView>;
