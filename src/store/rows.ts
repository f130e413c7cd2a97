/**
 * Rows read and written by position through prepared SQL, with values decoded and encoded as
 * drizzle's own column types do it (booleans as 0/1, JSON as text). drizzle's prepared statements
 * fill named placeholders and map every value through its entity checks, and its query builder
 * builds the SQL again on every call: on the emulator's busiest statements either cost several
 * times the SQL itself. The schema (schema/*.ts, drizzle) stays the one description of the tables.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './db-type.js';

interface Column {
  name: string;
  columnType: string;
  mapFromDriverValue(v: unknown): unknown;
  mapToDriverValue(v: unknown): unknown;
}
const columnsOf = (table: SQLiteTable) => getTableColumns(table) as unknown as Record<string, Column>;
/** The column when its values need drizzle's mapping (booleans, JSON); null when SQLite's value is the value. */
const codecOf = (col: Column): Column | null => (col.columnType === 'SQLiteBoolean' || col.columnType === 'SQLiteTextJson' ? col : null);

/**
 * A prepared single-table read whose rows are mapped by a precomputed column list: drizzle's
 * generic row mapping costs more than the query itself on the hottest lookups (one call, one
 * conference, a conference's participants), so those skip it. Booleans and JSON are decoded as
 * drizzle's own column types decode them.
 */
export function fastRead<T extends SQLiteTable>(db: Db, table: T, where: string, order = '') {
  const columns = Object.entries(columnsOf(table)).map(([key, col]) => ({ key, name: col.name, decode: codecOf(col) }));
  const stmt = db.$client.prepare(`select * from "${getTableName(table)}" where ${where} ${order}`);
  const map = (raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const v = raw[c.name];
      row[c.key] = v === null || c.decode === null ? v : c.decode.mapFromDriverValue(v);
    }
    return row as T['$inferSelect'];
  };
  return {
    get: (...args: unknown[]) => {
      const raw = stmt.get(...args) as Record<string, unknown> | undefined;
      return raw ? map(raw) : undefined;
    },
    all: (...args: unknown[]) => (stmt.all(...args) as Record<string, unknown>[]).map(map),
  };
}

/**
 * A row's values in the order of `keys`, encoded as drizzle's own column types encode them
 * (booleans as 0/1, JSON as text) and bound by position: drizzle's prepared statements fill named
 * placeholders and map every value through its entity checks, which cost more than the write
 * itself (a saved call media row took 16 µs, 3 of them SQLite's). An absent value binds NULL, as
 * drizzle's placeholders bind it.
 */
function encoder<T extends SQLiteTable>(table: T, keys: string[]) {
  const cols = columnsOf(table);
  const list = keys.map((key) => ({ key, name: cols[key].name, encode: codecOf(cols[key]) }));
  return {
    names: list.map((c) => `"${c.name}"`),
    values: (row: Record<string, unknown>) => list.map((c) => {
      const v = row[c.key];
      return v === null || v === undefined || c.encode === null ? v : c.encode.mapToDriverValue(v);
    }),
  };
}

/** A prepared insert-or-replace of a whole row, keyed by the table's primary key. */
export function upsert<T extends SQLiteTable>(db: Db, table: T, key: keyof T['$inferSelect'] & string) {
  const keys = Object.keys(getTableColumns(table));
  const { names, values } = encoder(table, keys);
  const keyName = names[keys.indexOf(key)];
  const stmt = db.$client.prepare(`insert into "${getTableName(table)}" (${names.join(', ')}) values (${names.map(() => '?').join(', ')})
    on conflict (${keyName}) do update set ${names.filter((n) => n !== keyName).map((n) => `${n} = excluded.${n}`).join(', ')}`);
  return (row: T['$inferSelect']) => { stmt.run(values(row as Record<string, unknown>)); };
}

/** A prepared insert of the `keys` columns of a row (the others take their defaults). */
export function insert<T extends SQLiteTable>(db: Db, table: T, keys: string[]) {
  const { names, values } = encoder(table, keys);
  const stmt = db.$client.prepare(`insert into "${getTableName(table)}" (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`);
  return { run: (row: Record<string, unknown>) => stmt.run(values(row)) };
}
