/**
 * State snapshots (issue 17): an account's state, or every account's (the admin's), as one
 * versioned JSON document, and that document imported into empty accounts, all or nothing. Every
 * door calls these: GET/PUT /_mock/snapshot, `serve --import` / `--export-on-exit`,
 * `startMock({ state })` and a scenario's `setup:`.
 *
 * What is in it: every table of schema/*.ts that holds account state (store/snapshot.ts lists them
 * from the schema), the account's clock (offset and frozen instant) and so its pending timers, and
 * the webhook outbox with each attempt. What is not: the request journal, armed faults and parked
 * waits (process memory, not state; a restart loses them too) and the server-wide signing key
 * (`settings`; pin it with TELNYX_MOCK_SIGNING_KEY to verify across servers).
 */
import { createHash } from 'node:crypto';
import type { Account } from './account.js';
import { errors } from '../model/errors.js';
import { MAX_OFFSET_MS, type AccountTime } from '../clock.js';
import { snapshotTables, type SnapshotColumn, type SnapshotTables } from '../store/snapshot.js';
import { requireAdmin } from './admin.js';
import { MAX_DEPTH, mayBeTooDeep, tooDeepAt } from '../model/bounds.js';

/** The document's format version (`telnyx_mock_snapshot`): a later format is refused, not guessed at. */
export const SNAPSHOT_VERSION = 1;
/** Bounds on a document taken in (README "Limits"): its text, its accounts, its rows. */
export const MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;
export const MAX_SNAPSHOT_ACCOUNTS = 1_000;
export const MAX_SNAPSHOT_TABLE_ROWS = 100_000;
export const MAX_SNAPSHOT_ROWS = 200_000;
/** Longest text value (a webhook body is kept whole in `data`; the whole document is bounded anyway). */
const MAX_TEXT = 1024 * 1024;
const MAX_KEY_LENGTH = 256;

export interface SnapshotClock {
  offset_ms: number;
  frozen_at: number | null;
}

export interface AccountSnapshot {
  account: string;
  clock: SnapshotClock;
  tables: SnapshotTables;
}

export interface SnapshotDocument {
  telnyx_mock_snapshot: typeof SNAPSHOT_VERSION;
  accounts: AccountSnapshot[];
}

export interface ImportResult {
  accounts: { account: string; rows: number }[];
}

// ---- the document's JSON Schema (schema/snapshot.schema.json is this, pinned by a test)

type JsonSchema = Record<string, unknown>;

function columnSchema(c: SnapshotColumn): JsonSchema {
  const base: JsonSchema = c.kind === 'json' ? {}
    : c.kind === 'boolean' ? { type: 'boolean' }
    : c.kind === 'integer' ? { type: 'integer' }
    : { type: 'string', maxLength: MAX_TEXT };
  if (c.kind === 'json' || !c.nullable) return base;
  return { ...base, type: [base.type, 'null'] };
}

/** The JSON Schema (2020-12) of a snapshot document, built from the same table list the export reads. */
export function snapshotJsonSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {
    account: {
      type: 'object', additionalProperties: false, required: ['account', 'tables'],
      properties: {
        account: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH, description: 'The API key the state belongs to.' },
        clock: { $ref: '#/$defs/clock' },
        tables: {
          type: 'object', additionalProperties: false,
          properties: Object.fromEntries(snapshotTables().map((t) => [t.name, {
            type: 'array', maxItems: MAX_SNAPSHOT_TABLE_ROWS, items: { $ref: `#/$defs/${t.name}` },
          }])),
        },
      },
    },
    clock: {
      type: 'object', additionalProperties: false, required: ['offset_ms', 'frozen_at'],
      description: "The account's virtual time: wall time plus offset_ms, or frozen at frozen_at (ms since the epoch).",
      properties: {
        offset_ms: { type: 'integer', minimum: -MAX_OFFSET_MS, maximum: MAX_OFFSET_MS },
        frozen_at: { type: ['integer', 'null'] },
      },
    },
  };
  for (const t of snapshotTables()) {
    defs[t.name] = {
      type: 'object', additionalProperties: false,
      required: t.columns.filter((c) => c.required).map((c) => c.name),
      properties: Object.fromEntries(t.columns.map((c) => [c.name, columnSchema(c)])),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'telnyx-mock state snapshot',
    description: 'Accounts of a telnyx-mock server: their rows table by table (SQL column names), clocks, timers and webhook outbox. GET /_mock/snapshot writes it; PUT /_mock/snapshot, serve --import, startMock({ state }) and a scenario setup: read it.',
    type: 'object', additionalProperties: false, required: ['telnyx_mock_snapshot', 'accounts'],
    properties: {
      telnyx_mock_snapshot: { const: SNAPSHOT_VERSION, description: 'The format version.' },
      accounts: { type: 'array', maxItems: MAX_SNAPSHOT_ACCOUNTS, items: { $ref: '#/$defs/account' } },
    },
    $defs: defs,
  };
}

