import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import type { Account } from '../../src/commands/account.js';
import { CALL_ACTIONS, dial } from '../../src/commands/calls.js';
import { CONFERENCE_ACTIONS, createConference } from '../../src/commands/conferences.js';
import { farEndHangup, placeCall } from '../../src/commands/callers.js';
import { setNumber } from '../../src/commands/numbers.js';
import { webhookLog } from '../../src/commands/webhooks.js';
import { advanceClock, freezeClock } from '../../src/commands/clock.js';
import { TelnyxError } from '../../src/model/errors.js';

/**
 * The call lifecycle's order (src/domain/lifecycle.ts): what every feature does when a call hangs
 * up, is answered, is bridged or is taken elsewhere, in one explicit order. The order of webhooks
 * is part of the contract an app relies on ("the participant left before the call hung up"), so it
 * is pinned here in process, event by event, with every feature active on one call at once.
 */
const KEY = 'KEY_lifecycle';
let em: Emulator;
let a: Account;
beforeEach(() => {
  em = inMemory({ mediaDurationSecs: 60 });
  a = em.account(KEY);
  freezeClock(a);
});
afterEach(() => em.dispose());

let numbers = 0;
const answered = () => placeCall(a, {
  from: `+1555${String(1_000_000 + numbers++)}`, to: '+15559990000', connection_id: 'conn', answered: true,
}).callControlId;
const act = (name: string, id: string, body: object = {}) => CALL_ACTIONS.get(name)!(a, id, body, 'http://localhost:5080');
const confAct = (name: string, id: string, body: object) => CONFERENCE_ACTIONS.get(name)!(a, id, body);
const mark = () => webhookLog(a, {}).rows.at(-1)?.seq ?? 0;
/** The webhooks recorded after `since`, as `type (who)`, who named by `names`. */
function since(seq: number, names: Record<string, string>) {
  const who = new Map(Object.entries(names).map(([name, id]) => [id, name]));
  return webhookLog(a, { after: seq }).rows.map((r) => {
    const payload = JSON.parse(r.data).payload as { call_control_id?: string };
    const id = r.callControlId ?? payload.call_control_id;
    return `${r.eventType}${id ? ` (${who.get(id) ?? id})` : ''}`;
  });
}

describe('a call hanging up', () => {
  it('ends every feature it is part of, in the lifecycle order around call.hangup', () => {
    const x = answered();
    const peer = answered();
    const host = answered();
    act('bridge', x, { call_control_id: peer });
    const conf = createConference(a, { call_control_id: host, name: 'room' });
    confAct('join', conf.id, { call_control_id: x });
    act('enqueue', x, { queue_name: 'support' });
    setNumber(a, '+15557770000', { behaviour: 'no_answer' });
    act('transfer', x, { to: '+15557770000' });
    const b = webhookLog(a, { eventType: 'call.initiated' }).rows.at(-1)!.callControlId!;
    act('record_start', x, { format: 'wav', channels: 'single' });
    act('speak', x, { payload: 'please hold', voice: 'female' });
    act('gather', x, { maximum_digits: 4 });

    const before = mark();
    farEndHangup(a, x);
    expect(since(before, { x, peer, host, b })).toEqual([
      'call.gather.ended (x)', // gather: a pending gather ends call_hangup
      'call.speak.ended (x)', // call media: what plays ends call_hangup
      'conference.participant.left (x)', // conference: the participant leaves
      'call.dequeued (x)', // queue: the call leaves its queue
      'call.hangup (x)',
      'call.hangup (b)', // transfer: the leg B still ringing is cancelled
      'call.recording.saved (x)', // recording: "Recording will stop on call hang-up"
      'call.hangup (peer)', // the bridged peer hangs up too
    ]);
    const hangups = webhookLog(a, { eventType: 'call.hangup' }).rows.map((r) => JSON.parse(r.data).payload);
    expect(hangups.map((p) => [p.call_control_id, p.hangup_cause, p.hangup_source])).toEqual([
      [x, 'normal_clearing', 'caller'],
      [b, 'originator_cancel', 'caller'],
      [peer, 'normal_clearing', 'callee'],
    ]);
  });

  it('that ends its conference for the others ends it after its own participant.left, before its call.hangup', () => {
    const host = answered();
    const guest = answered();
    const conf = createConference(a, { call_control_id: host, name: 'room' });
    confAct('join', conf.id, { call_control_id: guest });
    const moderator = answered();
    confAct('join', conf.id, { call_control_id: moderator, end_conference_on_exit: true });
    const before = mark();
    farEndHangup(a, moderator);
    expect(since(before, { host, guest, moderator })).toEqual([
      'conference.participant.left (moderator)',
      'conference.participant.left (host)', 'call.hangup (host)',
      'conference.participant.left (guest)', 'call.hangup (guest)',
      'conference.ended (host)',
      'call.hangup (moderator)',
    ]);
  });

  it('is one hang-up: a call already hung up does not hang up again, whoever asks', () => {
    const x = answered();
    farEndHangup(a, x);
    const before = mark();
    expect(() => act('hangup', x)).toThrow();
    expect(since(before, { x })).toEqual([]);
  });
});

