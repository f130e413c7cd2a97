import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import type { Db } from '../store/db.js';
import type { Repository } from '../store/repository.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';

/**
 * Webhook delivery, its own module: signing key, dispatcher over the outbox, delivery log.
 * (Placeholder until the webhook issue lands: events are recorded in the outbox, nothing is sent.)
 */
export interface Webhooks {
  /** base64 of the 32-byte Ed25519 public key, as the SDKs take it. */
  publicKey: string;
  /** Called after a transaction recorded events: deliver soon. */
  wake(): void;
  /** /_mock routes of this module (delivery log, public key, connections). */
  routes: Hono<Env>;
  close(): Promise<void>;
}

export interface WebhookDeps {
  db: Db;
  repo: Repository;
  clock: Clock;
  config: Config;
}

export function createWebhooks(_deps: WebhookDeps): Webhooks {
  return { publicKey: '', wake() {}, routes: new Hono<Env>(), close: async () => {} };
}
