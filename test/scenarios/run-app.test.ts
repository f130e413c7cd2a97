import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp, LINES, type ReferenceApp } from '../../fixtures/reference-app.js';

/** How a scenario run against a real app (the fixtures' reference app, over HTTP) reports what went wrong. */
const alice = { call: 'alice', from: '+15550001001', to: LINES.support };
/**
 * The app answers alice and queues her in `support`: a wait meant to pass, given time to (a loaded
 * machine may take more than the run's 400 ms); only the waits meant to fail keep the 400 ms.
 */
const queued = { wait: { call: 'alice', in_queue: 'support' }, timeout: '10s' };

describe('a scenario run against the reference app', () => {
  let mock: TelnyxMock;
  let app: ReferenceApp;
  beforeEach(async () => {
    mock = await startMock();
    app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: mock.apiKey });
  });
  afterEach(async () => {
    await app.close();
    await mock.close();
  });

  const run = (steps: object[], extra: object = {}) =>
    mock.runScenario({ name: 'test', timeout: '400ms', steps, ...extra }, { webhookUrl: app.webhookUrl });

  it('fails a wait for something the app never does, naming the step and what was found, and skips the rest', async () => {
    // In `support` first, so what the failing wait reports having found is known.
    const result = await run([alice, queued, { wait: { call: 'alice', in_queue: 'vip' } }, { hangup: 'alice' }]);
    expect(result.passed).toBe(false);
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed', 'skipped']);
    expect(result.steps[2]).toMatchObject({
      index: 3,
      title: "wait until alice is in queue 'vip'",
      reason: "timed out after 400 ms waiting until alice is in queue 'vip'; alice is in queue 'support'",
    });
    expect(result.steps[2].duration_ms).toBeGreaterThanOrEqual(400);
  });

  it("fails an expected request the app never sent, listing the app's latest requests by caller name", async () => {
    const result = await run([alice, queued, { expect: { request: 'POST /v2/conferences' } }]);
    expect(result.steps[2].status).toBe('failed');
    expect(result.steps[2].reason).toBe('expected the app sent POST /v2/conferences, but no POST /v2/conferences request; '
      + "the app's latest requests: POST /v2/calls/{alice}/actions/answer → 200; POST /v2/calls/{alice}/actions/enqueue → 200");
  });

  it('fails a request whose body differs, showing the fields that differ', async () => {
    const result = await run([alice, { wait: { call: 'alice', in_queue: 'support' } },
      { expect: { request: 'POST /v2/calls/{alice}/actions/enqueue', body: { max_wait_time_secs: 60 } } }]);
    expect(result.steps[2].reason).toBe('expected the app sent POST /v2/calls/{alice}/actions/enqueue with body {"max_wait_time_secs":60}, '
      + 'but 1 such request(s), none matching; the last answered 200 and had max_wait_time_secs: 120 (expected 60)');
  });

  it('fails a webhook whose payload differs, showing the fields that differ', async () => {
    const result = await run([alice, queued, { wait: { webhook: 'call.enqueued', call: 'alice', payload: { queue: 'sales' } } }]);
    expect(result.steps[2].reason).toMatch(/^timed out after 400 ms waiting until a call\.enqueued webhook for alice with payload \{"queue":"sales"\}; 1 call\.enqueued webhook\(s\) for alice, none with that payload; the last has queue: "support" \(expected "sales"\)$/);
  });

  it("fails a missing webhook, listing the caller's webhooks so far", async () => {
    const result = await run([alice, queued, { expect: { webhook: 'call.bridged', call: 'alice' } }]);
    expect(result.steps[2].reason).toBe('expected a call.bridged webhook for alice, but no call.bridged webhook for alice; '
      + "alice's webhooks so far: call.initiated, call.answered, call.enqueued");
  });

  it('reports an action the emulator refuses as a failed step, not a crash', async () => {
    const result = await run([{ ...alice, answered: true }, { hangup: 'alice' }, { press: 'alice', digits: '1' }]);
    expect(result.steps[2]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Call has already ended: /) });
  });
});