describe('a call being answered', () => {
  it('completes a transfer whose leg B answers late: A leaves its queue and conference, then A and B are bridged', async () => {
    const host = answered();
    const x = answered();
    const conf = createConference(a, { call_control_id: host, name: 'room' });
    confAct('join', conf.id, { call_control_id: x });
    act('enqueue', x, { queue_name: 'support' });
    setNumber(a, '+15557770000', { behaviour: 'answer', answer_after_secs: 5 });
    act('transfer', x, { to: '+15557770000' });
    const b = webhookLog(a, { eventType: 'call.initiated' }).rows.at(-1)!.callControlId!;
    const before = mark();
    await advanceClock(a, { seconds: 5 });
    expect(since(before, { x, b, host })).toEqual([
      'call.answered (b)',
      'call.dequeued (x)',
      'conference.participant.left (x)',
      'call.bridged (x)', 'call.bridged (b)',
    ]);
  });
});

describe('two calls being bridged', () => {
  it('calls off a transfer still ringing, takes a queued call out of its queue, then sends call.bridged for each', () => {
    const x = answered();
    const y = answered();
    setNumber(a, '+15557770000', { behaviour: 'no_answer' });
    act('transfer', x, { to: '+15557770000' });
    const b = webhookLog(a, { eventType: 'call.initiated' }).rows.at(-1)!.callControlId!;
    act('enqueue', y, { queue_name: 'support' });
    const before = mark();
    act('bridge', x, { call_control_id: y });
    expect(since(before, { x, y, b })).toEqual([
      'call.hangup (b)',
      'call.dequeued (y)',
      'call.bridged (x)', 'call.bridged (y)',
    ]);
  });

  it('from a queue takes its first live caller: call.dequeued (bridged), then call.bridged for the agent and the caller', () => {
    const caller = answered();
    const agent = answered();
    act('enqueue', caller, { queue_name: 'support' });
    const before = mark();
    act('bridge', agent, { queue: 'support', call_control_id: agent });
    expect(since(before, { caller, agent })).toEqual(['call.dequeued (caller)', 'call.bridged (agent)', 'call.bridged (caller)']);
    expect(JSON.parse(webhookLog(a, { eventType: 'call.dequeued' }).rows[0].data).payload.reason).toBe('bridged');
  });
});

describe('a dialed call', () => {
  it('rings until its number answers, and a busy one hangs up at once without call.answered', () => {
    setNumber(a, '+15557770001', { behaviour: 'busy' });
    const busy = dial(a, { connection_id: 'conn', from: '+15550000001', to: '+15557770001' }).callControlId;
    expect(since(0, { busy })).toEqual(['call.initiated (busy)', 'call.hangup (busy)']);
  });
});

/** The TelnyxError a command throws, as the door would show it. */
function refusal(fn: () => unknown) {
  try { fn(); } catch (e) { if (e instanceof TelnyxError) return { code: e.code, title: e.title, detail: e.detail, pointer: e.pointer }; throw e; }
  return 'no error';
}
const hangupOf = (id: string) => webhookLog(a, { eventType: 'call.hangup', callControlId: id }).rows.map((r) => JSON.parse(r.data).payload);

