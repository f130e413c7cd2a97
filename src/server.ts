import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { answerClientErrors } from './http/client-error.js';
import type { Hono } from 'hono';
import { closeDb, openDb, type Db } from './store/db.js';
import { SqliteStore } from './store/account-store.js';
import { Clock, DETERMINISTIC_EPOCH } from './clock.js';
import { Engine } from './commands/engine.js';
import { Accounts, SWEEP_MS, type Account } from './commands/account.js';
import { Journal, MAX_JOURNAL_BODY_BYTES } from './control/journal.js';
import { quotas } from './model/quotas.js';
import { Faults } from './control/faults.js';
import { WebhookFaults } from './control/webhook-faults.js';
import { Changes } from './changes.js';
import { createApp } from './app.js';
import { allowedHosts } from './http/host.js';
import { serverInfoJson } from './serialize/console.js';
import { MAX_BODY_BYTES, MAX_DEPTH } from './model/bounds.js';
import { createWebhooks, type Webhooks } from './webhooks/index.js';
import { checkSeedConfig, deliveryOptions, packageVersion, signingKeySource, type Config, type SigningKeySource } from './config.js';
import type { Env } from './http/auth.js';
import { byAccountId, createLogger } from './log.js';

export const defaultConfig = (overrides: Partial<Config> = {}): Config => ({
  port: 0, host: '127.0.0.1', mediaDurationSecs: 3,
  // Webhook retries fast enough for a test to watch them run out.
  webhookAttempts: 3, webhookTimeoutMs: 2_000, webhookBackoffMs: 25, webhookBackoffMaxMs: 250, webhookConcurrency: 64,
  ...overrides,
});

export interface Emulator {
  app: Hono<Env>;
  /** The database, for tests that look at rows directly. */
  db: Db;
  /** The account (API key) every command takes: its store is bound to it. */
  account(key: string): Account;
  /** The same, without counting the key as used (the console's picker): what the server itself acts as (snapshots). */
  peekAccount(key: string): Account;
  /** Sweeps until no account has a timer due on the wall clock (the background ticker's work, unsliced). */
  tick(): void;
  /** The accounts, for what the doors do not reach (tests of per-key memory). */
  accounts: Accounts;
  webhooks: Webhooks;
  /** How the webhook signing key was chosen (configured, kept in the file database, or generated). */
  keySource: SigningKeySource;
  config: Config;
  /** Stops background work and closes the database. */
  dispose(): Promise<void>;
}

/** How often wall time is checked for due work (expiries, timeouts, media ending). */
const TICK_MS = 250;

