import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param, readBody, requestOrigin } from '../http/body.js';
import * as calls from '../commands/calls.js';
import { updateClientState } from '../commands/call-media.js';
import { callJson, commandOk } from '../serialize/index.js';

/** /v2/calls: decode, call one command, encode. */
export function callRoutes() {
  const app = new Hono<Env>();

  /** POST /calls: dial. Answers with `is_alive: false`: dialing is asynchronous (call.answered follows). */
  app.post('/', async (c) => {
    const account = c.get('account');
    const call = calls.dial(account, await readBody(c));
    return c.json({ data: callJson(call, account.now(), false) });
  });

  app.get('/:call_control_id', (c) => {
    const account = c.get('account');
    return c.json({ data: callJson(calls.getCall(account, param(c, 'call_control_id')), account.now()) });
  });

  // Telnyx's one PUT action (SDK: client.calls.actions.updateClientState).
  app.put('/:call_control_id/actions/client_state_update', async (c) => {
    updateClientState(c.get('account'), param(c, 'call_control_id'), await readBody(c));
    return c.json(commandOk);
  });

  app.post('/:call_control_id/actions/:action', async (c) => {
    const action = calls.CALL_ACTIONS.get(c.req.param('action'));
    if (!action) return c.notFound();
    action(c.get('account'), param(c, 'call_control_id'), await readBody(c), requestOrigin(c));
    return c.json(commandOk);
  });

  return app;
}
