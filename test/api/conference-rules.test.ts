import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, enc, firstError, type Doors } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

const KEY = 'KEY_conference_rules';
let em: Emulator;
let d: Doors;

beforeEach(() => {
  em = inMemory();
  d = doors(api(em), KEY);
});
afterEach(() => em.dispose());

const action = (conferenceId: string, name: string, body: object = {}) =>
  d.v2.post(`/v2/conferences/${conferenceId}/actions/${name}`, body);

async function ok(res: Promise<{ status: number; body: unknown }> | { status: number; body: unknown }) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
}

async function refused(res: Promise<{ status: number; body: unknown }>, status: number, code: string) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(firstError(r).code).toBe(code);
}

describe("the conference's own client_state", () => {
  // SDK ConferenceCreateParams.client_state: "The client_state will be updated for the creator
  // call leg and will be used for all webhooks related to the created conference."
  const CONF = 'Y29uZg==';
  const HOST = 'aG9zdA==';
  const LATER = 'bGF0ZXI=';

  it('is sent on conference.created and given to the creator call leg', async () => {
    const host = await d.call({ clientState: HOST });
    await ok(d.v2.post('/v2/conferences', { call_control_id: host, name: 'cs', client_state: CONF }));
    expect((await d.payloads('conference.created')).map((p) => p.client_state)).toEqual([CONF]);
    expect((await d.v2.get(`/v2/calls/${enc(host)}`)).body.data.client_state).toBe(CONF);
  });

  it("is sent on conference.ended after the creator's call was given another client_state and hung up", async () => {
    const host = await d.call();
    const created = await ok(d.v2.post('/v2/conferences', { call_control_id: host, name: 'cs', client_state: CONF }));
    const id = (created.body as { data: { id: string } }).data.id;
    const alice = await d.call();
    await d.join(id, alice);
    // The creator hangs up with a client_state of its own: its call.hangup carries that one…
    await ok(d.v2.post(`/v2/calls/${enc(host)}/actions/hangup`, { client_state: LATER }));
    expect((await d.payloads('call.hangup', host)).map((p) => p.client_state)).toEqual([LATER]);
    // …and the conference, still running with alice, keeps its own.
    await ok(action(id, 'end'));
    const ended = await d.payloads('conference.ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ conference_id: id, reason: 'ended_via_api', client_state: CONF });
  });

  it('is sent on conference.ended when the last one out, the creator, hung up with another client_state', async () => {
    const host = await d.call({ clientState: HOST });
    const created = await ok(d.v2.post('/v2/conferences', { call_control_id: host, name: 'cs', client_state: CONF }));
    const id = (created.body as { data: { id: string } }).data.id;
    await ok(d.v2.post(`/v2/calls/${enc(host)}/actions/hangup`, { client_state: LATER }));
    const ended = await d.payloads('conference.ended');
    expect(ended).toEqual([expect.objectContaining({ conference_id: id, reason: 'all_left', client_state: CONF })]);
  });

  it('is sent on conference.recording.saved unless record_stop gives its own', async () => {
    const { id } = await d.conference({ client_state: CONF });
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'record_stop'));
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'record_stop', { client_state: LATER }));
    expect((await d.payloads('conference.recording.saved')).map((p) => p.client_state)).toEqual([CONF, LATER]);
  });

  it("falls back to the creator call's client_state on conference webhooks when the conference has none", async () => {
    const host = await d.call({ clientState: HOST });
    const created = await ok(d.v2.post('/v2/conferences', { call_control_id: host, name: 'plain' }));
    const id = (created.body as { data: { id: string } }).data.id;
    await ok(action(id, 'end'));
    expect((await d.payloads('conference.created'))[0]).toMatchObject({ call_control_id: host, client_state: HOST });
    expect((await d.payloads('conference.ended'))[0]).toMatchObject({ call_control_id: host, client_state: HOST });
  });
});

