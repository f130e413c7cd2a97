import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { mockControl } from '../../src/lib.js';
import { MAX_PARKED_WAITS, MAX_WAIT_MS } from '../../src/commands/wait.js';
import type { Emulator } from '../../src/server.js';

/**
 * POST /_mock/wait, in process: a blocking wait for a webhook, a request, a call state or a
 * finished delivery, answered with the match in the shape its list shows it, or a 408 when the
 * timeout passes. The same command is behind startMock()'s waitFor* helpers (checked below too).
 * Over real sockets (a client that hangs up, curl, Ruby): test/waits/.
 */
let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_wait_a';
const B = 'KEY_wait_b';

beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

const as = (key = A) => http.as(key);
const enc = encodeURIComponent;
const listeners = (key = A) => em.account(key).changes.listenerCount();
/** Resolves once `n` waits of the account are parked on its changes. */
const parked = (n: number, key = A) => vi.waitFor(() => expect(listeners(key)).toBe(n), { timeout: 5_000 });

async function ringing(key = A): Promise<string> {
  const res = await as(key).post('/_mock/calls', { from: '+15550001001', to: '+15559990000' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.call_control_id;
}

describe('POST /_mock/wait for a webhook', () => {
  it('answers at once with a match already logged, in the shape GET /_mock/webhooks lists it', async () => {
    const id = await ringing();
    const res = await as().post('/_mock/wait', { for: 'webhook', event_type: 'call.initiated', call_control_id: id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [listed] = (await as().get('/_mock/webhooks?event_type=call.initiated')).body.data;
    expect(Object.keys(res.body.data).sort()).toEqual(Object.keys(listed).sort());
    expect(res.body.data).toMatchObject({ seq: listed.seq, id: listed.id, event_type: 'call.initiated', call_control_id: id, data: listed.data });
  });

  it('holds until the webhook is logged and answers within 50 ms of the commit that logged it (the median of 5)', async () => {
    // A median, so one pause of a loaded machine (a GC, a descheduled process) is not the verdict.
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await ringing();
      const answered = as().post('/_mock/wait', { for: 'webhook', event_type: 'call.answered', call_control_id: id, timeout_ms: 10_000 })
        .then((res) => ({ res, at: performance.now() }));
      await parked(1);
      // The commit's own notification (sent right after it) marks the instant the webhook exists.
      let committed = Infinity;
      const unsubscribe = em.account(A).changes.subscribe((kind) => { if (kind === 'state') committed = Math.min(committed, performance.now()); });
      expect((await as().post(`/v2/calls/${enc(id)}/actions/answer`, {})).status).toBe(200);
      unsubscribe();
      const { res, at } = await answered;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ event_type: 'call.answered', call_control_id: id });
      delays.push(at - committed);
      expect(listeners()).toBe(0);
    }
    expect(delays.sort((x, y) => x - y)[2], `ms from commit to answer: ${delays.map((d) => d.toFixed(1)).join(', ')}`).toBeLessThan(50);
  });

  it('waits for the next one after a seq, and for a payload containing given fields', async () => {
    const id = await ringing();
    await as().post(`/v2/calls/${enc(id)}/actions/answer`, {});
    const first = (await as().post('/_mock/wait', { for: 'webhook', call_control_id: id })).body.data;
    expect(first.event_type).toBe('call.initiated');
    const next = (await as().post('/_mock/wait', { for: 'webhook', call_control_id: id, after: first.seq })).body.data;
    expect(next.event_type).toBe('call.answered');
    // The log lists from the same mark.
    expect((await as().get(`/_mock/webhooks?after=${first.seq}`)).body.data.map((w: { seq: number }) => w.seq)).toEqual([next.seq]);
    expect((await as().get('/_mock/webhooks?after=-1')).status).toBe(422);

    const pressed = as().post('/_mock/wait', { for: 'webhook', event_type: 'call.dtmf.received', payload: { digit: '7' }, timeout_ms: 5_000 }).then((r) => r);
    await parked(1);
    await as().post(`/_mock/calls/${enc(id)}/dtmf`, { digits: '357' });
    const res = await pressed;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.data.payload.digit).toBe('7');
  });

  it('times out with a 408 naming what it waited for', async () => {
    const res = await as().post('/_mock/wait', { for: 'webhook', event_type: 'call.bridged', call_control_id: 'v3:nobody', timeout_ms: 100 });
    expect(res.status).toBe(408);
    expect(res.body.errors[0]).toMatchObject({
      code: '10007', title: 'Request timeout', detail: 'Timed out: no call.bridged webhook for v3:nobody within 100 ms.',
    });
    expect(listeners()).toBe(0);
  });
});

