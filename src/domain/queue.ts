import type { CallLeg, Queue, QueueCall } from '../model/entities.js';
import type { DequeueReason } from '../../schema/enums.js';
import type { Ctx } from './context.js';
import { errors } from '../model/errors.js';
import { payloads } from './events.js';
import { requireAnswered, requireCall, setClientState } from './call-leg.js';
import { mediaLeftQueue } from './call-media.js';

/** Telnyx's default max_size for a queue (spec: CreateQueueRequest.max_size default 300). */
export const DEFAULT_MAX_SIZE = 300;
/** A queue created by enqueue is smaller by default (spec: EnqueueRequest.max_size default 100). */
export const DEFAULT_ENQUEUE_MAX_SIZE = 100;

export function requireQueue(ctx: Ctx, name: string): Queue {
  const q = ctx.store.queueByName(name);
  if (!q) throw errors.queueNotFound();
  return q;
}

export function createQueue(ctx: Ctx, name: string, maxSize?: number): Queue {
  if (ctx.store.queueByName(name)) throw errors.queueNameTaken();
  return newQueue(ctx, name, maxSize);
}

function newQueue(ctx: Ctx, name: string, maxSize?: number): Queue {
  const q: Queue = {
    id: ctx.ids.uuid(), account: ctx.account, name, maxSize: maxSize ?? DEFAULT_MAX_SIZE,
    createdAt: ctx.now, updatedAt: ctx.now,
  };
  ctx.store.saveQueue(q);
  return q;
}

export function updateQueue(ctx: Ctx, q: Queue, maxSize: number): Queue {
  q.maxSize = maxSize;
  q.updatedAt = ctx.now;
  ctx.store.saveQueue(q);
  return q;
}

export function deleteQueue(ctx: Ctx, q: Queue): void {
  if (ctx.store.queueCalls(q.id).length > 0) throw errors.queueNotEmpty();
  ctx.store.deleteQueue(q.id);
}

export const waitSecs = (qc: QueueCall, now: number) => Math.max(0, Math.floor((now - qc.enqueuedAt) / 1000));

/** current_size and average_wait_time_secs: "the average time the calls currently in the queue have spent waiting". */
export function queueStats(ctx: Ctx, q: Queue): { currentSize: number; averageWaitSecs: number } {
  // Summed in the database (each call's waitSecs), so enqueue costs the same at any depth.
  const { size, waitSecs: total } = ctx.store.queueTally(q.id, ctx.now);
  if (size === 0) return { currentSize: 0, averageWaitSecs: 0 };
  return { currentSize: size, averageWaitSecs: Math.round(total / size) };
}

/**
 * Position 1..n in arrival order; renumbered implicitly when a call leaves. Derived from `seq`
 * (the calls that arrived before, counted through an index), never by listing the queue.
 */
export function positionOf(ctx: Ctx, qc: QueueCall): number {
  return ctx.store.queuePosition(qc);
}

/** POST /calls/{id}/actions/enqueue: the queue is created if absent; a full queue refuses. */
export function enqueue(ctx: Ctx, call: CallLeg, e: {
  queueName: string; maxSize?: number; maxWaitTimeSecs?: number; keepAfterHangup?: boolean; clientState?: string;
}): QueueCall {
  requireAnswered(call);
  if (ctx.store.queueCall(call.callControlId)) throw errors.alreadyInQueue();
  // max_size only applies when the queue is created: "Can't be modified for an existing queue."
  const q = ctx.store.queueByName(e.queueName) ?? newQueue(ctx, e.queueName, e.maxSize ?? DEFAULT_ENQUEUE_MAX_SIZE);
  const waiting = ctx.store.queueTally(q.id, ctx.now).size;
  if (waiting >= q.maxSize) throw errors.queueFull(q.name, q.maxSize);
  setClientState(call, e.clientState);
  ctx.store.saveCall(call);
  const qc: QueueCall = {
    callControlId: call.callControlId,
    account: ctx.account,
    queueId: q.id,
    seq: ctx.store.nextQueueSeq(),
    enqueuedAt: ctx.now,
    maxWaitTimeSecs: e.maxWaitTimeSecs ?? null,
    keepAfterHangup: e.keepAfterHangup ?? false,
    isAlive: true,
  };
  ctx.store.saveQueueCall(qc);
  if (qc.maxWaitTimeSecs) ctx.schedule(ctx.now + qc.maxWaitTimeSecs * 1000, 'queue_timeout', call.callControlId);
  const { averageWaitSecs } = queueStats(ctx, q);
  ctx.emit('call.enqueued', payloads.callEnqueued(call, q.name, waiting + 1, averageWaitSecs), { call });
  return qc;
}

