import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHttpUrl } from './model/url.js';
import { logSettings, type LogSettings } from './log.js';
import { QUOTA_DEFAULTS, QUOTA_ENV, type Quotas } from './model/quotas.js';

/** Everything the server is configured with; only src/index.ts reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** SQLite file; in memory when absent. */
  dbPath?: string;
  webhookUrl?: string;
  webhookFailoverUrl?: string;
  /** base64 of a 32-byte Ed25519 seed; generated once and kept in the database when absent. */
  signingKey?: string;
  mediaDurationSecs: number;
  /** Where apps reach this server, for recording URLs (default: the origin each app request used). */
  publicUrl?: string;
  /** Delivery attempts per URL (primary, then failover) before an event is finally failed. */
  webhookAttempts?: number;
  /** How long one delivery attempt may take before it counts as failed. */
  webhookTimeoutMs?: number;
  /** Wait before the 2nd attempt; doubles after each failure, capped at webhookBackoffMaxMs. */
  webhookBackoffMs?: number;
  webhookBackoffMaxMs?: number;
  /** Deliveries in flight at once, across calls (each call's events stay in order). */
  webhookConcurrency?: number;
  /**
   * Most deliveries started per second; a quarter of it while the API is taking requests, so a
   * burst of webhooks never crowds out the API they share the process with.
   */
  webhookMaxPerSecond?: number;
  /**
   * TELNYX_MOCK_ADMIN_KEY: when set, operations across accounts (reset of every account, listing
   * accounts) need it as the bearer key; unset, any key may (one developer on their machine).
   */
  adminKey?: string;
  /** What the server log prints (src/log.ts); nothing when absent. */
  log?: LogSettings;
  /**
   * TELNYX_MOCK_STRICT_CONNECTIONS=1: a connection_id that names no Call Control application is
   * refused as Telnyx refuses it (422 10015, `/connection_id`); by default it is a lenient
   * connection whose webhooks go to the server's URL (zero setup). An account may choose for
   * itself (`PUT /_mock/settings`, a scenario's `strict_connections`).
   */
  strictConnections?: boolean;
  /**
   * Deterministic mode (--seed N, --deterministic = seed 0, TELNYX_MOCK_SEED): ids from a stream
   * seeded per account, every account's clock starting frozen at DETERMINISTIC_EPOCH, the signing
   * key and telnyx-timestamp from the seed and the virtual clock. Absent: random, wall time.
   */
  seed?: string;
  /** Per-account quotas (src/model/quotas.ts), TELNYX_MOCK_MAX_*; the defaults where absent. */
  quotas?: Partial<Quotas>;
}

/** A run seed: an integer or a short word (letters, digits, `_.-`), so it reads well on a command line. */
export function parseRunSeed(raw: string, name: string): string {
  const seed = raw.trim();
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(seed)) throw new Error(`${name} must be an integer or a short word (letters, digits, _ . -; at most 64), got ${JSON.stringify(raw)}`);
  return seed;
}

/** Deterministic mode needs a fresh database: kept ids and times would collide with the seeded streams starting over. */
export function checkSeedConfig(config: Pick<Config, 'seed' | 'dbPath'>): void {
  if (config.seed !== undefined && config.dbPath && config.dbPath !== ':memory:') {
    throw new Error('deterministic mode (--seed) runs on the in-memory database: a file database keeps ids the seeded streams would repeat');
  }
}

/** Delivery settings when the config leaves them out (the server's defaults, not the tests'). */
export const WEBHOOK_DEFAULTS = {
  webhookAttempts: 3,
  webhookTimeoutMs: 10_000,
  webhookBackoffMs: 1_000,
  webhookBackoffMaxMs: 60_000,
  webhookConcurrency: 64,
  webhookMaxPerSecond: 4000,
} as const;