describe('POST /_mock/wait for a request', () => {
  it('answers with the journaled request, as GET /_mock/requests shows it, once the emulator answered it', async () => {
    const id = await ringing();
    const waiting = as().post('/_mock/wait', { for: 'request', method: 'post', path: '/actions/answer', timeout_ms: 5_000 }).then((r) => r);
    await parked(1);
    await as().post(`/v2/calls/${enc(id)}/actions/answer`, { client_state: 'aGk=' });
    const res = await waiting;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [listed] = (await as().get('/_mock/requests?path=/actions/answer')).body.data;
    expect(res.body.data).toEqual(listed);
    expect(res.body.data).toMatchObject({ method: 'POST', path: `/v2/calls/${id}/actions/answer`, status: 200, body: { client_state: 'aGk=' } });
    // What the request caused is there already.
    expect((await as().get(`/_mock/calls/${enc(id)}`)).body.data.state).toBe('answered');
  });

  it('matches a status and fields of the body, and the next request after an id', async () => {
    await as().get('/v2/queues');
    await as().get('/v2/queues/nope');
    const notFound = await as().post('/_mock/wait', { for: 'request', path: '/v2/queues', status: 404 });
    expect(notFound.body.data).toMatchObject({ path: '/v2/queues/nope', status: 404 });
    const later = await as().post('/_mock/wait', { for: 'request', path: '/v2/queues', after: notFound.body.data.id, timeout_ms: 50 });
    expect(later.status).toBe(408);
    expect(later.body.errors[0].detail).toBe(`Timed out: no request to a path containing /v2/queues after request ${notFound.body.data.id} within 50 ms.`);

    await as().post('/v2/queues', { queue_name: 'support' });
    await as().post('/v2/queues', { queue_name: 'sales' });
    const sales = await as().post('/_mock/wait', { for: 'request', method: 'POST', body: { queue_name: 'sales' } });
    expect(sales.body.data.body).toEqual({ queue_name: 'sales' });
  });
});

describe('POST /_mock/wait for a call state', () => {
  it('answers with the call as GET /_mock/calls/{id} shows it once it is in that state', async () => {
    const id = await ringing();
    const waiting = as().post('/_mock/wait', { for: 'call', call_control_id: id, state: 'answered' }).then((r) => r); // sent now (an AppRequest is sent when first awaited)
    await parked(1);
    await as().post(`/v2/calls/${enc(id)}/actions/answer`, {});
    const res = await waiting;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = (await as().get(`/_mock/calls/${enc(id)}`)).body.data;
    expect(Object.keys(res.body.data).sort()).toEqual(Object.keys(view).sort());
    expect(res.body.data).toMatchObject({ call_control_id: id, state: 'answered' });
  });

  it('refuses at once a state a hung-up call can never reach, and an unknown call', async () => {
    const id = await ringing();
    await as().post(`/_mock/calls/${enc(id)}/hangup`);
    const never = await as().post('/_mock/wait', { for: 'call', call_control_id: id, state: 'answered', timeout_ms: 60_000 });
    expect(never.status).toBe(422);
    expect(never.body.errors[0].detail).toBe(`Call ${id} will never be answered: it has hung up (originator_cancel).`);
    expect((await as().post('/_mock/wait', { for: 'call', call_control_id: 'v3:nope', state: 'answered' })).status).toBe(404);
    expect(listeners()).toBe(0);
  });

  it('times out naming the state the call is in', async () => {
    const id = await ringing();
    const res = await as().post('/_mock/wait', { for: 'call', call_control_id: id, state: 'answered', timeout_ms: 50 });
    expect(res.status).toBe(408);
    expect(res.body.errors[0].detail).toBe(`Timed out: call ${id} was not answered within 50 ms (it is ringing).`);
  });
});

