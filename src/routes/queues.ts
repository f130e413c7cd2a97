import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param } from '../http/validate.js';
import { pageMeta, readPage } from '../http/paging.js';
import type { Engine } from '../commands/engine.js';
import type { Ctx } from '../domain/context.js';
import type { Queue, QueueCall } from '../store/repository.js';
import * as queue from '../domain/queue.js';
import { queueCallJson, queueJson } from '../serialize/index.js';

const MAX_SIZE = { min: 1, max: 5000 };

const queueData = (ctx: Ctx, q: Queue) => queueJson(q, queue.queueStats(ctx, q));
const queueCallData = (ctx: Ctx, qc: QueueCall) =>
  queueCallJson(qc, ctx.repo.call(ctx.account, qc.callControlId)!, queue.positionOf(ctx, qc), ctx.now);

export function queueRoutes(engine: Engine) {
  const app = new Hono<Env>();
  const read = <T>(account: string, fn: (ctx: Ctx) => T): T => engine.run(account, fn)!;

  app.get('/', (c) => {
    const page = readPage(c);
    const data = read(c.get('account'), (ctx) => {
      const { rows, total } = ctx.repo.listQueues(ctx.account, page);
      return { data: rows.map((q) => queueData(ctx, q)), meta: pageMeta(page, total) };
    });
    return c.json(data);
  });

  app.post('/', async (c) => {
    const f = await fields(c);
    const name = f.string('queue_name', { required: true, max: 255 });
    const maxSize = f.int('max_size', MAX_SIZE);
    return c.json({ data: read(c.get('account'), (ctx) => queueData(ctx, queue.createQueue(ctx, name, maxSize))) });
  });

  app.get('/:queue_name', (c) =>
    c.json({ data: read(c.get('account'), (ctx) => queueData(ctx, queue.requireQueue(ctx, param(c, 'queue_name')))) }));

  // The SDK's queues.update is a POST to the queue's path.
  app.post('/:queue_name', async (c) => {
    const f = await fields(c);
    const maxSize = f.int('max_size', { ...MAX_SIZE, required: true })!;
    return c.json({ data: read(c.get('account'), (ctx) =>
      queueData(ctx, queue.updateQueue(ctx, queue.requireQueue(ctx, param(c, 'queue_name')), maxSize))) });
  });

  app.delete('/:queue_name', (c) => {
    read(c.get('account'), (ctx) => queue.deleteQueue(ctx, queue.requireQueue(ctx, param(c, 'queue_name'))));
    return c.body(null, 204);
  });

  app.get('/:queue_name/calls', (c) => {
    const page = readPage(c);
    return c.json(read(c.get('account'), (ctx) => {
      const calls = ctx.repo.queueCalls(queue.requireQueue(ctx, param(c, 'queue_name')).id);
      const start = (page.number - 1) * page.size;
      const data = calls.slice(start, start + page.size).map((qc, i) =>
        queueCallJson(qc, ctx.repo.call(ctx.account, qc.callControlId)!, start + i + 1, ctx.now));
      return { data, meta: pageMeta(page, calls.length) };
    }));
  });

  const queueCallOf = (ctx: Ctx, queueName: string, callControlId: string) =>
    queue.requireQueueCall(ctx, queue.requireQueue(ctx, queueName), callControlId);

  app.get('/:queue_name/calls/:call_control_id', (c) =>
    c.json({ data: read(c.get('account'), (ctx) =>
      queueCallData(ctx, queueCallOf(ctx, param(c, 'queue_name'), param(c, 'call_control_id')))) }));

  app.patch('/:queue_name/calls/:call_control_id', async (c) => {
    const f = await fields(c);
    const keep = f.bool('keep_after_hangup');
    read(c.get('account'), (ctx) =>
      queue.updateQueueCall(ctx, queueCallOf(ctx, param(c, 'queue_name'), param(c, 'call_control_id')), keep));
    return c.body(null, 204);
  });

  app.delete('/:queue_name/calls/:call_control_id', (c) => {
    read(c.get('account'), (ctx) =>
      queue.removeQueueCall(ctx, queueCallOf(ctx, param(c, 'queue_name'), param(c, 'call_control_id'))));
    return c.body(null, 204);
  });

  return app;
}
