import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param } from '../http/validate.js';
import { errors } from '../domain/errors.js';
import type { Control } from '../control/control.js';
import { parseDurationSecs } from '../control/duration.js';
import { callJson } from '../serialize/index.js';

/** Longest single clock move: a year, so a typo can't overflow dates. */
const MAX_ADVANCE_SECS = 366 * 86_400;

/** The control API's thin HTTP adapter over Control: callers and time. */
export function mockRoutes(control: Control) {
  const app = new Hono<Env>();
  const now = (account: string) => control.engine.clock.now(account);

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
    return c.json({ data: { ...callJson(call, now(account)), from: call.from, to: call.to, connection_id: call.connectionId, state: call.state } }, 201);
  });

  app.get('/calls/:call_control_id', (c) => {
    const account = c.get('account');
    const call = control.call(account, param(c, 'call_control_id'));
    return c.json({ data: { ...callJson(call, now(account)), from: call.from, to: call.to, connection_id: call.connectionId, state: call.state, conference_id: call.conferenceId } });
  });

  app.post('/calls/:call_control_id/hangup', (c) => {
    control.hangup(c.get('account'), param(c, 'call_control_id'));
    return c.json({ data: { result: 'ok' } });
  });

  app.post('/calls/:call_control_id/dtmf', async (c) => {
    const f = await fields(c);
    const digits = f.string('digits', { required: true, max: 128 })!;
    if (!/^[0-9A-Da-d*#]+$/.test(digits)) throw errors.invalid('digits', "The 'digits' parameter may contain only 0-9, A-D, * and #.");
    control.pressDigits(c.get('account'), param(c, 'call_control_id'), digits);
    return c.json({ data: { result: 'ok' } });
  });

  app.post('/calls/:call_control_id/speech', async (c) => {
    const f = await fields(c);
    const state = f.oneOf('state', ['started', 'stopped'] as const, true)!;
    control.speech(c.get('account'), param(c, 'call_control_id'), state);
    return c.json({ data: { result: 'ok' } });
  });

  app.get('/clock', (c) => c.json({ data: control.clockState(c.get('account')) }));

  app.post('/clock/advance', async (c) => {
    const f = await fields(c);
    const seconds = parseDurationSecs(f.raw('seconds') ?? f.raw('duration'));
    if (seconds === undefined) {
      if (f.raw('seconds') === undefined && f.raw('duration') === undefined) throw errors.missing('seconds');
      throw errors.invalid('seconds', "'seconds' must be a non-negative number or an ISO 8601 duration such as PT4H.");
    }
    if (seconds > MAX_ADVANCE_SECS) throw errors.outOfRange('seconds', 0, MAX_ADVANCE_SECS);
    return c.json({ data: control.advance(c.get('account'), seconds) });
  });

  app.post('/clock/freeze', (c) => c.json({ data: control.freeze(c.get('account')) }));
  app.post('/clock/unfreeze', (c) => c.json({ data: control.unfreeze(c.get('account')) }));

  app.post('/reset', (c) => {
    control.reset(c.get('account'));
    return c.json({ data: { result: 'ok' } });
  });

  return app;
}
