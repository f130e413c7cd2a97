/**
 * All SQL of state snapshots (commands/snapshot.ts): an account's rows read out table by table and
 * written back in one transaction. The tables are found from the schema, as reset finds them, so a
 * table added later is snapshotted too (and the JSON Schema, built from the same list, follows).
 */
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import * as schema from '../../schema/index.js';
import { wallDue, type AccountTime } from '../clock.js';
import { errors } from '../model/errors.js';
import type { Db } from './db.js';

/** How a column's value is written in a snapshot document. */
export type SnapshotColumnKind = 'text' | 'integer' | 'boolean' | 'json';

export interface SnapshotColumn {
  /** The SQL column name: the document's field name. */
  name: string;
  kind: SnapshotColumnKind;
  /** Must be given (NOT NULL without a default). */
  required: boolean;
  nullable: boolean;
  /** SQL default when the document leaves it out (NOT NULL with a default). */
  defaultValue?: unknown;
}

export interface SnapshotTable {
  name: string;
  columns: SnapshotColumn[];
  /** The primary key without the account: the rows' order in a document. */
  order: string[];
  /** An integer key SQLite hands out (AUTOINCREMENT): kept when free, else shifted on import. */
  autoKey?: string;
  /** The key includes the account: another account's rows cannot collide with these. */
  perAccount: boolean;
}

/** Columns derived from others and rebuilt on import, so never written: a timer's wall due instant (from the clock). */
const DERIVED: Record<string, string[]> = { timers: ['wall_due_at'] };

/** The clock is the document's `clock`, not a table of it. */
const NOT_TABLES = new Set(['clocks']);

function columnKind(col: { columnType: string; dataType: string }): SnapshotColumnKind {
  if (col.columnType === 'SQLiteBoolean') return 'boolean';
  if (col.columnType === 'SQLiteTextJson') return 'json';
  return col.dataType === 'number' ? 'integer' : 'text';
}

/**
 * Every table holding account state, by name, each with its columns and order. Read from the
 * schema on first use (a snapshot taken or imported), not at every start.
 */
export function snapshotTables(): SnapshotTable[] {
  return tables ??= readTables();
}
let tables: SnapshotTable[] | undefined;

