import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answeredCall, api, inMemory } from '../support/harness.js';
import { mockControl, ScenarioError, TelnyxError } from '../../src/lib.js';
import type { Emulator } from '../../src/server.js';

/**
 * One command per operation, whatever the door: the same input given over HTTP (/_mock), to
 * startMock()'s helpers and as a scenario step has the same outcome — it succeeds everywhere, or
 * fails everywhere with the same Telnyx error code. Inputs are generated (fast-check), mixing
 * valid values with the mistakes users make: wrong types, blanks, bad characters, out of range.
 */
type Outcome = string;
const OK = 'ok';

let em: Emulator;
let http: ReturnType<typeof api>;
let n = 0;
beforeAll(() => { em = inMemory(); http = api(em); });
afterAll(() => em.dispose());

/** Three fresh accounts, one per door, each with an answered caller when the operation needs one. */
function accounts(withCall: boolean) {
  n++;
  const keys = { http: `KEY_doors_http_${n}`, lib: `KEY_doors_lib_${n}` };
  const calls = withCall
    ? { http: answeredCall(em, keys.http).callControlId, lib: answeredCall(em, keys.lib).callControlId }
    : { http: '', lib: '' };
  return { keys, calls, scenarioKey: `KEY_doors_scenario_${n}` };
}

const overHttp = (res: { status: number; body: { errors?: Array<{ code: string }> } }): Outcome =>
  (res.status < 300 ? OK : res.body.errors?.[0]?.code ?? `HTTP ${res.status}`);

function viaLib(fn: () => unknown): Outcome {
  try {
    fn();
    return OK;
  } catch (err) {
    if (err instanceof TelnyxError) return err.code;
    throw err;
  }
}

/** As viaLib, for a helper that answers with a Promise (advance). */
async function viaLibAsync(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    await fn();
    return OK;
  } catch (err) {
    if (err instanceof TelnyxError) return err.code;
    throw err;
  }
}

/** Runs the steps after a caller `alice` has called in, answered; a refused step gives its code. */
async function viaScenario(key: string, steps: object[], withCall = true): Promise<Outcome> {
  const caller = { call: 'alice', from: '+15550001000', to: '+15559990000', answered: true };
  try {
    const result = await mockControl(em, key).runScenario({ name: 'doors', steps: withCall ? [caller, ...steps] : steps });
    const failed = result.steps.find((s) => s.status === 'failed');
    return failed ? failed.code ?? `failed: ${failed.reason}` : OK;
  } catch (err) {
    if (err instanceof ScenarioError) return err.where.code ?? `scenario: ${err.message}`;
    throw err;
  }
}

// What users send: the right thing, or one of the usual mistakes.
const junk = fc.constantFrom<unknown>(undefined, null, '', 5, -1, 1.5, true, [], {}, 'x');
const chars = (s: string) => fc.constantFrom(...s.split(''));
const digits = fc.oneof(fc.string({ unit: chars('0123456789ABCDabcd*#wWx! '), minLength: 0, maxLength: 140 }), junk);
const phone = fc.oneof(
  fc.integer({ min: 1_000_000_000, max: 99_999_999_999 }).map((x) => `+${x}`),
  fc.constantFrom<unknown>('sip:alice@example.com', 'not-a-number', '+0123', '+1', '15551234567', ''),
  junk,
);
const behaviour = fc.constantFrom<unknown>('answer', 'busy', 'no_answer', 'reject', 'ring', 5, undefined, null);
const answerAfter = fc.oneof(fc.integer({ min: -100, max: 700 }), fc.constantFrom<unknown>(1.5, '5', null, undefined));
const seconds = fc.oneof(
  fc.integer({ min: -10, max: 40_000_000 }),
  fc.constantFrom<unknown>('PT4H', 'PT1S', 'P1D', 'P400D', 'soon', '', null, undefined, 1.5, -0.5, true),
);

const RUNS = { numRuns: 40 };

