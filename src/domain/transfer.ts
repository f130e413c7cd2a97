import type { CallLeg, Transfer } from '../model/entities.js';
import type { AmdMode, AmdResult } from '../../schema/enums.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { markAnswered, requireLive, setClientState } from './call-leg.js';
import { startRecording } from './recording.js';

/**
 * POST /calls/{id}/actions/transfer: a new outbound leg (B) to `to`, which fares as its number is
 * configured (control API). SDK: "If the transfer is unsuccessful, a call.hangup webhook for the
 * other call (Leg B) will be sent indicating that the transfer could not be completed. The original
 * call will remain active and may be issued additional commands."
 */
export interface TransferCall {
  to: string;
  from?: string;
  timeoutSecs?: number;
  timeLimitSecs?: number;
  amd?: AmdMode;
  webhookUrl?: string;
  /** For A's webhooks from now on ("add state to every subsequent webhook"). */
  clientState?: string;
  /** For B's webhooks ("state to every subsequent webhook for the new leg"); B has A's state otherwise. */
  targetLegClientState?: string;
  /** `record: record-from-answer`: B is recorded from its answer until it hangs up (or max length). */
  record?: { format: 'wav' | 'mp3'; channels: 'single' | 'dual'; maxLengthSecs?: number };
  /** Where the app reached the server (the recording's URLs point there unless a public URL is set). */
  origin?: string;
}

export function transfer(ctx: Ctx, a: CallLeg, t: TransferCall): CallLeg {
  requireLive(a);
  // An inbound call may be transferred before it is answered (forwarding); a dialed one must be up.
  if (a.state === 'ringing' && a.direction === 'outgoing') throw errors.callNotAnswered();
  setClientState(a, t.clientState);
  ctx.store.saveCall(a);
  // A second transfer replaces one still ringing.
  for (const pending of ctx.store.transfersFrom(a.callControlId)) cancel(ctx, pending);

  const b = ctx.calls.dial(ctx, {
    connectionId: a.connectionId,
    // "This attribute will default to the `to` number of the original call if omitted."
    from: t.from ?? a.to,
    to: t.to,
    clientState: t.targetLegClientState ?? a.clientState,
    webhookUrl: t.webhookUrl ?? a.webhookUrl,
    webhookFailoverUrl: t.webhookUrl ? null : a.webhookFailoverUrl,
    timeoutSecs: t.timeoutSecs,
    // Both legs belong to one call session ("e.g. an inbound and outbound leg of a transferred call").
    callSessionId: a.callSessionId,
  });
  const row: Transfer = {
    callControlId: b.callControlId, account: ctx.account, fromCallControlId: a.callControlId,
    amd: t.amd && t.amd !== 'disabled' ? t.amd : null, timeLimitSecs: t.timeLimitSecs ?? null, createdAt: ctx.now,
    recordFormat: t.record?.format ?? null, recordChannels: t.record?.channels ?? null,
    recordMaxLengthSecs: t.record?.maxLengthSecs ?? null, origin: t.origin ?? null,
  };
  // The far end may have answered (or refused) at once; otherwise B rings until it answers or times out.
  if (b.state === 'answered') connect(ctx, row, b);
  else if (b.state === 'ringing') ctx.store.saveTransfer(row);
  return b;
}

/** A leg answered (lifecycle.ts): if it is a transfer's B answering late, the transfer completes now. */
export function callAnswered(ctx: Ctx, b: CallLeg): void {
  const row = ctx.store.transfer(b.callControlId);
  if (row) connect(ctx, row, b);
}

/**
 * B answered: A leaves wherever it was (its queue, its conference, an earlier bridge, whose other
 * leg is hung up: no park_after_unbridge), and A and B are bridged. An unanswered inbound A is
 * answered by the bridge.
 */
function connect(ctx: Ctx, row: Transfer, b: CallLeg): void {
  ctx.store.deleteTransfer(b.callControlId);
  const a = ctx.store.call(row.fromCallControlId)!;
  ctx.calls.takeAway(ctx, a);
  if (a.state === 'ringing') markAnswered(ctx, a);
  ctx.calls.bridge(ctx, a, b);
  if (row.timeLimitSecs !== null) ctx.schedule(ctx.now + row.timeLimitSecs * 1000, 'call_time_limit', b.callControlId);
  if (row.amd) machineDetection(ctx, b, row.amd, ctx.store.number(b.to)?.amdResult ?? 'human');
  if (row.recordFormat) {
    startRecording(ctx, { callControlId: b.callControlId }, {
      format: row.recordFormat, channels: row.recordChannels ?? 'dual', maxLengthSecs: row.recordMaxLengthSecs ?? undefined,
      origin: row.origin ?? undefined,
    });
  }
}

/**
 * Answering machine detection on B, with the result configured for its number: detection ended,
 * and for a machine its greeting ended (with a beep: the simulated machine always beeps).
 */
function machineDetection(ctx: Ctx, b: CallLeg, mode: AmdMode, result: AmdResult): void {
  const emit = (type: string, r: string) => ctx.emit(type, payloads.callMachine(b, r), { call: b });
  if (mode === 'premium') {
    emit('call.machine.premium.detection.ended', result === 'human' ? 'human_residence' : result);
    if (result === 'machine') emit('call.machine.premium.greeting.ended', 'beep_detected');
    return;
  }
  emit('call.machine.detection.ended', result);
  if (result === 'machine' && mode !== 'detect') emit('call.machine.greeting.ended', mode === 'detect_beep' ? 'beep_detected' : 'ended');
}

/** A transfer still ringing is called off: B is hung up by our side. */
function cancel(ctx: Ctx, row: Transfer): void {
  ctx.store.deleteTransfer(row.callControlId);
  const b = ctx.store.call(row.callControlId);
  if (b && b.state !== 'hangup') ctx.calls.hangup(ctx, b, 'originator_cancel', 'caller');
}

/** The call is bridged elsewhere (lifecycle.ts): its transfer still ringing is called off. */
export function callBridged(ctx: Ctx, call: CallLeg): void {
  for (const row of ctx.store.transfersFrom(call.callControlId)) cancel(ctx, row);
}

/**
 * A call hung up (lifecycle.ts): if it was a B still ringing the transfer failed and A stays as it
 * was; if it was an A, the Bs still ringing for it are cancelled.
 */
export function callHungUp(ctx: Ctx, call: CallLeg): void {
  if (ctx.store.transfer(call.callControlId)) ctx.store.deleteTransfer(call.callControlId);
  for (const row of ctx.store.transfersFrom(call.callControlId)) cancel(ctx, row);
}

/** time_limit_secs passed since B answered: B hangs up with `time_limit` (and A with it, bridged). */
export function timeLimitReached(ctx: Ctx, call: CallLeg): void {
  if (call.state !== 'hangup') ctx.calls.hangup(ctx, call, 'time_limit', 'unknown');
}
