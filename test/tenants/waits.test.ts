import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMock, type TelnyxMock } from '../../src/lib.js';

/**
 * Sealed tenants, waits (issue 11, row 3): a scenario's `wait` step and `waitForWebhook` wake on
 * the account's committed changes instead of polling, so two hundred of them parked on one
 * account cost the server nothing while nothing happens (polled every 20 ms with synchronous
 * queries, 200 waits made another account's GET p99 29.6 s). Checked by what the waits do, not by
 * timing: they are subscribed, and no query of theirs runs while the server is idle.
 */
let mock: TelnyxMock;
beforeEach(async () => { mock = await startMock(); });
afterEach(async () => {
  vi.restoreAllMocks();
  await mock.close();
});

const WAITERS = 200;

function post(key: string, path: string, body: object) {
  return fetch(mock.url + path, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

/**
 * Counts the SQLite statements this server runs: every prepared statement shares one prototype,
 * spied on, and each call's statement names its database (statements of anything else in the
 * process, which shares its worker with other test files, are not this server's).
 */
function countQueries() {
  const db = mock.emulator.db.$client;
  const proto = Object.getPrototypeOf(db.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  const spies = (['all', 'get', 'run', 'iterate', 'raw'] as const).filter((m) => typeof proto[m] === 'function').map((m) => vi.spyOn(proto, m));
  return () => spies.reduce((n, s) => n + s.mock.contexts.filter((statement) => (statement as { database?: unknown }).database === db).length, 0);
}

describe('two hundred scenarios waiting on one account', () => {
  it('are parked on its changes: no query runs while nothing happens, and one change wakes them all', async () => {
    const changes = mock.emulator.account('KEY_waiting').changes;
    const runs = Array.from({ length: WAITERS }, () => post('KEY_waiting', '/_mock/scenarios/run', {
      scenario: { name: 'parked', steps: [{ wait: { request: 'GET /v2/queues' }, timeout: 'PT60S' }] },
    }).then((res) => res.json() as Promise<{ data: { passed: boolean } }>));
    await vi.waitFor(() => expect(changes.listenerCount()).toBe(WAITERS), { timeout: 10_000 });

    const queries = countQueries();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The timer sweep's one index lookup every 250 ms is all (polling, they ran thousands).
    expect(queries()).toBeLessThanOrEqual(2);

    // Another account's work does not wake them either.
    expect((await post('KEY_neighbour', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c' })).status).toBe(201);
    expect(changes.listenerCount()).toBe(WAITERS);

    // What they wait for happens: every one passes, and every listener is gone.
    await fetch(`${mock.url}/v2/queues`, { headers: { authorization: 'Bearer KEY_waiting' } });
    const results = await Promise.all(runs);
    expect(results.map((r) => r.data.passed)).toEqual(Array(WAITERS).fill(true));
    expect(changes.listenerCount()).toBe(0);
  }, 30_000);
});

describe('waitForWebhook', () => {
  it('is parked on the account\'s changes while it waits, and resolves on the webhook', async () => {
    const changes = mock.emulator.account(mock.apiKey).changes;
    const waiting = mock.waitForWebhook('call.hangup', { timeoutMs: 10_000 });
    const queries = countQueries();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes.listenerCount()).toBe(1);
    // At most the timer sweep's index lookup (every 250 ms); polling every 10 ms ran twenty.
    expect(queries()).toBeLessThanOrEqual(1);
    const call = mock.placeCall({ from: '+15550001000', to: '+15559990000', answered: true });
    mock.hangup(call.call_control_id);
    await expect(waiting).resolves.toMatchObject({ event_type: 'call.hangup' });
    expect(changes.listenerCount()).toBe(0);
  });

  it('still times out on wall time when nothing comes', async () => {
    await expect(mock.waitForWebhook('call.hangup', { timeoutMs: 100 })).rejects.toThrow(/no call.hangup webhook within 100 ms/);
  });
});