describe('every control operation has one meaning through HTTP, startMock() and scenarios', () => {
  it('places a caller', async () => {
    const input = fc.record({
      from: phone, to: phone,
      connection_id: fc.constantFrom<unknown>('my-app', '', 5, true, 'x'.repeat(5000)),
      client_state: fc.constantFrom<unknown>(undefined, 'aGk=', 5, ''),
      answered: fc.constantFrom<unknown>(true, false, undefined, 'yes'),
    }, { requiredKeys: ['from', 'to', 'connection_id'] });
    await fc.assert(fc.asyncProperty(input, async (body) => {
      const { keys, scenarioKey } = accounts(false);
      const h = overHttp(await http.as(keys.http).post('/_mock/calls', body));
      const l = viaLib(() => mockControl(em, keys.lib).placeCall({
        from: body.from as string, to: body.to as string, connectionId: body.connection_id as string,
        clientState: body.client_state as string, answered: body.answered as boolean,
      }));
      const s = await viaScenario(scenarioKey, [{ call: 'bob', ...body }], false);
      expect({ lib: l, scenario: s }).toEqual({ lib: h, scenario: h });
    }), RUNS);
  });

  it('presses digits', async () => {
    await fc.assert(fc.asyncProperty(digits, async (d) => {
      const { keys, calls, scenarioKey } = accounts(true);
      const h = overHttp(await http.as(keys.http).post(`/_mock/calls/${calls.http}/dtmf`, { digits: d }));
      const l = viaLib(() => mockControl(em, keys.lib).pressDigits(calls.lib, d as string));
      const s = await viaScenario(scenarioKey, [{ press: 'alice', digits: d }]);
      expect({ lib: l, scenario: s }).toEqual({ lib: h, scenario: h });
    }), RUNS);
  });

  it('starts and stops speaking (outside a conference, where it is refused)', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom<unknown>('started', 'stopped', 'talking', 5, null), async (state) => {
      const { keys, calls, scenarioKey } = accounts(true);
      const h = overHttp(await http.as(keys.http).post(`/_mock/calls/${calls.http}/speech`, { state }));
      const l = viaLib(() => mockControl(em, keys.lib).speech(calls.lib, state as 'started'));
      expect(l).toBe(h);
      // A scenario can only say "speak" or "stop_speaking".
      if (state === 'started' || state === 'stopped') {
        expect(await viaScenario(scenarioKey, [{ [state === 'started' ? 'speak' : 'stop_speaking']: 'alice' }])).toBe(h);
      }
    }), RUNS);
  });

  it('hangs up a live, unknown or already hung-up call', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('live', 'unknown', 'hung up'), async (which) => {
      const { keys, calls, scenarioKey } = accounts(true);
      const target = (id: string) => (which === 'unknown' ? 'v3:unknown' : id);
      if (which === 'hung up') {
        await http.as(keys.http).post(`/_mock/calls/${calls.http}/hangup`);
        mockControl(em, keys.lib).hangup(calls.lib);
      }
      const h = overHttp(await http.as(keys.http).post(`/_mock/calls/${encodeURIComponent(target(calls.http))}/hangup`));
      const l = viaLib(() => mockControl(em, keys.lib).hangup(target(calls.lib)));
      expect(l).toBe(h);
      if (which !== 'unknown') {
        const steps = which === 'live' ? [{ hangup: 'alice' }] : [{ hangup: 'alice' }, { hangup: 'alice' }];
        expect(await viaScenario(scenarioKey, steps)).toBe(h);
      }
    }), RUNS);
  });

  it("sets a dialed number's behaviour", async () => {
    const e164 = fc.constantFrom('+15557770001', '+44207946000', 'not-a-number', '+0123', '15557770001', 'sip:x');
    const input = fc.record({ e164, behaviour, answer_after_secs: answerAfter });
    await fc.assert(fc.asyncProperty(input, async ({ e164: number, ...body }) => {
      const { keys, scenarioKey } = accounts(true);
      const h = overHttp(await http.as(keys.http).put(`/_mock/numbers/${encodeURIComponent(number)}`, body));
      const l = viaLib(() => mockControl(em, keys.lib).setNumber(number, {
        behaviour: body.behaviour as 'answer', answerAfterSecs: body.answer_after_secs as number,
      }));
      const s = await viaScenario(scenarioKey, [{ number, ...body }]);
      expect({ lib: l, scenario: s }).toEqual({ lib: h, scenario: h });
    }), RUNS);
  });

  it("advances the account's clock", async () => {
    await fc.assert(fc.asyncProperty(seconds, async (secs) => {
      const { keys, scenarioKey } = accounts(true);
      const h = overHttp(await http.as(keys.http).post('/_mock/clock/advance', { seconds: secs }));
      const l = await viaLibAsync(() => mockControl(em, keys.lib).advance(secs as number));
      const s = await viaScenario(scenarioKey, [{ advance: secs }]);
      expect({ lib: l, scenario: s }).toEqual({ lib: h, scenario: h });
    }), RUNS);
  });

  it('arms a fault', async () => {
    const input = fc.record({
      path: fc.constantFrom<unknown>('/v2/calls', '/v2/**', '^/v2/.*$', 'no-slash', '^(', '', 5),
      status: fc.constantFrom<unknown>(200, 400, 500, 503, 599, 600, undefined, '500'),
      method: fc.constantFrom<unknown>('GET', '*', 'post', 'FETCH', undefined, 5),
      count: fc.constantFrom<unknown>(1, 0, 10_001, undefined, 2.5),
      delay_ms: fc.constantFrom<unknown>(0, 10, 200_000, undefined, -1),
      headers: fc.constantFrom<unknown>(undefined, { 'x-a': '1' }, { 'bad name': 'x' }, { a: 5 }, 'str'),
    });
    await fc.assert(fc.asyncProperty(input, async (body) => {
      const { keys } = accounts(false);
      const h = overHttp(await http.as(keys.http).post('/_mock/faults', body));
      const l = viaLib(() => mockControl(em, keys.lib).fault({
        path: body.path as string, status: body.status as number, method: body.method as string,
        count: body.count as number, delayMs: body.delay_ms as number, headers: body.headers as Record<string, string>,
      }));
      expect(l).toBe(h);
    }), RUNS);
  });

  it('filters the request journal', async () => {
    const input = fc.record({
      method: fc.constantFrom<string | undefined>('GET', 'get', 'FETCH', undefined),
      status: fc.constantFrom<unknown>(200, 99, 600, 'abc', undefined),
      limit: fc.constantFrom<unknown>(1, 0, 1001, 5, undefined),
    });
    await fc.assert(fc.asyncProperty(input, async (f) => {
      const { keys } = accounts(false);
      const query = Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join('&');
      const h = overHttp(await http.as(keys.http).get(`/_mock/requests?${query}`));
      let l: Outcome;
      try {
        await mockControl(em, keys.lib).requests({
          method: f.method, status: f.status === undefined ? undefined : Number(f.status), limit: f.limit as number,
        });
        l = OK;
      } catch (err) {
        if (!(err instanceof TelnyxError)) throw err;
        l = err.code;
      }
      expect(l).toBe(h);
    }), RUNS);
  });
  it("clears a dialed number's behaviour", async () => {
    const e164 = fc.constantFrom('+15557770001', 'not-a-number', '+0123', 'sip:x');
    await fc.assert(fc.asyncProperty(e164, fc.boolean(), async (number, wasSet) => {
      const { keys } = accounts(false);
      if (wasSet) {
        await http.as(keys.http).put(`/_mock/numbers/${encodeURIComponent(number)}`, { behaviour: 'busy' });
        viaLib(() => mockControl(em, keys.lib).setNumber(number, { behaviour: 'busy' }));
      }
      const h = overHttp(await http.as(keys.http).delete(`/_mock/numbers/${encodeURIComponent(number)}`));
      const l = viaLib(() => mockControl(em, keys.lib).clearNumber(number));
      expect(l).toBe(h);
    }), RUNS);
  });

  it('freezes and unfreezes the clock', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('freeze', 'unfreeze') as fc.Arbitrary<'freeze' | 'unfreeze'>, async (action) => {
      const { keys, scenarioKey } = accounts(false);
      const h = overHttp(await http.as(keys.http).post(`/_mock/clock/${action}`));
      const l = viaLib(() => mockControl(em, keys.lib)[action]());
      const s = await viaScenario(scenarioKey, [{ clock: action }], false);
      expect({ lib: l, scenario: s }).toEqual({ lib: h, scenario: h });
    }), { numRuns: 4 });
  });

  it('resets the account', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom<unknown>(false, undefined, 'yes', 1), async (all) => {
      const { keys } = accounts(true);
      const h = overHttp(await http.as(keys.http).post('/_mock/reset', { all }));
      const l = viaLib(() => mockControl(em, keys.lib).reset({ all: all as boolean }));
      expect(l).toBe(h);
    }), { numRuns: 8 });
  });
});
