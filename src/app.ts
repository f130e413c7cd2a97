import { Hono } from 'hono';
import { bearerAccount, type Env } from './http/auth.js';
import { onError, notFound } from './http/errors.js';
import type { Accounts } from './commands/account.js';
import { conferenceRoutes } from './routes/conferences.js';
import { queueRoutes } from './routes/queues.js';
import { callRoutes } from './routes/calls.js';
import { mockRoutes } from './routes/mock.js';
import { recordingRoutes } from './routes/recordings.js';
import { journalAndFaults } from './routes/journal-and-faults.js';

export interface AppDeps {
  accounts: Accounts;
  /** The webhook signing public key, shown at /_mock/webhooks/public_key. */
  publicKey: string;
}

/** The HTTP doors: /v2 (Telnyx's API) and /_mock (the control API), one onError for both. */
export function createApp(deps: AppDeps) {
  const app = new Hono<Env>();
  app.onError(onError);
  app.notFound(notFound);
  const auth = bearerAccount(deps.accounts);

  const v2 = new Hono<Env>();
  v2.use('*', auth);
  v2.use('*', journalAndFaults);
  v2.route('/conferences', conferenceRoutes());
  v2.route('/queues', queueRoutes());
  v2.route('/calls', callRoutes());
  app.route('/v2', v2);

  const mock = new Hono<Env>();
  // Health answers without a key, so orchestrators can probe it.
  mock.get('/health', (c) => c.json({ status: 'ok' }));
  // Recording files answer without a key too: apps download them like Telnyx's pre-signed URLs.
  mock.route('/recordings', recordingRoutes(deps.accounts));
  mock.use('*', auth);
  mock.route('/', mockRoutes({ publicKey: deps.publicKey }));
  app.route('/_mock', mock);
  return app;
}
