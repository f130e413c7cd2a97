import { describe, expect, it } from 'vitest';
import { mockControl } from '../../src/lib.js';
import { accountPerTest, enc, expectError, expectOk } from './support.js';

/**
 * The conference floor from scenarios. README: "Actions: `call` …, `hangup`, `press` (`digits`),
 * `speak`, `stop_speaking`, `say` …"; the control API's "`speech` `started`/`stopped` moves the
 * floor (`conference.floor.changed`)", and "`say` is the caller saying TEXT: … in a conference it
 * moves the floor as `speech` does". `conference.floor.changed` is sent when the floor moves to a
 * speaker, once; a speaker who stops clears the floor (nothing is sent), one who does not hold it
 * changes nothing.
 *
 * Scenarios have no step that creates a conference (the app does, through /v2), so the test plays
 * the app: it waits for the scenario's callers, puts them in a conference, and the scenario goes on.
 */
const t = accountPerTest('KEY_net_floor', {}, { freeze: false });

const ALICE = { call: 'alice', from: '+15550900001', to: '+15559990000', answered: true };
const BOB = { call: 'bob', from: '+15550900002', to: '+15559990000', answered: true };
const FLOOR = 'conference.floor.changed';

/** Runs `steps` after alice and bob have called in and are in conference 'floor' (alice its creator). */
async function inConference(steps: object[], conf: object = {}) {
  const mock = mockControl(t.em, t.key);
  const run = t.v2.post('/_mock/scenarios/run', {
    scenario: { name: 'floor', steps: [ALICE, BOB, { wait: { conference: 'floor', participants: ['alice', 'bob'] } }, ...steps] },
  }).then((r) => r);
  const alice = await mock.waitForWebhook('call.answered');
  const bob = await mock.waitForWebhook('call.answered', { after: alice.seq });
  const created = await t.v2.post('/v2/conferences', { call_control_id: alice.call_control_id, name: 'floor', ...conf });
  expectOk(created);
  await t.d.join(created.body.data.id, bob.call_control_id!);
  const res = await run;
  expectOk(res);
  return {
    steps: res.body.data.steps as Array<{ title: string; status: string; reason?: string; code?: string }>,
    alice: alice.call_control_id!, bob: bob.call_control_id!, conference: created.body.data.id as string,
  };
}

const floorChanges = async () => (await t.d.webhooks({ event_type: FLOOR })).map((w) => w.data.payload);

