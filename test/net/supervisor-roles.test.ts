import { describe, expect, it } from 'vitest';
import { mockControl } from '../../src/lib.js';
import { accountPerTest, expectError, expectOk } from './support.js';

/**
 * JoinConferenceRequest.supervisor_role: "Sets the joining participant as a supervisor for the
 * conference. A conference can have multiple supervisors. "barge" means the supervisor enters the
 * conference as a normal participant. This is the same as "none". "monitor" means the supervisor is
 * muted but can hear all participants. "whisper" means that only the specified
 * "whisper_call_control_ids" can hear the supervisor. Defaults to "none"." (enum barge, monitor,
 * none, whisper). ListConferenceParticipants filter[whispering]: "If present, participants will be
 * filtered to those who are whispering or are not". UpdateConferenceRequest (POST
 * /conferences/{id}/actions/update): "Update conference participant supervisor_role".
 * README: "`supervisor_role` is stored and reported, but nothing is heard: there is no audio."
 */
const t = accountPerTest('KEY_net_roles');

const ROLES = ['barge', 'monitor', 'none', 'whisper'] as const;

/** A conference with its creator and one participant per role, each joined with whisper_call_control_ids [host]. */
async function roomWithEveryRole() {
  const { id, host } = await t.d.conference({ name: 'supervised' });
  const by: Record<string, string> = {};
  for (const role of ROLES) {
    by[role] = await t.d.call();
    await t.d.join(id, by[role], { supervisor_role: role, whisper_call_control_ids: [host] });
  }
  return { id, host, by };
}

const listed = async (conf: string, query = '') => {
  const res = await t.v2.get(`/v2/conferences/${conf}/participants${query}`);
  expectOk(res);
  return res.body.data as Array<{ call_control_id: string; supervisor_role: string; whisper_call_control_ids: string[] }>;
};
const update = (conf: string, body: object) => t.v2.post(`/v2/conferences/${conf}/actions/update`, body);

describe('supervisor roles on join', () => {
  it("stores each role as given and reports it in the list and on the participant; whisper_call_control_ids only for whisper", async () => {
    const { id, host, by } = await roomWithEveryRole();
    const list = await listed(id);
    expect(list.map((p) => [p.call_control_id, p.supervisor_role, p.whisper_call_control_ids])).toEqual([
      [host, 'none', []],
      [by.barge, 'barge', []],
      [by.monitor, 'monitor', []],
      [by.none, 'none', []],
      [by.whisper, 'whisper', [host]],
    ]);
    for (const role of ROLES) {
      const one = await t.d.participant(id, by[role]);
      expect([one.supervisor_role, (one as unknown as { whisper_call_control_ids: string[] }).whisper_call_control_ids])
        .toEqual([role, role === 'whisper' ? [host] : []]);
    }
  });

  it('defaults to "none" when no role is given', async () => {
    const { id } = await t.d.conference();
    const p = await t.d.call();
    await t.d.join(id, p);
    expect((await t.d.participant(id, p)).supervisor_role).toBe('none');
  });

  it('a whisperer named no one to whisper to has an empty whisper list', async () => {
    // "If none provided, the supervisor will join the conference as a monitoring participant only."
    const { id } = await t.d.conference();
    const p = await t.d.call();
    await t.d.join(id, p, { supervisor_role: 'whisper' });
    const listedP = (await listed(id)).find((x) => x.call_control_id === p)!;
    expect([listedP.supervisor_role, listedP.whisper_call_control_ids]).toEqual(['whisper', []]);
  });

  it('refuses a role outside the enum with 10032 at /supervisor_role, and joins no one', async () => {
    const { id } = await t.d.conference();
    const p = await t.d.call();
    const res = await t.v2.post(`/v2/conferences/${id}/actions/join`, { call_control_id: p, supervisor_role: 'coach' });
    expectError(res, 422, '10032', { pointer: '/supervisor_role' });
    expect(res.body.errors[0].detail).toBe('The value must be one of: barge, monitor, none, whisper.');
    expect((await t.d.farEnd(p)).conference_id).toBeNull();
  });
});

