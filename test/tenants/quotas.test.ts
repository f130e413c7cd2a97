import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';
import type { Quotas } from '../../src/model/quotas.js';
import { pruneWebhookLog } from '../../src/commands/quotas.js';
import { configFromEnv } from '../../src/config.js';

/**
 * Quotas per account (issue 19, row 6): 10,000 valid speaks with long text, client_state and
 * command_id grew the process by 193 MB, never refused, until the OOM killer took every tenant's
 * state. Each stored kind now has a quota per account; one more is refused with a 422 naming the
 * quota, its setting and the account (its key shortened: a key is a credential), before anything
 * is written, so nothing already stored is lost. Telnyx documents no quota error for call control;
 * 422 (not 429) because waiting frees nothing, and the SDKs retry a 429 twice (TELNYX-SEMANTICS.md:
 * "Both retry 408, 409, 429 and 5xx twice by default").
 */
let em: Emulator | undefined;
afterEach(async () => { await em?.dispose(); em = undefined; });

const KEY = 'KEY_quota_account';
/** The id the database stores the account under (a keyed hash of the key, never the key). */
const accountId = () => em!.accounts.idOf(KEY);
const SHORT = 'KEY_qu…nt';

function emulator(quotas: Partial<Quotas>, dbPath?: string) {
  em = buildEmulator(defaultConfig({ quotas, dbPath }), { ticker: false });
}

