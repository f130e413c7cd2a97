// Writes src/http/spec-operations.json: every operation of Telnyx's full spec
// (spec/telnyx-openapi/spec3-12de4dd.json.gz) as [method, path template, operationId, summary], so
// the emulator can answer an operation it does not serve "not emulated" by name instead of "No route".
//   node scripts/spec-operations.mjs
// test/api/not-emulated.test.ts checks that the file is what this script writes from the vendored spec.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const full = JSON.parse(gunzipSync(readFileSync(new URL('../spec/telnyx-openapi/spec3-12de4dd.json.gz', import.meta.url))).toString());
const rows = Object.entries(full.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m])
  .map((m) => [m.toUpperCase(), path, ops[m].operationId ?? '', (ops[m].summary ?? '').trim()]));
// JSON, not TypeScript: data, not code (the summaries' words are no SQL for the architecture test to find).
// One operation a line, so a new spec shows in a diff as the operations it adds or drops.
writeFileSync(new URL('../src/http/spec-operations.json', import.meta.url), `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
console.log(`${rows.length} operations`);
