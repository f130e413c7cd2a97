import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../../schema/index.js';
import { migrateAccountIds } from './account-id.js';
import type { Db } from './db-type.js';

export type { Db };

/** schema/migrations, found from this file whether it runs from src/ (tsx) or dist/src/ (built). */
function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'schema', 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('schema/migrations not found');
}

/**
 * Opens (in memory unless a path is given), tunes and migrates the database: drizzle's SQL
 * migrations, then the one step SQL cannot do (API keys stored by older builds become account ids).
 */
export function openDb(path?: string): Db {
  const sqlite = new Database(path ?? ':memory:');
  if (path) {
    // WAL lets readers proceed during writes and survives a crash without losing committed rows.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  // A database no migration ran on yet (every in-memory one) has never held an API key.
  const fresh = sqlite.prepare("select 1 from sqlite_master where name = '__drizzle_migrations'").get() === undefined;
  migrate(db, { migrationsFolder: migrationsFolder() });
  migrateAccountIds(db, { fresh });
  return db;
}

export function closeDb(db: Db): void {
  db.$client.close();
}
