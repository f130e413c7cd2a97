import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, defaultConfig, type RunningEmulator } from '../../src/server.js';
import { placeCall } from '../../src/commands/callers.js';
import { createConference, joinConference } from '../../src/commands/conferences.js';
import { coalesce, LIVE_UPDATES } from '../../src/console/live.js';
import type { ChangeKind } from '../../src/changes.js';
import { naclVerifies, startReceiver, type Receiver } from '../support/receiver.js';

/** The console's read API and event stream, over HTTP (the page's side is in console.test.ts). */
let em: RunningEmulator;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  em = await startEmulator(defaultConfig({ webhookUrl: `${receiver.url}/webhooks` }));
});
afterAll(async () => {
  await em?.close();
  await receiver?.close();
});

const get = (path: string, key?: string) => fetch(`${em.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
const caller = (key: string, from: string) => placeCall(em.account(key), { from, to: '+15559990000', connection_id: 'c', answered: true }).callControlId;

/** An open event stream: every event with the performance.now() it arrived at. */
async function events(key: string) {
  const controller = new AbortController();
  const res = await fetch(`${em.url}/console/api/events?key=${key}`, { signal: controller.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const seen: { event: string; data: string; at: number }[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (event) seen.push({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '', at: performance.now() });
          for (const w of waiters) w();
        }
      }
    } catch { /* aborted */ }
  })();
  const until = (check: () => boolean, timeoutMs = 5000) => new Promise<void>((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => { waiters.delete(done); reject(new Error(`timed out: ${seen.map((s) => s.event).join(', ')}`)); }, timeoutMs);
    const done = () => { if (check()) { clearTimeout(timer); waiters.delete(done); resolve(); } };
    waiters.add(done);
  });
  return { seen, until, close: () => controller.abort() };
}

const snapshots = (seen: { event: string; data: string }[]) => seen.filter((s) => s.event === 'snapshot').map((s) => JSON.parse(s.data).data);

describe('the console API', () => {
  it('asks for the account key like the rest of the API', async () => {
    const res = await get('/console/api/snapshot');
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0]).toMatchObject({ title: expect.any(String) });
  });

  it('lists only the keys the page presents, most recent first; watching an account is not using it', async () => {
    caller('KEY_api_first', '+15550020001');
    await get('/v2/conferences', 'KEY_api_second');
    await get('/console/api/snapshot?key=KEY_api_watched_only');
    // No admin key: a key is the whole credential, so the list names only keys the caller holds.
    const list = async (key: string | undefined, known: string[]) =>
      (await (await get(`/console/api/accounts?${known.map((k) => `known=${k}`).join('&')}`, key)).json()).data.map((a: { key: string }) => a.key);
    expect(await list('KEY_api_second', ['KEY_api_first', 'KEY_api_watched_only'])).toEqual(['KEY_api_second', 'KEY_api_first']);
    expect(await list('KEY_api_first', [])).toEqual(['KEY_api_first']);
    expect(await list(undefined, [])).toEqual([]);
  });

  it('pushes a snapshot on connecting and one after each change, well within 250 ms', async () => {
    const key = 'KEY_api_latency';
    const stream = await events(key);
    await stream.until(() => snapshots(stream.seen).length === 1);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = stream.seen.length;
      const t0 = performance.now();
      const id = caller(key, `+1555003000${i}`);
      await stream.until(() => snapshots(stream.seen.slice(before)).some((s) => s.calls.rows.some((c: { call_control_id: string }) => c.call_control_id === id)));
      delays.push(stream.seen.at(-1)!.at - t0);
      await new Promise((r) => setTimeout(r, LIVE_UPDATES.minGapMs)); // from idle each time
    }
    stream.close();
    delays.sort((x, y) => x - y);
    expect(delays[2]).toBeLessThan(250);
  });

  it('coalesces a fan-out of thousands of webhooks into a few updates', { timeout: 120_000 }, async () => {
    const key = 'KEY_api_fanout';
    const a = em.account(key);
    const ids = Array.from({ length: 800 }, (_, i) => caller(key, `+1555004${String(i).padStart(4, '0')}`));
    const conf = createConference(a, { call_control_id: ids[0], name: 'fan-out', max_participants: 800 });
    for (const id of ids.slice(1)) joinConference(a, conf.id, { call_control_id: id });
    // The setup's 2,400 webhooks (initiated, answered, joined) are not the fan-out measured: dropped
    // undelivered, they do not hold each call's `left` back behind them (per-call order).
    expect((await fetch(`${em.url}/_mock/webhooks`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status).toBe(200);

    const stream = await events(key);
    await stream.until(() => stream.seen.length === 1);
    const t0 = performance.now();
    // Ending it: every participant leaves, each a webhook, then conference.ended.
    const res = await fetch(`${em.url}/v2/conferences/${conf.id}/actions/end`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(res.status).toBe(200);
    const left = () => receiver.requests.filter((r) =>
      r.json.data.event_type === 'conference.participant.left' && r.json.data.payload.conference_id === conf.id).length;
    await receiver.until(() => left() >= 800, 60_000, '800 conference.participant.left');
    const elapsed = performance.now() - t0;
    await stream.until(() => snapshots(stream.seen).at(-1)?.conferences.rows[0].status === 'completed');
    stream.close();
    const updates = stream.seen.filter((s) => s.at >= t0);
    // At most one update (a snapshot and a timeline nudge) per minGapMs, whatever the number of webhooks.
    expect(updates.filter((u) => u.event === 'timeline').length).toBeLessThanOrEqual(Math.ceil(elapsed / LIVE_UPDATES.minGapMs) + 2);
    expect(updates.length).toBeLessThan(100);
  });

  it('shows a webhook as sent: its body and the signature headers the app received', { timeout: 60_000 }, async () => {
    const key = 'KEY_api_signed';
    const id = caller(key, '+15550050001');
    await receiver.until(() => receiver.requests.some((r) => r.json.data.event_type === 'call.answered' && r.json.data.payload.call_control_id === id), 30_000);
    const received = receiver.requests.find((r) => r.json.data.event_type === 'call.answered' && r.json.data.payload.call_control_id === id)!;
    const timeline = (await (await get(`/console/api/timeline?key=${key}&call=${encodeURIComponent(id)}`)).json()).data;
    const entry = timeline.entries.find((e: { event_type?: string }) => e.event_type === 'call.answered');
    const detail = (await (await get(`/console/api/webhooks/${entry.id}?key=${key}`)).json()).data;
    const attempt = detail.attempts[0];
    expect(attempt.body).toBe(received.body);
    expect(attempt.headers['telnyx-timestamp']).toBe(received.headers['telnyx-timestamp']);
    expect(attempt.headers['telnyx-signature-ed25519']).toBe(received.headers['telnyx-signature-ed25519']);
    expect(naclVerifies(detail.public_key, attempt.body, attempt.headers)).toBe(true);
  });

  it("interleaves the app's requests with webhooks, filtered by call or by conference", async () => {
    const key = 'KEY_api_timeline';
    const [host, guest, other] = ['+15550060001', '+15550060002', '+15550060003'].map((n) => caller(key, n));
    const post = (path: string, body: object) => fetch(`${em.url}/v2${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then((r) => r.json());
    const conf = (await post('/conferences', { call_control_id: host, name: 'tl' })).data;
    await post(`/conferences/${conf.id}/actions/join`, { call_control_id: guest });
    const read = async (q: string) => (await (await get(`/console/api/timeline?key=${key}&${q}`)).json()).data;

    const byGuest = await read(`call=${encodeURIComponent(guest)}`);
    expect(byGuest.entries.map((e: { kind: string; event_type?: string; path?: string }) => e.event_type ?? `${e.kind} ${e.path}`)).toEqual([
      'call.initiated', 'call.answered', `request /v2/conferences/${conf.id}/actions/join`, 'conference.participant.joined',
    ]);
    const byConference = await read(`conference=${conf.id}`);
    expect(byConference.entries.every((e: { kind: string; path?: string; conference_id?: string }) =>
      (e.kind === 'request' ? e.path!.includes(conf.id) : e.conference_id === conf.id))).toBe(true);
    expect(byConference.entries.some((e: { call_control_id?: string }) => e.call_control_id === other)).toBe(false);

    const request = byGuest.entries.find((e: { kind: string }) => e.kind === 'request');
    const full = (await (await get(`/console/api/requests/${request.id}?key=${key}`)).json()).data;
    expect(full).toMatchObject({ method: 'POST', status: 200, body: { call_control_id: guest } });
    expect((await get(`/console/api/requests/999999?key=${key}`)).status).toBe(404);
    expect((await get(`/console/api/timeline?key=${key}&limit=0`)).status).toBe(422);
  });

  it('serves the scenarios in fixtures/ for the page to run', async () => {
    const names = (await (await get('/console/api/fixtures')).json()).data;
    expect(names).toEqual(expect.arrayContaining(['support-queue.json', 'moderated-conference.yaml']));
    expect(await (await get('/console/api/fixtures/support-queue.json')).text()).toContain('"steps"');
    expect((await get('/console/api/fixtures/..%2Fpackage.json')).status).toBe(404);
  });
});

