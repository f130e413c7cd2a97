import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param, readBody } from '../http/body.js';
import { pageMeta, readPage } from '../http/paging.js';
import * as queues from '../commands/queues.js';
import { queueCallJson, queueJson } from '../serialize/index.js';

const queueData = (q: queues.QueueWithStats) => queueJson(q.queue, q);
const queueCallData = (q: queues.QueuedCall) => queueCallJson(q.queueCall, q.call, q.position, q.now);

/** /v2/queues: decode, call one command, encode. */
export function queueRoutes() {
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = queues.listQueues(c.get('account'), page);
    return c.json({ data: rows.map(queueData), meta: pageMeta(page, total) });
  });

  app.post('/', async (c) => c.json({ data: queueData(queues.createQueue(c.get('account'), await readBody(c))) }));

  app.get('/:queue_name', (c) => c.json({ data: queueData(queues.getQueue(c.get('account'), param(c, 'queue_name'))) }));

  // The SDK's queues.update is a POST to the queue's path.
  app.post('/:queue_name', async (c) =>
    c.json({ data: queueData(queues.updateQueue(c.get('account'), param(c, 'queue_name'), await readBody(c))) }));

  app.delete('/:queue_name', (c) => {
    queues.deleteQueue(c.get('account'), param(c, 'queue_name'));
    return c.body(null, 204);
  });

  app.get('/:queue_name/calls', (c) => {
    const page = readPage(c);
    const { rows, total } = queues.listQueueCalls(c.get('account'), param(c, 'queue_name'), page);
    return c.json({ data: rows.map(queueCallData), meta: pageMeta(page, total) });
  });

  app.get('/:queue_name/calls/:call_control_id', (c) => c.json({
    data: queueCallData(queues.getQueueCall(c.get('account'), param(c, 'queue_name'), param(c, 'call_control_id'))),
  }));

  app.patch('/:queue_name/calls/:call_control_id', async (c) => {
    queues.updateQueueCall(c.get('account'), param(c, 'queue_name'), param(c, 'call_control_id'), await readBody(c));
    return c.body(null, 204);
  });

  app.delete('/:queue_name/calls/:call_control_id', (c) => {
    queues.removeQueueCall(c.get('account'), param(c, 'queue_name'), param(c, 'call_control_id'));
    return c.body(null, 204);
  });

  return app;
}