/** Wires the emulator together without listening: database, clock, engine, webhooks, app, ticker. */
export function buildEmulator(config: Config, opts: { ticker?: boolean; wall?: () => number } = {}): Emulator {
  checkSeedConfig(config);
  const db = openDb(config.dbPath);
  const store = new SqliteStore(db);
  // Timers saved before the wall-due index existed (or by a clock since clamped) are indexed now.
  store.reindexTimers();
  const wall = opts.wall ?? (() => Date.now());
  // Deterministic mode: every account's time starts frozen at the epoch (clock.ts).
  const clock = new Clock(wall, store.clockPersistence(), config.seed === undefined ? undefined : DETERMINISTIC_EPOCH);
  const changes = new Changes();
  const log = createLogger(config.log);
  // Webhook faults: armed per account, windows read on the account's virtual clock (issue 17).
  const webhookFaults = new WebhookFaults((account) => clock.forAccount(account).now());
  const engine: Engine = new Engine({
    store, wallNow: wall,
    settings: {
      mediaDurationSecs: config.mediaDurationSecs, publicUrl: config.publicUrl,
      webhookUrl: config.webhookUrl, webhookFailoverUrl: config.webhookFailoverUrl,
      strictConnections: config.strictConnections,
    },
    // The sweep finds accounts by their stored id: their keys may not be known since a restart.
    bind: (id: string): Account => accounts.ofId(id),
    onEventsCommitted: () => webhooks.wake(),
  });
  // Quotas per account (model/quotas.ts): the config's, over the defaults.
  const limits = quotas(config.quotas);
  const accounts: Accounts = new Accounts({
    engine, store, clock, journal: new Journal(limits.journalRequests), faults: new Faults(), webhookFaults, changes, adminKey: config.adminKey, log, seed: config.seed, quotas: limits,
  });
  // The outbox knows accounts by their stored id; its log lines show the key's label when it is known.
  const webhooks = createWebhooks({
    db, wallNow: wall, options: deliveryOptions(config), signingKey: config.signingKey, seed: config.seed, changes,
    log: byAccountId(log, (id) => accounts.keyOf(id)), faults: webhookFaults,
  });
  const keySource = signingKeySource(config);
  const serverInfo = serverInfoJson({
    version: packageVersion(), publicKey: webhooks.publicKey, publicKeySource: keySource,
    webhookUrl: config.webhookUrl, webhookFailoverUrl: config.webhookFailoverUrl, dbPath: config.dbPath,
    delivery: deliveryOptions(config),
    bounds: { max_body_bytes: MAX_BODY_BYTES, max_json_depth: MAX_DEPTH, journal_requests: limits.journalRequests, journal_body_bytes: MAX_JOURNAL_BODY_BYTES },
  });
  const app = createApp({
    accounts, publicKey: webhooks.publicKey, publicKeySource: keySource, serverInfo,
    allowedHosts: allowedHosts(config.host, config.publicUrl),
  });

  let ticker: NodeJS.Timeout | undefined;
  let sweeping = false;
  let disposed = false;
  // One sweep fires a batch per account; while some account has more, the next sweep comes at the
  // next turn of the loop (other work runs between), not after the interval.
  const sweep = () => {
    if (disposed) { sweeping = false; return; }
    let more = false;
    try { more = engine.tick(); } catch (err) { console.error(`timer sweep failed: ${(err as Error).message}`); }
    if (more) setImmediate(sweep);
    else sweeping = false;
  };
  if (opts.ticker ?? true) {
    ticker = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      sweep();
    }, TICK_MS);
    ticker.unref();
  }
  // Each minute: webhook logs of accounts used since are pruned to their quota, and idle accounts'
  // in-memory objects released (their stored state stays).
  let idleSweep: NodeJS.Timeout | undefined;
  if (opts.ticker ?? true) {
    idleSweep = setInterval(() => accounts.releaseIdle(), Math.min(SWEEP_MS, limits.idleReleaseMs));
    idleSweep.unref();
  }
  return {
    app, db, webhooks, keySource, config, accounts,
    // A handle keeps its Account object: pinned, never released (see Accounts.pin).
    account: (key) => accounts.pin(key),
    // Kept by the handle too (the operator's account of snapshots): pinned, without counting as used.
    peekAccount: (key) => { const account = accounts.peek(key); account.pinned = true; return account; },
    tick: () => { while (engine.tick()) { /* until nothing due is left */ } },
    dispose: async () => {
      disposed = true;
      if (ticker) clearInterval(ticker);
      if (idleSweep) clearInterval(idleSweep);
      await webhooks.close();
      closeDb(db);
    },
  };
}

export interface RunningEmulator extends Emulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the emulator and listens on config.host:config.port (0 = a free port). */
export async function startEmulator(config: Config): Promise<RunningEmulator> {
  const emulator = buildEmulator(config);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: emulator.app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  answerClientErrors(server as Server);
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    ...emulator,
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => { void emulator.dispose().then(resolve); });
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}

/** Hosts that mean "every interface": not an address to browse to, so the banner shows loopback. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * What every way of starting the server prints (telnyx-mock serve, npm start, node dist/src/index.js,
 * the Docker image): the version, where the API and console are, the webhook public key and how it
 * was chosen, and where state lives. startMock() prints nothing: it is a library.
 */
export function banner(emulator: RunningEmulator): string {
  const { config, keySource } = emulator;
  const wildcard = WILDCARD_HOSTS.has(config.host);
  const url = wildcard ? `http://127.0.0.1:${emulator.port}` : emulator.url;
  const key = emulator.webhooks.publicKey;
  const keyNote = keySource === 'TELNYX_MOCK_SIGNING_KEY' ? 'from TELNYX_MOCK_SIGNING_KEY (the same on every start)'
    : keySource === 'seed' ? `from --seed ${config.seed} (deterministic mode: the same on every start with this seed)`
    : keySource === 'database' ? `kept in the database (the same on every start with ${config.dbPath})`
    : `${keySource}; telnyx-mock keygen prints one`;
  return `telnyx-mock ${packageVersion()} listening on ${emulator.url}${wildcard ? ` (every interface; from this machine ${url})` : ''}

  API base URL        ${url}/v2
  Console             ${url}/console
  Control API         ${url}/_mock   (same Authorization: Bearer <key> as the API)
  Health              ${url}/_mock/health
  Webhook public key  ${key}
  Key source          ${keyNote}
                      (also GET ${url}/_mock/webhooks/public_key, no API key needed)
  Database            ${config.dbPath && config.dbPath !== ':memory:' ? config.dbPath : 'in memory (state ends with the process; TELNYX_MOCK_DB=<file> keeps it)'}
  Webhooks go to      ${config.webhookUrl ?? 'the URL of each call or connection (PUT /_mock/connections/{id}); none set globally'}

Paste into your app (any API key works; each key is its own account):

  import Telnyx from 'telnyx';
  const telnyx = new Telnyx({ apiKey: 'KEY_dev', baseURL: '${url}/v2', publicKey: '${key}' });
`;
}
