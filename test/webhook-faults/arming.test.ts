/**
 * Arming webhook faults (POST/GET/DELETE /_mock/webhook_faults, startMock().webhookFault()): the
 * body checked by the one schema layer, bounds, windows on the account's virtual clock, per
 * account. In process: what a receiver sees is test/webhook-faults/receiver.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { mockControl, TelnyxError } from '../../src/lib.js';
import type { Emulator } from '../../src/server.js';
import { MAX_WEBHOOK_FAULTS } from '../../src/commands/webhook-faults.js';
import { parseScenarioText, ScenarioError } from '../../src/scenario/parse.js';

let em: Emulator;
let http: ReturnType<typeof api>;
const A = 'KEY_chaos_a';
const B = 'KEY_chaos_b';

beforeEach(() => {
  em = inMemory();
  http = api(em);
});
afterEach(() => em.dispose());

const arm = (body: object | string, key = A) => http.as(key).post('/_mock/webhook_faults', body as object);
const list = async (key = A) => (await http.as(key).get('/_mock/webhook_faults')).body.data as Array<Record<string, unknown>>;

function expectError(res: { status: number; body: any }, status: number, code: string, pointer?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const [error] = res.body.errors;
  expect(error).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  if (pointer) expect(error.source).toEqual({ pointer });
}

describe('POST /_mock/webhook_faults', () => {
  it('arms a fault for the next matching delivery and lists it with what it matches', async () => {
    const res = await arm({ kind: 'fail', event_type: 'call.hangup', call_control_id: 'v3:abc', url: 'http://127.0.0.1:4000/**' });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      id: expect.any(Number), kind: 'fail', event_type: 'call.hangup', call_control_id: 'v3:abc', url: 'http://127.0.0.1:4000/**',
      count: 1, remaining: 1, until: null, touched: 0,
    });
    expect(await list()).toEqual([res.body.data]);
  });

  it('takes each kind, with delay_ms for delay and skew_secs (default -600) for skew_timestamp', async () => {
    for (const kind of ['fail', 'duplicate', 'reorder', 'tamper_signature', 'failover_only']) expect((await arm({ kind })).status).toBe(201);
    expect((await arm({ kind: 'delay', delay_ms: 1500 })).body.data).toMatchObject({ kind: 'delay', delay_ms: 1500 });
    expect((await arm({ kind: 'skew_timestamp' })).body.data).toMatchObject({ kind: 'skew_timestamp', skew_secs: -600 });
    expect((await arm({ kind: 'skew_timestamp', skew_secs: 301 })).body.data).toMatchObject({ skew_secs: 301 });
    expect(await list()).toHaveLength(8);
  });

  it('refuses bad bodies with a Telnyx error naming the field', async () => {
    expectError(await arm({}), 422, '10004', '/kind');
    expectError(await arm({ kind: 'explode' }), 422, '10032', '/kind');
    expectError(await arm({ kind: 'fail', count: 0 }), 422, '10033', '/count');
    expectError(await arm({ kind: 'fail', count: 10_001 }), 422, '10033', '/count');
    expectError(await arm({ kind: 'fail', count: 1.5 }), 422, '10015', '/count');
    expectError(await arm({ kind: 'fail', event_type: 7 }), 422, '10015', '/event_type');
    expectError(await arm({ kind: 'fail', url: 'x'.repeat(2049) }), 422, '10015', '/url');
    expectError(await arm({ kind: 'delay' }), 422, '10004', '/delay_ms');
    expectError(await arm({ kind: 'delay', delay_ms: 120_001 }), 422, '10033', '/delay_ms');
    expectError(await arm({ kind: 'fail', delay_ms: 10 }), 422, '10015', '/delay_ms');
    expectError(await arm({ kind: 'fail', skew_secs: -900 }), 422, '10015', '/skew_secs');
    // "Allow 5 minutes tolerance" (the SDK's lib/webhooks.js): a skew within it would not fail the age check.
    expectError(await arm({ kind: 'skew_timestamp', skew_secs: -300 }), 422, '10015', '/skew_secs');
    expectError(await arm({ kind: 'skew_timestamp', skew_secs: 86_401 }), 422, '10033', '/skew_secs');
    expectError(await arm({ kind: 'fail', for: 'soon' }), 422, '10015', '/for');
    expectError(await arm({ kind: 'fail', for: 0 }), 422, '10033', '/for');
    expectError(await arm({ kind: 'fail', for: 'P31D' }), 422, '10033', '/for');
    expectError(await arm({ kind: 'fail', until: 'tomorrow' }), 422, '10015', '/until');
    expectError(await arm({ kind: 'fail', for: 60, until: '2099-01-01T00:00:00Z' }), 422, '10015', '/until');
    expectError(await arm({ kind: 'fail', until: '2000-01-01T00:00:00Z' }), 422, '10015', '/until');
    expectError(await arm({ kind: 'fail', until: new Date(Date.now() + 31 * 86_400_000).toISOString() }), 422, '10015', '/until');
    const notObject = await http.as(A).post('/_mock/webhook_faults').set('content-type', 'application/json').send('[1]');
    expect(notObject.status).toBe(400);
    expect(await list()).toEqual([]);
  });

  it(`arms at most ${MAX_WEBHOOK_FAULTS} faults per account`, async () => {
    for (let i = 0; i < MAX_WEBHOOK_FAULTS; i++) expect((await arm({ kind: 'fail' })).status).toBe(201);
    expectError(await arm({ kind: 'fail' }), 422, '10015');
    // Another account has its own allowance.
    expect((await arm({ kind: 'fail' }, B)).status).toBe(201);
  });
});

describe('windows on the account\'s virtual clock', () => {
  it('a fault armed `for` a duration is disarmed once the account\'s clock passes its end', async () => {
    const control = mockControl(em, A);
    control.freeze();
    const armed = (await arm({ kind: 'fail', for: 'PT60S' })).body.data;
    expect(armed.count).toBeNull();
    expect(Date.parse(armed.until) - Date.parse(armed.armed_at)).toBe(60_000);
    await control.advance(59);
    expect(await list()).toHaveLength(1);
    await control.advance(1);
    expect(await list()).toEqual([]);
  });

  it('`until` is an instant of the account\'s time, which may run ahead of the wall clock', async () => {
    const control = mockControl(em, A);
    await control.advance('P40D');
    const at = Date.parse(control.now());
    // 40 days ahead of the wall clock, yet within the bound of the account's own now.
    const res = await arm({ kind: 'duplicate', until: new Date(at + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    await control.advance('PT1H');
    expect(await list()).toEqual([]);
  });
});

describe('disarming, per account', () => {
  it('DELETE /_mock/webhook_faults/{id} disarms one; DELETE /_mock/webhook_faults all; an unknown id is a 404', async () => {
    const one = (await arm({ kind: 'fail' })).body.data.id;
    const two = (await arm({ kind: 'reorder' })).body.data.id;
    expect((await http.as(A).delete(`/_mock/webhook_faults/${one}`)).status).toBe(200);
    expect((await list()).map((f) => f.id)).toEqual([two]);
    expectError(await http.as(A).delete(`/_mock/webhook_faults/${one}`), 404, '10007');
    expectError(await http.as(A).delete('/_mock/webhook_faults/nope'), 404, '10007');
    // Another account cannot disarm it.
    expectError(await http.as(B).delete(`/_mock/webhook_faults/${two}`), 404, '10007');
    expect((await http.as(A).delete('/_mock/webhook_faults')).status).toBe(200);
    expect(await list()).toEqual([]);
  });

  it('each account sees only its own faults, and a reset of the account disarms them', async () => {
    await arm({ kind: 'fail' }, A);
    await arm({ kind: 'delay', delay_ms: 5 }, B);
    expect((await list(A)).map((f) => f.kind)).toEqual(['fail']);
    expect((await list(B)).map((f) => f.kind)).toEqual(['delay']);
    await http.as(A).post('/_mock/reset', {});
    expect(await list(A)).toEqual([]);
    expect(await list(B)).toHaveLength(1);
    // A reset of every account (no admin key set: any key may) disarms every account's.
    await http.as(A).post('/_mock/reset', { all: true });
    expect(await list(B)).toEqual([]);
  });
});

describe('startMock().webhookFault()', () => {
  it('arms through the same command, so it refuses what HTTP refuses, with the same error', async () => {
    const control = mockControl(em, A);
    const id = control.webhookFault({ kind: 'skew_timestamp', eventType: 'call.answered', skewSecs: 900 });
    expect(control.webhookFaults()).toMatchObject([{ id, kind: 'skew_timestamp', event_type: 'call.answered', skew_secs: 900 }]);
    expect(await list()).toEqual(control.webhookFaults());
    let thrown: unknown;
    try {
      control.webhookFault({ kind: 'skew_timestamp', skewSecs: 60 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TelnyxError);
    const overHttp = (await arm({ kind: 'skew_timestamp', skew_secs: 60 })).body.errors[0];
    expect((thrown as TelnyxError).code).toBe(overHttp.code);
    expect((thrown as TelnyxError).detail).toBe(overHttp.detail);
    control.clearWebhookFaults(id);
    expect(control.webhookFaults()).toEqual([]);
  });
});

describe('a scenario\'s webhook_fault step', () => {
  const scenario = (step: string) => `name: t\nsteps:\n  - call: alice\n    from: "+15550001001"\n    to: "+15550100000"\n${step}`;
  const problem = (text: string) => {
    try {
      parseScenarioText(text, 'chaos.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      return (err as Error).message;
    }
    throw new Error('the scenario parsed');
  };

  it('is read with the same body checks, naming the file, line and field', () => {
    const s = parseScenarioText(scenario('  - webhook_fault: delay\n    call: alice\n    delay_ms: 50\n'), 'chaos.yaml');
    expect(s.steps[1]).toMatchObject({ kind: 'webhook_fault', call: 'alice', line: 6, fault: { kind: 'delay', delay_ms: 50 } });
    expect(problem(scenario('  - webhook_fault: explode\n'))).toMatch(/^chaos\.yaml:6: step 2 \(webhook_fault\): .*one of: delay, duplicate, fail, failover_only, reorder/);
    expect(problem(scenario('  - webhook_fault: delay\n'))).toMatch(/step 2 \(webhook_fault\): 'delay_ms' is required/);
    expect(problem(scenario('  - webhook_fault: fail\n    call: bob\n'))).toMatch(/'bob' is not a caller yet/);
    expect(problem(scenario('  - webhook_fault: fail\n    times: 2\n'))).toMatch(/times/);
  });

  it('arms the fault when the run reaches it, on the named caller\'s call', async () => {
    const control = mockControl(em, A);
    const result = await control.runScenario(scenario('  - webhook_fault: reorder\n    call: alice\n    count: 3\n'));
    expect(result.passed).toBe(true);
    expect(control.webhookFaults()).toMatchObject([{ kind: 'reorder', call_control_id: result.calls.alice, count: 3 }]);
  });
});
