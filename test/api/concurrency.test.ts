import http from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { answeredCall } from '../support/harness.js';

const KEY = 'KEY_concurrency';
let em: RunningEmulator;
beforeEach(async () => { em = await startEmulator(defaultConfig()); });
afterEach(() => em.close());

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const post = (path: string, body: object) => fetch(`${em.url}/v2${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const get = async (path: string) => (await fetch(`${em.url}${path}`, { headers })).json();

/**
 * Resolves once the server has started `n` requests for `path`: Node announces each on the
 * `http.server.request.start` diagnostics channel when it has read the head and hands the request
 * to the app. (Subscribed at the call: call it before sending.)
 */
function started(n: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onStart = (message: unknown) => {
      if ((message as { request: { url?: string } }).request.url !== path || ++seen < n) return;
      unsubscribe('http.server.request.start', onStart);
      // A turn of the event loop: each handler has gone as far as it can without the body.
      setImmediate(resolve);
    };
    subscribe('http.server.request.start', onStart);
  });
}

/** A caller dials in, answered, through the control API over HTTP. */
async function caller(from: string): Promise<string> {
  const res = await fetch(`${em.url}/_mock/calls`, {
    method: 'POST', headers, body: JSON.stringify({ from, to: '+15559990000', connection_id: 'conn-1', answered: true }),
  });
  expect(res.status).toBe(201);
  return (await res.json()).data.call_control_id;
}

/**
 * A POST whose headers go out now and whose body goes out only when `send()` is called, each on
 * its own connection: the server has started every request before any of them can be completed.
 */
function lateBodyPost(path: string, body: object) {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(em.url);
  const req = http.request({
    host: url.hostname, port: url.port, path, method: 'POST', agent: false,
    headers: { ...headers, 'content-length': String(payload.length) },
  });
  const response = new Promise<{ status: number; body: { errors?: Array<{ code: string }> } }>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return {
    response,
    send: () => {
      // Half the body, a turn of the event loop, then the rest: the read itself is split too.
      req.write(payload.subarray(0, 1));
      setImmediate(() => req.end(payload.subarray(1)));
    },
  };
}

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

describe('joins whose bodies arrive late', () => {
  // SDK ConferenceCreateParams.max_participants: "The maximum number of active conference
  // participants to allow. Must be between 2 and 800." The creator is one of them.
  it('admit exactly max_participants when 60 joins are all under way before any body arrives', async () => {
    const host = await caller('+15550000000');
    const created = await (await post('/conferences', { call_control_id: host, name: 'late-rush', max_participants: 10 })).json();
    const conference = created.data.id as string;
    const callers: string[] = [];
    for (let i = 0; i < 60; i++) callers.push(await caller(`+1555200${String(i).padStart(4, '0')}`));

    const path = `/v2/conferences/${conference}/actions/join`;
    const underWay = started(60, path);
    const joins = callers.map((id) => lateBodyPost(path, { call_control_id: id }));
    // Every request's headers are at the server, and its handler waiting for the body…
    await underWay;
    // …and only now do the bodies go out, all at once.
    for (const join of joins) join.send();
    const answers = await Promise.all(joins.map((j) => j.response));

    const admitted = callers.filter((_, i) => answers[i].status === 200);
    const refused = answers.filter((a) => a.status === 422);
    expect(admitted).toHaveLength(9);
    expect(refused).toHaveLength(51);
    expect(new Set(refused.map((a) => a.body.errors?.[0]?.code))).toEqual(new Set(['90032']));

    const list = await get(`/v2/conferences/${conference}/participants?page[size]=250`);
    expect(list.meta.total_results).toBe(10);
    expect(list.data.map((p: { call_control_id: string }) => p.call_control_id).sort()).toEqual([host, ...admitted].sort());
    expect(list.data.every((p: { status: string }) => p.status === 'joined')).toBe(true);
    // Each refused caller is in no conference, and only the admitted ones were announced.
    for (const id of callers.filter((c) => !admitted.includes(c))) {
      expect((await get(`/_mock/calls/${encodeURIComponent(id)}`)).data.conference_id).toBeNull();
    }
    const joined = await get('/_mock/webhooks?event_type=conference.participant.joined');
    expect(joined.data).toHaveLength(10);
  });
});

describe('a refused command changes nothing', () => {
  async function conferenceWithGuest() {
    const host = await caller('+15550000000');
    const created = await (await post('/conferences', { call_control_id: host, name: 'atomic' })).json();
    const guest = await caller('+15550000001');
    expect((await post(`/conferences/${created.data.id}/actions/join`, { call_control_id: guest })).status).toBe(200);
    return { conference: created.data.id as string, host, guest };
  }
  const webhookCount = async () => (await get('/_mock/webhooks')).meta.total_results as number;

  it('a mute naming one participant and then an unknown call mutes neither', async () => {
    const { conference, guest } = await conferenceWithGuest();
    const before = await webhookCount();
    const res = await post(`/conferences/${conference}/actions/mute`, { call_control_ids: [guest, 'v3:not-a-participant'] });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0]).toMatchObject({ code: '90015', source: { pointer: '/call_control_ids/1' } });
    const list = await get(`/v2/conferences/${conference}/participants`);
    expect(list.data.map((p: { muted: boolean }) => p.muted)).toEqual([false, false]);
    expect(await webhookCount()).toBe(before);
  });

  it('a refused command does not spend its command_id: the same command_id runs once the command can', async () => {
    const [first, second] = [await caller('+15550000020'), await caller('+15550000021')];
    expect((await post(`/calls/${encodeURIComponent(first)}/actions/enqueue`, { queue_name: 'tiny', max_size: 1 })).status).toBe(200);
    const before = await webhookCount();
    const full = await post(`/calls/${encodeURIComponent(second)}/actions/enqueue`, { queue_name: 'tiny', command_id: 'enqueue-1' });
    expect(full.status).toBe(422);
    expect((await full.json()).errors[0].code).toBe('90036');
    expect(await webhookCount()).toBe(before);
    expect((await post(`/calls/${encodeURIComponent(first)}/actions/leave_queue`, {})).status).toBe(200);
    // SDK: "Telnyx will ignore any command with the same command_id for the same call_control_id" —
    // the refused command was never executed, so the same command_id is not a repeat.
    expect((await post(`/calls/${encodeURIComponent(second)}/actions/enqueue`, { queue_name: 'tiny', command_id: 'enqueue-1' })).status).toBe(200);
    const queue = await get('/v2/queues/tiny/calls');
    expect(queue.data.map((c: { call_control_id: string }) => c.call_control_id)).toEqual([second]);
    // And now it has run, the same command_id is a repeat: ignored.
    expect((await post(`/calls/${encodeURIComponent(second)}/actions/leave_queue`, {})).status).toBe(200);
    expect((await post(`/calls/${encodeURIComponent(second)}/actions/enqueue`, { queue_name: 'tiny', command_id: 'enqueue-1' })).status).toBe(200);
    expect((await get('/v2/queues/tiny/calls')).data).toEqual([]);
  });

  it('an agent bridging from the queue it waits in first is refused, stays first in the queue and nothing is sent', async () => {
    const agent = await caller('+15550000010');
    const other = await caller('+15550000011');
    expect((await post(`/calls/${encodeURIComponent(agent)}/actions/enqueue`, { queue_name: 'support' })).status).toBe(200);
    expect((await post(`/calls/${encodeURIComponent(other)}/actions/enqueue`, { queue_name: 'support' })).status).toBe(200);
    const before = await webhookCount();
    // The first caller in 'support' is the agent itself: taking it out of the queue comes first,
    // then the bridge is refused (a call cannot be bridged with itself) — and the whole command
    // is undone, dequeue included.
    const res = await post(`/calls/${encodeURIComponent(agent)}/actions/bridge`, { call_control_id: agent, queue: 'support' });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].code).toBe('90015');
    const queue = await get('/v2/queues/support/calls');
    expect(queue.data.map((c: { call_control_id: string; queue_position: number }) => [c.call_control_id, c.queue_position]))
      .toEqual([[agent, 1], [other, 2]]);
    expect(await webhookCount()).toBe(before);
    expect((await get(`/_mock/calls/${encodeURIComponent(agent)}`)).data.bridged_to).toBeNull();
  });
});
