import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { fields, param, Fields } from '../http/validate.js';
import type { Engine } from '../commands/engine.js';
import type { Ctx } from '../domain/context.js';
import type { CallLeg } from '../store/repository.js';
import { errors } from '../domain/errors.js';
import * as callLeg from '../domain/call-leg.js';
import * as queue from '../domain/queue.js';
import { callJson, commandOk } from '../serialize/index.js';

type Action = (ctx: Ctx, call: CallLeg) => unknown;

/** Who hangs up when the app does: the app is the caller on dialed calls, the callee on inbound ones. */
export const appSide = (call: CallLeg) => (call.direction === 'outgoing' ? 'caller' : 'callee');

const actions: Record<string, (f: Fields) => Action> = {
  answer: (f) => {
    const clientState = f.string('client_state');
    f.string('webhook_url');
    return (ctx, call) => callLeg.answerInbound(ctx, call, clientState);
  },
  reject: (f) => {
    const cause = f.oneOf('cause', ['CALL_REJECTED', 'USER_BUSY'] as const, true);
    return (ctx, call) => {
      callLeg.requireLive(call);
      if (call.state !== 'ringing' || call.direction !== 'incoming') {
        throw errors.invalid('call_control_id', 'Only a ringing inbound call can be rejected.');
      }
      callLeg.hangupCall(ctx, call, cause === 'USER_BUSY' ? 'user_busy' : 'call_rejected', 'callee');
    };
  },
  hangup: (f) => {
    const clientState = f.string('client_state');
    return (ctx, call) => {
      callLeg.requireLive(call);
      callLeg.setClientState(call, clientState);
      callLeg.hangupCall(ctx, call, 'normal_clearing', appSide(call));
    };
  },
  bridge: (f) => {
    const queueName = f.string('queue');
    const other = queueName === undefined ? f.string('call_control_id', { required: true }) : undefined;
    const clientState = f.string('client_state');
    f.bool('play_ringtone'); f.bool('prevent_double_bridge');
    return (ctx, call) => {
      // With `queue`, the first call waiting there is taken; call_control_id is not used.
      if (queueName !== undefined) return queue.bridgeFromQueue(ctx, call, queueName, clientState);
      callLeg.bridge(ctx, call, callLeg.requireCall(ctx, other!), clientState);
    };
  },
  enqueue: (f) => {
    const e = {
      queueName: f.string('queue_name', { required: true, max: 255 }),
      maxSize: f.int('max_size', { min: 1, max: 5000 }),
      maxWaitTimeSecs: f.int('max_wait_time_secs', { min: 1, max: 14_400 }),
      keepAfterHangup: f.bool('keep_after_hangup'),
      clientState: f.string('client_state'),
    };
    return (ctx, call) => queue.enqueue(ctx, call, e);
  },
  leave_queue: (f) => {
    const clientState = f.string('client_state');
    return (ctx, call) => queue.leaveQueue(ctx, call, clientState);
  },
};

export function callRoutes(engine: Engine) {
  const app = new Hono<Env>();

  /** POST /calls: dial. Answers with `is_alive: false`: dialing is asynchronous (call.answered follows). */
  app.post('/', async (c) => {
    const account = c.get('account');
    const f = await fields(c);
    const connectionId = f.string('connection_id', { required: true });
    // `to` may be a list (simultaneous ring); the emulated far end is its first number.
    const rawTo = f.raw('to');
    const to = (Array.isArray(rawTo) ? new Fields({ to: rawTo[0] }) : f).address('to', true)!;
    const from = f.address('from', true)!;
    const dial = {
      connectionId, from, to,
      clientState: f.string('client_state'),
      webhookUrl: f.string('webhook_url'),
      timeoutSecs: f.int('timeout_secs', { min: 5, max: 600 }),
    };
    f.oneOf('webhook_url_method', ['POST', 'GET'] as const);
    f.int('time_limit_secs', { min: 30, max: 14_400 });
    const commandId = f.string('command_id');
    const call = engine.run(account, (ctx) => callLeg.dial(ctx, dial), commandId ? { scope: `dial:${connectionId}`, commandId } : undefined);
    if (!call) throw errors.invalid('command_id', 'A call was already dialed with this command_id.');
    return c.json({ data: callJson(call, engine.clock.now(account), false) });
  });

  app.get('/:call_control_id', (c) => {
    const account = c.get('account');
    const call = engine.repo.call(account, param(c, 'call_control_id'));
    if (!call) throw errors.notFound('Call');
    return c.json({ data: callJson(call, engine.clock.now(account)) });
  });

  app.post('/:call_control_id/actions/:action', async (c) => {
    const account = c.get('account');
    const parse = actions[c.req.param('action')];
    if (!parse) return c.notFound();
    const id = param(c, 'call_control_id');
    const f = await fields(c);
    const run = parse(f);
    engine.run(account, (ctx) => {
      const call = callLeg.requireCall(ctx, id);
      if (c.req.param('action') !== 'answer' && c.req.param('action') !== 'reject') callLeg.requireLive(call);
      return run(ctx, call);
    }, { scope: id, commandId: f.string('command_id') });
    return c.json(commandOk);
  });

  return app;
}