describe('coalescing live updates', () => {
  it('flushes a burst once, soon after its first change, and then at most once per gap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const flushed: { at: number; kinds: ChangeKind[] }[] = [];
      const live = coalesce(async (kinds) => { flushed.push({ at: Date.now(), kinds: [...kinds].sort() }); }, { settleMs: 25, minGapMs: 150 });
      const t0 = Date.now();
      live.push('state');
      live.push('webhook');
      await vi.advanceTimersByTimeAsync(25);
      expect(flushed).toEqual([{ at: t0 + 25, kinds: ['state', 'webhook'] }]);

      // A change every millisecond for a second: one flush per 150 ms, each carrying what came before it.
      for (let i = 0; i < 1000; i++) {
        live.push(i % 2 ? 'webhook' : 'request');
        await vi.advanceTimersByTimeAsync(1);
      }
      await vi.advanceTimersByTimeAsync(200);
      const gaps = flushed.slice(1).map((f, i) => f.at - flushed[i].at);
      expect(gaps.every((g) => g >= 150)).toBe(true);
      expect(flushed.length).toBeLessThanOrEqual(1 + Math.ceil(1200 / 150));
      expect(flushed.at(-1)!.at - t0).toBeLessThanOrEqual(25 + 1000 + 150);
      live.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds the next flush while one is still being written (a slow browser)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      let release!: () => void;
      let writes = 0;
      const live = coalesce(() => { writes++; return new Promise<void>((r) => { release = r; }); }, { settleMs: 25, minGapMs: 150 });
      live.push('state');
      await vi.advanceTimersByTimeAsync(25);
      for (let i = 0; i < 50; i++) { live.push('state'); await vi.advanceTimersByTimeAsync(100); }
      expect(writes).toBe(1);
      release();
      await vi.advanceTimersByTimeAsync(200);
      expect(writes).toBe(2);
      live.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
