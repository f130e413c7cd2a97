import { mockControl } from '../../src/lib.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, answeredCall, inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import * as conference from '../../src/domain/conference.js';
import * as queue from '../../src/domain/queue.js';
import * as lifecycle from '../../src/domain/lifecycle.js';
import { TelnyxError } from '../../src/model/errors.js';

const ACCOUNT = 'KEY_domain';
let em: Emulator;

beforeEach(() => { em = inMemory({ mediaDurationSecs: 5 }); });
afterEach(() => em.dispose());

const call = (from = '+15550000001') => answeredCall(em, ACCOUNT, from);
const run = <T>(fn: Parameters<typeof act<T>>[2]) => act(em, ACCOUNT, fn);
const events = () => em.db.$client
  .prepare('select event_type as type, call_control_id as call from webhook_events where account = ? order by seq')
  .all(em.account(ACCOUNT).id) as Array<{ type: string; call: string | null }>;
const eventTypes = () => events().map((e) => e.type);
const code = (fn: () => unknown) => {
  try { fn(); } catch (e) { if (e instanceof TelnyxError) return e.code; throw e; }
  return 'no error';
};

function startConference(opts: Partial<conference.CreateConference> = {}) {
  const host = call('+15550000100');
  const conf = run((ctx) => conference.createConference(ctx, { callControlId: host.callControlId, name: 'room', ...opts }));
  return { host, conf };
}
const join = (confId: string, j: Partial<conference.JoinConference> & { callControlId: string }) =>
  run((ctx) => conference.join(ctx, conference.requireConference(ctx, confId), j));
const reload = (id: string) => em.account(ACCOUNT).store.conference(id)!;
const liveCall = (id: string) => em.account(ACCOUNT).store.call(id)!;

describe('when a participant leaves', () => {
  it('the last one out ends the conference with all_left', () => {
    const { host, conf } = startConference();
    const alice = call();
    join(conf.id, { callControlId: alice.callControlId });
    run((ctx) => conference.leave(ctx, reload(conf.id), alice.callControlId));
    expect(reload(conf.id).status).toBe('in_progress');
    run((ctx) => conference.leave(ctx, reload(conf.id), host.callControlId));
    expect(reload(conf.id)).toMatchObject({ status: 'completed', endReason: 'all_left' });
    // leaving parks the calls: both stay alive
    expect([liveCall(host.callControlId).state, liveCall(alice.callControlId).state]).toEqual(['answered', 'answered']);
  });

  it('a host with end_conference_on_exit ends it and the others are hung up (host_left)', () => {
    const { host, conf } = startConference();
    const moderator = call('+15550000002');
    const guest = call('+15550000003');
    join(conf.id, { callControlId: moderator.callControlId, endConferenceOnExit: true });
    join(conf.id, { callControlId: guest.callControlId });
    run((ctx) => lifecycle.hangup(ctx, liveCall(moderator.callControlId), 'normal_clearing', 'caller'));
    expect(reload(conf.id)).toMatchObject({ status: 'completed', endReason: 'host_left', endedByCallControlId: moderator.callControlId });
    expect(liveCall(host.callControlId).state).toBe('hangup');
    expect(liveCall(guest.callControlId).state).toBe('hangup');
    // the moderator leaves; each other participant leaves and is hung up; the conference ends
    const tail = events().slice(-7).map((e) => `${e.type}${e.call === moderator.callControlId ? ' (moderator)' : ''}`);
    expect(tail).toEqual([
      'conference.participant.left (moderator)',
      'conference.participant.left', 'call.hangup',
      'conference.participant.left', 'call.hangup',
      'conference.ended',
      'call.hangup (moderator)',
    ]);
  });

  it('soft_end_conference_on_exit ends it without hanging up the others', () => {
    const { host, conf } = startConference();
    const moderator = call('+15550000002');
    join(conf.id, { callControlId: moderator.callControlId, softEndConferenceOnExit: true });
    run((ctx) => conference.leave(ctx, reload(conf.id), moderator.callControlId));
    expect(reload(conf.id)).toMatchObject({ status: 'completed', endReason: 'host_left' });
    expect(liveCall(host.callControlId)).toMatchObject({ state: 'answered', conferenceId: null });
    const participants = em.account(ACCOUNT).store.participants(conf.id);
    expect(participants.map((p) => p.status)).toEqual(['left', 'left']);
  });

  it('a hung-up call leaves its conference', () => {
    const { conf } = startConference();
    const alice = call();
    join(conf.id, { callControlId: alice.callControlId });
    run((ctx) => lifecycle.hangup(ctx, liveCall(alice.callControlId), 'normal_clearing', 'caller'));
    const p = em.account(ACCOUNT).store.participants(conf.id).find((x) => x.callControlId === alice.callControlId)!;
    expect(p.status).toBe('left');
    expect(reload(conf.id).status).toBe('in_progress');
  });
});

