import { Hono, type MiddlewareHandler } from 'hono';
import { bearerAccount, type Env } from './http/auth.js';
import { onError, notFound } from './http/errors.js';
import type { Engine } from './commands/engine.js';
import { conferenceRoutes } from './routes/conferences.js';
import { queueRoutes } from './routes/queues.js';
import { callRoutes } from './routes/calls.js';

export interface AppDeps {
  engine: Engine;
  /** Route groups mounted under /_mock (the control API), behind the same bearer auth. */
  mock?: Hono<Env>[];
  /** Middleware run on /v2 before the routes (request journal, injected faults). */
  v2Middleware?: MiddlewareHandler<Env>[];
}

export function createApp(deps: AppDeps) {
  const app = new Hono<Env>();
  app.onError(onError);
  app.notFound(notFound);

  const v2 = new Hono<Env>();
  v2.use('*', bearerAccount);
  for (const mw of deps.v2Middleware ?? []) v2.use('*', mw);
  v2.route('/conferences', conferenceRoutes(deps.engine));
  v2.route('/queues', queueRoutes(deps.engine));
  v2.route('/calls', callRoutes(deps.engine));
  app.route('/v2', v2);

  const mock = new Hono<Env>();
  // Health answers without a key, so orchestrators can probe it.
  mock.get('/health', (c) => c.json({ status: 'ok' }));
  mock.use('*', bearerAccount);
  for (const group of deps.mock ?? []) mock.route('/', group);
  app.route('/_mock', mock);
  return app;
}
