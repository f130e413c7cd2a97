import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column LIKE %text%` (SQLite's LIKE: any case for ASCII), with LIKE's wildcards in `text` taken
 * literally: a name containing `%` or `_` matches only itself.
 */
export function likeContains(column: AnyColumn, text: string): SQL {
  return sql`${column} like ${`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;
}
