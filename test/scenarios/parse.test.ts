import { describe, expect, it } from 'vitest';
import { parseScenarioText, ScenarioError, validateScenario } from '../../src/scenario/parse.js';

/** The message of the ScenarioError a text raises (failing the test if it parses). */
function problem(text: string, source = 'x.yaml'): string {
  try {
    parseScenarioText(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('the scenario parsed');
}

const yaml = (steps: string) => `name: t\nsteps:\n${steps}`;
const ALICE = '  - call: alice\n    from: "+15550001001"\n    to: "+15550100000"\n';

describe('parseScenarioText', () => {
  it('reads a YAML scenario into typed steps with their line numbers', () => {
    const s = parseScenarioText(yaml(`${ALICE}  - press: alice\n    digits: "12#"\n  - wait: { call: alice, state: answered }\n    timeout: 2s\n  - advance: PT4H\n`), 'x.yaml');
    expect(s).toMatchObject({ name: 't', reset: true, timeoutMs: 5000, connectionId: 'telnyx-mock' });
    expect(s.steps.map((step) => [step.kind, step.line])).toEqual([['call', 3], ['press', 6], ['wait', 8], ['advance', 10]]);
    expect(s.steps[2]).toMatchObject({ timeoutMs: 2000, condition: { subject: 'call', call: 'alice', state: 'answered' } });
    expect(s.steps[3]).toMatchObject({ seconds: 14_400 });
  });

  it('reads a JSON scenario with the line each step starts on', () => {
    const s = parseScenarioText('{\n  "name": "t",\n  "steps": [\n    { "call": "a", "from": "+15550001001", "to": "+15550100000" },\n    { "hangup": "a" }\n  ]\n}', 'x.json');
    expect(s.steps.map((step) => step.line)).toEqual([4, 5]);
  });

  it('names the line and column of broken JSON', () => {
    expect(problem('{\n  "name": "t",\n  "steps": [,]\n}', 'x.json')).toMatch(/^x\.json:3:\d+: not valid JSON: /);
    expect(problem('{\n  "name": "t",', 'x.json')).toMatch(/^x\.json:2:\d+: not valid JSON/);
  });

  it('names the line of broken YAML', () => {
    expect(problem('name: t\nsteps:\n  - call: alice\n   from: x\n')).toMatch(/^x\.yaml:4:\d+: not valid YAML: /);
  });

  it('names the line and step of an unknown step, with a guess at what was meant', () => {
    expect(problem(yaml(`${ALICE}  - prss: alice\n    digits: "1"\n`)))
      .toBe("x.yaml:6: step 2: unknown step 'prss' (did you mean 'press'?); a step is one of: call, hangup, press, speak, stop_speaking, say, advance, clock, number, phone_number, wait, expect, webhook_fault.");
  });

  it('names a missing field', () => {
    expect(problem(yaml('  - call: alice\n    from: "+15550001001"\n'))).toBe("x.yaml:3: step 1 (call): 'to' is required.");
    expect(problem(yaml(`${ALICE}  - press: alice\n`))).toBe("x.yaml:6: step 2 (press): 'digits' is required.");
  });

  it('names an unknown field and suggests the right one', () => {
    expect(problem(yaml(`${ALICE}  - press: alice\n    digts: "1"\n`))).toMatch(/^x\.yaml:6: step 2 \(press\): unknown field 'digts' in a press step \(did you mean 'digits'\?\)/);
    expect(problem('name: t\nstep: []\n')).toMatch(/^x\.yaml: unknown field 'step' in a scenario \(did you mean 'steps'\?\)/);
  });

  it('explains that YAML reads an unquoted +1555… as a number', () => {
    expect(problem(yaml('  - call: alice\n    from: +15550001001\n    to: "+15550100000"\n')))
      .toBe(`x.yaml:3: step 1 (call): 'from' must be a quoted string: YAML reads 15550001001 as a number (write "+15550001001").`);
  });

  it('refuses a caller used before a step names it, in actions, conditions and placeholders', () => {
    expect(problem(yaml('  - hangup: bob\n'))).toMatch(/^x\.yaml:3: step 1 \(hangup\): 'bob' is not a caller yet/);
    expect(problem(yaml(`${ALICE}  - expect: { call: alice, bridged_with: bob }\n`))).toMatch(/step 2 \(expect\): 'bob' is not a caller yet/);
    expect(problem(yaml(`${ALICE}  - expect: { request: "POST /v2/calls/{bob}/actions/answer" }\n`))).toMatch(/step 2 \(expect\): 'bob' is not a caller yet/);
  });

  it('lets a wait name the call of the webhook it waited for, for later steps', () => {
    const s = parseScenarioText(yaml('  - wait: { webhook: call.initiated, payload: { to: "+15557770001" } }\n    as: agent1\n  - hangup: agent1\n'));
    expect(s.steps[0]).toMatchObject({ kind: 'wait', as: 'agent1' });
    expect(problem(yaml(`${ALICE}  - wait: { call: alice, state: answered }\n    as: agent1\n`))).toMatch(/'as' names the call of a webhook/);
  });

  it('refuses two actions in one step, a condition about two things, and a caller named twice', () => {
    expect(problem(yaml(`${ALICE}  - hangup: alice\n    press: alice\n`))).toMatch(/step 2: has both 'hangup' and 'press': one action per step\./);
    expect(problem(yaml(`${ALICE}  - expect: { call: alice, queue: support }\n`))).toMatch(/a condition is about one thing; it has both 'call' and 'queue'/);
    expect(problem(yaml(`${ALICE}${ALICE}`))).toMatch(/step 2 \(call\): 'alice' already names a call/);
  });

  it('refuses bad values with the field and what was given', () => {
    expect(problem(yaml('  - advance: soon\n'))).toMatch(/step 1 \(advance\): 'advance' must be a duration: .*got "soon"/);
    expect(problem(yaml(`${ALICE}  - press: alice\n    digits: "1x"\n`))).toMatch(/The 'digits' parameter may contain only 0-9, A-D, \* and #/);
    expect(problem(yaml(`${ALICE}  - expect: { call: alice, state: talking }\n`))).toMatch(/'state' must be one of ringing, answered, hangup, got "talking"/);
    expect(problem(yaml('  - expect: { request: "the mute endpoint" }\n'))).toMatch(/'request' is "METHOD \/path"/);
    expect(problem(yaml('  - wait: { queue: q }\n    timeout: 2h\n'))).toMatch(/a wait lasts at most 10 minutes/);
  });

  it('refuses a scenario without a name or steps', () => {
    expect(problem('steps:\n  - advance: 1\n')).toBe("x.yaml: 'name' is required.");
    expect(problem('name: t\n')).toBe("x.yaml: 'steps' is required: a list of steps.");
    expect(problem('name: t\nsteps: []\n')).toBe("x.yaml: 'steps' must be a non-empty list of steps.");
    expect(problem('- just\n- a list\n')).toMatch(/a scenario is an object with 'name' and 'steps'/);
  });
});

describe('validateScenario', () => {
  it('names the step and a JSON pointer when the scenario came without a file', () => {
    try {
      validateScenario({ name: 't', steps: [{ advance: 1 }, { press: 'nobody', digits: '1' }] });
      throw new Error('it validated');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as Error).message).toMatch(/^step 2 \(press\): 'nobody' is not a caller yet/);
      expect((err as ScenarioError).where).toMatchObject({ step: 2, pointer: '/steps/1/press' });
    }
  });
});