describe('the lifecycle\'s own rules', () => {
  it('a hang-up of a call that has ended already changes nothing and sends nothing', () => {
    const x = answered();
    farEndHangup(a, x);
    const before = mark();
    a.write((ctx) => ctx.calls.hangup(ctx, ctx.store.call(x)!, 'timeout', 'unknown'));
    expect(since(before, { x })).toEqual([]);
    expect(hangupOf(x).map((p) => [p.hangup_cause, p.hangup_source])).toEqual([['normal_clearing', 'caller']]);
  });

  it('the bridged peer is hung up by the other side: callee when the caller hung up, caller when the callee did', () => {
    const [x, p1, y, p2] = [answered(), answered(), answered(), answered()];
    act('bridge', x, { call_control_id: p1 });
    act('bridge', y, { call_control_id: p2 });
    farEndHangup(a, x); // the far end of an inbound call is its caller
    act('hangup', y); // the app answered y: it is the callee
    expect(hangupOf(p1).map((p) => p.hangup_source)).toEqual(['callee']);
    expect(hangupOf(y).map((p) => p.hangup_source)).toEqual(['callee']);
    expect(hangupOf(p2).map((p) => p.hangup_source)).toEqual(['caller']);
  });

  it('a transfer that takes a bridged call away hangs up its old peer with hangup_source unknown', () => {
    const [x, peer] = [answered(), answered()];
    act('bridge', x, { call_control_id: peer });
    act('transfer', x, { to: '+15557770000' });
    expect(hangupOf(peer).map((p) => [p.hangup_cause, p.hangup_source])).toEqual([['normal_clearing', 'unknown']]);
  });

  it('a far end due to answer after the app hung up does not answer: its timer does nothing', async () => {
    setNumber(a, '+15557770000', { behaviour: 'answer', answer_after_secs: 5 });
    const late = dial(a, { connection_id: 'conn', from: '+15550000001', to: '+15557770000' }).callControlId;
    act('hangup', late);
    const before = mark();
    expect((await advanceClock(a, { seconds: 10 })).fired).toBe(1);
    expect(since(before, { late })).toEqual([]);
    expect(em.db.$client.prepare('select count(*) as n from timers where error is not null').get()).toEqual({ n: 0 });
  });

  it('answering refuses a call answered already and a dialed call, naming call_control_id', () => {
    const x = answered();
    expect(refusal(() => act('answer', x))).toEqual({
      code: '10015', title: 'Call already answered', detail: 'The call has already been answered.', pointer: '/call_control_id',
    });
    const dialed = dial(a, { connection_id: 'conn', from: '+15550000001', to: '+15557770001' }).callControlId;
    expect(refusal(() => act('answer', dialed))).toMatchObject({
      code: '10015', detail: 'Only an inbound call can be answered; a dialed call is answered by the far end.', pointer: '/call_control_id',
    });
  });

  it('answering without webhook_url keeps the URL the call was placed with; with one, later webhooks go there', () => {
    const placed = placeCall(a, { from: '+15550001000', to: '+15559990000', connection_id: 'conn', webhook_url: 'http://placed.test/hook' }).callControlId;
    act('answer', placed);
    const other = placeCall(a, { from: '+15550001001', to: '+15559990000', connection_id: 'conn', webhook_url: 'http://placed.test/hook' }).callControlId;
    act('answer', other, { webhook_url: 'http://answered.test/hook' });
    const urls = (id: string) => webhookLog(a, { callControlId: id }).rows.map((r) => [r.eventType, r.url]);
    expect(urls(placed)).toEqual([['call.initiated', 'http://placed.test/hook'], ['call.answered', 'http://placed.test/hook']]);
    expect(urls(other)).toEqual([['call.initiated', 'http://placed.test/hook'], ['call.answered', 'http://answered.test/hook']]);
  });

  it('rejecting takes only a ringing inbound call (pointer call_control_id), and the callee is who hung up', () => {
    const up = answered();
    expect(refusal(() => act('reject', up, { cause: 'USER_BUSY' }))).toMatchObject({
      code: '10015', detail: 'Only a ringing inbound call can be rejected.', pointer: '/call_control_id',
    });
    const ringing = placeCall(a, { from: '+15550001000', to: '+15559990000', connection_id: 'conn' }).callControlId;
    act('reject', ringing, { cause: 'USER_BUSY' });
    expect(hangupOf(ringing).map((p) => [p.hangup_cause, p.hangup_source, p.sip_hangup_cause])).toEqual([['user_busy', 'callee', '486']]);
  });

  it('a call cannot be bridged with itself (90015), and nothing is sent', () => {
    const x = answered();
    const before = mark();
    expect(refusal(() => act('bridge', x, { call_control_id: x }))).toMatchObject({ code: '90015', detail: 'A call cannot be bridged with itself.' });
    expect(since(before, { x })).toEqual([]);
  });
});
