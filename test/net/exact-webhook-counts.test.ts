import { describe, expect, it } from 'vitest';
import { accountPerTest, enc, expectError, expectOk } from './support.js';

/**
 * Cascades send each webhook exactly once. README: "hanging up removes it from its conference and
 * its queue (unless `keep_after_hangup`); a bridged peer is hung up too"; "a participant with
 * `end_conference_on_exit` leaving ends it and hangs up the others (`host_left`),
 * `soft_end_conference_on_exit` ends it without hanging up; the last one out ends it (`all_left`);
 * `end` ends it (`ended_via_api`)"; transfer: "A leaves its queue (`call.dequeued` reason
 * `bridged`; hold music ends), its conference, or an earlier bridge (whose other leg is hung up)".
 * Each call ends once (one `call.hangup`), each participant leaves once (one
 * `conference.participant.left`), each conference ends once, each queued call is dequeued once.
 */
const AGENT = '+15550800099';
const t = accountPerTest('KEY_net_counts');

/** How many webhooks of `type` each of `calls` has (call_control_id in the log), in that order. */
async function countsFor(type: string, calls: string[]): Promise<number[]> {
  const log = await t.d.webhooks({ event_type: type });
  return calls.map((id) => log.filter((w) => w.call_control_id === id).length);
}
const total = async (type: string) => (await t.d.webhooks({ event_type: type })).length;
const payloadsOf = async (type: string) => (await t.d.webhooks({ event_type: type })).map((w) => w.data.payload);

const callAction = (id: string, action: string, body: object = {}) => t.v2.post(`/v2/calls/${enc(id)}/actions/${action}`, body);
const confAction = (conf: string, action: string, body: object = {}) => t.v2.post(`/v2/conferences/${conf}/actions/${action}`, body);

/** A started conference: its creator `host` and three more participants, p1 joined with `p1Join`. */
async function fourInAConference(p1Join: Record<string, unknown> = {}, create: Record<string, unknown> = {}) {
  const { id, host } = await t.d.conference(create);
  const [p1, p2, p3] = [await t.d.call(), await t.d.call(), await t.d.call()];
  await t.d.join(id, p1, p1Join);
  await t.d.join(id, p2);
  await t.d.join(id, p3);
  return { id, host, p1, p2, p3, all: [host, p1, p2, p3] };
}

/** Nothing more is sent: the log is as long as it was. */
async function nothingMoreAfter(before: number, act: () => Promise<unknown>) {
  await act();
  expect(await t.d.webhooks()).toHaveLength(before);
}

