import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeDb, openDb } from '../../src/store/db.js';
import { ACCOUNT_ID, accountIdMapper, migrateAccountIds } from '../../src/store/account-id.js';
import { envelope } from '../../src/model/webhook.js';

const MIGRATIONS = fileURLToPath(new URL('../../schema/migrations', import.meta.url));
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A database file as a build before `tag` left it: every migration up to (not including) `tag` applied. */
function databaseBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-migrations-'));
  dirs.push(dir);
  const older = join(dir, 'migrations');
  cpSync(MIGRATIONS, older, { recursive: true });
  const journalPath = join(older, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag));
  writeFileSync(journalPath, JSON.stringify(journal));
  const path = join(dir, 'old.db');
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: older });
  sqlite.close();
  return path;
}

describe('migration 0003: attempts recorded before bodies were kept', () => {
  it('get the body that was sent then, byte for byte; attempts that have one keep it', () => {
    const path = databaseBefore('0003_attempt_bodies');
    const data = JSON.stringify({ record_type: 'event', event_type: 'call.hangup', id: 'e1', occurred_at: '2026-01-01T00:00:00.000Z',
      payload: { call_control_id: 'v3:x', text: 'quote " backslash \\ unicode é' } });
    const url = 'http://receiver.test:4000/hooks?a=1&b="x"';
    const old = [
      { attempt: 1, url, status: 500, at: '2026-01-01T00:00:01.000Z' },
      { attempt: 2, url: 'http://failover.test/h', status: 200, at: '2026-01-01T00:00:02.000Z', request_headers: [['a', 'b']] },
    ];
    const sqlite = new Database(path);
    const insert = sqlite.prepare(`insert into webhook_events (id, account, event_type, ordering_key, occurred_at, data, status, attempts, created_at)
      values (?, 'KEY', 'call.hangup', 'k', '2026-01-01T00:00:00.000Z', ?, ?, ?, 0)`);
    insert.run('e1', data, 'delivered', JSON.stringify(old));
    insert.run('e2', data, 'pending', '[]');
    insert.run('e3', data, 'delivered', JSON.stringify([{ ...old[0], body: 'as recorded' }]));
    sqlite.close();

    const db = openDb(path);
    try {
      const rows = db.$client.prepare('select id, attempts from webhook_events order by seq').all() as { id: string; attempts: string }[];
      const attempts = Object.fromEntries(rows.map((r) => [r.id, JSON.parse(r.attempts)]));
      expect(attempts.e1).toEqual([
        { ...old[0], body: envelope(data, 1, url) },
        { ...old[1], body: envelope(data, 2, 'http://failover.test/h') },
      ]);
      expect(attempts.e2).toEqual([]);
      expect(attempts.e3).toEqual([{ ...old[0], body: 'as recorded' }]);
    } finally {
      closeDb(db);
    }
  });
});

describe('migration 0004: the delivery columns of rows recorded before', () => {
  it('are derived once from their attempts, as the dispatcher now keeps them (store/outbox.ts deliveryColumns)', async () => {
    const { deliveryColumns } = await import('../../src/store/outbox.js');
    const path = databaseBefore('0004_provisioning_debugger_and_console');
    const occurred = '2026-01-01T00:00:00.000Z';
    const cases: [string, 'pending' | 'delivered' | 'failed', object[]][] = [
      ['settled', 'delivered', [
        { attempt: 1, url: 'http://a/h', status: 500, at: '2026-01-01T00:00:01.250Z', finished_at: '2026-01-01T00:00:01.300Z' },
        { attempt: 2, url: 'http://a/h', status: 200, at: '2026-01-01T00:00:03.007Z' },
      ]],
      ['retrying', 'pending', [{ attempt: 1, url: 'http://a/h', status: null, error: 'ECONNREFUSED', at: '2026-01-01T00:00:01.000Z' }]],
      ['in flight', 'pending', [{ attempt: 1, url: 'http://a/h', status: null, at: '2026-01-01T00:00:01.000Z' }]],
      ['no url', 'failed', []],
      ['not yet', 'pending', []],
    ];
    const sqlite = new Database(path);
    const insert = sqlite.prepare(`insert into webhook_events (id, account, event_type, ordering_key, occurred_at, data, status, attempts, created_at)
      values (?, 'KEY', 'call.hangup', 'k', ?, '{}', ?, ?, 0)`);
    for (const [id, status, attempts] of cases) insert.run(id, occurred, status, JSON.stringify(attempts));
    sqlite.close();

    const db = openDb(path);
    try {
      const rows = db.$client.prepare(`select id, listed_at as listedAt, delivery_started_at as deliveryStartedAt,
        delivery_finished_at as deliveryFinishedAt from webhook_events`).all() as { id: string; listedAt: number | null }[];
      const got = Object.fromEntries(rows.map(({ id, ...columns }) => [id, columns]));
      for (const [id, status, attempts] of cases) expect(got[id], id).toEqual(deliveryColumns(status, attempts as never, occurred));
      expect(got.settled).toEqual({ listedAt: Date.parse('2026-01-01T00:00:03.007Z'), deliveryStartedAt: Date.parse('2026-01-01T00:00:01.250Z'), deliveryFinishedAt: Date.parse('2026-01-01T00:00:03.007Z') });
      expect(got['not yet'].listedAt).toBeNull();
    } finally {
      closeDb(db);
    }
  });
});