// ---- validation: the schema above, read by a small interpreter of the keywords it uses

const SCHEMA = snapshotJsonSchema();
const pointerPart = (k: string | number) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** The first place `v` breaks `schema` (a JSON pointer and why), or undefined. Iterative over arrays, recursive to the schema's depth only. */
function check(v: unknown, schema: JsonSchema, at: string): { pointer: string; detail: string } | undefined {
  if (typeof schema.$ref === 'string') return check(v, (SCHEMA.$defs as Record<string, JsonSchema>)[schema.$ref.slice('#/$defs/'.length)], at);
  const where = at || '/';
  if ('const' in schema && v !== schema.const) return { pointer: where, detail: `must be ${JSON.stringify(schema.const)}` };
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type as string | string[]);
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      return { pointer: where, detail: `must be ${types.join(' or ')}, not ${t}` };
    }
  }
  if (typeof v === 'string' && typeof schema.maxLength === 'number' && v.length > schema.maxLength) {
    return { pointer: where, detail: `is longer than ${schema.maxLength} characters` };
  }
  if (typeof v === 'string' && typeof schema.minLength === 'number' && v.length < schema.minLength) {
    return { pointer: where, detail: 'must not be empty' };
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) return { pointer: where, detail: `must be at least ${schema.minimum}` };
    if (typeof schema.maximum === 'number' && v > schema.maximum) return { pointer: where, detail: `must be at most ${schema.maximum}` };
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return { pointer: where, detail: 'is not a safe integer' };
  }
  if (Array.isArray(v)) {
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) return { pointer: where, detail: `has more than ${schema.maxItems} items` };
    if (schema.items) {
      for (let i = 0; i < v.length; i++) {
        const bad = check(v[i], schema.items as JsonSchema, `${at}/${i}`);
        if (bad) return bad;
      }
    }
  } else if (v !== null && typeof v === 'object') {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in v)) return { pointer: `${at}/${pointerPart(key)}`, detail: 'is required' };
    }
    for (const [key, value] of Object.entries(v)) {
      const sub = props[key];
      if (!sub) {
        if (schema.additionalProperties === false) return { pointer: `${at}/${pointerPart(key)}`, detail: 'is not a field of a snapshot here' };
        continue;
      }
      const bad = check(value, sub, `${at}/${pointerPart(key)}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** The document, checked against its schema and its own consistency; a 4xx naming the path otherwise. */
export function validateSnapshot(input: unknown, wallNow?: number): SnapshotDocument {
  if (input !== null && typeof input === 'object' && 'telnyx_mock_snapshot' in input
    && typeof input.telnyx_mock_snapshot === 'number' && input.telnyx_mock_snapshot > SNAPSHOT_VERSION) {
    throw errors.invalidSnapshot(`This snapshot has format ${input.telnyx_mock_snapshot}; this server reads format ${SNAPSHOT_VERSION}: use a newer telnyx-mock.`, '/telnyx_mock_snapshot');
  }
  const bad = check(input, SCHEMA, '');
  if (bad) throw errors.invalidSnapshot(`The snapshot does not follow schema/snapshot.schema.json: ${bad.pointer} ${bad.detail}.`, bad.pointer);
  const doc = input as SnapshotDocument;
  const seen = new Set<string>();
  let total = 0;
  doc.accounts.forEach((entry, i) => {
    if (seen.has(entry.account)) throw errors.invalidSnapshot(`The account ${entry.account} appears twice.`, `/accounts/${i}/account`);
    seen.add(entry.account);
    for (const rows of Object.values(entry.tables)) total += rows.length;
    if (wallNow !== undefined && entry.clock?.frozen_at != null && Math.abs(entry.clock.frozen_at - wallNow) > MAX_OFFSET_MS) {
      throw errors.invalidSnapshot('frozen_at is more than a hundred years from now.', `/accounts/${i}/clock/frozen_at`);
    }
  });
  if (total > MAX_SNAPSHOT_ROWS) throw errors.invalidSnapshot(`The snapshot has ${total} rows; at most ${MAX_SNAPSHOT_ROWS} are taken.`, '/accounts');
  return doc;
}

/** A document's text parsed (size bounded; JSON only): what a file or a request body holds. */
export function parseSnapshotText(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_SNAPSHOT_BYTES) throw errors.snapshotTooLarge(MAX_SNAPSHOT_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw errors.invalidSnapshot(`The snapshot is not valid JSON: ${(err as Error).message}.`, '/');
  }
  // Nothing a snapshot holds nests deeper than a webhook attempt's headers (ten levels).
  const deep = mayBeTooDeep(text) ? tooDeepAt(value) : undefined;
  if (deep) throw errors.invalidSnapshot(`The snapshot is nested too deeply (at most ${MAX_DEPTH} levels).`, deep);
  return value;
}

// ---- export

/**
 * What a document names an account by: its API key, which the importing server maps to its own
 * stored id (ids are keyed hashes with a secret per database, so an id means nothing elsewhere).
 * An account whose key was not presented since this server started is known by its id alone.
 */
const nameOf = (a: Account): string => a.key ?? a.id;

function accountSnapshot(a: Account): AccountSnapshot {
  const t: AccountTime = a.clock.state();
  return { account: nameOf(a), clock: { frozen_at: t.frozenAt, offset_ms: t.offsetMs }, tables: a.server.snapshots.rows(a.id) };
}

/**
 * The account's state as a document; `all`: every account holding state (the admin's, when an
 * admin key is set). Read in one transaction, so a document never shows half of a change.
 */
export function exportSnapshot(a: Account, opts: { all?: boolean } = {}): SnapshotDocument {
  if (opts.all) requireAdmin(a);
  const rows = a.server.snapshots;
  // Accounts bound first: binding one loads its clock, which may save it (a write, not inside the read).
  const accounts = opts.all
    ? rows.accounts().map((id) => a.server.accountOfId(id)).sort((x, y) => (nameOf(x) < nameOf(y) ? -1 : nameOf(x) > nameOf(y) ? 1 : 0))
    : [a];
  return rows.read(() => ({ telnyx_mock_snapshot: SNAPSHOT_VERSION, accounts: accounts.map(accountSnapshot) }));
}

// ---- import

/**
 * Imports a document: without `all`, its one account into the acting account (whatever key it was
 * exported from); with `all` (the admin's), each account into its own key. Every target must be
 * empty (no rows; its clock is replaced). All or nothing: one transaction, then the clocks are set,
 * the timers re-armed from them (their wall-due index is written with the rows) and the webhook
 * dispatcher woken for the outbox rows still pending.
 */
export function importSnapshot(a: Account, input: unknown, opts: { all?: boolean } = {}): ImportResult {
  if (opts.all) requireAdmin(a);
  const doc = validateSnapshot(input, a.wallNow());
  if (!opts.all && doc.accounts.length !== 1) {
    throw errors.invalidSnapshot(`A snapshot imported into one account holds one account; this one holds ${doc.accounts.length}. Import it whole with ?all=true (the admin key), or export one account.`, '/accounts');
  }
  const targets = doc.accounts.map((entry, i) => {
    if (!opts.all) return a;
    if (a.server.isAccountId(entry.account)) {
      throw errors.invalidSnapshot(`The account ${entry.account} is named by its stored id, not its API key: the server that exported it had not seen its key since it started. Send one request with that key there and export again, or import this account alone into a key.`, `/accounts/${i}/account`);
    }
    return a.server.account(entry.account);
  });
  const rows = a.server.snapshots;
  const times = doc.accounts.map((entry): AccountTime => ({
    offsetMs: entry.clock?.offset_ms ?? 0, frozenAt: entry.clock?.frozen_at ?? null,
  }));
  rows.write(() => {
    doc.accounts.forEach((entry, i) => {
      const target = targets[i];
      const full = rows.firstNonEmpty(target.id);
      if (full) throw errors.snapshotAccountNotEmpty(target.id, full, opts.all ? `/accounts/${i}/account` : '/');
      const taken = rows.takenId(entry.tables);
      if (taken) throw errors.snapshotIdTaken(taken.table, String(taken.value), `/accounts/${i}/tables/${taken.table}/${taken.index}/${taken.column}`);
      rows.insert(target.id, entry.tables, times[i], `/accounts/${i}/tables`);
    });
  });
  targets.forEach((target, i) => {
    target.clock.restore(times[i]);
    target.continueStreamAfter(`snapshot ${createHash('sha256').update(JSON.stringify(doc.accounts[i])).digest('hex')}`);
    for (const kind of ['state', 'webhook', 'clock'] as const) target.changes.notify(kind);
  });
  a.server.eventsCommitted();
  return {
    accounts: doc.accounts.map((entry, i) => ({
      account: nameOf(targets[i]), rows: Object.values(entry.tables).reduce((n, r) => n + r.length, 0),
    })),
  };
}

// ---- the server's own doors (CLI, startMock): they act for the operator, not a tenant

/** The key the server acts as for every account: the admin key when one is set (any key is trusted otherwise). */
export const OPERATOR_KEY = 'KEY_telnyx_mock_operator';