/** What webhook delivery takes from the config (the server's defaults where it is silent). */
export function deliveryOptions(config: Config) {
  return {
    attempts: config.webhookAttempts ?? WEBHOOK_DEFAULTS.webhookAttempts,
    timeoutMs: config.webhookTimeoutMs ?? WEBHOOK_DEFAULTS.webhookTimeoutMs,
    backoffMs: config.webhookBackoffMs ?? WEBHOOK_DEFAULTS.webhookBackoffMs,
    backoffMaxMs: config.webhookBackoffMaxMs ?? WEBHOOK_DEFAULTS.webhookBackoffMaxMs,
    concurrency: config.webhookConcurrency ?? WEBHOOK_DEFAULTS.webhookConcurrency,
    maxPerSecond: config.webhookMaxPerSecond ?? WEBHOOK_DEFAULTS.webhookMaxPerSecond,
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!isHttpUrl(raw)) throw new Error(`${name} must be an http(s) URL, got ${raw}`);
  return raw;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1/true or 0/false, got ${raw}`);
}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 5080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dbPath: env.TELNYX_MOCK_DB || undefined,
    webhookUrl: httpUrl(env, 'TELNYX_MOCK_WEBHOOK_URL'),
    webhookFailoverUrl: httpUrl(env, 'TELNYX_MOCK_WEBHOOK_FAILOVER_URL'),
    signingKey: env.TELNYX_MOCK_SIGNING_KEY || undefined,
    mediaDurationSecs: Number(env.TELNYX_MOCK_MEDIA_SECS ?? 3),
    publicUrl: httpUrl(env, 'TELNYX_MOCK_PUBLIC_URL'),
    webhookAttempts: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_ATTEMPTS', WEBHOOK_DEFAULTS.webhookAttempts),
    webhookTimeoutMs: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_TIMEOUT_MS', WEBHOOK_DEFAULTS.webhookTimeoutMs),
    webhookBackoffMs: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_BACKOFF_MS', WEBHOOK_DEFAULTS.webhookBackoffMs),
    webhookBackoffMaxMs: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_BACKOFF_MAX_MS', WEBHOOK_DEFAULTS.webhookBackoffMaxMs),
    webhookConcurrency: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_CONCURRENCY', WEBHOOK_DEFAULTS.webhookConcurrency),
    webhookMaxPerSecond: positiveInt(env, 'TELNYX_MOCK_WEBHOOK_MAX_PER_SEC', WEBHOOK_DEFAULTS.webhookMaxPerSecond),
    adminKey: env.TELNYX_MOCK_ADMIN_KEY || undefined,
    log: envLog(env),
    strictConnections: flag(env, 'TELNYX_MOCK_STRICT_CONNECTIONS'),
    ...(env.TELNYX_MOCK_SEED ? { seed: parseRunSeed(env.TELNYX_MOCK_SEED, 'TELNYX_MOCK_SEED') } : {}),
    quotas: envQuotas(env),
  };
}

/** TELNYX_MOCK_MAX_CALLS and the other quotas (model/quotas.ts QUOTA_ENV), each a positive integer. */
function envQuotas(env: NodeJS.ProcessEnv): Partial<Quotas> {
  const out: Partial<Quotas> = {};
  for (const [k, name] of Object.entries(QUOTA_ENV) as [keyof Quotas, string][]) out[k] = positiveInt(env, name, QUOTA_DEFAULTS[k]);
  return out;
}

/** TELNYX_MOCK_LOG (requests,webhooks | errors | none) and TELNYX_MOCK_LOG_FORMAT (text | json); failures by default. */
function envLog(env: NodeJS.ProcessEnv): LogSettings {
  return logSettings(env.TELNYX_MOCK_LOG, env.TELNYX_MOCK_LOG_FORMAT, { kinds: 'TELNYX_MOCK_LOG', format: 'TELNYX_MOCK_LOG_FORMAT' });
}

/**
 * How the webhook signing key was chosen, as the banner and GET /_mock/webhooks/public_key say it:
 * an app configured with the public key keeps verifying across restarts only in the first two cases.
 */
export type SigningKeySource = 'TELNYX_MOCK_SIGNING_KEY' | 'database' | 'seed' | typeof GENERATED_KEY;
const GENERATED_KEY = 'generated (changes on restart: pin it with TELNYX_MOCK_SIGNING_KEY or a file database)';

export function signingKeySource(config: Pick<Config, 'signingKey' | 'dbPath' | 'seed'>): SigningKeySource {
  if (config.signingKey) return 'TELNYX_MOCK_SIGNING_KEY';
  if (config.seed !== undefined) return 'seed';
  // A file database keeps the seed it generated once (settings table); ':memory:' keeps nothing.
  if (config.dbPath && config.dbPath !== ':memory:') return 'database';
  return GENERATED_KEY;
}

let version: string | undefined;

/**
 * The package's version, from its package.json: one folder up from src/ (tsx), two from
 * dist/src/ (built, installed, or the Docker image's /app).
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    dir = dirname(dir);
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'telnyx-mock' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch { /* not here: look one folder up */ }
  }
  return (version = 'unknown');
}
