import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockControl, type MockControl } from '../../src/lib.js';
import { api, inMemory } from '../support/harness.js';
import { appClient } from '../support/app-client.js';
import { nextChange } from '../support/changes.js';
import type { Emulator } from '../../src/server.js';

/** Scenario runs in process: through startMock()'s helpers and POST /_mock/scenarios/run (run-app.test.ts runs them against an app). */
describe('a scenario run without an app', () => {
  // In process: startMock()'s helpers are mockControl's, over an emulator that does not listen.
  let em: Emulator;
  let mock: MockControl;
  beforeEach(() => {
    em = inMemory();
    mock = mockControl(em, 'KEY_telnyx_mock');
  });
  afterEach(() => em.dispose());

  it('names a call the app dials after the webhook that announced it (wait … as)', async () => {
    const client = appClient(em, mock.apiKey);
    // The run resets the account first: the app dials once the run has changed the account.
    const underway = nextChange(em, mock.apiKey);
    const running = mock.runScenario({
      name: 'dial-out',
      steps: [
        { number: '+15557770001', behaviour: 'answer', answer_after_secs: 5 },
        { wait: { webhook: 'call.initiated', payload: { to: '+15557770001' } }, as: 'agent1', timeout: '2s' },
        { expect: { call: 'agent1', state: 'ringing' } },
        { advance: 5 },
        { expect: { call: 'agent1', state: 'answered' } },
        { hangup: 'agent1' },
        { expect: { webhook: 'call.hangup', call: 'agent1', payload: { hangup_source: 'callee' } } },
      ],
    });
    await underway;
    const dialed = await client.calls.dial({ connection_id: 'c', from: '+15550001001', to: '+15557770001' });
    const result = await running;
    expect(result.steps.filter((s) => s.status !== 'passed')).toEqual([]);
    expect(result.calls.agent1).toBe(dialed.data!.call_control_id);
  });

  it("keeps the account's state with reset: false and clears it by default", async () => {
    const before = mock.placeCall({ from: '+15550001001', to: '+15550100000' });
    await mock.runScenario({ name: 'keep', reset: false, steps: [{ advance: 1 }] });
    expect(mock.call(before.call_control_id).state).toBe('ringing');
    await mock.runScenario({ name: 'clear', steps: [{ advance: 1 }] });
    expect(() => mock.call(before.call_control_id)).toThrow(/not found/);
  });

  it('only counts webhooks recorded during the run when the account is kept', async () => {
    mock.placeCall({ from: '+15550001001', to: '+15550100000' });
    const result = await mock.runScenario({
      name: 'since', reset: false,
      steps: [{ call: 'bob', from: '+15550001002', to: '+15550100000' }, { expect: { webhook: 'call.initiated', count: 1 } }],
    });
    expect(result.passed).toBe(true);
  });
});

describe('POST /_mock/scenarios/run', () => {
  let em: Emulator;
  let http: ReturnType<typeof api>;
  const KEY = 'KEY_scenarios_http';
  beforeEach(() => {
    em = inMemory();
    http = api(em);
  });
  afterEach(() => em.dispose());

  const scenario = {
    name: 'over HTTP',
    steps: [
      { call: 'alice', from: '+15550001001', to: '+15550100000', answered: true },
      { expect: { webhook: 'call.answered', call: 'alice' } },
      { hangup: 'alice' },
      { expect: { call: 'alice', state: 'hangup', hangup_cause: 'normal_clearing' } },
    ],
  };

  it('runs a scenario given as JSON and answers with every step', async () => {
    const res = await http.as(KEY).post('/_mock/scenarios/run', { scenario });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'over HTTP', passed: true });
    expect(res.body.data.steps.map((s: { title: string }) => s.title)).toEqual([
      'alice calls +15550100000 (answered)', 'expect a call.answered webhook for alice', 'alice hangs up',
      'expect alice is hung up, hung up with cause normal_clearing',
    ]);
    expect(res.body.data.calls.alice).toMatch(/^v3:/);
  });

  it('accepts the scenario itself as the body, and YAML text with a YAML content type', async () => {
    expect((await http.as(KEY).post('/_mock/scenarios/run', scenario)).body.data.passed).toBe(true);
    const yaml = 'name: yaml\nsteps:\n  - call: bob\n    from: "+15550001002"\n    to: "+15550100000"\n  - expect: { call: bob, state: ringing }\n';
    const res = await http.raw.post('/_mock/scenarios/run').set('Authorization', `Bearer ${KEY}`).set('content-type', 'application/yaml').send(yaml);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'yaml', passed: true });
  });

  it('streams one line per step, then the result, with Accept: application/x-ndjson', async () => {
    const res = await http.raw.post('/_mock/scenarios/run').set('Authorization', `Bearer ${KEY}`)
      .set('accept', 'application/x-ndjson').send({ scenario });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.type}:${l.index ?? l.passed}`)).toEqual(['step:1', 'step:2', 'step:3', 'step:4', 'result:true']);
  });

  it('answers 200 with passed: false when a step fails', async () => {
    const res = await http.as(KEY).post('/_mock/scenarios/run', {
      scenario: { name: 'no', steps: [{ call: 'a', from: '+15550001001', to: '+15550100000' }, { expect: { call: 'a', state: 'answered' } }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.passed).toBe(false);
    expect(res.body.data.steps[1].reason).toBe('expected a is answered, but a is ringing');
  });

  it('runs in the caller\'s account only', async () => {
    const other = mockControl(em, 'KEY_other').placeCall({ from: '+15550001001', to: '+15550100000', connectionId: 'c' });
    await http.as(KEY).post('/_mock/scenarios/run', { scenario });
    expect(mockControl(em, 'KEY_other').call(other.call_control_id).state).toBe('ringing');
    expect((await mockControl(em, KEY).webhooks()).length).toBeGreaterThan(0);
  });

  it('refuses a bad scenario with a 422 naming the step and pointing at the field', async () => {
    const res = await http.as(KEY).post('/_mock/scenarios/run', { scenario: { name: 'bad', steps: [{ call: 'a', from: '+15550001001' }] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: '10015', title: 'Invalid scenario', detail: "step 1 (call): 'to' is required.", source: { pointer: '/scenario/steps/0/to' },
    });
    const text = await http.as(KEY).post('/_mock/scenarios/run', { scenario: 'name: t\nsteps:\n  - prss: a\n' });
    expect(text.body.errors[0].detail).toMatch(/^scenario:3: step 1: unknown step 'prss'/);
  });

  it('refuses a missing scenario, a bad webhook_url and a bad reset flag', async () => {
    const missing = await http.as(KEY).post('/_mock/scenarios/run', {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/scenario' } });
    const url = await http.as(KEY).post('/_mock/scenarios/run', { scenario, webhook_url: 'ftp://x' });
    expect(url.body.errors[0].source).toEqual({ pointer: '/webhook_url' });
    const reset = await http.as(KEY).post('/_mock/scenarios/run', { scenario, reset: 'yes' });
    expect(reset.body.errors[0].source).toEqual({ pointer: '/reset' });
  });
});
