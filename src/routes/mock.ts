import { Hono, type Context } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param, readBody, Fields } from '../http/validate.js';
import { intQuery } from '../http/paging.js';
import { DomainError, errors } from '../domain/errors.js';
import type { Control, NumberConfig } from '../control/control.js';
import { parseDurationSecs } from '../control/duration.js';
import { PatternError, faultJson, pathPattern } from '../control/faults.js';
import { callView } from '../control/views.js';
import { commandOk } from '../serialize/index.js';
import { scenarioRoutes } from './mock-scenarios.js';

/** Longest single clock move: a year, so a typo can't overflow dates. */
const MAX_ADVANCE_SECS = 366 * 86_400;
/** Longest injected delay: long enough to trip any client timeout, short enough not to wedge a test run. */
const MAX_FAULT_DELAY_MS = 120_000;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NUMBER_BEHAVIOURS = ['answer', 'busy', 'no_answer', 'reject'] as const;

/** The control API's thin HTTP adapter over Control: parse, call one method, serialize. */
export function mockRoutes(control: Control) {
  const app = new Hono<Env>();

  // callers

  app.post('/calls', async (c) => {
    const account = c.get('account');
    const f = await fields(c);
    const call = control.placeCall(account, {
      from: f.address('from', true)!,
      to: f.address('to', true)!,
      connectionId: f.string('connection_id', { required: true }),
      clientState: f.string('client_state'),
      answered: f.bool('answered'),
      webhookUrl: f.string('webhook_url'),
    });
    return c.json({ data: callView(call, control.now(account)) }, 201);
  });

  app.get('/calls/:call_control_id', (c) => {
    const account = c.get('account');
    return c.json({ data: callView(control.call(account, param(c, 'call_control_id')), control.now(account)) });
  });

  app.post('/calls/:call_control_id/hangup', (c) => {
    control.hangup(c.get('account'), param(c, 'call_control_id'));
    return c.json(commandOk);
  });

  app.post('/calls/:call_control_id/dtmf', async (c) => {
    const f = await fields(c);
    const digits = f.string('digits', { required: true, max: 128 })!;
    if (!/^[0-9A-Da-d*#]+$/.test(digits)) throw errors.invalid('digits', "The 'digits' parameter may contain only 0-9, A-D, * and #.");
    control.pressDigits(c.get('account'), param(c, 'call_control_id'), digits);
    return c.json(commandOk);
  });

  app.post('/calls/:call_control_id/speech', async (c) => {
    const f = await fields(c);
    const state = f.oneOf('state', ['started', 'stopped'] as const, true)!;
    control.speech(c.get('account'), param(c, 'call_control_id'), state);
    return c.json(commandOk);
  });

  // dialed numbers

  app.get('/numbers', (c) => c.json({ data: control.numbers(c.get('account')).map(numberJson) }));

  app.get('/numbers/:e164', (c) => {
    const e164 = e164Param(c);
    const n = control.number(c.get('account'), e164) ?? { behaviour: 'answer', answerAfterSecs: 0 };
    return c.json({ data: numberJson({ e164, ...n }) });
  });

  app.put('/numbers/:e164', async (c) => {
    const e164 = e164Param(c);
    const f = await fields(c);
    // Both spellings, so neither reader of the docs gets a 422 for their dialect.
    const key = f.raw('behaviour') === undefined && f.raw('behavior') !== undefined ? 'behavior' : 'behaviour';
    const behaviour = f.oneOf(key, NUMBER_BEHAVIOURS, true)!;
    const after = f.int('answer_after_secs', { min: 0, max: 600 });
    if (after !== undefined && behaviour !== 'answer') {
      throw errors.invalid('answer_after_secs', "'answer_after_secs' only applies when the behaviour is 'answer'.");
    }
    const n: NumberConfig = behaviour === 'answer' ? { behaviour, answerAfterSecs: after ?? 0 } : { behaviour };
    return c.json({ data: numberJson({ e164, ...control.setNumber(c.get('account'), e164, n) }) });
  });

  app.delete('/numbers/:e164', (c) => {
    control.clearNumber(c.get('account'), e164Param(c));
    return c.json(commandOk);
  });

  // time

  app.get('/clock', (c) => c.json({ data: control.clockState(c.get('account')) }));

  app.post('/clock/advance', async (c) => {
    const f = await fields(c);
    const given = f.raw('seconds') ?? f.raw('duration');
    const seconds = parseDurationSecs(given);
    if (seconds === undefined) {
      if (given === undefined) throw errors.missing('seconds');
      throw errors.invalid('seconds', "'seconds' must be a non-negative number or an ISO 8601 duration such as PT4H.");
    }
    if (seconds > MAX_ADVANCE_SECS) throw errors.outOfRange('seconds', 0, MAX_ADVANCE_SECS);
    return c.json({ data: control.advance(c.get('account'), seconds) });
  });

  app.post('/clock/freeze', (c) => c.json({ data: control.freeze(c.get('account')) }));
  app.post('/clock/unfreeze', (c) => c.json({ data: control.unfreeze(c.get('account')) }));

  // inspection

  app.get('/requests', async (c) => {
    const account = c.get('account');
    const q = (name: string) => c.req.query(name) || undefined;
    const method = q('method')?.toUpperCase();
    if (method !== undefined && !HTTP_METHODS.includes(method)) {
      throw new DomainError('unprocessable', '10032', 'Invalid enumerated value',
        `The value must be one of: ${HTTP_METHODS.join(', ')}.`, 'method');
    }
    const entries = await control.requests(account, {
      method,
      path: q('path'),
      pathPrefix: q('path_prefix'),
      status: intQuery(c, 'status', 100, 599),
      after: intQuery(c, 'after', 0, Number.MAX_SAFE_INTEGER),
      limit: intQuery(c, 'limit', 1, 1000),
    });
    return c.json({ data: entries, meta: { total: entries.length, dropped: control.journal.dropped(account) } });
  });

  app.delete('/requests', (c) => {
    control.journal.clear(c.get('account'));
    return c.json(commandOk);
  });

  // faults

  app.get('/faults', (c) => c.json({ data: control.listFaults(c.get('account')).map(faultJson) }));

  app.post('/faults', async (c) => {
    const f = await fields(c);
    const path = f.string('path', { required: true, max: 1024 })!;
    if (!path.startsWith('/') && !path.startsWith('^')) {
      throw errors.invalid('path', "'path' must be a glob starting with '/' (e.g. /v2/conferences/*/actions/mute) or a regular expression starting with '^'.");
    }
    try {
      pathPattern(path);
    } catch (err) {
      if (err instanceof PatternError) throw errors.invalid('path', `'path' is ${err.message}`);
      throw err;
    }
    const status = f.int('status', { min: 400, max: 599 });
    const delayMs = f.int('delay_ms', { min: 0, max: MAX_FAULT_DELAY_MS });
    if (status === undefined && !delayMs) throw errors.missing('status');
    const method = f.string('method')?.toUpperCase() ?? '*';
    if (method !== '*' && !HTTP_METHODS.includes(method)) throw errors.badEnum('method', ['*', ...HTTP_METHODS]);
    const fault = control.addFault(c.get('account'), {
      method,
      path,
      status,
      count: f.int('count', { min: 1, max: 10_000 }) ?? 1,
      delayMs,
      headers: stringMap(f, 'headers'),
    });
    return c.json({ data: faultJson(fault) }, 201);
  });

  app.delete('/faults', (c) => {
    control.clearFaults(c.get('account'));
    return c.json(commandOk);
  });

  app.delete('/faults/:id', (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id)) throw errors.notFound('Fault');
    control.removeFault(c.get('account'), id);
    return c.json(commandOk);
  });

  // reset

  app.post('/reset', async (c) => {
    const f = new Fields(await readBody(c));
    control.reset(f.bool('all') ? undefined : c.get('account'));
    return c.json(commandOk);
  });

  app.route('/scenarios', scenarioRoutes(control));
  return app;
}

/** The number in the path, checked like a body field so the 422 points at /e164. */
const e164Param = (c: Context) => new Fields({ e164: param(c, 'e164') }).e164('e164', true)!;

function numberJson(n: { e164: string } & NumberConfig) {
  return n.behaviour === 'answer'
    ? { e164: n.e164, behaviour: n.behaviour, answer_after_secs: n.answerAfterSecs ?? 0 }
    : { e164: n.e164, behaviour: n.behaviour };
}

/** An object of string values, such as extra response headers. */
function stringMap(f: Fields, name: string): Record<string, string> | undefined {
  const v = f.raw(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw errors.invalid(name, `'${name}' must be an object whose values are strings.`);
  }
  for (const [key, value] of Object.entries(v as Record<string, string>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw errors.invalid(name, `'${key}' is not a valid header name.`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw errors.invalid(name, `The value of '${key}' has characters a header cannot carry.`);
  }
  return v as Record<string, string>;
}
