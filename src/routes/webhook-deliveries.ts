import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param } from '../http/body.js';
import { pageMeta, readPage } from '../http/paging.js';
import * as deliveries from '../commands/webhook-deliveries.js';

/** /v2/webhook_deliveries (SDK `client.webhookDeliveries`): decode, call one command, encode. */
export function webhookDeliveryRoutes() {
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const page = readPage(c);
    const q = (name: string) => c.req.query(name);
    const { rows, total } = deliveries.listWebhookDeliveries(c.get('account'), {
      status: q('filter[status][eq]'),
      eventType: q('filter[event_type]'),
      webhookContains: q('filter[webhook][contains]'),
      attemptsContains: q('filter[attempts][contains]'),
      startedGte: q('filter[started_at][gte]'),
      startedLte: q('filter[started_at][lte]'),
      finishedGte: q('filter[finished_at][gte]'),
      finishedLte: q('filter[finished_at][lte]'),
    }, page);
    return c.json({ data: rows, meta: pageMeta(page, total) });
  });

  app.get('/:id', (c) => c.json({ data: deliveries.getWebhookDelivery(c.get('account'), param(c, 'id')) }));

  return app;
}
