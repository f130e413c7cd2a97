import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import { loadSpec, validate } from '../support/openapi.js';
import type { Emulator } from '../../src/server.js';

/**
 * The spec is the source of truth (stripe-mock's habit): every operation in Telnyx's spec subset
 * is either served or listed here as out of scope, and what we serve matches its 200 schema.
 */
const OUT_OF_SCOPE: Record<string, string> = {
  'POST /calls/{call_control_id}/actions/gather_using_audio': 'call-level media is not part of the conferencing emulator yet',
  'POST /calls/{call_control_id}/actions/playback_start': 'call-level media is not part of the conferencing emulator yet',
  'POST /calls/{call_control_id}/actions/send_dtmf': 'call-level media is not part of the conferencing emulator yet',
  'POST /calls/{call_control_id}/actions/speak': 'call-level media is not part of the conferencing emulator yet',
};

const spec = loadSpec();
const KEY = 'KEY_contract';
let em: Emulator;
let http: ReturnType<typeof api>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  em = inMemory();
  http = api(em);
  const call = () => answeredCall(em, KEY).callControlId;
  ids.host = call();
  ids.guest = call();
  ids.queued = call();
  ids.agent = call();
  const ringing = () => em.control.placeCall(KEY, { from: '+15550001111', to: '+15550002222', connectionId: 'c' }).callControlId;
  ids.ringing = ringing();
  ids.rejected = ringing();
  const conf = await http.as(KEY).post('/v2/conferences', { call_control_id: ids.host, name: 'contract' });
  ids.conference = conf.body.data.id;
  await http.as(KEY).post(`/v2/conferences/${ids.conference}/actions/join`, { call_control_id: ids.guest, label: 'guest' });
  await http.as(KEY).post(`/v2/calls/${ids.queued}/actions/enqueue`, { queue_name: 'support' });
  await http.as(KEY).post('/v2/queues', { queue_name: 'empty' });
  // a call kept in its queue after hanging up: the kind DELETE /queues/{name}/calls/{id} removes
  ids.kept = call();
  await http.as(KEY).post(`/v2/calls/${ids.kept}/actions/enqueue`, { queue_name: 'kept', keep_after_hangup: true });
  em.control.hangup(KEY, ids.kept);
  ids.joiner = call();
});
afterAll(() => em.dispose());

/** A request that the operation accepts, with the ids made above. */
function example(method: string, path: string): { url: string; body?: object } {
  const callFor: Record<string, string> = {
    '/calls/{call_control_id}/actions/answer': ids.ringing,
    '/calls/{call_control_id}/actions/reject': ids.rejected,
    '/calls/{call_control_id}/actions/bridge': ids.agent,
    '/calls/{call_control_id}/actions/leave_queue': ids.queued,
    '/calls/{call_control_id}/actions/hangup': ids.host,
  };
  const callId = method === 'DELETE' ? ids.kept : callFor[path] ?? (path.startsWith('/queues') ? ids.queued : ids.guest);
  const queueName = method === 'DELETE' ? (path.includes('/calls/') ? 'kept' : 'empty') : 'support';
  const url = '/v2' + path
    .replace('{conference_id}', ids.conference).replace('{id}', ids.conference)
    .replace('{participant_id}', 'guest').replace('{queue_name}', queueName)
    .replace('{call_control_id}', encodeURIComponent(callId));
  const bodies: Record<string, object> = {
    'POST /calls': { connection_id: 'c', from: '+15550001111', to: '+15550002222' },
    'POST /conferences': { call_control_id: answeredCall(em, KEY).callControlId, name: `c-${Math.random()}` },
    'POST /queues': { queue_name: `q-${Math.random()}` },
    'POST /queues/{queue_name}': { max_size: 50 },
    'POST /conferences/{id}/actions/record_start': { format: 'mp3' },
    'POST /conferences/{id}/actions/play': { audio_url: 'https://example.com/a.mp3' },
    'POST /conferences/{id}/actions/speak': { payload: 'hi', voice: 'female' },
    'POST /conferences/{id}/actions/send_dtmf': { digits: '1' },
    'POST /conferences/{id}/actions/update': { call_control_id: ids.guest, supervisor_role: 'monitor' },
    'POST /conferences/{id}/actions/unhold': { call_control_ids: [ids.guest] },
    'POST /conferences/{id}/actions/gather_using_audio': { call_control_id: ids.guest },
    'POST /calls/{call_control_id}/actions/enqueue': { queue_name: 'other' },
    'POST /calls/{call_control_id}/actions/bridge': { call_control_id: ids.host },
    'POST /calls/{call_control_id}/actions/reject': { cause: 'USER_BUSY' },
    'POST /conferences/{id}/actions/join': { call_control_id: ids.joiner },
    'POST /conferences/{id}/actions/leave': { call_control_id: ids.joiner },
  };
  return { url, body: bodies[`${method} ${path}`] ?? {} };
}

const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.keys(ops).filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m)).map((m) => ({ method: m.toUpperCase(), path })));

describe("every operation in Telnyx's spec", () => {
  it('is routed or listed as out of scope', async () => {
    // Against unknown ids, on another account: any answer but "no route" shows the operation is served.
    const unrouted: string[] = [];
    const agent = http.as('KEY_routing');
    for (const { method, path } of operations) {
      if (OUT_OF_SCOPE[`${method} ${path}`]) continue;
      const url = '/v2' + path.replace(/\{[a-z_]+\}/g, 'unknown');
      const res = method === 'GET' ? await agent.get(url) : method === 'DELETE' ? await agent.delete(url)
        : method === 'PATCH' ? await agent.patch(url, {}) : await agent.post(url, {});
      if (res.body.errors?.[0]?.detail?.startsWith('No route for')) unrouted.push(`${method} ${path}`);
    }
    expect(unrouted).toEqual([]);
    expect(operations.length).toBe(44);
  });

  // Ordered so that state-changing actions come after the reads that need the state.
  const order = (p: string) => {
    if (p.includes('/actions/end') || p.includes('hangup')) return 4;
    if (p.startsWith('DELETE /queues/{queue_name}/calls')) return 3;
    if (p.startsWith('DELETE')) return 4;
    if (p.includes('/actions/leave') || p.includes('record_pause')) return 2;
    if (p.includes('record_resume') || p.includes('record_stop')) return 3;
    return p.includes('/actions/') ? 1 : 0;
  };
  const served = operations.filter((o) => !OUT_OF_SCOPE[`${o.method} ${o.path}`])
    .sort((a, b) => order(`${a.method} ${a.path}`) - order(`${b.method} ${b.path}`));

  for (const { method, path } of served) {
    it(`${method} ${path} answers in the shape of its success schema`, async () => {
      const op = spec.paths[path][method.toLowerCase()] as { responses: Record<string, { content?: Record<string, { schema: object }> }> };
      const { url, body } = example(method, path);
      const agent = http.as(KEY);
      const res = method === 'GET' ? await agent.get(url) : method === 'DELETE' ? await agent.delete(url)
        : method === 'PATCH' ? await agent.patch(url, body) : await agent.post(url, body);
      const successCode = Object.keys(op.responses).find((c) => c.startsWith('2'))!;
      expect(res.status, JSON.stringify(res.body)).toBe(Number(successCode));
      const schema = op.responses[successCode].content?.['application/json']?.schema;
      if (schema) expect(validate(spec, schema as Record<string, unknown>, res.body)).toEqual([]);
    });
  }
});