describe('POST /_mock/wait for a delivery', () => {
  it('answers once the webhook\'s delivery finished, with its status and attempts', async () => {
    // No webhook URL anywhere: the dispatcher fails the event (finished, not delivered).
    const id = await ringing();
    const res = await as().post('/_mock/wait', { for: 'delivery', event_type: 'call.initiated', call_control_id: id, timeout_ms: 5_000 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ event_type: 'call.initiated', status: 'failed', attempts: expect.any(Array) });
    const delivered = await as().post('/_mock/wait', { for: 'delivery', status: 'delivered', timeout_ms: 50 });
    expect(delivered.status).toBe(408);
    expect(delivered.body.errors[0].detail).toBe('Timed out: no delivered delivery of a webhook within 50 ms.');
  });
});

describe('POST /_mock/wait bounds and refusals', () => {
  it('names what is missing or wrong in a 422', async () => {
    const refused = async (body: object, code: string, pointer: string) => {
      const res = await as().post('/_mock/wait', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code, source: { pointer } });
      return res.body.errors[0].detail as string;
    };
    await refused({}, '10004', '/for');
    await refused({ for: 'email' }, '10032', '/for');
    await refused({ for: 'call', call_control_id: 'v3:x' }, '10004', '/state');
    await refused({ for: 'call', state: 'answered' }, '10004', '/call_control_id');
    await refused({ for: 'call', call_control_id: 'v3:x', state: 'parked' }, '10032', '/state');
    expect(await refused({ for: 'request', event_type: 'call.answered' }, '10015', '/event_type'))
      .toBe("'event_type' is not a filter of a wait for a request; it takes 'method', 'path', 'status', 'body'.");
    await refused({ for: 'request', status: 'delivered' }, '10015', '/status');
    await refused({ for: 'delivery', status: 200 }, '10032', '/status');
    await refused({ for: 'webhook', payload: 'digit' }, '10015', '/payload');
    await refused({ for: 'webhook', timeout_ms: MAX_WAIT_MS + 1 }, '10033', '/timeout_ms');
    await refused({ for: 'webhook', after: -1 }, '10033', '/after');
  });

  it(`parks at most ${MAX_PARKED_WAITS} waits per account (429 beyond), and another account's are its own`, async () => {
    const waits = Array.from({ length: MAX_PARKED_WAITS }, () =>
      as().post('/_mock/wait', { for: 'webhook', event_type: 'call.hangup', timeout_ms: 10_000 }).then((r) => r));
    await parked(MAX_PARKED_WAITS);
    const refused = await as().post('/_mock/wait', { for: 'webhook', event_type: 'call.hangup' });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toMatchObject({ code: '10011', detail: expect.stringContaining(`At most ${MAX_PARKED_WAITS} waits`) });
    // A match already there needs no slot.
    const id = await ringing();
    expect((await as().post('/_mock/wait', { for: 'webhook', event_type: 'call.initiated' })).status).toBe(200);

    // Another account waits as usual.
    const other = await ringing(B);
    const theirs = as(B).post('/_mock/wait', { for: 'webhook', event_type: 'call.hangup', timeout_ms: 5_000 }).then((r) => r);
    await parked(1, B);
    await as(B).post(`/_mock/calls/${enc(other)}/hangup`);
    expect((await theirs).status).toBe(200);

    await as().post(`/_mock/calls/${enc(id)}/hangup`);
    expect((await Promise.all(waits)).map((r) => r.status)).toEqual(Array(MAX_PARKED_WAITS).fill(200));
    expect(listeners()).toBe(0);
  }, 30_000);

  it('a hundred waits woken by one change read the webhook log once between them', async () => {
    const mock = mockControl(em, A);
    // Counts this database's statements (every prepared statement shares one prototype).
    const db = em.db.$client;
    const proto = Object.getPrototypeOf(db.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
    const spies = (['all', 'get', 'run', 'iterate', 'raw'] as const).filter((m) => typeof proto[m] === 'function').map((m) => vi.spyOn(proto, m));
    const statements = () => spies.reduce((n, spy) => n + spy.mock.contexts.filter((st) => (st as { database?: unknown }).database === db).length, 0);
    /** Statements run by a caller arriving, and by whatever it wakes within a macrotask (the waits look at once). */
    const ofACall = async () => {
      const before = statements();
      mock.placeCall({ from: '+15550001001', to: '+15559990000' });
      await new Promise((resolve) => setImmediate(resolve));
      return statements() - before;
    };
    const abort = new AbortController();
    try {
      await ofACall(); // the first call of the account sets up what later ones reuse
      const alone = await ofACall();
      const waits = Array.from({ length: 100 }, () =>
        mock.waitForWebhook('call.bridged', { timeoutMs: 10_000, signal: abort.signal }).catch(() => undefined));
      await parked(100);
      const withWaits = await ofACall();
      // One read of the log's new rows for all of them (a statement or two each would be 100-200).
      expect(withWaits - alone).toBeLessThanOrEqual(2);
      abort.abort();
      await Promise.all(waits);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('releases the wait when the request is aborted (the client went away)', async () => {
    const abort = new AbortController();
    const res = em.app.fetch(new Request('http://127.0.0.1/_mock/wait', {
      method: 'POST', signal: abort.signal,
      headers: { authorization: `Bearer ${A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ for: 'webhook', event_type: 'call.hangup', timeout_ms: 60_000 }),
    }));
    await parked(1);
    abort.abort();
    await res;
    expect(listeners()).toBe(0);
  });
});

describe("startMock()'s waits are the same command", () => {
  it('waitForRequest, waitForCall, waitForDelivery and waitForWebhook answer in the shapes of requests(), call() and webhooks()', async () => {
    const mock = mockControl(em, A);
    const call = mock.placeCall({ from: '+15550001001', to: '+15559990000' });
    const id = call.call_control_id;
    const request = mock.waitForRequest({ method: 'POST', path: '/actions/answer' });
    const answered = mock.waitForCall(id, 'answered');
    await parked(2);
    await as().post(`/v2/calls/${enc(id)}/actions/answer`, {});
    const [req, view] = await Promise.all([request, answered]);
    expect(req).toEqual((await mock.requests({ path: '/actions/answer' }))[0]);
    expect(view).toMatchObject({ call_control_id: id, state: 'answered' });
    expect(view.state).toBe(mock.call(id).state);

    const hook = await mock.waitForWebhook('call.answered', { callControlId: id });
    const delivery = await mock.waitForDelivery({ eventType: 'call.answered', callControlId: id });
    expect(delivery).toMatchObject({ seq: hook.seq, status: 'failed' });
    const logged = await mock.webhooks({ eventType: 'call.answered' });
    expect(logged.map((w) => w.seq)).toEqual([hook.seq]);
    // One shape for the HTTP log and the helpers.
    const listed = (await as().get('/_mock/webhooks?event_type=call.answered')).body.data;
    expect(logged).toEqual(listed);

    await expect(mock.waitForCall(id, 'hangup', { timeoutMs: 30 })).rejects.toMatchObject({ status: 408 });
    const abort = new AbortController();
    const stopped = mock.waitForWebhook('call.hangup', { signal: abort.signal, timeoutMs: 60_000 });
    await parked(1);
    abort.abort();
    await expect(stopped).rejects.toThrow('Stopped: the wait for call.hangup webhook was aborted.');
    expect(listeners()).toBe(0);
    await expect(mock.waitForRequest({ path: '/actions/hangup' }, { timeoutMs: 30 })).rejects.toThrow(/no request to a path containing \/actions\/hangup within 30 ms/);
  });
});
