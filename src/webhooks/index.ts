import type { Db } from '../store/db.js';
import { OutboxStore } from '../store/outbox.js';
import { settingsStore } from '../store/settings.js';
import type { Clock } from '../clock.js';
import type { Changes } from '../changes.js';
import { WEBHOOK_DEFAULTS, type Config } from '../config.js';
import { loadSigningKey } from './keys.js';
import { Dispatcher } from './dispatcher.js';
import { httpTransport, type Transport } from './transport.js';
import { signWebhook } from './sign.js';

/** Webhook delivery, its own module: signing key and the dispatcher over the outbox. */
export interface Webhooks {
  /** base64 of the 32-byte Ed25519 public key, as the SDKs take it. */
  publicKey: string;
  /**
   * The `telnyx-signature-ed25519` header for a body sent at `timestamp` (seconds): Ed25519 is
   * deterministic, so this is the header an attempt carried (the console shows it).
   */
  sign(timestamp: number, body: string): string;
  /** Called after a transaction recorded events: deliver soon. */
  wake(): void;
  close(): Promise<void>;
}

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** How webhooks leave the process (tests may swap it); node:http by default. */
  transport?: Transport;
  /** Told which accounts' deliveries changed (an attempt recorded or settled). */
  changes?: Changes;
}

export function createWebhooks(deps: WebhookDeps): Webhooks {
  const { db, clock, config } = deps;
  const key = loadSigningKey(settingsStore(db), config.signingKey);
  const options = {
    attempts: config.webhookAttempts ?? WEBHOOK_DEFAULTS.webhookAttempts,
    timeoutMs: config.webhookTimeoutMs ?? WEBHOOK_DEFAULTS.webhookTimeoutMs,
    backoffMs: config.webhookBackoffMs ?? WEBHOOK_DEFAULTS.webhookBackoffMs,
    backoffMaxMs: config.webhookBackoffMaxMs ?? WEBHOOK_DEFAULTS.webhookBackoffMaxMs,
    concurrency: config.webhookConcurrency ?? WEBHOOK_DEFAULTS.webhookConcurrency,
    maxPerSecond: config.webhookMaxPerSecond ?? WEBHOOK_DEFAULTS.webhookMaxPerSecond,
  };
  const dispatcher = new Dispatcher({
    store: new OutboxStore(db),
    transport: deps.transport ?? httpTransport(options.concurrency),
    signingKey: key.privateKey,
    wallNow: () => clock.wallNow(),
    options,
    onAttempts: deps.changes && ((accounts) => { for (const a of accounts) deps.changes!.notify(a, 'webhook'); }),
  });
  // Events left pending by a previous run (file database) go out now.
  dispatcher.wake();
  return {
    publicKey: key.publicKey,
    sign: (timestamp, body) => signWebhook(key.privateKey, timestamp, body),
    wake: () => dispatcher.wake(),
    close: () => dispatcher.close(),
  };
}
