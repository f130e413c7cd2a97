import { describe, expect, it } from 'vitest';
import { accountPerTest, enc, expectError, expectOk } from './support.js';

/**
 * Seats: CreateConferenceRequest.max_participants "The maximum number of active conference
 * participants to allow. Must be between 2 and 800. Defaults to 250"; README: "`max_participants`
 * … is enforced (a join beyond it is a 422 `90032` and changes nothing". Only *active*
 * participants count: those who left (leave, hang-up) free their seat. Queues likewise:
 * "a full queue refuses (`90036`)".
 */
const t = accountPerTest('KEY_net_seats');

const join = (conf: string, call: string, extra: object = {}) =>
  t.v2.post(`/v2/conferences/${conf}/actions/join`, { call_control_id: call, ...extra });
const leave = (conf: string, call: string) => t.v2.post(`/v2/conferences/${conf}/actions/leave`, { call_control_id: call });

/** Who is in the conference now, and who has been (participants list: joined and left). */
async function seats(conf: string) {
  const all = await t.d.participants(conf);
  return { joined: all.filter((p) => p.status === 'joined').map((p) => p.call_control_id), listed: all.length };
}

/** The conference is full: a join answers 422 90032 naming the limit, and changes nothing. */
async function refusedAsFull(conf: string, call: string, max: number) {
  const before = await t.d.participants(conf);
  const joinedBefore = (await t.d.webhooks({ event_type: 'conference.participant.joined' })).length;
  const res = await join(conf, call);
  expectError(res, 422, '90032');
  expect(res.body.errors[0].detail).toBe(`The maximum allowed value of \`max_participants\` has been reached at ${max}.`);
  expect(await t.d.participants(conf)).toEqual(before);
  expect(await t.d.webhooks({ event_type: 'conference.participant.joined' })).toHaveLength(joinedBefore);
  expect((await t.d.farEnd(call)).conference_id).toBeNull();
}

describe('max_participants counts the participants in the conference now', () => {
  it('admits exactly max_participants (the creator counts) and refuses the next', async () => {
    const { id } = await t.d.conference({ max_participants: 3 });
    const [p2, p3, p4] = [await t.d.call(), await t.d.call(), await t.d.call()];
    expectOk(await join(id, p2));
    expectOk(await join(id, p3)); // the third seat: exactly at the limit
    await refusedAsFull(id, p4, 3);
    expect((await seats(id)).joined).toHaveLength(3);
  });

  it('the smallest conference, max_participants 2: the creator and one more', async () => {
    const { id } = await t.d.conference({ max_participants: 2 });
    const [p2, p3] = [await t.d.call(), await t.d.call()];
    expectOk(await join(id, p2));
    await refusedAsFull(id, p3, 2);
  });

  it('frees a seat when a participant leaves: a full conference accepts one more, then is full again', async () => {
    const { id, host } = await t.d.conference({ max_participants: 3 });
    const [p2, p3, p4, p5] = [await t.d.call(), await t.d.call(), await t.d.call(), await t.d.call()];
    expectOk(await join(id, p2));
    expectOk(await join(id, p3));
    await refusedAsFull(id, p4, 3);

    expectOk(await leave(id, p2));
    expectOk(await join(id, p4));
    await refusedAsFull(id, p5, 3);
    const now = await seats(id);
    expect(now.joined.sort()).toEqual([host, p3, p4].sort());
    // The one who left is still listed (status left) but holds no seat.
    expect(now.listed).toBe(4);
  });

  it('frees a seat when a participant hangs up', async () => {
    const { id } = await t.d.conference({ max_participants: 2 });
    const [p2, p3] = [await t.d.call(), await t.d.call()];
    expectOk(await join(id, p2));
    await refusedAsFull(id, p3, 2);
    await t.d.hangup(p2);
    expectOk(await join(id, p3));
  });

  it('does not count those who left, however many times calls leave and come back', async () => {
    const { id, host } = await t.d.conference({ max_participants: 3 });
    const [p2, p3] = [await t.d.call(), await t.d.call()];
    for (let round = 0; round < 4; round++) {
      expectOk(await join(id, p2));
      expectOk(await join(id, p3));
      expectOk(await leave(id, p2));
      expectOk(await leave(id, p3));
    }
    // Eight left participants listed; the creator alone holds a seat, so two more are admitted.
    expect(await seats(id)).toEqual({ joined: [host], listed: 9 });
    expectOk(await join(id, p2));
    expectOk(await join(id, p3));
    await refusedAsFull(id, await t.d.call(), 3);
  });

  it('counts participants on hold in a conference not started yet', async () => {
    // "If the conference isn't started all participants that join are automatically put on hold."
    const { id } = await t.d.conference({ max_participants: 2, start_conference_on_create: false });
    const p2 = await t.d.call();
    expectOk(await join(id, p2));
    expect((await t.d.participant(id, p2)).on_hold).toBe(true);
    await refusedAsFull(id, await t.d.call(), 2);
  });

  it("counts each conference's own participants: one full conference does not fill another", async () => {
    const small = await t.d.conference({ max_participants: 2 });
    const other = await t.d.conference({ max_participants: 2 });
    const [p2, p3] = [await t.d.call(), await t.d.call()];
    expectOk(await join(small.id, p2));
    expectOk(await join(other.id, p3));
    await refusedAsFull(small.id, await t.d.call(), 2);
  });

  it('defaults to 250 seats: the 250th participant is admitted, the 251st refused', async () => {
    // CreateConferenceRequest.max_participants: "Defaults to 250".
    const { id } = await t.d.conference();
    // 249 callers join, 50 at a time (a join is one transaction whatever else is in flight).
    for (let done = 0; done < 249; done += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, 249 - done) }, () => t.d.call()));
      for (const res of await Promise.all(batch.map((c) => join(id, c)))) expectOk(res);
    }
    await refusedAsFull(id, await t.d.call(), 250);
    expect((await seats(id)).joined).toHaveLength(250);
  });

  it('a refused caller may still join a conference with a free seat', async () => {
    const full = await t.d.conference({ max_participants: 2 });
    const open = await t.d.conference({ max_participants: 3 });
    expectOk(await join(full.id, await t.d.call()));
    const late = await t.d.call();
    await refusedAsFull(full.id, late, 2);
    expectOk(await join(open.id, late));
    expect((await t.d.farEnd(late)).conference_id).toBe(open.id);
  });
});

