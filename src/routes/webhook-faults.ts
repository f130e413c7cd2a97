import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { readBody } from '../http/body.js';
import { pageMeta, pageOf, readControlPage } from '../http/paging.js';
import * as webhookFaults from '../commands/webhook-faults.js';
import { commandOk } from '../serialize/index.js';
import { webhookFaultJson } from '../serialize/control.js';

/** /_mock/webhook_faults: arm, list and disarm the account's webhook faults (commands/webhook-faults.ts). */
export function webhookFaultRoutes() {
  const app = new Hono<Env>();
  app.get('/webhook_faults', (c) => {
    const page = readControlPage(c);
    const { rows, total } = pageOf(webhookFaults.listWebhookFaults(c.get('account')), page);
    return c.json({ data: rows.map(webhookFaultJson), meta: pageMeta(page, total) });
  });
  app.post('/webhook_faults', async (c) =>
    c.json({ data: webhookFaultJson(webhookFaults.addWebhookFault(c.get('account'), await readBody(c))) }, 201));
  app.delete('/webhook_faults', (c) => {
    webhookFaults.clearWebhookFaults(c.get('account'));
    return c.json(commandOk);
  });
  app.delete('/webhook_faults/:id', (c) => {
    webhookFaults.removeWebhookFault(c.get('account'), Number(c.req.param('id')));
    return c.json(commandOk);
  });
  return app;
}
