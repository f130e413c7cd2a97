import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Env } from '../http/auth.js';
import type { SigningKeySource } from '../config.js';
import { param, readBody, readBodyText } from '../http/body.js';
import { pageMeta, pageOf, readControlPage } from '../http/paging.js';
import { errors } from '../model/errors.js';
import * as callers from '../commands/callers.js';
import * as callMedia from '../commands/call-media.js';
import * as numbers from '../commands/numbers.js';
import * as clock from '../commands/clock.js';
import * as faults from '../commands/faults.js';
import * as requests from '../commands/requests.js';
import * as webhooks from '../commands/webhooks.js';
import { waitFor } from '../commands/wait.js';
import { intParam } from '../commands/schema.js';
import * as connections from '../commands/connections.js';
import * as phoneNumbers from '../commands/phone-numbers.js';
import { phoneNumberJson } from '../serialize/provisioning.js';
import { reset } from '../commands/reset.js';
import { commandOk } from '../serialize/index.js';
import { requestJsonText } from '../serialize/requests.js';
import { callMediaJson, callView, clockJson, connectionJson, faultJson, foundJson, logEntry, numberJson, settingsJson } from '../serialize/control.js';

/** `event_type=` or Telnyx-style `filter[event_type]=`. */
const filterParam = (c: Context, name: string) => c.req.query(name) || c.req.query(`filter[${name}]`) || undefined;

/**
 * GET /_mock/webhooks/public_key, mounted before the bearer check (like /_mock/health): the key an
 * app verifies webhooks with, and how it was chosen (`source`), so a user can tell whether it
 * survives a restart without guessing.
 */
export function webhookPublicKeyRoutes(deps: { publicKey: string; source: SigningKeySource }) {
  const app = new Hono<Env>();
  app.get('/webhooks/public_key', (c) => c.json({ data: { public_key: deps.publicKey, source: deps.source } }));
  return app;
}

/**
 * The control API (/_mock), all of it but the public key: each route decodes, calls one command, encodes. The same
 * commands are behind startMock(), scenarios and the CLI.
 */
