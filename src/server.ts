import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from './store/db.js';
import { Repository } from './store/repository.js';
import { Clock } from './clock.js';
import { ids } from './ids.js';
import { Engine } from './commands/engine.js';
import { createApp } from './app.js';
import { webhookRouting } from './webhooks/routing.js';
import type { Config } from './config.js';

export interface Emulator {
  url: string;
  port: number;
  db: Db;
  engine: Engine;
  clock: Clock;
  close(): Promise<void>;
}

/** How often wall time is checked for due work (expiries, timeouts, media ending). */
const TICK_MS = 250;

/** Wires the emulator together: database, clock, engine, HTTP app, background ticker. */
export async function startEmulator(config: Config): Promise<Emulator> {
  const db = openDb(config.dbPath);
  const repo = new Repository(db);
  const clock = new Clock(() => Date.now(), repo.clockPersistence());
  const engine = new Engine({
    repo, clock, ids,
    settings: { mediaDurationSecs: config.mediaDurationSecs },
    routing: webhookRouting(db, { webhookUrl: config.webhookUrl, webhookFailoverUrl: config.webhookFailoverUrl }),
  });
  const app = createApp({ engine });

  const ticker = setInterval(() => {
    try { engine.tick(); } catch (err) { console.error('timer sweep failed', err); }
  }, TICK_MS);
  ticker.unref();

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port, db, engine, clock,
    close: () => new Promise<void>((resolve) => {
      clearInterval(ticker);
      server.close(() => { db.$client.close(); resolve(); });
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}