describe('a conference ending sends each webhook once', () => {
  it('end_conference_on_exit, its participant hangs up: one left per participant, one hang-up per call, one conference.ended', async () => {
    const { all, p1 } = await fourInAConference({ end_conference_on_exit: true });
    await t.d.hangup(p1);
    expect(await countsFor('conference.participant.joined', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('conference.participant.left', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('call.hangup', all)).toEqual([1, 1, 1, 1]);
    expect((await payloadsOf('conference.ended')).map((p) => p.reason)).toEqual(['host_left']);
    for (const id of all) expect((await t.d.farEnd(id)).state).toBe('hangup');
    // The conference ends after every participant has left.
    const types = (await t.d.webhooks()).map((w) => w.event_type);
    expect(types.lastIndexOf('conference.participant.left')).toBeLessThan(types.indexOf('conference.ended'));
  });

  it('end_conference_on_exit, its participant leaves (stays up): the others are hung up once, the leaver not at all', async () => {
    const { id, all, p1 } = await fourInAConference({ end_conference_on_exit: true });
    expectOk(await confAction(id, 'leave', { call_control_id: p1 }));
    expect(await countsFor('conference.participant.left', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('call.hangup', all)).toEqual([1, 0, 1, 1]);
    expect(await total('conference.ended')).toBe(1);
    expect((await t.d.farEnd(p1)).state).toBe('answered');
  });

  it('soft_end_conference_on_exit: every participant leaves once, only the one who hung up is hung up', async () => {
    const { all, p1 } = await fourInAConference({ soft_end_conference_on_exit: true });
    await t.d.hangup(p1);
    expect(await countsFor('conference.participant.left', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('call.hangup', all)).toEqual([0, 1, 0, 0]);
    expect((await payloadsOf('conference.ended')).map((p) => p.reason)).toEqual(['host_left']);
  });

  it('end through the API: one left and one hang-up each, one conference.ended; a second end sends nothing', async () => {
    const { id, all } = await fourInAConference();
    expectOk(await confAction(id, 'end'));
    expect(await countsFor('conference.participant.left', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('call.hangup', all)).toEqual([1, 1, 1, 1]);
    expect((await payloadsOf('conference.ended')).map((p) => p.reason)).toEqual(['ended_via_api']);
    const before = (await t.d.webhooks()).length;
    await nothingMoreAfter(before, async () => expectError(await confAction(id, 'end'), 422, '90019'));
  });

  it('time_exceeded: one conference.ended at duration_minutes, one hang-up each, nothing more as time goes on', async () => {
    const { all } = await fourInAConference({}, { duration_minutes: 1 });
    await t.d.advance(59);
    expect(await total('conference.ended')).toBe(0);
    await t.d.advance(1);
    expect((await payloadsOf('conference.ended')).map((p) => p.reason)).toEqual(['time_exceeded']);
    expect(await countsFor('conference.participant.left', all)).toEqual([1, 1, 1, 1]);
    expect(await countsFor('call.hangup', all)).toEqual([1, 1, 1, 1]);
    const before = (await t.d.webhooks()).length;
    await nothingMoreAfter(before, () => t.d.advance(5 * 3600));
  });

  it('the last one out: all_left once, after one left per participant', async () => {
    const { id, host } = await t.d.conference();
    const p = await t.d.call();
    await t.d.join(id, p);
    expectOk(await confAction(id, 'leave', { call_control_id: p }));
    expect(await total('conference.ended')).toBe(0);
    await t.d.hangup(host);
    expect(await countsFor('conference.participant.left', [host, p])).toEqual([1, 1]);
    expect(await countsFor('call.hangup', [host, p])).toEqual([1, 0]);
    expect((await payloadsOf('conference.ended')).map((x) => x.reason)).toEqual(['all_left']);
  });

  it('exactly N participant.left for N participants when the conference ends with 20 in it', async () => {
    const { id, host } = await t.d.conference();
    const calls = [host];
    for (let i = 0; i < 19; i++) {
      calls.push(await t.d.call());
      await t.d.join(id, calls[i + 1]);
    }
    expectOk(await confAction(id, 'end'));
    expect(await total('conference.participant.left')).toBe(20);
    expect(await countsFor('conference.participant.left', calls)).toEqual(calls.map(() => 1));
    expect(await total('call.hangup')).toBe(20);
  });
});

describe('a bridge hang-up sends each call.hangup once', () => {
  it('one side hangs up: one call.hangup for each side, and the other side cannot be hung up again', async () => {
    const [a, b] = [await t.d.call(), await t.d.call()];
    expectOk(await callAction(a, 'bridge', { call_control_id: b }));
    expect(await countsFor('call.bridged', [a, b])).toEqual([1, 1]);
    await t.d.hangup(a);
    expect(await countsFor('call.hangup', [a, b])).toEqual([1, 1]);
    const before = (await t.d.webhooks()).length;
    await nothingMoreAfter(before, async () => {
      expectError(await callAction(b, 'hangup'), 422, '90018');
      expectError(await t.v2.post(`/_mock/calls/${enc(b)}/hangup`), 422, '90018');
    });
  });

  it('the app hangs up its side: the far side follows once', async () => {
    const [a, b] = [await t.d.call(), await t.d.call()];
    expectOk(await callAction(a, 'bridge', { call_control_id: b }));
    expectOk(await callAction(b, 'hangup'));
    expect(await countsFor('call.hangup', [a, b])).toEqual([1, 1]);
  });
});

describe('a transfer sends each webhook once', () => {
  it('a queued caller transferred to an agent who answers: one dequeued (bridged), one bridged each, then one hang-up each', async () => {
    const a = await t.d.call();
    await t.d.enqueue(a, 'support');
    expectOk(await callAction(a, 'transfer', { to: AGENT }));
    const [b] = (await t.d.webhooks({ event_type: 'call.initiated' })).filter((w) => w.data.payload.to === AGENT).map((w) => w.call_control_id!);
    expect(await countsFor('call.enqueued', [a])).toEqual([1]);
    expect((await payloadsOf('call.dequeued')).map((p) => [p.call_control_id, p.reason])).toEqual([[a, 'bridged']]);
    expect(await countsFor('call.bridged', [a, b])).toEqual([1, 1]);
    expect(await countsFor('call.answered', [b])).toEqual([1]);
    await t.d.hangup(b);
    expect(await countsFor('call.hangup', [a, b])).toEqual([1, 1]);
    expect(await total('call.dequeued')).toBe(1);
  });

  it('a conference participant transferred: leaves once, the conference goes on, and hangs up once when B does', async () => {
    const { id, host, p1: a, p2, p3 } = await fourInAConference();
    expectOk(await callAction(a, 'transfer', { to: AGENT }));
    const [b] = (await t.d.webhooks({ event_type: 'call.initiated' })).filter((w) => w.data.payload.to === AGENT).map((w) => w.call_control_id!);
    expect(await countsFor('conference.participant.left', [host, a, p2, p3])).toEqual([0, 1, 0, 0]);
    expect(await total('conference.ended')).toBe(0);
    expect((await t.v2.get(`/v2/conferences/${id}`)).body.data.status).toBe('in_progress');
    await t.d.hangup(b);
    expect(await countsFor('call.hangup', [a, b, host])).toEqual([1, 1, 0]);
    expect(await countsFor('conference.participant.left', [a])).toEqual([1]);
  });

  it('A hangs up while B rings: one hang-up each (B: originator_cancel), and none when B\'s timeout would have passed', async () => {
    expectOk(await t.v2.put(`/_mock/numbers/${enc(AGENT)}`, { behaviour: 'no_answer' }));
    const a = await t.d.call();
    expectOk(await callAction(a, 'transfer', { to: AGENT, timeout_secs: 30 }));
    const [b] = (await t.d.webhooks({ event_type: 'call.initiated' })).filter((w) => w.data.payload.to === AGENT).map((w) => w.call_control_id!);
    await t.d.hangup(a);
    expect(await countsFor('call.hangup', [a, b])).toEqual([1, 1]);
    expect((await payloadsOf('call.hangup')).find((p) => p.call_control_id === b)!.hangup_cause).toBe('originator_cancel');
    const before = (await t.d.webhooks()).length;
    await nothingMoreAfter(before, () => t.d.advance(60));
  });

  it('time_limit_secs: B is hung up once at the limit, A once with it, nothing later', async () => {
    const a = await t.d.call();
    expectOk(await callAction(a, 'transfer', { to: AGENT, time_limit_secs: 30 }));
    const [b] = (await t.d.webhooks({ event_type: 'call.initiated' })).filter((w) => w.data.payload.to === AGENT).map((w) => w.call_control_id!);
    await t.d.advance(29);
    expect(await countsFor('call.hangup', [a, b])).toEqual([0, 0]);
    await t.d.advance(1);
    expect(await countsFor('call.hangup', [a, b])).toEqual([1, 1]);
    expect((await payloadsOf('call.hangup')).find((p) => p.call_control_id === b)!.hangup_cause).toBe('time_limit');
    const before = (await t.d.webhooks()).length;
    await nothingMoreAfter(before, () => t.d.advance(3600));
  });
});

describe('a queued call is dequeued once', () => {
  it("bridge with `queue`: one call.dequeued (bridged) for the first caller, none for the one behind", async () => {
    const [first, second, agent] = [await t.d.call(), await t.d.call(), await t.d.call()];
    await t.d.enqueue(first, 'sales');
    await t.d.enqueue(second, 'sales');
    expectOk(await callAction(agent, 'bridge', { queue: 'sales' }));
    expect((await payloadsOf('call.dequeued')).map((p) => [p.call_control_id, p.reason, p.queue_position])).toEqual([[first, 'bridged', 1]]);
    expect(await countsFor('call.bridged', [first, agent, second])).toEqual([1, 1, 0]);
  });

  it('bridge by the queued call\'s id: one call.dequeued (bridged)', async () => {
    const [caller, agent] = [await t.d.call(), await t.d.call()];
    await t.d.enqueue(caller, 'sales');
    expectOk(await callAction(agent, 'bridge', { call_control_id: caller }));
    expect((await payloadsOf('call.dequeued')).map((p) => [p.call_control_id, p.reason])).toEqual([[caller, 'bridged']]);
  });

  it('a queued caller hanging up: one call.dequeued (hangup) and one call.hangup; kept after hang-up: none', async () => {
    const [gone, kept] = [await t.d.call(), await t.d.call()];
    await t.d.enqueue(gone, 'sales');
    await t.d.enqueue(kept, 'sales', { keep_after_hangup: true });
    await t.d.hangup(gone);
    await t.d.hangup(kept);
    expect((await payloadsOf('call.dequeued')).map((p) => [p.call_control_id, p.reason])).toEqual([[gone, 'hangup']]);
    expect(await countsFor('call.hangup', [gone, kept])).toEqual([1, 1]);
  });

  it('max_wait_time_secs: one call.dequeued (timeout); later time and a hang-up dequeue nothing more', async () => {
    const caller = await t.d.call();
    await t.d.enqueue(caller, 'sales', { max_wait_time_secs: 60 });
    await t.d.advance(59);
    expect(await total('call.dequeued')).toBe(0);
    await t.d.advance(1);
    expect((await payloadsOf('call.dequeued')).map((p) => p.reason)).toEqual(['timeout']);
    await t.d.advance(600);
    await t.d.hangup(caller);
    expect(await total('call.dequeued')).toBe(1);
    expect(await countsFor('call.hangup', [caller])).toEqual([1]);
  });

  it('leave_queue: one call.dequeued (leave), and a hang-up later adds none', async () => {
    const caller = await t.d.call();
    await t.d.enqueue(caller, 'sales');
    expectOk(await callAction(caller, 'leave_queue'));
    expectError(await callAction(caller, 'leave_queue'), 422, '90015');
    await t.d.hangup(caller);
    expect((await payloadsOf('call.dequeued')).map((p) => p.reason)).toEqual(['leave']);
  });

  it('a call both queued and in a conference hanging up: one left, one dequeued, one hang-up', async () => {
    const { id, host } = await t.d.conference();
    const caller = await t.d.call();
    await t.d.join(id, caller);
    await t.d.enqueue(caller, 'sales');
    await t.d.hangup(caller);
    expect(await countsFor('conference.participant.left', [caller, host])).toEqual([1, 0]);
    expect(await countsFor('call.dequeued', [caller])).toEqual([1]);
    expect(await countsFor('call.hangup', [caller])).toEqual([1]);
  });
});

describe('a scenario counts webhooks exactly', () => {
  it('`count` holds for the exact number only (README: "`webhook: <event_type>` with … `count` (exact)")', async () => {
    const res = await t.v2.post('/_mock/scenarios/run', {
      scenario: {
        name: 'counts', steps: [
          { call: 'alice', from: '+15550800001', to: '+15559990000', answered: true },
          { call: 'bob', from: '+15550800002', to: '+15559990000', answered: true },
          { hangup: 'alice' },
          { expect: { webhook: 'call.answered', count: 2 } },
          { expect: { webhook: 'call.hangup', call: 'alice', count: 1 } },
          { expect: { webhook: 'call.hangup', call: 'bob', count: 0 } },
          { expect: { webhook: 'call.answered', count: 1 } },
        ],
      },
    });
    expectOk(res);
    const steps = res.body.data.steps as Array<{ status: string; reason?: string }>;
    expect(steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'failed']);
    expect(steps[6].reason).toBe('expected exactly 1 call.answered webhook, but 2 matching call.answered webhook(s)');
  });
});