async function req(method: string, path: string, body?: unknown) {
  const res = await em!.app.fetch(new Request(`http://127.0.0.1${path}`, {
    method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  return { status: res.status, json: await res.json() as any };
}

const placeCall = () => req('POST', '/_mock/calls', { from: '+15550001000', to: '+15559990000', connection_id: 'c', answered: true });
const action = (id: string, name: string, body: object) => req('POST', `/v2/calls/${encodeURIComponent(id)}/actions/${name}`, body);

/** A 422 naming the quota, its setting and the shortened key, never the key. */
function expectQuotaRefusal(res: { status: number; json: any }, what: string, setting: string, max: number) {
  expect(res.status).toBe(422);
  const e = res.json.errors[0];
  expect([e.code, e.title, e.source]).toEqual(['10015', 'Quota reached', { pointer: '/' }]);
  expect(e.detail).toContain(`quota of ${max} ${what}`);
  expect(e.detail).toContain(setting);
  expect(e.detail).toContain(SHORT);
  expect(e.detail).not.toContain(KEY);
}

describe('quotas per account', () => {
  it('refuses the call past the calls quota, placed or dialed, and keeps every stored call', async () => {
    emulator({ calls: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await placeCall();
      expect(res.status).toBe(201);
      ids.push(res.json.data.call_control_id);
    }
    expectQuotaRefusal(await placeCall(), 'calls', 'TELNYX_MOCK_MAX_CALLS', 3);
    expectQuotaRefusal(await req('POST', '/v2/calls', { connection_id: 'c', from: '+15550001000', to: '+15559990001' }), 'calls', 'TELNYX_MOCK_MAX_CALLS', 3);
    expectQuotaRefusal(await action(ids[0], 'transfer', { to: '+15559990002' }), 'calls', 'TELNYX_MOCK_MAX_CALLS', 3);
    for (const id of ids) expect((await req('GET', `/v2/calls/${encodeURIComponent(id)}`)).json.data.is_alive).toBe(true);
    // Another account is not counted against this one.
    const other = await em!.app.fetch(new Request('http://127.0.0.1/_mock/calls', {
      method: 'POST', headers: { authorization: 'Bearer KEY_other', 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550001000', to: '+15559990000', connection_id: 'c' }),
    }));
    expect(other.status).toBe(201);
  });

  it('counts what is deleted too: after a reset the account places its quota of calls again', async () => {
    emulator({ calls: 2 });
    for (let round = 0; round < 2; round++) {
      expect((await placeCall()).status).toBe(201);
      expect((await placeCall()).status).toBe(201);
      expect((await placeCall()).status).toBe(422);
      expect((await req('POST', '/_mock/reset', {})).status).toBe(200);
    }
  });

  it('refuses the speak, playback or gather prompt past the media items quota, and keeps the queued ones', async () => {
    emulator({ mediaItems: 2 });
    const id = (await placeCall()).json.data.call_control_id;
    expect((await action(id, 'speak', { payload: 'one', voice: 'female' })).status).toBe(200);
    expect((await action(id, 'playback_start', { audio_url: 'https://example.com/a.mp3' })).status).toBe(200);
    const max = ['speak and playback items', 'TELNYX_MOCK_MAX_MEDIA_ITEMS', 2] as const;
    expectQuotaRefusal(await action(id, 'speak', { payload: 'three', voice: 'female' }), ...max);
    expectQuotaRefusal(await action(id, 'playback_start', { audio_url: 'https://example.com/b.mp3' }), ...max);
    expectQuotaRefusal(await action(id, 'gather_using_speak', { payload: 'press', voice: 'female' }), ...max);
    expectQuotaRefusal(await action(id, 'gather_using_audio', { audio_url: 'https://example.com/c.mp3' }), ...max);
    const media = await req('GET', `/_mock/calls/${encodeURIComponent(id)}/media`);
    expect(media.json.data.map((m: any) => m.kind)).toEqual(['speak', 'playback']);
  });

  it("counts a conference's playing media in the same quota: speak and play to a conference are refused past it", async () => {
    emulator({ mediaItems: 2 });
    await req('POST', '/_mock/clock/freeze');
    const id = (await placeCall()).json.data.call_control_id;
    const conf = await req('POST', '/v2/conferences', { call_control_id: id, name: 'standup' });
    expect(conf.status).toBe(200);
    const confId = conf.json.data.id;
    expect((await req('POST', `/v2/conferences/${confId}/actions/play`, { audio_url: 'https://example.com/a.mp3' })).status).toBe(200);
    expect((await action(id, 'speak', { payload: 'one', voice: 'female' })).status).toBe(200);
    const max = ['speak and playback items', 'TELNYX_MOCK_MAX_MEDIA_ITEMS', 2] as const;
    expectQuotaRefusal(await req('POST', `/v2/conferences/${confId}/actions/play`, { audio_url: 'https://example.com/b.mp3' }), ...max);
    expectQuotaRefusal(await req('POST', `/v2/conferences/${confId}/actions/speak`, { payload: 'hi', voice: 'female' }), ...max);
    // The conference's playback ends on the clock (its row goes): room for one more.
    await req('POST', '/_mock/clock/advance', { seconds: 60 });
    expect((await req('POST', `/v2/conferences/${confId}/actions/play`, { audio_url: 'https://example.com/c.mp3' })).status).toBe(200);
  });

  it('counts what a database file already holds when the server starts again', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'quotas-')), 'mock.db');
    emulator({ calls: 2 }, dbPath);
    expect((await placeCall()).status).toBe(201);
    expect((await placeCall()).status).toBe(201);
    await em!.dispose();
    emulator({ calls: 2 }, dbPath);
    expect((await placeCall()).status).toBe(422);
  });

  it('refuses a new command_id past the command ids quota; a replay of a stored one still answers', async () => {
    emulator({ commandIds: 2 });
    const id = (await placeCall()).json.data.call_control_id;
    expect((await action(id, 'speak', { payload: 'a', voice: 'female', command_id: 'c1' })).status).toBe(200);
    expect((await action(id, 'speak', { payload: 'b', voice: 'female', command_id: 'c2' })).status).toBe(200);
    expectQuotaRefusal(await action(id, 'speak', { payload: 'c', voice: 'female', command_id: 'c3' }), 'command_id values', 'TELNYX_MOCK_MAX_COMMAND_IDS', 2);
    // A replay stores nothing new: answered as the first time, and not run again.
    expect((await action(id, 'speak', { payload: 'a', voice: 'female', command_id: 'c1' })).status).toBe(200);
    // Without a command_id nothing is remembered, so nothing is refused.
    expect((await action(id, 'speak', { payload: 'd', voice: 'female' })).status).toBe(200);
    const media = await req('GET', `/_mock/calls/${encodeURIComponent(id)}/media`);
    expect(media.json.data.map((m: any) => m.text)).toEqual(['a', 'b', 'd']);
  });

  it('prunes the oldest delivered webhook log rows past the quota, never a pending or failed one', async () => {
    emulator({ webhookRows: 4 });
    const id = (await placeCall()).json.data.call_control_id;
    // call.dtmf.received for each key: 8 more rows.
    expect((await req('POST', `/_mock/calls/${encodeURIComponent(id)}/dtmf`, { digits: '12345678' })).status).toBe(200);
    // The log's rows, oldest first; their delivery outcomes set here (nothing is delivered in process).
    const rows = () => em!.db.$client.prepare('select seq, status from webhook_events where account = ? order by seq').all(accountId()) as { seq: number; status: string }[];
    const all = rows();
    expect(all.length).toBeGreaterThan(6);
    const setStatus = em!.db.$client.prepare('update webhook_events set status = ? where seq = ?');
    // Oldest first: pending, failed, then delivered ones, the newest pending again.
    all.forEach((r, i) => setStatus.run(i === 0 || i === all.length - 1 ? 'pending' : i === 1 ? 'failed' : 'delivered', r.seq));

    const deleted = pruneWebhookLog(em!.account(KEY));
    expect(deleted).toBe(all.length - 4);
    const kept = rows();
    expect(kept).toHaveLength(4);
    // The pending and failed rows stay, and the newest delivered ones.
    expect(kept.map((r) => r.seq)).toEqual([all[0].seq, all[1].seq, ...all.slice(-2).map((r) => r.seq)]);
  });

  it("is applied by the server's minute sweep to an account used since, without a request", async () => {
    emulator({ webhookRows: 2 });
    const id = (await placeCall()).json.data.call_control_id;
    expect((await req('POST', `/_mock/calls/${encodeURIComponent(id)}/dtmf`, { digits: '1234' })).status).toBe(200);
    em!.db.$client.prepare("update webhook_events set status = 'delivered' where account = ?").run(accountId());
    em!.accounts.releaseIdle();
    expect((em!.db.$client.prepare('select count(*) as n from webhook_events where account = ?').get(accountId()) as { n: number }).n).toBe(2);
  });

  it('keeps the last journalRequests requests in the journal (a ring: the oldest dropped, none refused)', async () => {
    emulator({ journalRequests: 3 });
    for (let i = 0; i < 5; i++) expect((await req('GET', `/v2/conferences?page[number]=${i + 1}`)).status).toBe(200);
    const journal = await req('GET', '/_mock/requests');
    expect(journal.json.data.map((r: any) => r.query['page[number]'])).toEqual(['3', '4', '5']);
  });

  it('keeps every undelivered row even when that leaves the log over its quota', async () => {
    emulator({ webhookRows: 1 });
    const id = (await placeCall()).json.data.call_control_id;
    expect((await action(id, 'speak', { payload: 'x', voice: 'female' })).status).toBe(200);
    em!.db.$client.prepare("update webhook_events set status = 'pending' where account = ?").run(accountId());
    const before = (em!.db.$client.prepare('select count(*) as n from webhook_events where account = ?').get(accountId()) as { n: number }).n;
    expect(pruneWebhookLog(em!.account(KEY))).toBe(0);
    expect((em!.db.$client.prepare('select count(*) as n from webhook_events where account = ?').get(accountId()) as { n: number }).n).toBe(before);
  });

  it('are read from TELNYX_MOCK_MAX_* (defaults where unset), and a value that is not a positive integer stops the start', () => {
    const q = configFromEnv({ TELNYX_MOCK_MAX_CALLS: '5', TELNYX_MOCK_MAX_DOWNLOADS: '2' }).quotas!;
    expect([q.calls, q.downloads, q.mediaItems]).toEqual([5, 2, 20_000]);
    expect(() => configFromEnv({ TELNYX_MOCK_MAX_COMMAND_IDS: '0' })).toThrow('TELNYX_MOCK_MAX_COMMAND_IDS must be a positive integer, got 0');
  });
});