describe('a queue holds at most max_size calls', () => {
  const enqueue = (call: string, body: object) => t.v2.post(`/v2/calls/${enc(call)}/actions/enqueue`, body);

  it('admits exactly max_size calls, refuses the next with 90036, and admits again once one leaves', async () => {
    // EnqueueRequest.max_size: "The maximum number of calls allowed in the queue at a given time."
    const [c1, c2, c3] = [await t.d.call(), await t.d.call(), await t.d.call()];
    expectOk(await enqueue(c1, { queue_name: 'line', max_size: 2 }));
    expectOk(await enqueue(c2, { queue_name: 'line' }));
    expectError(await enqueue(c3, { queue_name: 'line' }), 422, '90036');
    expect((await t.d.webhooks({ event_type: 'call.enqueued' })).map((w) => w.call_control_id)).toEqual([c1, c2]);

    expectOk(await t.v2.post(`/v2/calls/${enc(c1)}/actions/leave_queue`, {}));
    expectOk(await enqueue(c3, { queue_name: 'line' }));
    expect((await t.v2.get('/v2/queues/line')).body.data).toMatchObject({ max_size: 2, current_size: 2 });
  });

  it("ignores enqueue's max_size for a queue that exists", async () => {
    // EnqueueRequest.max_size: "Can't be modified for an existing queue."
    const [c1, c2] = [await t.d.call(), await t.d.call()];
    expectOk(await enqueue(c1, { queue_name: 'one', max_size: 1 }));
    expectError(await enqueue(c2, { queue_name: 'one', max_size: 50 }), 422, '90036');
    expect((await t.v2.get('/v2/queues/one')).body.data.max_size).toBe(1);
  });

  it('counts a call kept after hang-up (keep_after_hangup) until it is removed', async () => {
    // EnqueueRequest.keep_after_hangup: "If set to true, the call will remain in the queue after hangup."
    const [c1, c2] = [await t.d.call(), await t.d.call()];
    expectOk(await enqueue(c1, { queue_name: 'kept', max_size: 1, keep_after_hangup: true }));
    await t.d.hangup(c1);
    expectError(await enqueue(c2, { queue_name: 'kept' }), 422, '90036');
    expectOk(await t.v2.delete(`/v2/queues/kept/calls/${enc(c1)}`), 204);
    expectOk(await enqueue(c2, { queue_name: 'kept' }));
  });

  it('a queue made smaller than it holds keeps its calls and refuses new ones until it is below max_size', async () => {
    const [c1, c2, c3] = [await t.d.call(), await t.d.call(), await t.d.call()];
    expectOk(await t.v2.post('/v2/queues', { queue_name: 'shrink', max_size: 5 }));
    expectOk(await enqueue(c1, { queue_name: 'shrink' }));
    expectOk(await enqueue(c2, { queue_name: 'shrink' }));
    expectOk(await t.v2.post('/v2/queues/shrink', { max_size: 1 }));
    expect((await t.v2.get('/v2/queues/shrink')).body.data).toMatchObject({ max_size: 1, current_size: 2 });
    expectError(await enqueue(c3, { queue_name: 'shrink' }), 422, '90036');
    await t.d.hangup(c1);
    expectError(await enqueue(c3, { queue_name: 'shrink' }), 422, '90036');
    await t.d.hangup(c2);
    expectOk(await enqueue(c3, { queue_name: 'shrink' }));
  });
});