describe('migration 0004: /_mock/connections become Call Control applications', () => {
  it("keeps each connection's webhook URLs as the application of that id", () => {
    const path = databaseBefore('0004_provisioning_debugger_and_console');
    const old = new Database(path);
    old.prepare('insert into connections (account, connection_id, webhook_url, webhook_failover_url) values (?, ?, ?, ?)')
      .run('KEY_a', 'conn-1', 'http://app.test/hooks', null);
    old.close();
    const db = openDb(path);
    try {
      const row = db.$client.prepare('select id, application_name, webhook_event_url, webhook_event_failover_url, active, inbound from call_control_applications where account = ?')
        .get(accountIdMapper(db)('KEY_a')) as Record<string, unknown>;
      expect(row).toMatchObject({ id: 'conn-1', application_name: 'conn-1', webhook_event_url: 'http://app.test/hooks', webhook_event_failover_url: null, active: 1 });
      expect(JSON.parse(String(row.inbound))).toMatchObject({ sip_subdomain_receive_settings: 'from_anyone' });
    } finally {
      closeDb(db);
    }
  });
});

describe('account ids: API keys stored by older builds', () => {
  // Two real-looking keys: distinctive bytes, so a scan of the file cannot miss them or find them by chance.
  const KEYS = ['KEY0192AB3C4D5E6F_migrated_tenant_one', 'KEY0192AB3C4D5E6F_migrated_tenant_two'];

  /** The tables that hold an `account` column in the current schema, as SQLite lists them. */
  const accountTables = (sqlite: Database.Database) => (sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[])
    .filter((t) => (sqlite.prepare(`select name from pragma_table_info(?)`).pluck().all(t) as string[]).includes('account'));

  /**
   * A database file as a build before account ids left it: every SQL migration applied, and a row
   * of each key in every account table (required columns filled by their type), one event ordered
   * in its account's own lane (ordering_key = the key), and a queue the API can list. Copied while
   * its connection is still open, as a crash would leave it: the newest pages only in the WAL.
   */
  function keyedDatabase(): string {
    const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-account-ids-'));
    dirs.push(dir);
    const live = new Database(join(dir, 'live.db'));
    live.pragma('journal_mode = WAL');
    migrate(drizzle(live), { migrationsFolder: MIGRATIONS });
    let n = 0;
    for (const table of accountTables(live)) {
      const columns = live.prepare('select name, type, "notnull" as nn, dflt_value as dflt from pragma_table_info(?)').all(table) as
        { name: string; type: string; nn: number; dflt: string | null }[];
      const required = columns.filter((c) => c.name === 'account' || (c.nn && c.dflt === null));
      const insert = live.prepare(`insert into "${table}" (${required.map((c) => `"${c.name}"`).join(', ')}) values (${required.map(() => '?').join(', ')})`);
      for (const key of KEYS) {
        n++;
        insert.run(...required.map((c) => (c.name === 'account' ? key : /INT/i.test(c.type) ? n : c.type === 'real' ? n : `${table}-${c.name}-${n}`)));
      }
    }
    live.prepare(`insert into webhook_events (id, account, event_type, ordering_key, occurred_at, data, status, attempts, created_at)
      values ('own-lane', ?, 'queue.created', ?, '2026-01-01T00:00:00.000Z', '{}', 'delivered', '[]', 0)`).run(KEYS[0], KEYS[0]);
    live.prepare("insert into queues (id, account, name, max_size, created_at, updated_at) values ('q-1', ?, 'support', 100, 0, 0)").run(KEYS[0]);
    // A log of some size: pages whose cells move when rewritten, and index pages full of the key.
    const event = live.prepare(`insert into webhook_events (id, account, event_type, ordering_key, occurred_at, data, status, attempts, created_at)
      values (?, ?, 'call.hangup', ?, '2026-01-01T00:00:00.000Z', '{}', 'delivered', '[]', 0)`);
    for (let i = 0; i < 500; i++) KEYS.forEach((key, k) => event.run(`e-${k}-${i}`, key, `v3:${i}`));
    const path = join(dir, 'old.db');
    cpSync(join(dir, 'live.db'), path);
    cpSync(join(dir, 'live.db-wal'), `${path}-wal`);
    live.close();
    return path;
  }

  /** The bytes of a database file and its WAL and shared-memory files, as `strings` would read them. */
  const fileBytes = (path: string) => Buffer.concat(['', '-wal', '-shm'].map((s) => `${path}${s}`).filter(existsSync).map((f) => readFileSync(f)));
  const holds = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(Buffer.from(text, 'utf16le'));

  it('become the keyed hash of each key in every account table, once, and the key leaves the file', async () => {
    const path = keyedDatabase();
    for (const key of KEYS) expect(holds(fileBytes(path), key), `${key} in the old file`).toBe(true);
    const before = new Database(path);
    const tables = accountTables(before);
    const counts = Object.fromEntries(tables.map((t) => [t, before.prepare(`select count(*) from "${t}"`).pluck().get()]));
    before.close();
    // Every table with an account column (14 at this writing) had a row of each key.
    expect(tables.length).toBeGreaterThanOrEqual(14);

    const db = openDb(path);
    let ids: string[];
    try {
      const idOf = accountIdMapper(db);
      ids = KEYS.map(idOf);
      for (const id of ids) expect(id).toMatch(ACCOUNT_ID);
      expect(ids[0]).not.toBe(ids[1]);
      for (const table of tables) {
        const stored = db.$client.prepare(`select account from "${table}" order by rowid`).pluck().all() as string[];
        expect(new Set(stored), table).toEqual(new Set(ids));
        expect(stored.length, table).toBe(counts[table]);
      }
      expect(db.$client.prepare("select ordering_key from webhook_events where id = 'own-lane'").pluck().get()).toBe(ids[0]);
      // Recorded: a second open rewrites nothing, and the ids stay.
      expect(migrateAccountIds(db)).toBe(0);
      // Not in the file while it is open either (its WAL had the old pages).
      for (const key of KEYS) expect(holds(fileBytes(path), key), `${key} in the open file`).toBe(false);
    } finally {
      closeDb(db);
    }
    const bytes = fileBytes(path);
    for (const key of KEYS) expect(holds(bytes, key), `${key} in the migrated file`).toBe(false);
    // The scan reads what the file holds: the ids are there.
    for (const id of ids) expect(holds(bytes, id)).toBe(true);

    const again = openDb(path);
    try {
      expect(again.$client.prepare('select distinct account from queues order by account').pluck().all()).toEqual([...ids].sort());
    } finally {
      closeDb(again);
    }

    // The account is the same one: its key, presented to the server, finds what the old build kept.
    const { buildEmulator, defaultConfig } = await import('../../src/server.js');
    const { api } = await import('../support/harness.js');
    const em = buildEmulator(defaultConfig({ dbPath: path }), { ticker: false });
    try {
      const res = await api(em).as(KEYS[0]).get('/v2/queues/support');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ name: 'support', max_size: 100 });
      expect((await api(em).as(KEYS[1]).get('/v2/queues/support')).status).toBe(404);
    } finally {
      await em.dispose();
    }
  });

  it('a new database starts with ids: recorded as migrated, a key never written', () => {
    const db = openDb();
    try {
      expect(migrateAccountIds(db)).toBe(0);
      expect(db.$client.prepare("select count(*) from settings where key in ('account_id_secret', 'account_ids_migrated')").pluck().get()).toBe(2);
    } finally {
      closeDb(db);
    }
  });
});
