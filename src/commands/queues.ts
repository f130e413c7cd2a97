/** Queue operations (GET/POST/DELETE /queues…); rules in domain/queue.ts. */
import type { CallLeg, Page, Paged, Queue, QueueCall } from '../model/entities.js';
import * as queue from '../domain/queue.js';
import type { Ctx } from '../domain/context.js';
import type { Account } from './account.js';
import { body, bool, int, string } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

export const CreateQueue = body({ queue_name: string({ required: true, max: 255 }), max_size: int(1, 5000) });
export const UpdateQueue = body({ max_size: int(1, 5000, { required: true }) });
export const UpdateQueueCall = body({ keep_after_hangup: bool() });

export interface QueueWithStats { queue: Queue; currentSize: number; averageWaitSecs: number }
export interface QueuedCall { queueCall: QueueCall; call: CallLeg; position: number; now: number }

const withStats = (ctx: Ctx, q: Queue): QueueWithStats => ({ queue: q, ...queue.queueStats(ctx, q) });

export function listQueues(a: Account, page: Page): Paged<QueueWithStats> {
  return a.read((ctx) => {
    const { rows, total } = ctx.store.listQueues(page);
    return { rows: rows.map((q) => withStats(ctx, q)), total };
  });
}

export function createQueue(a: Account, input: unknown): QueueWithStats {
  const b = CreateQueue.parse(input);
  return a.write((ctx) => withStats(ctx, queue.createQueue(ctx, b.queue_name, b.max_size)));
}

export function getQueue(a: Account, name: string): QueueWithStats {
  return a.read((ctx) => withStats(ctx, queue.requireQueue(ctx, name)));
}

export function updateQueue(a: Account, name: string, input: unknown): QueueWithStats {
  const b = UpdateQueue.parse(input);
  return a.write((ctx) => withStats(ctx, queue.updateQueue(ctx, queue.requireQueue(ctx, name), b.max_size)));
}

export function deleteQueue(a: Account, name: string): void {
  a.write((ctx) => queue.deleteQueue(ctx, queue.requireQueue(ctx, name)));
}

/** The calls waiting, in position order. */
export function listQueueCalls(a: Account, name: string, page: Page): Paged<QueuedCall> {
  return a.read((ctx) => {
    const calls = ctx.store.queueCalls(queue.requireQueue(ctx, name).id);
    const start = (page.number - 1) * page.size;
    const rows = calls.slice(start, start + page.size).map((qc, i) =>
      ({ queueCall: qc, call: ctx.store.call(qc.callControlId)!, position: start + i + 1, now: ctx.now }));
    return { rows, total: calls.length };
  });
}

const queueCallOf = (ctx: Ctx, name: string, callControlId: string) =>
  queue.requireQueueCall(ctx, queue.requireQueue(ctx, name), callControlId);

export function getQueueCall(a: Account, name: string, callControlId: string): QueuedCall {
  return a.read((ctx) => {
    const qc = queueCallOf(ctx, name, callControlId);
    return { queueCall: qc, call: ctx.store.call(qc.callControlId)!, position: queue.positionOf(ctx, qc), now: ctx.now };
  });
}

export function updateQueueCall(a: Account, name: string, callControlId: string, input: unknown): void {
  const b = UpdateQueueCall.parse(input);
  a.write((ctx) => { queue.updateQueueCall(ctx, queueCallOf(ctx, name, callControlId), b.keep_after_hangup); });
}

export function removeQueueCall(a: Account, name: string, callControlId: string): void {
  a.write((ctx) => queue.removeQueueCall(ctx, queueCallOf(ctx, name, callControlId)));
}