const readTables = (): SnapshotTable[] => (Object.values(schema) as unknown[])
  .filter((t): t is SQLiteTable => is(t, SQLiteTable) && 'account' in getTableColumns(t as SQLiteTable))
  .filter((t) => !NOT_TABLES.has(getTableName(t)))
  .map((t) => {
    const name = getTableName(t);
    const config = getTableConfig(t);
    const derived = new Set(DERIVED[name] ?? []);
    const cols = Object.values(getTableColumns(t)) as unknown as {
      name: string; columnType: string; dataType: string; notNull: boolean; hasDefault: boolean; default: unknown;
      primary: boolean; autoIncrement?: boolean; config?: { autoIncrement?: boolean };
    }[];
    const columns: SnapshotColumn[] = cols
      .filter((c) => c.name !== 'account' && !derived.has(c.name))
      .map((c) => ({
        name: c.name, kind: columnKind(c), nullable: !c.notNull,
        required: c.notNull && !c.hasDefault,
        ...(c.notNull && c.hasDefault ? { defaultValue: c.default } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const pk = cols.find((c) => c.primary);
    // One row per account (account_settings) has no order of its own: its key is the account.
    const key = pk ? [pk.name] : (config.primaryKeys[0]?.columns ?? []).map((c) => c.name);
    const order = key.filter((n) => n !== 'account');
    const auto = pk && pk.dataType === 'number' && (pk.autoIncrement || pk.config?.autoIncrement) ? pk.name : undefined;
    return { name, columns, order, perAccount: key.includes('account'), ...(auto ? { autoKey: auto } : {}) };
  })
  .sort((a, b) => (a.name < b.name ? -1 : 1));

export type SnapshotRow = Record<string, unknown>;
export type SnapshotTables = Record<string, SnapshotRow[]>;

/** A row taken by another account: its primary key is the same (ids are unique across the server). */
export interface TakenId { table: string; index: number; column: string; value: unknown }

/** The snapshot reads and writes, across accounts (the command checks who may ask). */
export class SnapshotRows {
  private readonly tx;
  private readonly raw;

  constructor(db: Db) {
    this.raw = db.$client;
    this.tx = db.$client.transaction((fn: () => unknown) => fn());
  }

  /** The account's rows, each table's in primary-key order, values as the document writes them. */
  rows(account: string): SnapshotTables {
    const out: SnapshotTables = {};
    for (const t of snapshotTables()) {
      const select = t.columns.map((c) => `"${c.name}"`).join(', ');
      const order = t.order.length ? ` order by ${t.order.map((c) => `"${c}"`).join(', ')}` : '';
      const rows = this.raw.prepare(`select ${select} from "${t.name}" where account = ?${order}`).all(account) as SnapshotRow[];
      if (rows.length === 0) continue;
      out[t.name] = rows.map((r) => {
        const row: SnapshotRow = {};
        for (const c of t.columns) row[c.name] = fromSql(c, r[c.name]);
        return row;
      });
    }
    return out;
  }


  /** The first table holding a row of the account (its clock aside), or undefined when it holds none. */
  firstNonEmpty(account: string): string | undefined {
    return snapshotTables().find((t) => this.raw.prepare(`select 1 from "${t.name}" where account = ? limit 1`).get(account) !== undefined)?.name;
  }

  /** Accounts holding any state (a row or a saved clock), sorted. */
  accounts(): string[] {
    const union = [...snapshotTables().map((t) => t.name), 'clocks'].map((n) => `select account from "${n}"`).join(' union ');
    return (this.raw.prepare(`select account from (${union}) order by account`).pluck().all() as string[]);
  }

  /**
   * The first row of `tables` whose primary key another account's row already has (text ids are
   * unique across the server: importing the same snapshot twice into one server collides here).
   */
  takenId(tables: SnapshotTables): TakenId | undefined {
    for (const t of snapshotTables()) {
      const rows = tables[t.name];
      // Keys scoped by account cannot collide across accounts; handed-out integers are shifted
      // instead; a webhook's event id (unique beside its seq key) is checked as a key.
      if (!rows || t.perAccount) continue;
      const column = t.name === 'webhook_events' ? 'id' : t.autoKey ? undefined : t.order[0];
      if (!column) continue;
      const exists = this.raw.prepare(`select 1 from "${t.name}" where "${column}" = ?`);
      for (let i = 0; i < rows.length; i++) {
        if (exists.get(rows[i][column]) !== undefined) return { table: t.name, index: i, column, value: rows[i][column] };
      }
    }
    return undefined;
  }

  /** Runs `fn` on one consistent view (a read transaction on a database file, which another process may write). */
  read<T>(fn: () => T): T {
    return this.raw.memory ? fn() : this.tx.deferred(fn) as T;
  }

  /** Runs `fn` in one write transaction: an import is all or nothing. */
  write<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }

  /**
   * Writes the account's rows and clock (call inside `write`). A handed-out integer key (timer id,
   * webhook seq) is kept when it is above every one SQLite handed out so far, else the table's keys
   * are shifted past them, order kept (a resend's `resend_of` follows its event): the webhook
   * dispatcher reads the outbox forward from the last seq it saw, so a lower seq would never be sent.
   */
  insert(account: string, tables: SnapshotTables, time: AccountTime, pointer: string): void {
    const shifts = new Map<string, number>();
    for (const t of snapshotTables()) {
      const rows = tables[t.name];
      if (!t.autoKey || !rows?.length) continue;
      const handedOut = (this.raw.prepare('select seq from sqlite_sequence where name = ?').pluck().get(t.name) as number | undefined) ?? 0;
      const max = (this.raw.prepare(`select max("${t.autoKey}") from "${t.name}"`).pluck().get() as number | null) ?? 0;
      const floor = Math.max(handedOut, max);
      const lowest = Math.min(...rows.map((r) => r[t.autoKey!] as number));
      shifts.set(t.name, lowest > floor ? 0 : floor - lowest + 1);
    }
    for (const t of snapshotTables()) {
      const rows = tables[t.name];
      if (!rows?.length) continue;
      const derived = DERIVED[t.name] ?? [];
      const names = ['account', ...t.columns.map((c) => c.name), ...derived];
      const stmt = this.raw.prepare(`insert into "${t.name}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`);
      const shift = shifts.get(t.name) ?? 0;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const values: unknown[] = [account];
        for (const c of t.columns) {
          let v = toSql(c, row[c.name]);
          if (shift && (c.name === t.autoKey || (t.name === 'webhook_events' && c.name === 'resend_of' && v !== null))) v = (v as number) + shift;
          values.push(v);
        }
        // The timer index from the imported clock, as start-up after a crash rebuilds it (failed timers stay out of it).
        if (t.name === 'timers') values.push(row.error == null ? wallDue(time, row.due_at as number) : null);
        try {
          stmt.run(...values);
        } catch (err) {
          // Two rows with one key (or one unique value) in the document: refused, the transaction undone.
          if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
            throw errors.invalidSnapshot(`This ${t.name} row repeats a key or unique value of another row: ${(err as Error).message}.`, `${pointer}/${t.name}/${i}`);
          }
          throw err;
        }
      }
    }
    this.raw.prepare(`insert into clocks (account, offset_ms, frozen_at) values (?, ?, ?)
      on conflict(account) do update set offset_ms = excluded.offset_ms, frozen_at = excluded.frozen_at`)
      .run(account, time.offsetMs, time.frozenAt);
  }
}

/** A stored value as the document writes it: booleans as booleans, JSON columns as their JSON. */
function fromSql(c: SnapshotColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (c.kind === 'boolean') return v === 1;
  if (c.kind === 'json') return JSON.parse(v as string);
  return v;
}

/** A document's value as stored (drizzle's own encodings: 0/1 booleans, JSON.stringify for JSON columns). */
function toSql(c: SnapshotColumn, v: unknown): unknown {
  if (v === undefined) return c.defaultValue ?? null;
  if (v === null) return null;
  if (c.kind === 'boolean') return v ? 1 : 0;
  if (c.kind === 'json') return JSON.stringify(v);
  return v;
}
