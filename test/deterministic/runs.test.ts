import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp } from '../../fixtures/reference-app.js';
import { failures } from '../support/reference-app.js';
import { perKey, settled, sortedDeliveries, startTap, unwrapAtItsTime, type Seen, type Tap } from './support.js';

/**
 * Deterministic mode (README "Deterministic runs"): the same run on two fresh emulators started
 * with the same seed gives the same bytes: API responses, webhook bodies, telnyx-timestamp and
 * signature, journal entries. Webhooks to different calls may interleave differently (they are
 * delivered concurrently), so the streams are compared per call, in order, and as a whole sorted.
 */
let tap: Tap;
beforeAll(async () => { tap = await startTap(); });
afterAll(() => tap.close());

/** Recording URLs name the server: a fixed public URL keeps them the same on two ports. */
const PUBLIC_URL = 'http://telnyx-mock.test';

/** What a run leaves to compare. */
interface Run {
  responses: string[];
  deliveries: Seen[];
  journal: string;
  publicKey: string;
}

/** An SDK-driven call flow: two dialed calls in a conference, speech, a recording, time passing, hang-ups, an error. */
async function sdkSequence(mock: TelnyxMock): Promise<string[]> {
  const client = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL, maxRetries: 0 });
  const responses: string[] = [];
  const raw = async (p: { asResponse(): Promise<Response> }) => {
    const res = await p.asResponse();
    const text = await res.text();
    responses.push(`${res.status} ${text}`);
    return JSON.parse(text) as { data: Record<string, string> };
  };
  const a = (await raw(client.calls.dial({ connection_id: 'telnyx-mock', from: '+15550001001', to: '+15550002001', webhook_url: tap.url }))).data;
  const b = (await raw(client.calls.dial({ connection_id: 'telnyx-mock', from: '+15550001002', to: '+15550002002', webhook_url: tap.url }))).data;
  const conf = (await raw(client.conferences.create({ call_control_id: a.call_control_id, name: 'standup' }))).data;
  await raw(client.conferences.actions.join(conf.id, { call_control_id: b.call_control_id }));
  await raw(client.calls.actions.speak(a.call_control_id, { payload: 'Welcome to the stand-up', voice: 'female' }));
  await mock.advance(10);
  await raw(client.conferences.actions.recordStart(conf.id, { format: 'mp3' }));
  await mock.advance(60);
  await raw(client.conferences.actions.recordStop(conf.id, {}));
  await raw(client.calls.actions.hangup(b.call_control_id, {}));
  await raw(client.conferences.retrieve(conf.id));
  await raw(client.calls.actions.hangup(a.call_control_id, {}));
  await raw(client.conferences.list());
  try {
    await client.calls.actions.answer(a.call_control_id, {});
  } catch (err) {
    const e = err as { status: number; error: unknown };
    responses.push(`${e.status} ${JSON.stringify(e.error)}`);
  }
  return responses;
}

/** Runs `drive` on a fresh emulator with `seed`, webhooks to the tap, and returns what it left. */
async function run(seed: number, drive: (mock: TelnyxMock) => Promise<string[]>): Promise<Run> {
  tap.clear();
  const mock = await startMock({ seed, publicUrl: PUBLIC_URL, webhookUrl: tap.url });
  try {
    const responses = await drive(mock);
    await settled(mock, tap);
    return { responses, deliveries: [...tap.seen], journal: JSON.stringify(await mock.requests()), publicKey: mock.publicKey };
  } finally {
    tap.forwardTo(undefined);
    await mock.close();
  }
}

/** The same run's two results are byte for byte the same. */
function expectSame(first: Run, second: Run) {
  expect(second.publicKey).toBe(first.publicKey);
  expect(second.responses).toEqual(first.responses);
  expect(perKey(second.deliveries)).toEqual(perKey(first.deliveries));
  expect(sortedDeliveries(second.deliveries)).toEqual(sortedDeliveries(first.deliveries));
  expect(second.journal).toBe(first.journal);
}