describe('conference recording', () => {
  // SDK: record_start "Start recording the conference. Recording will stop on conference end, or
  // via the Stop Recording command." (Expected webhooks: conference.recording.saved); record_pause
  // "Pauses the active recording of the specified conference. Resume it later with the
  // record_resume action."; record_resume "Resumes a previously paused recording".
  it('refuses record_start while a recording is running or paused, and starts a new one once stopped', async () => {
    const { id } = await d.conference();
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await refused(action(id, 'record_start', { format: 'mp3' }), 422, '10015');
    await ok(action(id, 'record_pause'));
    await refused(action(id, 'record_start', { format: 'wav' }), 422, '10015');
    await ok(action(id, 'record_resume'));
    await refused(action(id, 'record_start', { format: 'wav' }), 422, '10015');
    await ok(action(id, 'record_stop'));
    await ok(action(id, 'record_start', { format: 'wav' }));
    await ok(action(id, 'record_stop'));
    const saved = await d.payloads('conference.recording.saved');
    expect(saved.map((p) => p.format)).toEqual(['mp3', 'wav']);
    expect(saved[0].recording_id).not.toBe(saved[1].recording_id);
  });

  it('refuses record_pause, record_resume and record_stop when nothing is being recorded', async () => {
    const { id } = await d.conference();
    for (const name of ['record_pause', 'record_resume', 'record_stop']) await refused(action(id, name), 422, '10015');
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'record_stop'));
    for (const name of ['record_pause', 'record_resume', 'record_stop']) await refused(action(id, name), 422, '10015');
    expect(await d.payloads('conference.recording.saved')).toHaveLength(1);
  });

  it('stops a paused recording with record_stop and saves it once', async () => {
    const { id } = await d.conference();
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'record_pause'));
    await ok(action(id, 'record_stop'));
    await refused(action(id, 'record_resume'), 422, '10015');
    expect(await d.payloads('conference.recording.saved')).toHaveLength(1);
  });

  it('sends conference.recording.saved with format, channels, URLs and the times the recording ran', async () => {
    const { id, host } = await d.conference();
    await d.freeze();
    await ok(action(id, 'record_start', { format: 'wav', channels: 'dual' }));
    await d.advance(10);
    await ok(action(id, 'record_pause'));
    await d.advance(5);
    await ok(action(id, 'record_resume'));
    await d.advance(5);
    // Nothing is saved until the recording stops.
    expect(await d.payloads('conference.recording.saved')).toEqual([]);
    await ok(action(id, 'record_stop'));
    const [saved] = await d.payloads('conference.recording.saved');
    expect(saved).toMatchObject({ conference_id: id, call_control_id: host, format: 'wav', channels: 'dual' });
    expect(saved.recording_urls).toEqual({ wav: expect.stringMatching(/\.wav$/), mp3: null });
    expect(saved.public_recording_urls).toEqual(saved.recording_urls);
    expect(Date.parse(saved.recording_ended_at as string) - Date.parse(saved.recording_started_at as string)).toBe(20_000);
  });

  it('saves a recording still running or paused when the conference ends, before conference.ended', async () => {
    for (const pause of [false, true]) {
      const { id } = await d.conference();
      await ok(action(id, 'record_start', { format: 'mp3' }));
      if (pause) await ok(action(id, 'record_pause'));
      await ok(action(id, 'end'));
      const log = (await d.webhooks()).filter((w) => w.conference_id === id).map((w) => w.event_type);
      expect(log.filter((t) => t === 'conference.recording.saved')).toHaveLength(1);
      expect(log.indexOf('conference.recording.saved')).toBeLessThan(log.indexOf('conference.ended'));
    }
  });

  it('does not save a stopped recording again when the conference ends', async () => {
    const { id } = await d.conference();
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'record_stop'));
    await ok(action(id, 'end'));
    expect(await d.payloads('conference.recording.saved')).toHaveLength(1);
  });

  it('refuses every recording action on a completed conference with 90019', async () => {
    const { id } = await d.conference();
    await ok(action(id, 'record_start', { format: 'mp3' }));
    await ok(action(id, 'end'));
    await refused(action(id, 'record_start', { format: 'mp3' }), 422, '90019');
    for (const name of ['record_pause', 'record_resume', 'record_stop']) await refused(action(id, name), 422, '90019');
  });
});

describe('hold on join', () => {
  // SDK ConferenceJoinParams.hold: "Whether the participant should be put on hold immediately
  // after joining the conference." and hold_audio_url: "Takes effect only when
  // "start_conference_on_create" is set to "false"." — the hold audio waits for the start; the hold itself does not.
  // CreateConferenceRequest.start_conference_on_create: "If the conference isn't started all
  // participants that join are automatically put on hold."
  it('puts every participant on hold while the conference has not started, hold or not', async () => {
    const { id, host } = await d.conference({ start_conference_on_create: false });
    expect((await d.v2.get(`/v2/conferences/${id}`)).body.data.status).toBe('init');
    const [alice, bob] = [await d.call(), await d.call()];
    await d.join(id, alice, { hold: true });
    await d.join(id, bob);
    for (const p of [alice, bob, host]) expect((await d.participant(id, p)).on_hold).toBe(true);
    const held = await d.v2.get(`/v2/conferences/${id}/participants?filter[on_hold]=true`);
    expect(held.body.data.map((p: { call_control_id: string }) => p.call_control_id).sort()).toEqual([host, alice, bob].sort());
  });

  it('puts a joiner asking for hold on hold in a conference that started on creation, and only that joiner', async () => {
    const { id } = await d.conference();
    const [alice, bob] = [await d.call(), await d.call()];
    await d.join(id, alice, { hold: true });
    await d.join(id, bob);
    expect(await d.participant(id, alice)).toMatchObject({ status: 'joined', on_hold: true });
    expect(await d.participant(id, bob)).toMatchObject({ status: 'joined', on_hold: false });
  });

  it('once a start_conference_on_enter participant has started the conference, holds only joiners asking for it', async () => {
    const { id } = await d.conference({ start_conference_on_create: false });
    const [starter, late, held] = [await d.call(), await d.call(), await d.call()];
    await d.join(id, starter, { start_conference_on_enter: true });
    expect((await d.v2.get(`/v2/conferences/${id}`)).body.data.status).toBe('in_progress');
    await d.join(id, late);
    await d.join(id, held, { hold: true });
    expect((await d.participant(id, late)).on_hold).toBe(false);
    expect((await d.participant(id, held)).on_hold).toBe(true);
  });
});

describe('send_dtmf', () => {
  // SDK ActionSendDtmfParams.call_control_ids: "Array of participant call control IDs to send DTMF
  // to. When empty, DTMF will be sent to all participants."
  it('refuses a call that is not a participant, and a conference that has ended', async () => {
    const { id } = await d.conference();
    const outsider = await d.call();
    await ok(action(id, 'send_dtmf', { digits: '1' }));
    const res = await action(id, 'send_dtmf', { digits: '1', call_control_ids: [outsider] });
    expect(res.status).toBe(422);
    expect(firstError(res)).toMatchObject({ code: '90015', source: { pointer: '/call_control_ids/0' } });
    await ok(action(id, 'end'));
    await refused(action(id, 'send_dtmf', { digits: '1' }), 422, '90019');
  });

  it('sends no webhook: tones played into a conference are not keys its callers pressed', async () => {
    const { id, host } = await d.conference();
    const before = (await d.webhooks()).length;
    await ok(action(id, 'send_dtmf', { digits: '1234#', call_control_ids: [host] }));
    expect(await d.webhooks()).toHaveLength(before);
  });
});

