import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeDb, openDb } from '../../src/store/db.js';
import { accountIdMapper } from '../../src/store/account-id.js';
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