export function mockRoutes() {
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

  app.get('/numbers', (c) => {
    const page = readControlPage(c);
    const { rows, total } = pageOf(numbers.listNumbers(c.get('account')), page);
    return c.json({ data: rows.map(numberJson), meta: pageMeta(page, total) });
  });
  app.get('/numbers/:e164', (c) => c.json({ data: numberJson(numbers.getNumber(c.get('account'), param(c, 'e164'))) }));
  app.put('/numbers/:e164', async (c) =>
    c.json({ data: numberJson(numbers.setNumber(c.get('account'), param(c, 'e164'), await readBody(c))) }));
  app.delete('/numbers/:e164', (c) => {
    numbers.clearNumber(c.get('account'), param(c, 'e164'));
    return c.json(commandOk);
  });

  // time

  app.get('/clock', (c) => c.json({ data: clockJson(clock.clockReading(c.get('account'))) }));
  app.post('/clock/advance', async (c) => {
    const moved = await clock.advanceClock(c.get('account'), await readBody(c));
    return c.json({ data: { ...clockJson(moved), fired: moved.fired } });
  });
  app.post('/clock/freeze', (c) => c.json({ data: clockJson(clock.freezeClock(c.get('account'))) }));
  app.post('/clock/unfreeze', (c) => c.json({ data: clockJson(clock.unfreezeClock(c.get('account'))) }));

  // the request journal

  // Streamed entry by entry: a full journal (1000 requests of up to 64 KiB) is never one string.
  app.get('/requests', (c) => {
    const account = c.get('account');
    const q = (name: string) => c.req.query(name) || undefined;
    const entries = requests.listRequests(account, {
      method: q('method'),
      path: q('path'),
      pathPrefix: q('path_prefix'),
      status: q('status'),
      errors: q('errors'),
      after: q('after'),
      limit: q('limit'),
    });
    const meta = JSON.stringify({ total: entries.length, dropped: requests.droppedRequests(account) });
    const encoder = new TextEncoder();
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(out) {
        if (next < entries.length) {
          out.enqueue(encoder.encode(`${next === 0 ? '{"data":[' : ','}${requestJsonText(entries[next++])}`));
        } else {
          out.enqueue(encoder.encode(`${entries.length === 0 ? '{"data":[' : ''}],"meta":${meta}}`));
          out.close();
        }
      },
    });
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  // The journal as a recording to replay (commands/replay.ts), streamed request by request as the list is.
  app.get('/requests/export', async (c) => {
    // Loaded when first used, as the scenario runner is (below): not every start's cost.
    const replay = await import('../commands/replay.js');
    const { requests: recorded, ...head } = replay.exportReplay(c.get('account'));
    const encoder = new TextEncoder();
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(out) {
        if (next === 0) out.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)},"requests":[`));
        if (next < recorded.length) {
          out.enqueue(encoder.encode(`${next === 0 ? '' : ','}${JSON.stringify(recorded[next])}`));
          next++;
        }
        if (next >= recorded.length) {
          out.enqueue(encoder.encode(']}'));
          out.close();
        }
      },
    });
    return c.body(body, 200, { 'content-type': 'application/json', 'content-disposition': 'attachment; filename="telnyx-mock-run.json"' });
  });

  app.delete('/requests', (c) => {
    requests.clearRequests(c.get('account'));
    return c.json(commandOk);
  });

  // faults

  app.get('/faults', (c) => {
    const page = readControlPage(c);
    const { rows, total } = pageOf(faults.listFaults(c.get('account')), page);
    return c.json({ data: rows.map(faultJson), meta: pageMeta(page, total) });
  });
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

  // webhooks: the delivery log (the public key: webhookPublicKeyRoutes)

  app.get('/webhooks', (c) => {
    // Always one page (a full one by default): a log of millions of events is never one response.
    const page = readControlPage(c);
    const { rows, total } = webhooks.webhookLog(c.get('account'), {
      eventType: filterParam(c, 'event_type'),
      callControlId: filterParam(c, 'call_control_id'),
      status: filterParam(c, 'status'),
      // Only webhooks logged after this `seq` (what a wait's answer or an earlier entry gives).
      after: intParam('after', filterParam(c, 'after'), 0, Number.MAX_SAFE_INTEGER),
    }, page);
    return c.json({ data: rows.map(logEntry), meta: pageMeta(page, total) });
  });

  // A new delivery of a recorded event (same event id and data), recorded as a resend of it.
  app.post('/webhooks/:seq/resend', (c) =>
    c.json({ data: logEntry(webhooks.resendWebhook(c.get('account'), Number(c.req.param('seq')))) }, 202));

  app.delete('/webhooks', (c) => c.json({ data: { result: 'ok', deleted: webhooks.clearWebhookLog(c.get('account')) } }));

  // provisioning: the phone numbers a test gives the account, a connection's webhook URLs (its
  // Call Control application's), and the account's strictness about unknown connection_ids

  app.get('/connections/:connection_id', (c) =>
    c.json({ data: connectionJson(connections.getConnection(c.get('account'), param(c, 'connection_id'))) }));
  app.put('/connections/:connection_id', async (c) =>
    c.json({ data: connectionJson(connections.saveConnection(c.get('account'), param(c, 'connection_id'), await readBody(c))) }));
  app.delete('/connections/:connection_id', (c) => {
    connections.deleteConnection(c.get('account'), param(c, 'connection_id'));
    return c.json(commandOk);
  });
  app.post('/phone_numbers', async (c) => {
    const n = phoneNumbers.givePhoneNumber(c.get('account'), await readBody(c));
    return c.json({ data: phoneNumberJson(n.number, n.connectionName) }, 201);
  });
  app.delete('/phone_numbers/:id', (c) => {
    phoneNumbers.releasePhoneNumber(c.get('account'), param(c, 'id'));
    return c.json(commandOk);
  });
  app.get('/settings', (c) => c.json({ data: settingsJson(connections.getSettings(c.get('account'))) }));
  app.put('/settings', async (c) => c.json({ data: settingsJson(connections.setSettings(c.get('account'), await readBody(c))) }));

  // blocking waits: held until a webhook, request, call state or finished delivery matching the
  // body exists (200 with it, shaped as its list shows it) or the timeout passes (408). A client
  // that hangs up aborts the request's signal, which releases its wait.

  app.post('/wait', async (c) => {
    const account = c.get('account');
    const found = await waitFor(account, await readBody(c), { signal: c.req.raw.signal });
    return c.json({ data: foundJson(found, account.now()) });
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
    // The runner (and the YAML parser) load when the first scenario runs, not at every start.
    const [{ runScenario }, { scenarioFromRequest, YAML_TYPES }] = await Promise.all([import('../scenario/run.js'), import('../scenario/request.js')]);
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const run = YAML_TYPES.includes(type)
      ? scenarioFromRequest({ yaml: await readBodyText(c), query: (name) => c.req.query(name) })
      : scenarioFromRequest({ json: await readBody(c) });
    const opts = { webhookUrl: run.webhookUrl, reset: run.reset, setup: run.setup };
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
