import { afterEach, describe, expect, it } from 'vitest';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';

/**
 * Per-key memory is released (issue 19, row 10): before, every key ever used kept its Account,
 * clock, journal, fault list and change registry (~920 B, 383 B of it surviving a reset), and the
 * console's picker listed it forever. A reset, and an idle time with nothing in flight, now drop
 * them; what the account stored stays in the database and is there on its next request.
 */
let em: Emulator | undefined;
afterEach(async () => { await em?.dispose(); em = undefined; });

const ORIGIN = 'http://127.0.0.1';
const IDLE_MS = 10 * 60_000;
/** Idle time before an account whose journal holds answered requests is released. */
const JOURNAL_IDLE_MS = 24 * 3_600_000;

async function req(key: string, method: string, path: string, body?: unknown) {
  const res = await em!.app.fetch(new Request(`${ORIGIN}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  return { status: res.status, json: await res.json() as any };
}

/**
 * Which of the per-key maps hold `key`: the Accounts' own (by key, by stored id, the picker's), and
 * the clock's, journal's, faults', changes' and webhook faults', which know the account by its id.
 */
function holders(key: string): string[] {
  const accounts = em!.accounts as any;
  const s = accounts.services;
  const id = em!.accounts.idOf(key);
  const maps: Record<string, [Map<string, unknown>, string]> = {
    accounts: [accounts.byKey, key], byId: [accounts.byId, id], lastUsed: [accounts.lastUsed, key],
    clock: [s.clock.accounts, id], journal: [s.journal.byAccount, id], faults: [s.faults.byAccount, id],
    changes: [s.changes.byAccount, id], webhookFaults: [s.webhookFaults.byAccount, id],
  };
  return Object.entries(maps).filter(([, [m, k]]) => m.has(k)).map(([name]) => name);
}

/** A key that has used every per-key piece: a request to /v2 (journal, faults checked), a frozen clock, a call. */
async function used(key: string): Promise<string> {
  expect((await req(key, 'POST', '/_mock/clock/freeze')).status).toBe(200);
  const placed = await req(key, 'POST', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true });
  expect(placed.status).toBe(201);
  const id = placed.json.data.call_control_id as string;
  expect((await req(key, 'GET', `/v2/calls/${encodeURIComponent(id)}`)).status).toBe(200);
  expect(holders(key)).toEqual(['accounts', 'byId', 'lastUsed', 'clock', 'journal', 'faults', 'changes', 'webhookFaults']);
  return id;
}

describe('per-key memory', () => {
  it('is released by a reset of the account; the key works again afterwards, as a new account', async () => {
    em = buildEmulator(defaultConfig(), { ticker: false });
    const id = await used('KEY_reset');
    expect((await req('KEY_reset', 'POST', '/_mock/reset', {})).status).toBe(200);
    expect(holders('KEY_reset')).toEqual([]);
    // The reset emptied the account; the next request finds it empty (an unknown call is 422
    // 90015 in call control), on a running clock.
    const gone = await req('KEY_reset', 'GET', `/v2/calls/${encodeURIComponent(id)}`);
    expect([gone.status, gone.json.errors[0].code]).toEqual([422, '90015']);
    expect((await req('KEY_reset', 'GET', '/_mock/clock')).json.data.frozen).toBe(false);
  });

  it('is released for every account by a reset of all accounts', async () => {
    em = buildEmulator(defaultConfig(), { ticker: false });
    await used('KEY_one');
    await used('KEY_two');
    expect((await req('KEY_one', 'POST', '/_mock/reset', { all: true })).status).toBe(200);
    expect(holders('KEY_one')).toEqual([]);
    expect(holders('KEY_two')).toEqual([]);
  });

  it("is released after 10 minutes of wall time unused for a stray key (every request refused)", async () => {
    let wall = 1_800_000_000_000;
    em = buildEmulator(defaultConfig(), { ticker: false, wall: () => wall });
    expect((await req('KEY_stray', 'GET', '/v2/calls/v3:nope')).status).toBe(422);
    wall += IDLE_MS - 1;
    expect(em.accounts.releaseIdle()).toBe(0);
    wall += 1;
    expect(em.accounts.releaseIdle()).toBe(1);
    expect(holders('KEY_stray')).toEqual([]);
  });

  it('is kept a day when its journal holds answered requests (memory only, read after a break); then released, the next request sees the stored call and the frozen clock', async () => {
    let wall = 1_800_000_000_000;
    em = buildEmulator(defaultConfig(), { ticker: false, wall: () => wall });
    const id = await used('KEY_idle');
    const frozenAt = (await req('KEY_idle', 'GET', '/_mock/clock')).json.data.now;

    wall += IDLE_MS;
    expect(em.accounts.releaseIdle()).toBe(0);
    wall += JOURNAL_IDLE_MS - IDLE_MS - 1;
    expect(em.accounts.releaseIdle()).toBe(0);
    expect(holders('KEY_idle')).not.toEqual([]);
    wall += 1;
    expect(em.accounts.releaseIdle()).toBe(1);
    expect(holders('KEY_idle')).toEqual([]);

    const call = await req('KEY_idle', 'GET', `/v2/calls/${encodeURIComponent(id)}`);
    expect(call.status).toBe(200);
    expect(call.json.data.call_control_id).toBe(id);
    const clock = (await req('KEY_idle', 'GET', '/_mock/clock')).json.data;
    expect([clock.frozen, clock.now]).toEqual([true, frozenAt]);
  });

  it('is kept while the account is in use: armed request or webhook faults, a seed (deterministic mode), a handle that holds the account (startMock())', async () => {
    let wall = 1_800_000_000_000;
    em = buildEmulator(defaultConfig(), { ticker: false, wall: () => wall });
    await used('KEY_faults');
    expect((await req('KEY_faults', 'POST', '/_mock/faults', { method: 'GET', path: '/v2/calls', status: 503 })).status).toBe(201);
    await used('KEY_webhook_faults');
    expect((await req('KEY_webhook_faults', 'POST', '/_mock/webhook_faults', { kind: 'fail' })).status).toBe(201);
    // Deterministic mode: the seeded id stream's place is in memory; released, it would repeat ids.
    expect((await req('KEY_seeded', 'POST', '/_mock/reset', { seed: '7' })).status).toBe(200);
    await used('KEY_seeded');
    em.account('KEY_handle');
    await used('KEY_handle');
    wall += JOURNAL_IDLE_MS;
    expect(em.accounts.releaseIdle()).toBe(0);
    expect(holders('KEY_faults')).toContain('faults');
    expect(holders('KEY_webhook_faults')).toContain('accounts');
    expect(holders('KEY_seeded')).toContain('accounts');
    expect(holders('KEY_handle')).toContain('accounts');
  });
});
