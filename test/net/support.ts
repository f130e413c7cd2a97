/**
 * What the test/net files share: an emulator driven only through its public doors (HTTP without a
 * socket, through the request listener), its delivery log read as /_mock/webhooks serves it, and
 * the checks every boundary test makes on a Telnyx error.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, enc, type Http } from '../support/doors.js';
import type { Config } from '../../src/config.js';
import type { Emulator } from '../../src/server.js';

export { enc };

/** The bearer-key client of one account (`http.as(key)`). */
export type Client = ReturnType<Http['as']>;

/** One attempt as GET /_mock/webhooks records it. */
export interface Attempt {
  attempt: number;
  url: string;
  status: number | null;
  error?: string;
  at: string;
  finished_at?: string;
}

/** One entry of GET /_mock/webhooks, with the delivery fields test/support/doors.ts leaves out. */
export interface Entry {
  id: string;
  event_type: string;
  call_control_id: string | null;
  conference_id: string | null;
  status: 'pending' | 'delivered' | 'failed';
  url: string | null;
  failover_url: string | null;
  attempts: Attempt[];
  next_attempt_at: string | null;
  data: { event_type: string; occurred_at: string; payload: Record<string, unknown> };
}

/** An emulator with no socket, its HTTP client and the doors of one account. */
export function offline(key: string, config: Partial<Config> = {}) {
  const em: Emulator = inMemory(config);
  const http: Http = api(em);
  return { em, http, key, v2: http.as(key), d: doors(http, key), close: () => em.dispose() };
}

export type Offline = ReturnType<typeof offline>;

/**
 * One emulator for the whole file (building one costs a database and its migrations) and a fresh
 * account for each test (accounts are isolated: README "each key is its own isolated account"),
 * its clock frozen unless told otherwise. The object returned is refilled before each test.
 */
export function accountPerTest(prefix: string, config: Partial<Config> = {}, opts: { freeze?: boolean } = {}): Offline {
  const t = {} as Offline;
  let em: Emulator;
  let http: Http;
  let n = 0;
  beforeAll(() => {
    em = inMemory(config);
    http = api(em);
  });
  afterAll(() => em.dispose());
  beforeEach(async () => {
    const key = `${prefix}_${++n}`;
    Object.assign(t, { em, http, key, v2: http.as(key), d: doors(http, key), close: async () => {} });
    if (opts.freeze ?? true) await t.d.freeze();
  });
  return t;
}

/** Every entry of the account's delivery log, oldest first (all pages). */
export async function logOf(v2: Client, query: Record<string, string> = {}): Promise<Entry[]> {
  const q = Object.entries(query).map(([k, v]) => `${k}=${enc(v)}&`).join('');
  const all: Entry[] = [];
  for (let page = 1; ; page++) {
    const res = await v2.get(`/_mock/webhooks?${q}page[number]=${page}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    all.push(...res.body.data);
    if (page >= res.body.meta.total_pages) return all;
  }
}

/** The answer is Telnyx's error: this status, code, and `source` (a body pointer or a query parameter). */
export function expectError(res: { status: number; body: unknown }, status: number, code: string,
  source?: { pointer: string } | { parameter: string }) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const errors = (res.body as { errors?: Array<{ code: string; source?: unknown }> }).errors;
  expect(Array.isArray(errors), JSON.stringify(res.body)).toBe(true);
  expect(errors![0].code, JSON.stringify(res.body)).toBe(code);
  if (source) expect(errors![0].source, JSON.stringify(res.body)).toEqual(source);
}

/** The answer is a success (2xx), with the body shown when it is not. */
export function expectOk(res: { status: number; body: unknown }, status = 200) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

/** Milliseconds between two recorded ISO instants. */
export const msBetween = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/** A port nothing listens on: a delivery there is refused at once (a failed attempt, no wait). */
export const REFUSED = 'http://127.0.0.1:1';

/** A YAML scenario whose one anchor (`&f`) is used `aliases` times (`*f`): 1 + aliases steps. */
export const yamlWithAliases = (aliases: number) =>
  ['name: aliases', 'steps:', '  - clock: &f freeze', ...Array<string>(aliases).fill('  - clock: *f')].join('\n');

/** POST /_mock/scenarios/run with YAML text. */
export const sendYaml = (t: Offline, text: string) =>
  t.http.raw.post('/_mock/scenarios/run').set('Authorization', `Bearer ${t.key}`).set('content-type', 'application/yaml').send(text);
