import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Env } from '../http/auth.js';
import { param, readBody, readBodyText } from '../http/body.js';
import { pageMeta, readPage } from '../http/paging.js';
import { errors } from '../model/errors.js';
import * as callers from '../commands/callers.js';
import * as callMedia from '../commands/call-media.js';
import * as numbers from '../commands/numbers.js';
import * as clock from '../commands/clock.js';
import * as faults from '../commands/faults.js';
import * as requests from '../commands/requests.js';
import * as webhooks from '../commands/webhooks.js';
import { reset } from '../commands/reset.js';
import { runScenario } from '../scenario/run.js';
import { scenarioFromRequest, YAML_TYPES } from '../scenario/request.js';
import { commandOk } from '../serialize/index.js';
import { callMediaJson, callView, connectionJson, faultJson, logEntry, numberJson } from '../serialize/control.js';

const PAGE_PARAMS = ['page[number]', 'page[size]', 'page_number', 'page_size'];

/** `event_type=` or Telnyx-style `filter[event_type]=`. */
const filterParam = (c: Context, name: string) => c.req.query(name) || c.req.query(`filter[${name}]`) || undefined;

/**
 * The control API (/_mock), all of it: each route decodes, calls one command, encodes. The same
 * commands are behind startMock(), scenarios and the CLI.
 */
