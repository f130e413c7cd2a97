/**
 * Call Control operations on call legs: dial, status and the call actions. Rules are in
 * domain/lifecycle.ts, domain/call-leg.ts and domain/queue.ts.
 */
import type { CallLeg } from '../model/entities.js';
import { errors } from '../model/errors.js';
import { requireCall, requireLive } from '../domain/call-leg.js';
import * as lifecycle from '../domain/lifecycle.js';
import * as queue from '../domain/queue.js';
import { requireUsableConnection } from '../domain/provisioning.js';
import type { Ctx } from '../domain/context.js';
import type { Account } from './account.js';
import { CALL_MEDIA_ACTIONS } from './call-media.js';
import { address, body, bool, custom, int, oneOf, string } from './schema.js';
import { clientState, commandId, webhookUrl, webhookUrlMethod } from './fields.js';
import { TRANSFER_ACTIONS } from './call-transfer.js';
import { RECORDING_ACTIONS } from './recordings.js';
import { ensureRoom } from './quotas.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** `to` may be a list (simultaneous ring); the emulated far end is its first number. */
const dialTo = custom((v, name) => address({ required: true })({ [name]: Array.isArray(v) ? v[0] : v }, name));

export const Dial = body({
  connection_id: string({ required: true }),
  to: dialTo,
  // CallRequest.from: "The number should be in +E164 format." — should, not must, and the SDK types
  // it as any string; Telnyx's own Conference System Demo dials with `from: "conf"`.
  from: string({ required: true, max: 255 }),
  client_state: clientState,
  command_id: commandId,
  webhook_url: webhookUrl,
  webhook_url_method: webhookUrlMethod,
  timeout_secs: int(5, 600),
  time_limit_secs: int(30, 14_400),
});

export const Answer = body({
  client_state: clientState, command_id: commandId, webhook_url: webhookUrl, webhook_url_method: webhookUrlMethod,
});
export const Reject = body({
  cause: oneOf(['CALL_REJECTED', 'USER_BUSY'] as const, { required: true }), client_state: clientState, command_id: commandId,
});
export const Hangup = body({ client_state: clientState, command_id: commandId });
export const Bridge = body({
  queue: string(),
  call_control_id: string(),
  client_state: clientState,
  command_id: commandId,
  play_ringtone: bool(),
  prevent_double_bridge: bool(),
}, (b) => {
  // With `queue` the first call waiting there is taken; otherwise the call to bridge with is required.
  if (b.queue === undefined && b.call_control_id === undefined) throw errors.missing('call_control_id');
});

/**
 * BridgeRequest.call_control_id "can't be used together with queue parameter", yet the spec and the
 * SDK make it required (`call_control_id_to_bridge_with: string`). With `queue`, what a typed SDK
 * user can send to name no other call is accepted: nothing, "" or the bridging call's own id;
 * another call's id is refused rather than silently ignored.
 */
function requireNoCallWithQueue(b: { queue?: string; call_control_id?: string }, own: string): void {
  if (b.queue === undefined || b.call_control_id === undefined || b.call_control_id === '' || b.call_control_id === own) return;
  throw errors.invalid('call_control_id', "'call_control_id' can't be used together with 'queue'.");
}
export const Enqueue = body({
  queue_name: string({ required: true, max: 255 }),
  max_size: int(1, 5000),
  max_wait_time_secs: int(1, 14_400),
  keep_after_hangup: bool(),
  client_state: clientState,
  command_id: commandId,
});
export const LeaveQueue = body({ client_state: clientState, command_id: commandId });

/** POST /calls: dial. The far end behaves as its number is set in the control API. */
export function dial(a: Account, input: unknown): CallLeg {
  const b = Dial.parse(input);
  return a.write((ctx) => {
    requireUsableConnection(ctx, b.connection_id);
    ensureRoom(a, 'calls');
    return lifecycle.dial(ctx, {
      connectionId: b.connection_id, from: b.from, to: b.to, clientState: b.client_state,
      webhookUrl: b.webhook_url, timeoutSecs: b.timeout_secs,
    });
  }, { scope: `dial:${b.connection_id}`, commandId: b.command_id });
}

/**
 * GET /calls/{id}: the call as Telnyx reports it, hung up or not. RetrieveCallStatus documents only
 * 200 and 422: an unknown call is a 422 90015 (invalid call_control_id), as for the call actions.
 */
export function getCall(a: Account, callControlId: string): CallLeg {
  return a.read((ctx) => requireCall(ctx, callControlId));
}

// actions: POST /calls/{call_control_id}/actions/{action}

/** `origin`: where the app reached the server (recording URLs point there unless a public URL is set). */
type CallAction = (a: Account, callControlId: string, input: unknown, origin?: string) => void;

/** Runs `fn` on the call, in one transaction, once per command_id (scoped to the call). */
const onCall = (a: Account, id: string, commandId: string | undefined, fn: (ctx: Ctx, call: CallLeg) => void) =>
  a.write((ctx) => { fn(ctx, requireCall(ctx, id)); }, { scope: id, commandId });

export const answerCall: CallAction = (a, id, input) => {
  const b = Answer.parse(input);
  onCall(a, id, b.command_id, (ctx, call) => { lifecycle.answerInbound(ctx, call, b.client_state, b.webhook_url); });
};

export const rejectCall: CallAction = (a, id, input) => {
  const b = Reject.parse(input);
  onCall(a, id, b.command_id, (ctx, call) => lifecycle.rejectCall(ctx, call, b.cause, b.client_state));
};

export const hangupCall: CallAction = (a, id, input) => {
  const b = Hangup.parse(input);
  onCall(a, id, b.command_id, (ctx, call) => lifecycle.appHangup(ctx, call, b.client_state));
};

export const bridgeCall: CallAction = (a, id, input) => {
  const b = Bridge.parse(input);
  requireNoCallWithQueue(b, id);
  onCall(a, id, b.command_id, (ctx, call) => {
    requireLive(call);
    // With `queue`, the first call waiting there is taken; call_control_id is not used.
    if (b.queue !== undefined) queue.bridgeFromQueue(ctx, call, b.queue, b.client_state);
    else lifecycle.bridge(ctx, call, requireCall(ctx, b.call_control_id!), b.client_state);
  });
};

export const enqueueCall: CallAction = (a, id, input) => {
  const b = Enqueue.parse(input);
  onCall(a, id, b.command_id, (ctx, call) => {
    requireLive(call);
    queue.enqueue(ctx, call, {
      queueName: b.queue_name, maxSize: b.max_size, maxWaitTimeSecs: b.max_wait_time_secs,
      keepAfterHangup: b.keep_after_hangup, clientState: b.client_state,
    });
  });
};

export const leaveQueue: CallAction = (a, id, input) => {
  const b = LeaveQueue.parse(input);
  onCall(a, id, b.command_id, (ctx, call) => {
    requireLive(call);
    queue.leaveQueue(ctx, call, b.client_state);
  });
};

/** Every call action by the name in its path (own entries only: `constructor` is no action). */
export const CALL_ACTIONS: ReadonlyMap<string, CallAction> = new Map([
  ['answer', answerCall], ['reject', rejectCall], ['hangup', hangupCall], ['bridge', bridgeCall],
  ['enqueue', enqueueCall], ['leave_queue', leaveQueue],
  ...CALL_MEDIA_ACTIONS, ...TRANSFER_ACTIONS, ...RECORDING_ACTIONS,
]);