describe('conference lifecycle', () => {
  it('starts in init without start_conference_on_create, until someone joins with start_conference_on_enter', () => {
    const { conf } = startConference({ startConferenceOnCreate: false });
    expect(conf.status).toBe('init');
    join(conf.id, { callControlId: call('+15550000002').callControlId, hold: true });
    expect(reload(conf.id).status).toBe('init');
    expect(em.account(ACCOUNT).store.activeParticipants(conf.id)[1].onHold).toBe(true);
    join(conf.id, { callControlId: call('+15550000003').callControlId, startConferenceOnEnter: true });
    expect(reload(conf.id).status).toBe('in_progress');
  });

  it('expires 4 hours after creation with time_exceeded, hanging everyone up', async () => {
    const { host, conf } = startConference();
    await mockControl(em, ACCOUNT).advance(4 * 3600 - 1);
    expect(reload(conf.id).status).toBe('in_progress');
    await mockControl(em, ACCOUNT).advance(1);
    expect(reload(conf.id)).toMatchObject({ status: 'completed', endReason: 'time_exceeded' });
    expect(liveCall(host.callControlId).state).toBe('hangup');
    expect(eventTypes().at(-1)).toBe('conference.ended');
  });

  it('a completed conference refuses actions with 90019', () => {
    const { conf } = startConference();
    run((ctx) => conference.endConference(ctx, reload(conf.id), 'ended_via_api', { hangUpOthers: true }));
    expect(code(() => join(conf.id, { callControlId: call('+15550000002').callControlId }))).toBe('90019');
    expect(code(() => run((ctx) => conference.setFlag(ctx, conf.id, undefined, 'muted', true)))).toBe('90019');
  });

  it('a call sits in at most one conference, and only a live answered call may join', () => {
    const { host, conf } = startConference();
    const other = call('+15550000009');
    const second = run((ctx) => conference.createConference(ctx, { callControlId: other.callControlId, name: 'other' }));
    expect(code(() => join(second.id, { callControlId: host.callControlId }))).toBe('90033');
    const ringing = mockControl(em, ACCOUNT).placeCall({ from: '+15550000004', to: '+15550000005', connectionId: 'c' });
    expect(code(() => join(conf.id, { callControlId: ringing.call_control_id }))).toBe('90034');
    mockControl(em, ACCOUNT).hangup(ringing.call_control_id);
    expect(code(() => join(conf.id, { callControlId: ringing.call_control_id }))).toBe('90018');
    expect(code(() => join(conf.id, { callControlId: 'v3:unknown' }))).toBe('90015');
  });

  it('refuses a second active conference with the same name (90033)', () => {
    startConference();
    expect(code(() => startConference())).toBe('90033');
  });

  it('media lasts its simulated duration, then ends; stop ends it early', async () => {
    const { conf } = startConference();
    run((ctx) => conference.startMedia(ctx, reload(conf.id), { kind: 'playback', mediaUrl: 'https://x/a.mp3' }));
    await mockControl(em, ACCOUNT).advance(4);
    expect(eventTypes().filter((t) => t.startsWith('conference.playback'))).toEqual(['conference.playback.started']);
    await mockControl(em, ACCOUNT).advance(1);
    expect(eventTypes().filter((t) => t.startsWith('conference.playback'))).toEqual(['conference.playback.started', 'conference.playback.ended']);
    run((ctx) => conference.startMedia(ctx, reload(conf.id), { kind: 'speak' }));
    run((ctx) => conference.stopMedia(ctx, reload(conf.id), undefined));
    expect(eventTypes().filter((t) => t.startsWith('conference.speak'))).toEqual(['conference.speak.started', 'conference.speak.ended']);
  });
});