export function mockRoutes(deps: { publicKey: string }) {
  const app = new Hono<Env>();

  // callers

  app.post('/calls', async (c) => {
    const account = c.get('account');
    return c.json({ data: callView(callers.placeCall(account, await readBody(c)), account.now()) }, 201);
  });

  app.get('/calls/:call_control_id', (c) => {
    const account = c.get('account');
    return c.json({ data: callView(callers.farEndCall(account, param(c, 'call_control_id')), account.now()) });
  });

  app.post('/calls/:call_control_id/hangup', (c) => {
    callers.farEndHangup(c.get('account'), param(c, 'call_control_id'));
    return c.json(commandOk);
  });

  app.post('/calls/:call_control_id/dtmf', async (c) => {
    callers.pressDigits(c.get('account'), param(c, 'call_control_id'), await readBody(c));
    return c.json(commandOk);
  });

  app.post('/calls/:call_control_id/speech', async (c) => {
    callers.speech(c.get('account'), param(c, 'call_control_id'), await readBody(c));
    return c.json(commandOk);
  });

  app.post('/calls/:call_control_id/say', async (c) => {
    callers.say(c.get('account'), param(c, 'call_control_id'), await readBody(c));
    return c.json(commandOk);
  });

  app.get('/calls/:call_control_id/media', (c) =>
    c.json({ data: callMedia.callMediaHistory(c.get('account'), param(c, 'call_control_id')).map(callMediaJson) }));

  // dialed numbers

  app.get('/numbers', (c) => c.json({ data: numbers.listNumbers(c.get('account')).map(numberJson) }));
  app.get('/numbers/:e164', (c) => c.json({ data: numberJson(numbers.getNumber(c.get('account'), param(c, 'e164'))) }));
  app.put('/numbers/:e164', async (c) =>
    c.json({ data: numberJson(numbers.setNumber(c.get('account'), param(c, 'e164'), await readBody(c))) }));
  app.delete('/numbers/:e164', (c) => {
    numbers.clearNumber(c.get('account'), param(c, 'e164'));
    return c.json(commandOk);
  });

  // time

  app.get('/clock', (c) => c.json({ data: clock.clockState(c.get('account')) }));
  app.post('/clock/advance', async (c) => c.json({ data: clock.advanceClock(c.get('account'), await readBody(c)) }));
  app.post('/clock/freeze', (c) => c.json({ data: clock.freezeClock(c.get('account')) }));
  app.post('/clock/unfreeze', (c) => c.json({ data: clock.unfreezeClock(c.get('account')) }));

  // the request journal

  app.get('/requests', async (c) => {
    const account = c.get('account');
    const q = (name: string) => c.req.query(name) || undefined;
    const entries = await requests.listRequests(account, {
      method: q('method'),
      path: q('path'),
      pathPrefix: q('path_prefix'),
      status: q('status'),
      after: q('after'),
      limit: q('limit'),
    });
    return c.json({ data: entries, meta: { total: entries.length, dropped: requests.droppedRequests(account) } });
  });

  app.delete('/requests', (c) => {
    requests.clearRequests(c.get('account'));
    return c.json(commandOk);
  });

  // faults

  app.get('/faults', (c) => c.json({ data: faults.listFaults(c.get('account')).map(faultJson) }));
  app.post('/faults', async (c) => c.json({ data: faultJson(faults.addFault(c.get('account'), await readBody(c))) }, 201));
  app.delete('/faults', (c) => {
    faults.clearFaults(c.get('account'));
    return c.json(commandOk);
  });
  app.delete('/faults/:id', (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id)) throw errors.notFound('Fault');
    faults.removeFault(c.get('account'), id);
    return c.json(commandOk);
  });

  // webhooks: the delivery log, the public key, per-connection URLs

  app.get('/webhooks/public_key', (c) => c.json({ data: { public_key: deps.publicKey } }));

  app.get('/webhooks', (c) => {
    // Without page parameters the whole log comes back: it is a test's record of what was sent.
    const page = PAGE_PARAMS.some((name) => c.req.query(name) !== undefined) ? readPage(c) : undefined;
    const { rows, total } = webhooks.webhookLog(c.get('account'), {
      eventType: filterParam(c, 'event_type'),
      callControlId: filterParam(c, 'call_control_id'),
      status: filterParam(c, 'status'),
    }, page);
    const meta = page ? pageMeta(page, total) : pageMeta({ number: 1, size: Math.max(total, 1) }, total);
    return c.json({ data: rows.map(logEntry), meta });
  });

  app.delete('/webhooks', (c) => c.json({ data: { result: 'ok', deleted: webhooks.clearWebhookLog(c.get('account')) } }));

  app.get('/connections/:connection_id', (c) =>
    c.json({ data: connectionJson(webhooks.getConnection(c.get('account'), param(c, 'connection_id'))) }));
  app.put('/connections/:connection_id', async (c) =>
    c.json({ data: connectionJson(webhooks.saveConnection(c.get('account'), param(c, 'connection_id'), await readBody(c))) }));
  app.delete('/connections/:connection_id', (c) => {
    webhooks.deleteConnection(c.get('account'), param(c, 'connection_id'));
    return c.json(commandOk);
  });

  // reset

  app.post('/reset', async (c) => {
    reset(c.get('account'), await readBody(c));
    return c.json(commandOk);
  });

  // scenarios: JSON (`{"scenario": {...}, "webhook_url": ...}` or the scenario itself) or YAML
  // text with a YAML content type. With `Accept: application/x-ndjson` each step's result is
  // streamed as it finishes (the CLI's progress lines), then the summary.

  app.post('/scenarios/run', async (c) => {
    const account = c.get('account');
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const run = YAML_TYPES.includes(type)
      ? scenarioFromRequest({ yaml: await readBodyText(c), query: (name) => c.req.query(name) })
      : scenarioFromRequest({ json: await readBody(c) });
    const opts = { webhookUrl: run.webhookUrl, reset: run.reset };
    if (!(c.req.header('accept') ?? '').includes('application/x-ndjson')) {
      return c.json({ data: await runScenario(account, run.scenario, opts) });
    }
    c.header('content-type', 'application/x-ndjson');
    return stream(c, async (out) => {
      const result = await runScenario(account, run.scenario, {
        ...opts, onStep: (step) => { void out.write(`${JSON.stringify({ type: 'step', ...step })}\n`); },
      });
      await out.write(`${JSON.stringify({ type: 'result', ...result })}\n`);
    });
  });

  return app;
}