/** A call leaves its queue for `reason`: call.dequeued with the position it had and its wait. */
export function dequeue(ctx: Ctx, qc: QueueCall, call: CallLeg, reason: DequeueReason): void {
  const q = ctx.store.queueById(qc.queueId)!;
  const position = positionOf(ctx, qc);
  ctx.store.deleteQueueCall(qc.callControlId);
  ctx.store.cancelTimers(qc.callControlId, 'queue_timeout');
  ctx.emit('call.dequeued', payloads.callDequeued(call, q.name, position, reason, waitSecs(qc, ctx.now)), { call });
  // Hold music started while the call waited ends as it leaves (a hang-up has ended it already).
  mediaLeftQueue(ctx, call);
}

/** The call hung up (lifecycle.ts): it leaves its queue, unless keep_after_hangup keeps it there, inactive. */
export function callHungUp(ctx: Ctx, call: CallLeg): void {
  const queued = ctx.store.queueCall(call.callControlId);
  if (!queued?.isAlive) return;
  if (queued.keepAfterHangup) {
    queued.isAlive = false;
    ctx.store.saveQueueCall(queued);
  } else {
    dequeue(ctx, queued, call, 'hangup');
  }
}

/**
 * The call is bridged (or taken by a transfer) while it waits (lifecycle.ts): it leaves its queue
 * as one taken with `queue` does (call.dequeued, reason bridged): "Places the call into a queue,
 * where it waits until it is removed or bridged".
 */
export function callBridged(ctx: Ctx, call: CallLeg): void {
  const queued = ctx.store.queueCall(call.callControlId);
  if (queued?.isAlive) dequeue(ctx, queued, call, 'bridged');
}

export function leaveQueue(ctx: Ctx, call: CallLeg, clientState?: string): void {
  requireAnswered(call);
  const qc = ctx.store.queueCall(call.callControlId);
  if (!qc || !qc.isAlive) throw errors.notInQueue();
  setClientState(call, clientState);
  dequeue(ctx, qc, call, 'leave');
}

export function queueTimedOut(ctx: Ctx, callControlId: string): void {
  const qc = ctx.store.queueCall(callControlId);
  if (!qc || !qc.isAlive) return;
  dequeue(ctx, qc, ctx.store.call(callControlId)!, 'timeout');
}

/**
 * bridge with `queue`: takes the first live call waiting in that queue. That call leaves the queue
 * whether or not the bridge succeeds (SDK parameter docs); an empty queue is an error.
 */
export function bridgeFromQueue(ctx: Ctx, agent: CallLeg, queueName: string, clientState?: string): CallLeg {
  requireAnswered(agent);
  const q = requireQueue(ctx, queueName);
  const first = ctx.store.firstLiveQueueCall(q.id);
  if (!first) throw errors.queueEmpty(q.name);
  const caller = requireCall(ctx, first.callControlId);
  dequeue(ctx, first, caller, 'bridged');
  ctx.calls.bridge(ctx, agent, caller, clientState);
  return caller;
}

export function updateQueueCall(ctx: Ctx, qc: QueueCall, keepAfterHangup: boolean | undefined): QueueCall {
  if (keepAfterHangup !== undefined) qc.keepAfterHangup = keepAfterHangup;
  ctx.store.saveQueueCall(qc);
  return qc;
}

/** DELETE /queues/{name}/calls/{id}: removes an inactive call (one kept by keep_after_hangup). */
export function removeQueueCall(ctx: Ctx, qc: QueueCall): void {
  if (qc.isAlive) throw errors.queueCallStillActive();
  ctx.store.deleteQueueCall(qc.callControlId);
  ctx.store.cancelTimers(qc.callControlId, 'queue_timeout');
}

export function requireQueueCall(ctx: Ctx, q: Queue, callControlId: string): QueueCall {
  const qc = ctx.store.queueCall(callControlId);
  if (!qc || qc.queueId !== q.id) throw errors.queueCallNotFound();
  return qc;
}
