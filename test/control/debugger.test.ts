import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, answeredCall, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import { whenChanged } from '../support/changes.js';

/**
 * What the console's debugger reads, through the doors it uses: resending a webhook
 * (POST /_mock/webhooks/{seq}/resend), the timeline's failure filters, the signature mark and
 * the account picker's folding of keys only ever refused.
 */
let em: Emulator;
let http: ReturnType<typeof api>;
const KEY = 'KEY_debugger';

beforeEach(() => {
  // Nothing listens there: deliveries are attempted and fail, which is what a debugger looks at.
  em = inMemory({ webhookUrl: 'http://127.0.0.1:9/webhooks' });
  http = api(em);
});
afterEach(() => em.dispose());

const as = (key = KEY) => http.as(key);

describe('POST /_mock/webhooks/{seq}/resend', () => {
  it('records a new delivery of the same event (same event id and data) as a resend of it', async () => {
    answeredCall(em, KEY);
    const [initiated] = (await as().get('/_mock/webhooks?filter[event_type]=call.initiated')).body.data;
    const res = await as().post(`/_mock/webhooks/${initiated.seq}/resend`);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ resend_of: initiated.seq, event_type: 'call.initiated', status: 'pending', url: initiated.url });
    expect(res.body.data.data).toEqual(initiated.data);
    expect(res.body.data.seq).toBeGreaterThan(initiated.seq);
    expect(res.body.data.id).not.toBe(initiated.id);
    const log = (await as().get('/_mock/webhooks?filter[event_type]=call.initiated')).body.data;
    expect(log.map((w: { resend_of?: number }) => w.resend_of ?? null)).toEqual([null, initiated.seq]);
  });

  it("answers 404 for a webhook that is not this account's, and 422 for one that had nowhere to go", async () => {
    answeredCall(em, KEY);
    const [w] = (await as().get('/_mock/webhooks')).body.data;
    const other = await as('KEY_someone_else').post(`/_mock/webhooks/${w.seq}/resend`);
    expect(other.status).toBe(404);
    expect(other.body.errors[0]).toMatchObject({ code: '10007' });
    expect((await as().post('/_mock/webhooks/abc/resend')).status).toBe(404);

    const silent = inMemory();
    try {
      answeredCall(silent, KEY);
      const [nowhere] = (await api(silent).as(KEY).get('/_mock/webhooks')).body.data;
      const res = await api(silent).as(KEY).post(`/_mock/webhooks/${nowhere.seq}/resend`);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].detail).toMatch(/no URL/);
    } finally {
      await silent.dispose();
    }
  });
});

describe("the console's timeline filters", () => {
  it('leaves only failures with errors=true: refused requests, with their first error on the line', async () => {
    const call = answeredCall(em, KEY).callControlId;
    await as().post(`/v2/calls/${encodeURIComponent(call)}/actions/speak`, { payload: 'hi', voice: 'female' });
    await as().post('/v2/conferences', { call_control_id: 'v3:nope', name: 'x' });
    const page = (await as().get(`/console/api/timeline?key=${KEY}&errors=true`)).body.data;
    // Webhooks whose attempts at the dead URL already finished are failures too.
    expect(page.entries.every((e: { failed: boolean }) => e.failed)).toBe(true);
    const requests = page.entries.filter((e: { kind: string }) => e.kind === 'request');
    expect(requests.map((e: { path: string; status: number }) => [e.path, e.status])).toEqual([['/v2/conferences', 422]]);
    expect(requests[0]).toMatchObject({ error: { code: '90015', title: expect.any(String), detail: expect.any(String) } });
    expect((await as().get(`/console/api/timeline?key=${KEY}&errors=maybe`)).status).toBe(422);
  });

  it('filters by event type (webhooks only) and by text in the method, path or event type', async () => {
    const call = answeredCall(em, KEY).callControlId;
    await as().post(`/v2/calls/${encodeURIComponent(call)}/actions/speak`, { payload: 'hi', voice: 'female' });
    const byType = (await as().get(`/console/api/timeline?key=${KEY}&event_type=call.speak.started`)).body.data.entries;
    expect(byType.map((e: { event_type: string }) => e.event_type)).toEqual(['call.speak.started']);
    const byText = (await as().get(`/console/api/timeline?key=${KEY}&text=SPEAK`)).body.data.entries;
    expect(byText.map((e: { kind: string; event_type?: string; path?: string }) => e.event_type ?? e.path))
      .toEqual([`/v2/calls/${call}/actions/speak`, 'call.speak.started']);
  });
});

describe("the console's newest page", () => {
  it('is the same page whether read from the newest entries alone or from the whole timeline', async () => {
    // One attempt each, so every delivery ends (failed) and the log holds still while it is read twice.
    await em.dispose();
    em = inMemory({ webhookUrl: 'http://127.0.0.1:9/webhooks', webhookAttempts: 1 });
    http = api(em);
    for (let i = 0; i < 6; i++) {
      const call = answeredCall(em, KEY, `+1555000100${i}`).callControlId;
      await as().post(`/v2/calls/${encodeURIComponent(call)}/actions/speak`, { payload: 'hi', voice: 'female' });
      await as().post('/v2/conferences', { call_control_id: 'v3:nope', name: `x${i}` });
    }
    await whenChanged(em, KEY, async () => ((await as().get('/_mock/webhooks?filter[status]=pending')).body.data.length === 0 ? true : undefined),
      { what: 'every delivery to end' });
    for (const query of ['', '&errors=true', '&text=speak', '&event_type=call.initiated']) {
      for (const limit of [1, 5, 7, 100]) {
        const newest = (await as().get(`/console/api/timeline?key=${KEY}&limit=${limit}${query}`)).body.data;
        const whole = (await as().get(`/console/api/timeline?key=${KEY}&limit=${limit}&offset=${newest.offset}${query}`)).body.data;
        expect(newest, `limit=${limit}${query}`).toEqual(whole);
      }
    }
  });
});

describe("the console's webhook detail", () => {
  it('says whether each recorded signature verifies with the public key it shows', async () => {
    answeredCall(em, KEY);
    const [w] = (await as().get('/_mock/webhooks')).body.data;
    // The attempt (its body and signed headers) is recorded as the dispatcher claims it.
    const detail = await whenChanged(em, KEY, async () => {
      const d = (await as().get(`/console/api/webhooks/${w.seq}?key=${KEY}`)).body.data;
      return d.attempts.length > 0 ? d : undefined;
    }, { what: 'a recorded attempt' });
    expect(detail.public_key).toBe(em.webhooks.publicKey);
    for (const a of detail.attempts) expect(a.signature_verified).toBe(true);
  });
});

describe("the console's account picker", () => {
  it('marks a key whose every request was refused, and only that one', async () => {
    await http.as('KEY_stray').get('/v2/conferences/nope');
    await as().get('/v2/conferences');
    const accounts = (await as().get('/console/api/accounts?known=KEY_stray')).body.data;
    const refused = Object.fromEntries(accounts.map((a: { key: string; refused_only: boolean }) => [a.key, a.refused_only]));
    expect(refused).toMatchObject({ KEY_stray: true, [KEY]: false });
  });
});