describe('scenario speak / stop_speaking steps move the conference floor', () => {
  it('send conference.floor.changed once per move of the floor; a stop by its holder clears it, a stop by another does not', async () => {
    const { steps, alice, bob, conference } = await inConference([
      { speak: 'alice' }, // nobody → alice
      { expect: { webhook: FLOOR, count: 1 } },
      { expect: { webhook: FLOOR, call: 'alice', payload: { call_control_id: '{alice}' }, count: 1 } },
      { speak: 'alice' }, // hers already: nothing
      { stop_speaking: 'bob' }, // bob does not hold it: still alice's
      { speak: 'alice' },
      { expect: { webhook: FLOOR, count: 1 } },
      { stop_speaking: 'alice' }, // cleared, and nothing sent
      { expect: { webhook: FLOOR, count: 1 } },
      { speak: 'alice' }, // nobody → alice again
      { expect: { webhook: FLOOR, call: 'alice', count: 2 } },
      { speak: 'bob' }, // alice → bob
      { expect: { webhook: FLOOR, call: 'bob', count: 1 } },
      { expect: { webhook: FLOOR, count: 3 } },
    ]);
    expect(steps.filter((s) => s.status !== 'passed')).toEqual([]);
    expect(steps).toHaveLength(17);
    const changes = await floorChanges();
    expect(changes.map((p) => [p.call_control_id, p.conference_id])).toEqual([[alice, conference], [alice, conference], [bob, conference]]);
  });

  it('a say step is speech that starts and stops: it moves the floor to the speaker once, and leaves it free', async () => {
    const { steps, alice, bob } = await inConference([
      { say: 'bob', text: 'can everyone hear me' }, // nobody → bob, then free again
      { expect: { webhook: FLOOR, count: 1 } },
      { say: 'bob', text: 'hello?' }, // free → bob again
      { expect: { webhook: FLOOR, call: 'bob', count: 2 } },
      { speak: 'alice' }, // free → alice
      { say: 'alice', text: 'yes' }, // hers already: nothing sent, and free when she is done
      { expect: { webhook: FLOOR, call: 'alice', count: 1 } },
      { speak: 'alice' },
      { expect: { webhook: FLOOR, count: 4 } },
    ]);
    expect(steps.filter((s) => s.status !== 'passed')).toEqual([]);
    expect((await floorChanges()).map((p) => p.call_control_id)).toEqual([bob, bob, alice, alice]);
  });

  it('a speak step for a caller in no conference fails with 90015, and the steps after it are skipped', async () => {
    const res = await t.v2.post('/_mock/scenarios/run', {
      scenario: { name: 'alone', steps: [ALICE, { speak: 'alice' }, { stop_speaking: 'alice' }] },
    });
    expectOk(res);
    const steps = res.body.data.steps as Array<{ status: string; code?: string; reason?: string }>;
    expect(steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(steps[1]).toMatchObject({ code: '90015', reason: expect.stringContaining('Invalid Call Control ID: The call is in no conference, so there is no floor') });
    expect(await floorChanges()).toEqual([]);
  });

  it('takes only the caller (and a title): anything else, or a caller not named yet, is refused before running', async () => {
    const extra = await t.v2.post('/_mock/scenarios/run', { scenario: { name: 'x', steps: [ALICE, { speak: 'alice', text: 'hi' }] } });
    expectError(extra, 422, '10015', { pointer: '/scenario/steps/1/text' });
    const unknown = await t.v2.post('/_mock/scenarios/run', { scenario: { name: 'x', steps: [ALICE, { stop_speaking: 'carol' }] } });
    expectError(unknown, 422, '10015', { pointer: '/scenario/steps/1/stop_speaking' });
    // Refused before anything ran: no caller was placed.
    expect(await t.d.webhooks()).toEqual([]);
  });
});

describe('the floor through the control API (POST /_mock/calls/{id}/speech)', () => {
  const speech = (id: string, state: string) => t.v2.post(`/_mock/calls/${enc(id)}/speech`, { state });

  it('is cleared when its holder leaves: back in the conference, speaking moves it again', async () => {
    const { id } = await t.d.conference();
    const p = await t.d.call();
    await t.d.join(id, p);
    expectOk(await speech(p, 'started'));
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/leave`, { call_control_id: p }));
    await t.d.join(id, p);
    expectOk(await speech(p, 'started'));
    expect((await floorChanges()).map((x) => x.call_control_id)).toEqual([p, p]);
  });

  it("carries the conference's client_state for a participant, the owner's own for the owner", async () => {
    // README: "conferencing webhooks (`conference.participant.*`, `conference.floor.changed`) carry the
    // conference's `client_state` (given on create …), the owner's carry its call's".
    const owner = await t.d.call({ clientState: 'b3duZXI=' });
    const created = await t.v2.post('/v2/conferences', { call_control_id: owner, name: 'states', client_state: 'Y29uZg==' });
    expectOk(created);
    const id = created.body.data.id as string;
    // The owner's call gets a state of its own after creating the conference.
    expectOk(await t.v2.put(`/v2/calls/${enc(owner)}/actions/client_state_update`, { client_state: 'bmV3' }));
    const p = await t.d.call({ clientState: 'cGFydA==' });
    await t.d.join(id, p);
    expectOk(await speech(p, 'started'));
    expectOk(await speech(owner, 'started'));
    expect((await floorChanges()).map((x) => [x.call_control_id, x.client_state])).toEqual([[p, 'Y29uZg=='], [owner, 'bmV3']]);
  });

  it('refuses a caller in no conference (90015) and one whose conference has ended (90015), sending nothing', async () => {
    const { id, host } = await t.d.conference();
    const p = await t.d.call();
    expectError(await speech(p, 'started'), 422, '90015');
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/leave`, { call_control_id: host }));
    expectError(await speech(host, 'started'), 422, '90015');
    expectError(await speech(host, 'talking'), 422, '10032', { pointer: '/state' });
    expect(await floorChanges()).toEqual([]);
  });
});
