import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from '../../schema/index.js';

/** The open database (drizzle over better-sqlite3), apart from db.ts so what opening runs may name it without a circle. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
