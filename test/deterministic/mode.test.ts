import { afterEach, describe, expect, it } from 'vitest';
import { ids, seededIds } from '../../src/ids.js';
import { DETERMINISTIC_EPOCH } from '../../src/clock.js';
import { checkSeedConfig, configFromEnv } from '../../src/config.js';
import { keyFromSeed, signingSeedOf } from '../../src/webhooks/keys.js';
import { parseReplay } from '../../src/control/replay.js';
import { mockControl } from '../../src/lib.js';
import { validateScenario } from '../../src/scenario/parse.js';
import { runScenario } from '../../src/scenario/run.js';
import { TelnyxError } from '../../src/model/errors.js';
import { api, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';

/** Deterministic mode and recordings, in process (the runs over sockets: runs.test.ts). */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CALL_CONTROL_ID = /^v3:[0-9A-Za-z_-]{54}$/;
const take = (source: { uuid(): string; callControlId(): string }, n = 5) =>
  Array.from({ length: n }, (_, i) => (i % 2 ? source.callControlId() : source.uuid()));

let em: Emulator | undefined;
afterEach(async () => { await em?.dispose(); em = undefined; });

describe('seeded ids', () => {
  it('the same seed and account give the same stream; another account or seed another one', () => {
    expect(take(seededIds('42', 'KEY_a'))).toEqual(take(seededIds('42', 'KEY_a')));
    expect(take(seededIds('42', 'KEY_b'))).not.toEqual(take(seededIds('42', 'KEY_a')));
    expect(take(seededIds('43', 'KEY_a'))).not.toEqual(take(seededIds('42', 'KEY_a')));
  });

  it('are still v4 UUIDs and Telnyx-shaped call_control_ids, all distinct', () => {
    const s = seededIds('0', 'KEY_a');
    const uuids = Array.from({ length: 500 }, () => s.uuid());
    const calls = Array.from({ length: 500 }, () => s.callControlId());
    for (const u of uuids) expect(u).toMatch(UUID_V4);
    for (const c of calls) expect(c).toMatch(CALL_CONTROL_ID);
    expect(new Set([...uuids, ...calls]).size).toBe(1000);
  });

  it('the default ids stay random', () => {
    expect(ids.uuid()).not.toBe(ids.uuid());
    expect(ids.callControlId()).toMatch(CALL_CONTROL_ID);
  });
});

describe('a deterministic server', () => {
  it("each account's clock starts frozen at 2026-01-01T00:00:00Z, and its ids do not depend on another account's requests", async () => {
    em = inMemory({ seed: '42' });
    const a = mockControl(em, 'KEY_a');
    expect(a.now()).toBe(new Date(DETERMINISTIC_EPOCH).toISOString());
    expect(a.freeze().now).toBe('2026-01-01T00:00:00.000Z');
    const first = a.placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id;

    const again = inMemory({ seed: '42' });
    try {
      // Another account busy first, on the second server: KEY_a's first call has the same id.
      mockControl(again, 'KEY_b').placeCall({ from: '+15550001001', to: '+15550002001' });
      expect(mockControl(again, 'KEY_a').placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id).toBe(first);
    } finally {
      await again.dispose();
    }
  });

  it('a reset starts the account over: clock back at the epoch, the id stream from its start', async () => {
    em = inMemory({ seed: '42' });
    const a = mockControl(em, 'KEY_a');
    const first = a.placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id;
    await a.advance(3600);
    a.reset();
    expect(a.now()).toBe('2026-01-01T00:00:00.000Z');
    expect(a.placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id).toBe(first);
    // Every account, too.
    await a.advance(60);
    a.reset({ all: true });
    expect(a.now()).toBe('2026-01-01T00:00:00.000Z');
    expect(a.placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id).toBe(first);
  });

  it('after a snapshot is imported, new ids neither repeat the imported ones nor vary from run to run', async () => {
    /** Exports a seeded account holding one call, re-imports it after a reset, places another call. */
    const run = async () => {
      em = inMemory({ seed: '42' });
      const http = api(em).as('KEY_snap');
      const first = (await http.post('/_mock/calls', { from: '+15550001001', to: '+15550002001' })).body.data.call_control_id;
      // The snapshot holds delivery state too: taken once the dispatcher has settled the event (no
      // URL: failed) in both runs alike, not whenever its turn happens to come.
      while ((await http.get('/_mock/webhooks')).body.data.some((w: { status: string }) => w.status === 'pending')) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const document = (await http.get('/_mock/snapshot')).body;
      expect((await http.post('/_mock/reset', {})).status).toBe(200);
      expect((await http.put('/_mock/snapshot', document)).status).toBe(201);
      // The stream from its start would give `first` again, which the imported call holds.
      const next = await http.post('/_mock/calls', { from: '+15550001002', to: '+15550002001' });
      expect(next.status, JSON.stringify(next.body)).toBe(201);
      await em.dispose();
      em = undefined;
      return { first, next: next.body.data.call_control_id as string };
    };
    const one = await run();
    expect(one.next).not.toBe(one.first);
    expect(await run()).toEqual(one);
  });

  it('signs with a key derived from the seed: the same on every start, and what keygen --seed prints', async () => {
    em = inMemory({ seed: '42' });
    const other = inMemory({ seed: '42' });
    try {
      expect(em.webhooks.publicKey).toBe(other.webhooks.publicKey);
      expect(em.webhooks.publicKey).toBe(keyFromSeed(signingSeedOf('42')).publicKey);
      expect(em.keySource).toBe('seed');
    } finally {
      await other.dispose();
    }
  });

  it('the default server is unchanged: wall time, running clock, random ids', async () => {
    em = inMemory();
    const a = mockControl(em, 'KEY_a');
    expect(Math.abs(Date.parse(a.now()) - Date.now())).toBeLessThan(60_000);
    expect(a.placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id).toMatch(CALL_CONTROL_ID);
  });

  it('is configured by TELNYX_MOCK_SEED, and refused on a file database (its kept ids would collide with the streams)', () => {
    expect(configFromEnv({ TELNYX_MOCK_SEED: '42' }).seed).toBe('42');
    expect(configFromEnv({}).seed).toBeUndefined();
    expect(() => configFromEnv({ TELNYX_MOCK_SEED: 'two words' })).toThrow(/TELNYX_MOCK_SEED must be an integer or a short word/);
    expect(() => checkSeedConfig({ seed: '1', dbPath: '/tmp/x.db' })).toThrow(/in-memory database/);
    expect(() => checkSeedConfig({ seed: '1', dbPath: ':memory:' })).not.toThrow();
  });
});

describe("a scenario's seed", () => {
  const scenario = (seed: unknown) => ({
    name: 'seeded', seed, steps: [
      { call: 'alice', from: '+15550001001', to: '+15550002001', answered: true },
      { advance: '90s' },
      { hangup: 'alice' },
    ],
  });

  it('makes its run deterministic on any server: the same ids and times on every run', async () => {
    em = inMemory();
    const account = em.account('KEY_a');
    const first = await runScenario(account, validateScenario(scenario(42)));
    const events = async () => (await mockControl(em!, 'KEY_a').webhooks()).map((w) => `${w.id} ${w.event_type} ${w.occurred_at}`);
    const stream = await events();
    const second = await runScenario(account, validateScenario(scenario(42)));
    expect(second.calls).toEqual(first.calls);
    expect(await events()).toEqual(stream);
    expect(stream.at(-1)).toMatch(/call\.hangup 2026-01-01T00:01:30\.000Z$/);

    // A reset clears the seed with the rest: the account is back to wall time and random ids.
    mockControl(em, 'KEY_a').reset();
    expect(Math.abs(Date.parse(mockControl(em, 'KEY_a').now()) - Date.now())).toBeLessThan(60_000);
    const after = mockControl(em, 'KEY_a').placeCall({ from: '+15550001001', to: '+15550002001' }).call_control_id;
    expect(after).not.toBe(first.calls.alice);
  });

  it('is an integer or a short word; anything else is refused naming the field', () => {
    expect(validateScenario(scenario('ci-7')).seed).toBe('ci-7');
    expect(() => validateScenario(scenario('two words'))).toThrow(/'seed' must be an integer or a short word/);
    expect(() => validateScenario(scenario(1.5))).toThrow(/'seed'/);
  });
});

describe('recordings (GET /_mock/requests/export)', () => {
  it("export the account's /v2 requests with bodies as sent, query strings and virtual times", async () => {
    em = inMemory({ seed: '5' });
    const http = api(em).as('KEY_a');
    const dialed = await http.post('/v2/calls', { connection_id: 'c', from: '+15550001001', to: '+15550002001' });
    expect(dialed.status).toBe(200);
    await mockControl(em, 'KEY_a').advance(30);
    await http.get('/v2/conferences?page[size]=5');
    const res = await http.get('/_mock/requests/export');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      telnyx_mock_replay: 1, seed: '5', api_key: 'KEY_a', ended_at: '2026-01-01T00:00:30.000Z', dropped: 0,
      requests: [
        { method: 'POST', path: '/v2/calls', body: JSON.stringify({ connection_id: 'c', from: '+15550001001', to: '+15550002001' }), time: '2026-01-01T00:00:00.000Z', status: 200 },
        { method: 'GET', path: '/v2/conferences?page[size]=5', body: '', time: '2026-01-01T00:00:30.000Z', status: 200 },
      ],
    });
    expect(parseReplay(res.body)).toEqual(res.body);
  });

  const valid = () => ({
    telnyx_mock_replay: 1, seed: '5', api_key: 'KEY_a', ended_at: '2026-01-01T00:01:00.000Z', dropped: 0,
    requests: [
      { method: 'POST', path: '/v2/calls', body: '{}', time: '2026-01-01T00:00:00.000Z', status: 200 },
      { method: 'GET', path: '/v2/conferences', body: '', time: '2026-01-01T00:00:30.000Z', status: 200 },
    ],
  });
  const refusal = (doc: unknown) => {
    try {
      parseReplay(doc);
    } catch (err) {
      return { status: (err as TelnyxError).status, pointer: (err as TelnyxError).pointer };
    }
    return undefined;
  };

  it.each<[string, (d: ReturnType<typeof valid>) => unknown, string]>([
    ['another version', (d) => ({ ...d, telnyx_mock_replay: 2 }), '/telnyx_mock_replay'],
    ['a bad method', (d) => { d.requests[1].method = 'BREW'; return d; }, '/requests/1/method'],
    ['a path outside /v2', (d) => { d.requests[0].path = '/_mock/reset'; return d; }, '/requests/0/path'],
    ['a body that is not text', (d) => { (d.requests[0] as { body: unknown }).body = { a: 1 }; return d; }, '/requests/0/body'],
    ['times out of order', (d) => { d.requests[1].time = '2025-12-31T23:59:59.000Z'; return d; }, '/requests/1/time'],
    ['an unknown field', (d) => ({ ...d, extra: true }), '/extra'],
    ['a cut recording', (d) => ({ ...d, dropped: 3 }), '/dropped'],
    ['no account', (d) => ({ ...d, api_key: '' }), '/api_key'],
    ['a body over 1 MiB', (d) => { d.requests[1].body = 'x'.repeat(1024 * 1024 + 1); return d; }, '/requests/1/body'],
    ['too many requests', (d) => ({ ...d, requests: Array.from({ length: 10_001 }, () => d.requests[0]) }), '/requests'],
  ])('refuse %s with a 422 naming the field', (_, edit, pointer) => {
    expect(refusal(valid())).toBeUndefined();
    expect(refusal(edit(valid()))).toEqual({ status: 422, pointer });
  });
});

describe('POST /_mock/reset {"seed"}', () => {
  it('resets the account into deterministic mode (what a replay starts with); a bad seed is refused', async () => {
    em = inMemory();
    const http = api(em).as('KEY_a');
    expect((await http.post('/_mock/reset', { seed: '9' })).status).toBe(200);
    expect(mockControl(em, 'KEY_a').now()).toBe('2026-01-01T00:00:00.000Z');
    const bad = await http.post('/_mock/reset', { seed: 'no spaces allowed' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].source).toEqual({ pointer: '/seed' });
    expect((await http.post('/_mock/reset', { seed: '9', all: true })).status).toBe(422);
  });
});