describe('deterministic mode: the same run twice gives the same bytes', () => {
  it('an SDK-driven call flow: every API response, webhook body, signature and journal entry is identical', async () => {
    const first = await run(7, sdkSequence);
    const second = await run(7, sdkSequence);
    expectSame(first, second);
    expect(first.deliveries.length).toBeGreaterThan(10);

    // Still Telnyx-shaped ids, and times on the virtual clock from its fixed epoch.
    const dialed = JSON.parse(first.responses[0].slice(4)).data;
    expect(dialed.call_control_id).toMatch(/^v3:[0-9A-Za-z_-]{54}$/);
    expect(dialed.call_leg_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const events = first.deliveries.map((d) => JSON.parse(d.body).data);
    expect(events[0].occurred_at).toBe('2026-01-01T00:00:00.000Z');
    expect(Math.max(...events.map((e) => Date.parse(e.occurred_at)))).toBe(Date.UTC(2026, 0, 1, 0, 1, 10));
    // telnyx-timestamp is the event's virtual occurred_at, in seconds.
    for (const d of first.deliveries) expect(Number(d.timestamp)).toBe(Math.floor(Date.parse(JSON.parse(d.body).data.occurred_at) / 1000));
    // The journal's duration_ms is real elapsed time: 0 in deterministic mode.
    expect(JSON.parse(first.journal).every((r: { duration_ms: number }) => r.duration_ms === 0)).toBe(true);
  });

  it('a different seed gives different ids and a different signing key', async () => {
    const first = await run(7, sdkSequence);
    const other = await run(8, sdkSequence);
    expect(other.publicKey).not.toBe(first.publicKey);
    expect(other.responses[0]).not.toBe(first.responses[0]);
  });

  it("the official SDK's webhooks.unwrap accepts every signature once its clock is pinned to the webhook's virtual time", async () => {
    const { deliveries, publicKey } = await run(7, sdkSequence);
    for (const d of deliveries) {
      const event = await unwrapAtItsTime(publicKey, d);
      expect((event as { data?: { id?: string } }).data?.id).toBe(JSON.parse(d.body).data.id);
    }
    // Unpinned, it refuses them: they are signed at 2026-01-01, not now.
    const client = new Telnyx({ apiKey: 'KEY_unused', publicKey });
    const [d] = deliveries;
    const unpinned = client.webhooks.unwrap(d.body, { headers: { 'telnyx-timestamp': d.timestamp, 'telnyx-signature-ed25519': d.signature } });
    if (Math.abs(Date.now() / 1000 - Number(d.timestamp)) > 300) await expect(unpinned).rejects.toThrow(/too old or too new/);
  });

  // The fixtures run against the reference app, reached through the tap (one URL for both runs).
  it.each(['conference-expiry.yaml', 'support-queue.json', 'moderated-conference.yaml'])('the fixture %s, run twice against the reference app', async (file) => {
    const runFixture = async (mock: TelnyxMock) => {
      const app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: mock.apiKey });
      tap.forwardTo(app.webhookUrl);
      try {
        const result = await mock.runScenario(`fixtures/${file}`, { webhookUrl: tap.url });
        expect(failures(result)).toEqual([]);
        await settled(mock, tap);
        expect(app.problems).toEqual([]);
        return [JSON.stringify(result.calls)];
      } finally {
        await app.close();
      }
    };
    const first = await run(3, runFixture);
    const second = await run(3, runFixture);
    expectSame(first, second);
    expect(first.deliveries.length).toBeGreaterThan(5);
    for (const d of first.deliveries) await unwrapAtItsTime(first.publicKey, d);
  });
});

describe('replaying a recorded run', () => {
  it('a recording replayed on a fresh deterministic emulator reproduces the webhook stream byte for byte', async () => {
    let recording: unknown;
    let exported: unknown;
    const original = await run(11, async (mock) => {
      const responses = await sdkSequence(mock);
      recording = mock.recording();
      exported = await (await fetch(`${mock.url}/_mock/requests/export`, { headers: { authorization: `Bearer ${mock.apiKey}` } })).json();
      return responses;
    });
    expect(exported).toEqual(recording);
    // Through a file, as a colleague would get it.
    const file = JSON.parse(JSON.stringify(recording));
    const replayed = await run(11, async (mock) => {
      const result = await mock.replay(file);
      expect(result).toEqual({ replayed: file.requests.length, mismatches: [] });
      return [];
    });
    expect(perKey(replayed.deliveries)).toEqual(perKey(original.deliveries));
    expect(sortedDeliveries(replayed.deliveries)).toEqual(sortedDeliveries(original.deliveries));
    expect(replayed.journal).toBe(original.journal);
  });
});