describe('queues', () => {
  const enqueue = (id: string, e: Partial<Parameters<typeof queue.enqueue>[2]> = {}) =>
    run((ctx) => queue.enqueue(ctx, liveCall(id), { queueName: 'support', ...e }));

  it('a hung-up call leaves its queue unless keep_after_hangup', () => {
    const a = call('+15550000001');
    const b = call('+15550000002');
    enqueue(a.callControlId);
    enqueue(b.callControlId, { keepAfterHangup: true });
    mockControl(em, ACCOUNT).hangup(a.callControlId);
    mockControl(em, ACCOUNT).hangup(b.callControlId);
    expect(em.account(ACCOUNT).store.queueCall(a.callControlId)).toBeUndefined();
    expect(em.account(ACCOUNT).store.queueCall(b.callControlId)).toMatchObject({ isAlive: false });
  });

  it('timeouts fire in due order when time is advanced past several of them', async () => {
    const ids = ['+15550000001', '+15550000002', '+15550000003'].map((n) => call(n).callControlId);
    enqueue(ids[0], { maxWaitTimeSecs: 30 });
    enqueue(ids[1], { maxWaitTimeSecs: 10 });
    enqueue(ids[2], { maxWaitTimeSecs: 20 });
    await mockControl(em, ACCOUNT).advance(60);
    const dequeued = events().filter((e) => e.type === 'call.dequeued').map((e) => e.call);
    expect(dequeued).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('an empty queue cannot be bridged from', () => {
    run((ctx) => queue.createQueue(ctx, 'empty'));
    expect(code(() => run((ctx) => queue.bridgeFromQueue(ctx, liveCall(call().callControlId), 'empty')))).toBe('90036');
  });
});

describe('callers and dialed numbers', () => {
  it('a busy number hangs up at once with user_busy', () => {
    mockControl(em, ACCOUNT).setNumber('+15550002222', { behaviour: 'busy' });
    const c = run((ctx) => lifecycle.dial(ctx, { from: '+15550001111', to: '+15550002222', connectionId: 'c' }));
    expect(liveCall(c.callControlId)).toMatchObject({ state: 'hangup', hangupCause: 'user_busy' });
  });

  it('a number that answers after N seconds rings until then; one that never answers times out', async () => {
    mockControl(em, ACCOUNT).setNumber('+15550002222', { behaviour: 'answer', answerAfterSecs: 5 });
    mockControl(em, ACCOUNT).setNumber('+15550003333', { behaviour: 'no_answer' });
    const late = run((ctx) => lifecycle.dial(ctx, { from: '+15550001111', to: '+15550002222', connectionId: 'c' }));
    const never = run((ctx) => lifecycle.dial(ctx, { from: '+15550001111', to: '+15550003333', connectionId: 'c', timeoutSecs: 20 }));
    await mockControl(em, ACCOUNT).advance(4);
    expect(liveCall(late.callControlId).state).toBe('ringing');
    await mockControl(em, ACCOUNT).advance(1);
    expect(liveCall(late.callControlId).state).toBe('answered');
    await mockControl(em, ACCOUNT).advance(15);
    expect(liveCall(never.callControlId)).toMatchObject({ state: 'hangup', hangupCause: 'timeout' });
  });

  it('digits complete a pending gather_using_audio', () => {
    const { conf } = startConference();
    const alice = call('+15550000002');
    join(conf.id, { callControlId: alice.callControlId });
    run((ctx) => conference.gatherUsingAudio(ctx, reload(conf.id), {
      callControlId: alice.callControlId, minimumDigits: 1, maximumDigits: 3, terminatingDigit: '#', validDigits: '0123456789#*', timeoutMillis: 60_000,
    }));
    mockControl(em, ACCOUNT).pressDigits(alice.callControlId, '12');
    expect(eventTypes().filter((t) => t === 'call.gather.ended')).toEqual([]);
    mockControl(em, ACCOUNT).pressDigits(alice.callControlId, '3');
    const ended = em.db.$client.prepare(
      "select data from webhook_events where event_type = 'call.gather.ended'").get() as { data: string };
    expect(JSON.parse(ended.data).payload).toMatchObject({ digits: '123', status: 'valid' });
    expect(eventTypes().filter((t) => t === 'call.dtmf.received')).toHaveLength(3);
  });

  it('speech moves the floor: conference.floor.changed only when the speaker changes', () => {
    const { host, conf } = startConference();
    const alice = call('+15550000002');
    join(conf.id, { callControlId: alice.callControlId });
    mockControl(em, ACCOUNT).speech(alice.callControlId, 'started');
    mockControl(em, ACCOUNT).speech(alice.callControlId, 'started');
    mockControl(em, ACCOUNT).speech(host.callControlId, 'started');
    expect(events().filter((e) => e.type === 'conference.floor.changed').map((e) => e.call))
      .toEqual([alice.callControlId, host.callControlId]);
  });
});

describe('time', () => {
  it('events fired by moving the clock occur at the instant they fell due, even on a running clock', async () => {
    // a wall clock that moves on 7 ms every time it is read
    let wall = Date.parse('2026-01-01T00:00:00Z');
    await em.dispose();
    em = inMemory({}, () => (wall += 7));
    const a = call('+15550000001');
    run((ctx) => queue.enqueue(ctx, liveCall(a.callControlId), { queueName: 'support', maxWaitTimeSecs: 30 }));
    const enqueuedAt = em.account(ACCOUNT).store.queueCall(a.callControlId)!.enqueuedAt;
    await mockControl(em, ACCOUNT).advance(3600);
    const row = em.db.$client.prepare(
      "select occurred_at as at, data from webhook_events where event_type = 'call.dequeued'").get() as { at: string; data: string };
    expect(Date.parse(row.at)).toBe(enqueuedAt + 30_000);
    expect(JSON.parse(row.data).payload.wait_time_secs).toBe(30);
  });
});
