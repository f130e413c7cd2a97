import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { answeredCall } from '../support/harness.js';

const KEY = 'KEY_concurrency';
let em: RunningEmulator;
beforeEach(async () => { em = await startEmulator(defaultConfig()); });
afterEach(() => em.close());

const post = (path: string, body: object) => fetch(`${em.url}/v2${path}`, {
  method: 'POST',
  headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

it('200 simultaneous joins into a conference with max_participants 10 end with exactly 10 participants', async () => {
  const host = answeredCall(em, KEY, '+15550000000').callControlId;
  const created = await (await post('/conferences', { call_control_id: host, name: 'rush', max_participants: 10 })).json();
  const callers = Array.from({ length: 200 }, (_, i) => answeredCall(em, KEY, `+1555100${String(i).padStart(4, '0')}`).callControlId);

  const responses = await Promise.all(callers.map((id) => post(`/conferences/${created.data.id}/actions/join`, { call_control_id: id })));
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(9);
  expect(statuses.filter((s) => s === 422)).toHaveLength(191);
  const refused = await responses.find((r) => r.status === 422)!.json();
  expect(refused.errors[0].code).toBe('90032');

  const list = await (await fetch(`${em.url}/v2/conferences/${created.data.id}/participants?page[size]=250`, {
    headers: { authorization: `Bearer ${KEY}` },
  })).json();
  expect(list.meta.total_results).toBe(10);
  expect(list.data.filter((p: { status: string }) => p.status === 'joined')).toHaveLength(10);
});
