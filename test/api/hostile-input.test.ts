import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import { loadSpec } from '../support/openapi.js';
import type { Emulator } from '../../src/server.js';

/**
 * Every field of every request body in Telnyx's spec, sent with values of the wrong kind: the
 * answer is always a Telnyx-shaped 4xx or a 2xx, never a 5xx, and the server keeps serving.
 */
const spec = loadSpec();
const KEY = 'KEY_hostile';
const HOSTILE: unknown[] = [null, 0, -1, 1e308, 3.5, true, '', 'x'.repeat(5000), '\u0000\ud800', [], [1, 'a'], {}, { $ref: 'x' }];

let em: Emulator;
let http: ReturnType<typeof api>;
let conference = '';
let callId = '';

beforeAll(async () => {
  em = inMemory();
  http = api(em);
  callId = answeredCall(em, KEY).callControlId;
  const conf = await http.as(KEY).post('/v2/conferences', { call_control_id: answeredCall(em, KEY).callControlId, name: 'hostile' });
  conference = conf.body.data.id;
  await http.as(KEY).post(`/v2/conferences/${conference}/actions/join`, { call_control_id: callId });
});
afterAll(() => em.dispose());

function bodyFields(op: { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } }): string[] {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [];
  const resolved = schema.$ref ? spec.components.schemas[String(schema.$ref).split('/').pop()!] : schema;
  return Object.keys((resolved.properties as object) ?? {});
}

it('answers wrong-typed values in every request field with a 4xx, never a 5xx', async () => {
  const failures: string[] = [];
  let sent = 0;
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['post', 'patch'].includes(method)) continue;
      const url = '/v2' + path.replace(/\{(id|conference_id)\}/, conference).replace('{call_control_id}', encodeURIComponent(callId))
        .replace('{queue_name}', 'support').replace('{participant_id}', encodeURIComponent(callId));
      for (const field of bodyFields(op as never)) {
        for (const value of HOSTILE) {
          const res = method === 'post'
            ? await http.as(KEY).post(url, { [field]: value })
            : await http.as(KEY).patch(url, { [field]: value });
          sent++;
          const shaped = res.status < 300 || (Array.isArray(res.body?.errors) && typeof res.body.errors[0]?.code === 'string');
          if (res.status >= 500 || !shaped) failures.push(`${method.toUpperCase()} ${path} ${field}=${JSON.stringify(value)?.slice(0, 30)} → ${res.status}`);
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(sent).toBeGreaterThan(1000);
  // and it still serves
  expect((await http.as(KEY).get(`/v2/conferences/${conference}`)).status).toBe(200);
});
