/**
 * What the database knows an account by: never its API key (a real Telnyx key pointed at the mock
 * by mistake must not land on disk), but a keyed hash of it. HMAC-SHA-256 with a secret made once
 * per database and kept in its settings table, so one key maps to one id across restarts and
 * across processes sharing the file, while the id alone (or a copy of the file without knowing
 * which keys were used) cannot be turned back into the key by hashing guesses without the secret.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../../schema/index.js';
import type { Db } from './db-type.js';
import { settingsStore, type Settings } from './settings.js';

/** settings row holding the per-database HMAC secret (base64 of 32 random bytes). */
const SECRET_SETTING = 'account_id_secret';
/** settings row saying every stored `account` value is an id (the one-time rewrite of keys ran). */
const MIGRATED_SETTING = 'account_ids_migrated';

/** How an id looks: `acct_` and the base64url of the HMAC's first 16 bytes (22 characters). */
export const ACCOUNT_ID = /^acct_[A-Za-z0-9_-]{22}$/;

/** The per-database secret, made on first use (as the webhook signing seed is, webhooks/keys.ts). */
function secretOf(settings: Settings): Buffer {
  const kept = settings.get(SECRET_SETTING) ?? settings.setIfAbsent(SECRET_SETTING, randomBytes(32).toString('base64'));
  return Buffer.from(kept, 'base64');
}

/**
 * The one mapping of an API key to the account id stored for it. Costs an HMAC: the caller keeps
 * what it computed (commands/account.ts Accounts caches one id per key), never hashing per request.
 */
export function accountIdMapper(db: Db): (key: string) => string {
  const secret = secretOf(settingsStore(db));
  return (key) => `acct_${createHmac('sha256', secret).update(key, 'utf8').digest().subarray(0, 16).toString('base64url')}`;
}

/** Every table with an `account` column, found from the schema so a table added later is covered. */
const accountTables = (Object.values(schema) as unknown[])
  .filter((t): t is SQLiteTable => is(t, SQLiteTable) && 'account' in getTableColumns(t))
  .map((t) => getTableName(t));

/**
 * The one-time rewrite of a database written before accounts had ids (where the `account` column
 * of every table held the API key itself): each value that is not already an id becomes the id of
 * that key, in every table, in one transaction, and the run is recorded so it happens once (a key
 * shaped exactly like an id, `acct_` and 22 base64url characters, is taken for one). SQL
 * cannot compute an HMAC, so this runs in JS after drizzle's SQL migrations (db.ts openDb).
 *
 * The keys must also leave the file's bytes, not only its rows: SQLite leaves a rewritten cell's
 * old bytes in free space unless `secure_delete` is on, and older pages in the WAL. So the rewrite
 * runs with secure_delete, then the file is vacuumed and the WAL checkpointed and truncated.
 * Returns how many keys were rewritten. `fresh`: the database was created by this open (openDb).
 */
export function migrateAccountIds(db: Db, opts: { fresh?: boolean } = {}): number {
  const raw = db.$client;
  const settings = settingsStore(db);
  if (settings.get(MIGRATED_SETTING) !== undefined) return 0;
  // A database created by this open holds no key to rewrite: recorded at once, without reading
  // its tables (a scan of 20 empty tables was a start's cost).
  if (opts.fresh) {
    secretOf(settings); // its secret, as a migrated database has one
    settings.setIfAbsent(MIGRATED_SETTING, new Date().toISOString());
    return 0;
  }
  const idOf = accountIdMapper(db);
  const secureDelete = raw.pragma('secure_delete', { simple: true }) as number;
  const tempStore = raw.pragma('temp_store', { simple: true }) as number;
  raw.pragma('secure_delete = ON');
  // The key-to-id table below is temporary: in memory, never in a temporary file.
  raw.pragma('temp_store = MEMORY');
  let rewritten = 0;
  try {
    raw.transaction(() => {
      // Checked again inside the write lock: another process sharing the file may have run it.
      if (settings.get(MIGRATED_SETTING) !== undefined) return;
      const keys = new Set<string>();
      for (const table of accountTables) {
        for (const value of raw.prepare(`select distinct account from "${table}"`).pluck().all() as string[]) {
          if (!ACCOUNT_ID.test(value)) keys.add(value);
        }
      }
      if (keys.size > 0) {
        // One pass per table however many keys.
        raw.exec('create temp table account_key_ids (key text primary key, id text not null)');
        const map = raw.prepare('insert into account_key_ids (key, id) values (?, ?)');
        for (const key of keys) map.run(key, idOf(key));
        for (const table of accountTables) {
          raw.exec(`update "${table}" set account = (select id from account_key_ids where key = "${table}".account)
            where account in (select key from account_key_ids)`);
        }
        // An event with neither call nor conference is ordered in its account's own lane, named by the account.
        raw.exec(`update webhook_events set ordering_key = account
          where ordering_key in (select key from account_key_ids) and account = (select id from account_key_ids where key = ordering_key)`);
        raw.exec('drop table temp.account_key_ids');
      }
      rewritten = keys.size;
      settings.setIfAbsent(MIGRATED_SETTING, new Date().toISOString());
    }).immediate();
  } finally {
    raw.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
    raw.pragma(`temp_store = ${tempStore}`);
  }
  if (rewritten > 0 && !raw.memory) {
    try {
      raw.exec('VACUUM');
      raw.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      // Another process holding the file open can make this busy: the rows are ids all the same.
      console.error(`account ids: the database could not be compacted (${(err as Error).message}); old API keys may remain in its free pages until 'VACUUM'`);
    }
  }
  return rewritten;
}
