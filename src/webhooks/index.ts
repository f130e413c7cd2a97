import type { Db } from '../store/db.js';
import { OutboxStore } from '../store/outbox.js';
import { settingsStore } from '../store/settings.js';
import type { Changes } from '../changes.js';
import type { Logger } from '../log.js';
import { loadSigningKey } from './keys.js';
import { Dispatcher, type DeliveryOptions, type WebhookFaultSource } from './dispatcher.js';
import { httpTransport, type Transport } from './transport.js';

/** Webhook delivery, its own module: signing key and the dispatcher over the outbox. */
export interface Webhooks {
  /** base64 of the 32-byte Ed25519 public key, as the SDKs take it. */
  publicKey: string;
  /** Called after a transaction recorded events: deliver soon. */
  wake(): void;
  close(): Promise<void>;
}

export type { DeliveryOptions };

export interface WebhookDeps {
  db: Db;
  /** Wall time in ms: retry schedule and telnyx-timestamp, never an account's virtual clock. */
  wallNow: () => number;
  options: DeliveryOptions;
  /** base64 of a 32-byte Ed25519 seed; when absent, the one kept in the database (made once). */
  signingKey?: string;
  /** Deterministic mode's seed: the signing key derives from it (unless signingKey is given) and telnyx-timestamp is virtual. */
  seed?: string;
  /** How webhooks leave the process (tests may swap it); node:http by default. */
  transport?: Transport;
  /** Told which accounts' deliveries changed (an attempt recorded or settled). */
  changes?: Changes;
  /** The server log, told of each delivery attempt. */
  log?: Logger;
  /** Armed webhook faults (control/webhook-faults.ts), when the server has them. */
  faults?: WebhookFaultSource;
}

export function createWebhooks(deps: WebhookDeps): Webhooks {
  const { db, options } = deps;
  const key = loadSigningKey(settingsStore(db), deps.signingKey, deps.seed);
  const dispatcher = new Dispatcher({
    store: new OutboxStore(db),
    transport: deps.transport ?? httpTransport(options.concurrency),
    signingKey: key.privateKey,
    wallNow: deps.wallNow,
    deterministic: deps.seed !== undefined,
    options,
    log: deps.log,
    faults: deps.faults,
    onAttempts: deps.changes && ((accounts) => { for (const a of accounts) deps.changes!.notify(a, 'webhook'); }),
  });
  // Events left pending by a previous run (file database) go out now.
  dispatcher.wake();
  return {
    publicKey: key.publicKey,
    wake: () => dispatcher.wake(),
    close: () => dispatcher.close(),
  };
}
