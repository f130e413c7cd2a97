/**
 * Writes schema/snapshot.schema.json from the tables (src/commands/snapshot.ts snapshotJsonSchema):
 * run after a schema change, `npx tsx scripts/snapshot-schema.ts`; test/snapshots/schema.test.ts
 * fails until the file matches.
 */
import { writeFileSync } from 'node:fs';
import { snapshotJsonSchema } from '../src/commands/snapshot.js';

writeFileSync(new URL('../schema/snapshot.schema.json', import.meta.url), `${JSON.stringify(snapshotJsonSchema(), null, 2)}\n`);
