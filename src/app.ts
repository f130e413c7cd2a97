import { Hono } from 'hono';
import { bearerAccount, type Env } from './http/auth.js';
import { onError, notFound } from './http/errors.js';
import { KnownRoutes } from './http/route-hints.js';
import { hostCheck } from './http/host.js';
import type { Accounts } from './commands/account.js';
import type { SigningKeySource } from './config.js';
import { conferenceRoutes } from './routes/conferences.js';
import { queueRoutes } from './routes/queues.js';
import { callRoutes } from './routes/calls.js';
import { webhookDeliveryRoutes } from './routes/webhook-deliveries.js';
import { mockRoutes, webhookPublicKeyRoutes } from './routes/mock.js';
import { webhookFaultRoutes } from './routes/webhook-faults.js';
import { snapshotRoutes } from './routes/snapshot.js';
import { recordingRoutes } from './routes/recordings.js';
import { journalAndFaults } from './routes/journal-and-faults.js';
import { consoleRoutes } from './routes/console.js';
import { credentialConnectionRoutes, outboundVoiceProfileRoutes, telephonyCredentialRoutes } from './routes/credentials.js';
import type { ServerInfo } from './serialize/console.js';
import { applicationRoutes, connectionRoutes, numberOrderRoutes, phoneNumberRoutes } from './routes/provisioning.js';

export interface AppDeps {
  accounts: Accounts;
  /** The webhook signing public key, shown at /_mock/webhooks/public_key. */
  publicKey: string;
  /** How that key was chosen, said beside it. */
  publicKeySource: SigningKeySource;
  /** The console's server panel. */
  serverInfo?: ServerInfo;
  /** Host names the console and /_mock answer to (http/host.ts allowedHosts); absent: any. */
  allowedHosts?: string[];
}

/** The HTTP doors: /v2 (Telnyx's API), /_mock (the control API) and the console, one onError for all. */
export function createApp(deps: AppDeps) {
  // strict: false — `POST /v2/conferences/` is `POST /v2/conferences`: Telnyx's own Conference System
  // Demo (team-telnyx/demo-conference-node) calls both /v2/conferences/ and /v2/calls/ with the slash.
  const app = new Hono<Env>({ strict: false });
  app.onError(onError);
  // Read from the app's own route list (on first use, once every route below is mounted).
  const known = new KnownRoutes(() => app.routes);
  app.notFound((c) => notFound(c, known));
  const auth = bearerAccount(deps.accounts);

  const v2 = new Hono<Env>();
  // The journal's middleware takes each API call off its account's in-flight count.
  v2.use('*', bearerAccount(deps.accounts, 'by-caller'));
  v2.use('*', journalAndFaults(deps.accounts));
  v2.route('/conferences', conferenceRoutes());
  v2.route('/queues', queueRoutes());
  v2.route('/calls', callRoutes());
  v2.route('/webhook_deliveries', webhookDeliveryRoutes());
  // Provisioning the app reads back (issue 16): profiles, credential connections, WebRTC credentials.
  v2.route('/outbound_voice_profiles', outboundVoiceProfileRoutes());
  v2.route('/credential_connections', credentialConnectionRoutes());
  v2.route('/telephony_credentials', telephonyCredentialRoutes());
  // provisioning: what routes calls to the app (applications are connections; numbers route to them)
  v2.route('/call_control_applications', applicationRoutes());
  v2.route('/phone_numbers', phoneNumberRoutes());
  v2.route('/number_orders', numberOrderRoutes());
  v2.route('/connections', connectionRoutes());
  app.route('/v2', v2);

  const mock = new Hono<Env>();
  // Health answers without a key, so orchestrators can probe it.
  mock.get('/health', (c) => c.json({ status: 'ok' }));
  // Recording files answer without a key too: apps download them like Telnyx's pre-signed URLs.
  mock.route('/recordings', recordingRoutes(deps.accounts));
  // The webhook public key too: a public key is public, and an app's setup script reads it unkeyed.
  mock.route('/', webhookPublicKeyRoutes({ publicKey: deps.publicKey, source: deps.publicKeySource }));
  // Everything else of /_mock and the console answers only to this server's own names (DNS
  // rebinding); what an app fetches unkeyed above is reached by whatever name the app uses.
  const sameHost = hostCheck(deps.allowedHosts);
  mock.use('*', sameHost);
  mock.use('*', auth);
  mock.route('/snapshot', snapshotRoutes());
  mock.route('/', mockRoutes());
  // Webhook faults (issue 17): what the app's receiver meets.
  mock.route('/', webhookFaultRoutes());
  app.route('/_mock', mock);

  // The live console (a page, its assets and its read-only API); `/` leads to it.
  app.use('/console', sameHost);
  app.use('/console/*', sameHost);
  app.route('/', consoleRoutes(deps));
  return app;
}
