import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk, answeredCall } from '../support/harness.js';
import type { RunningEmulator } from '../../src/server.js';

/**
 * Conferences through the official SDK over a socket: every operation, read into the SDK's types,
 * and its auto-pagination walking our pages. Conference rules are tested in process
 * (test/api/conference-rules.test.ts, test/api/conferences.test.ts).
 */
let em: RunningEmulator;
let client: Telnyx;
let account: string;

beforeEach(async () => {
  ({ em, client, apiKey: account } = await withSdk());
});
afterEach(() => em.close());

const caller = (from: string) => answeredCall(em, account, from).callControlId;

describe('conferences through the official SDK', () => {
  it('creates a conference from a live call, which becomes its first participant', async () => {
    const host = caller('+15550000001');
    const { data } = await client.conferences.create({ call_control_id: host, name: 'Business' });
    expect(data).toMatchObject({ record_type: 'conference', name: 'Business', status: 'in_progress' });
    expect(Date.parse(data!.expires_at) - Date.parse(data!.created_at)).toBe(4 * 3600_000);

    const fetched = await client.conferences.retrieve(data!.id);
    expect(fetched.data).toEqual(data);

    const participants = [];
    for await (const p of client.conferences.listParticipants(data!.id)) participants.push(p);
    expect(participants).toHaveLength(1);
    expect(participants[0]).toMatchObject({
      record_type: 'participant', call_control_id: host, status: 'joined', muted: false, on_hold: false,
      conference: { id: data!.id, name: 'Business' },
    });
  });

  it('joins, mutes, holds, updates and leaves participants, leaving the state each step implies', async () => {
    const host = caller('+15550000001');
    const alice = caller('+15550000002');
    const bob = caller('+15550000003');
    const conf = (await client.conferences.create({ call_control_id: host, name: 'standup', duration_minutes: 30 })).data!;
    expect(Date.parse(conf.expires_at) - Date.parse(conf.created_at)).toBe(30 * 60_000);

    expect(await client.conferences.actions.join(conf.id, { call_control_id: alice, mute: true })).toEqual({ data: { result: 'ok' } });
    await client.conferences.actions.join(conf.id, { call_control_id: bob, supervisor_role: 'whisper', whisper_call_control_ids: [alice] });

    const byCall = async (id: string) => (await client.conferences.retrieveParticipant(id, { id: conf.id })).data!;
    expect(await byCall(alice)).toMatchObject({ muted: true, on_hold: false, status: 'joined' });
    expect(await byCall(bob)).toMatchObject({ whisper_call_control_ids: [alice] });

    await client.conferences.actions.unmute(conf.id, { call_control_ids: [alice] });
    await client.conferences.actions.mute(conf.id, {});
    for (const id of [host, alice, bob]) expect((await byCall(id)).muted).toBe(true);

    await client.conferences.actions.hold(conf.id, { call_control_ids: [bob] });
    expect((await byCall(bob)).on_hold).toBe(true);
    await client.conferences.actions.unhold(conf.id, { call_control_ids: [bob] });
    expect((await byCall(bob)).on_hold).toBe(false);

    await client.conferences.actions.update(conf.id, { call_control_id: bob, supervisor_role: 'barge' });
    expect((await byCall(bob)).whisper_call_control_ids).toEqual([]);

    const patched = await client.conferences.updateParticipant(alice, { id: conf.id, end_conference_on_exit: true });
    expect(patched.data).toMatchObject({ end_conference_on_exit: true });

    await client.conferences.actions.leave(conf.id, { call_control_id: bob });
    expect((await byCall(bob)).status).toBe('left');
    // leave parks the call: it stays alive
    expect((await client.calls.retrieveStatus(bob)).data!.is_alive).toBe(true);

    // alice has end_conference_on_exit: her leaving ends the conference and hangs up the others
    await client.conferences.actions.leave(conf.id, { call_control_id: alice });
    const ended = (await client.conferences.retrieve(conf.id)).data!;
    expect(ended).toMatchObject({ status: 'completed', end_reason: 'host_left', ended_by: { call_control_id: alice } });
    expect((await client.calls.retrieveStatus(host)).data!.is_alive).toBe(false);
    expect((await client.calls.retrieveStatus(alice)).data!.is_alive).toBe(true);
  });

  it('runs media, recording, dtmf and gather actions and ends via the API', async () => {
    const host = caller('+15550000001');
    const alice = caller('+15550000002');
    const conf = (await client.conferences.create({ call_control_id: host, name: 'media' })).data!;
    await client.conferences.actions.join(conf.id, { call_control_id: alice });
    const ok = { data: { result: 'ok' } };
    expect(await client.conferences.actions.play(conf.id, { audio_url: 'https://example.com/a.mp3' })).toEqual(ok);
    expect(await client.conferences.actions.speak(conf.id, { payload: 'hello', voice: 'female', call_control_ids: [alice] })).toEqual(ok);
    expect(await client.conferences.actions.stop(conf.id, {})).toEqual(ok);
    expect(await client.conferences.actions.recordStart(conf.id, { format: 'mp3' })).toEqual(ok);
    expect(await client.conferences.actions.recordPause(conf.id, {})).toEqual(ok);
    expect(await client.conferences.actions.recordResume(conf.id, {})).toEqual(ok);
    expect(await client.conferences.actions.recordStop(conf.id, {})).toEqual(ok);
    expect(await client.conferences.actions.sendDtmf(conf.id, { digits: '1234#' })).toEqual(ok);
    expect(await client.conferences.actions.gatherDtmfAudio(conf.id, { call_control_id: alice, maximum_digits: 2 })).toEqual(ok);
    expect(await client.conferences.actions.endConference(conf.id, {})).toEqual(ok);

    const ended = (await client.conferences.retrieve(conf.id)).data!;
    expect(ended).toMatchObject({ status: 'completed', end_reason: 'ended_via_api' });
    expect((await client.calls.retrieveStatus(alice)).data!.is_alive).toBe(false);
    await expect(client.conferences.actions.mute(conf.id, {})).rejects.toMatchObject({
      status: 422, error: { errors: [{ code: '90019' }] },
    });
  });

  it('lists conferences by expires_at descending, with filters and auto-pagination', async () => {
    for (let i = 0; i < 5; i++) {
      await client.conferences.create({ call_control_id: caller(`+1555000010${i}`), name: `room-${i}`, duration_minutes: 10 + i });
    }
    const first = await client.conferences.list({ 'page[size]': 2 });
    expect(first.data).toHaveLength(2);
    expect(first.meta).toEqual({ page_number: 1, page_size: 2, total_pages: 3, total_results: 5 });
    const names: string[] = [];
    for await (const c of client.conferences.list({ 'page[size]': 2 })) names.push(c.name);
    expect(names).toEqual(['room-4', 'room-3', 'room-2', 'room-1', 'room-0']);
    const filtered = await client.conferences.list({ filter: { name: 'room-2' } });
    expect(filtered.data.map((c) => c.name)).toEqual(['room-2']);
    const completed = await client.conferences.list({ filter: { status: 'completed' } });
    expect(completed.data).toEqual([]);
  });
});