describe('filter[whispering]', () => {
  it('true lists exactly the whisperers; false exactly everyone else (barge, monitor, none)', async () => {
    const { id, host, by } = await roomWithEveryRole();
    expect((await listed(id, '?filter[whispering]=true')).map((p) => p.call_control_id)).toEqual([by.whisper]);
    expect((await listed(id, '?filter[whispering]=false')).map((p) => p.call_control_id)).toEqual([host, by.barge, by.monitor, by.none]);
    const meta = (await t.v2.get(`/v2/conferences/${id}/participants?filter[whispering]=false`)).body.meta;
    expect(meta.total_results).toBe(4);
  });

  it('combines with filter[muted] and filter[on_hold]', async () => {
    const { id, by } = await roomWithEveryRole();
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [by.monitor, by.whisper] }));
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/hold`, { call_control_ids: [by.barge] }));
    expect((await listed(id, '?filter[whispering]=false&filter[muted]=true')).map((p) => p.call_control_id)).toEqual([by.monitor]);
    expect((await listed(id, '?filter[whispering]=true&filter[muted]=true')).map((p) => p.call_control_id)).toEqual([by.whisper]);
    expect((await listed(id, '?filter[whispering]=false&filter[on_hold]=true')).map((p) => p.call_control_id)).toEqual([by.barge]);
    expect(await listed(id, '?filter[whispering]=true&filter[on_hold]=true')).toEqual([]);
  });

  it('refuses a value other than true or false, naming the parameter', async () => {
    const { id } = await t.d.conference();
    for (const name of ['filter[whispering]', 'filter[muted]', 'filter[on_hold]']) {
      expectError(await t.v2.get(`/v2/conferences/${id}/participants?${name}=yes`), 422, '10015', { parameter: name });
    }
  });
});

describe('the update action changes a participant\'s role', () => {
  it('whisper → barge clears the whisper list; → whisper sets it; → monitor and → none clear it again', async () => {
    const { id, host } = await t.d.conference();
    const [p, other] = [await t.d.call(), await t.d.call()];
    await t.d.join(id, other);
    await t.d.join(id, p, { supervisor_role: 'whisper', whisper_call_control_ids: [host] });
    const state = async () => {
      const one = (await listed(id)).find((x) => x.call_control_id === p)!;
      return [one.supervisor_role, one.whisper_call_control_ids];
    };

    expectOk(await update(id, { call_control_id: p, supervisor_role: 'barge', whisper_call_control_ids: [host] }));
    expect(await state()).toEqual(['barge', []]);
    expectOk(await update(id, { call_control_id: p, supervisor_role: 'whisper', whisper_call_control_ids: [host, other] }));
    expect(await state()).toEqual(['whisper', [host, other]]);
    expectOk(await update(id, { call_control_id: p, supervisor_role: 'monitor' }));
    expect(await state()).toEqual(['monitor', []]);
    expectOk(await update(id, { call_control_id: p, supervisor_role: 'whisper' }));
    expect(await state()).toEqual(['whisper', []]);
    expectOk(await update(id, { call_control_id: p, supervisor_role: 'none' }));
    expect(await state()).toEqual(['none', []]);
  });

  it('moves a participant in and out of filter[whispering], and changes only that participant', async () => {
    const { id, host, by } = await roomWithEveryRole();
    expectOk(await update(id, { call_control_id: by.monitor, supervisor_role: 'whisper', whisper_call_control_ids: [host] }));
    expectOk(await update(id, { call_control_id: by.whisper, supervisor_role: 'barge' }));
    expect((await listed(id, '?filter[whispering]=true')).map((p) => p.call_control_id)).toEqual([by.monitor]);
    expect((await listed(id)).map((p) => p.supervisor_role)).toEqual(['none', 'barge', 'whisper', 'none', 'barge']);
  });

  it('sends no webhook', async () => {
    // README's list of the webhooks sent ("Every state change sends the webhook Telnyx sends: …") has no role change.
    const { id, by } = await roomWithEveryRole();
    const before = (await t.d.webhooks()).length;
    expectOk(await update(id, { call_control_id: by.none, supervisor_role: 'monitor' }));
    expect(await t.d.webhooks()).toHaveLength(before);
  });

  it('requires call_control_id and supervisor_role, and takes only the four roles', async () => {
    // UpdateConferenceRequest: required [call_control_id, supervisor_role].
    const { id, by } = await roomWithEveryRole();
    expectError(await update(id, { supervisor_role: 'barge' }), 422, '10004', { pointer: '/call_control_id' });
    expectError(await update(id, { call_control_id: by.none }), 422, '10004', { pointer: '/supervisor_role' });
    expectError(await update(id, { call_control_id: by.none, supervisor_role: 'coach' }), 422, '10032', { pointer: '/supervisor_role' });
    expect((await t.d.participant(id, by.none)).supervisor_role).toBe('none');
  });

  it('refuses a call that is not a participant (90015), one that left, and a conference that ended (90019)', async () => {
    // The pointer these 90015s carry is wrong (/call_control_ids/0): see test/net/bugs-found.test.ts.
    const { id, by } = await roomWithEveryRole();
    const stranger = await t.d.call();
    expectError(await update(id, { call_control_id: stranger, supervisor_role: 'barge' }), 422, '90015');
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/leave`, { call_control_id: by.barge }));
    expectError(await update(id, { call_control_id: by.barge, supervisor_role: 'monitor' }), 422, '90015');
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/end`, {}));
    expectError(await update(id, { call_control_id: by.none, supervisor_role: 'monitor' }), 422, '90019');
  });

  it('a scenario sees the role: { call, supervisor_role } holds for the role stored, and names it when it does not', async () => {
    // README: "`call: alice` with … `muted`, `on_hold`, `supervisor_role`".
    const { id } = await t.d.conference({ name: 'watched' });
    const mock = mockControl(t.em, t.key);
    const after = (await mock.webhooks()).at(-1)!.seq;
    const run = t.v2.post('/_mock/scenarios/run', {
      scenario: {
        name: 'roles', reset: false, steps: [
          { call: 'sup', from: '+15550700001', to: '+15559990000', answered: true },
          { wait: { call: 'sup', in_conference: 'watched', supervisor_role: 'whisper' } },
          { expect: { call: 'sup', supervisor_role: 'monitor' } },
        ],
      },
    }).then((r) => r);
    const answered = await mock.waitForWebhook('call.answered', { after, timeoutMs: 5000 });
    await t.d.join(id, answered.call_control_id!, { supervisor_role: 'whisper' });
    const res = await run;
    expectOk(res);
    const steps = res.body.data.steps as Array<{ status: string; reason?: string }>;
    expect(steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed']);
    expect(steps[2].reason).toBe('expected sup is supervisor_role monitor, but sup is supervisor_role whisper');
  });
});

describe('the other list filters pick exactly what they name', () => {
  it('filter[muted] and filter[on_hold]: true lists exactly those, false exactly the others', async () => {
    // ListConferenceParticipants: filter[muted] "filtered to those who are/are not muted", filter[on_hold]
    // "filtered to those who are/are not put on hold".
    const { id, host } = await t.d.conference();
    const [a, b, c] = [await t.d.call(), await t.d.call(), await t.d.call()];
    await t.d.join(id, a, { mute: true });
    await t.d.join(id, b, { hold: true });
    await t.d.join(id, c);
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/mute`, { call_control_ids: [c] }));
    const ids = async (q: string) => (await listed(id, q)).map((p) => p.call_control_id);
    expect(await ids('?filter[muted]=true')).toEqual([a, c]);
    expect(await ids('?filter[muted]=false')).toEqual([host, b]);
    expect(await ids('?filter[on_hold]=true')).toEqual([b]);
    expect(await ids('?filter[on_hold]=false')).toEqual([host, a, c]);
  });

  it('GET /conferences: filter[status] and filter[name] list exactly the matching conferences; an unknown status is 10032', async () => {
    // ListConferences: filter[name] "If present, conferences will be filtered to those with a matching `name`
    // attribute. Matching is case-sensitive";
    // filter[status] enum init, in_progress, completed. README: "`GET/POST /conferences` (pagination, `filter[name]`, `filter[status]`…".
    const live = await t.d.conference({ name: 'alpha' });
    const waiting = await t.d.conference({ name: 'beta', start_conference_on_create: false });
    const ended = await t.d.conference({ name: 'gamma' });
    expectOk(await t.v2.post(`/v2/conferences/${ended.id}/actions/end`, {}));
    const ids = async (q: string) => ((await t.v2.get(`/v2/conferences${q}`)).body.data as Array<{ id: string }>).map((c) => c.id);
    expect(await ids('?filter[status]=in_progress')).toEqual([live.id]);
    expect(await ids('?filter[status]=init')).toEqual([waiting.id]);
    expect(await ids('?filter[status]=completed')).toEqual([ended.id]);
    expect(await ids('?filter[name]=beta')).toEqual([waiting.id]);
    expect(await ids('?filter[name]=bet')).toEqual([]);
    expect(await ids('?filter[name]=BETA')).toEqual([]);
    expectError(await t.v2.get('/v2/conferences?filter[status]=ended'), 422, '10032', { parameter: 'filter[status]' });
  });
});

