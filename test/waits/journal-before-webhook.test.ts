import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, type TelnyxMock } from '../../src/lib.js';

/**
 * Issue 20, "Helpers that cannot race": a request is in the journal before anything it caused
 * (its webhook, a change notification) is observable. So a test that waits for the webhook an
 * app's request caused, then looks for the request, always finds it: here 100 times in a row.
 * The app's request is not awaited before the wait (an app reacts on its own; the test sees only
 * the webhook), which is exactly when the journal used to lag: written after the route answered,
 * while waitForWebhook resolved at the commit (18 misses in 20 runs).
 */
const RUNS = 100;

let mock: TelnyxMock;
let client: Telnyx;
beforeAll(async () => {
  mock = await startMock({ apiKey: 'KEY_journal_race' });
  client = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL, maxRetries: 0 });
});
afterAll(() => mock.close());

describe('waitForWebhook, then requests()', () => {
  it(`finds the request that caused the webhook, ${RUNS} times out of ${RUNS}`, async () => {
    const missed: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const call = mock.placeCall({ from: '+15550001001', to: '+15559990000', answered: true });
      const after = (await mock.waitForWebhook('call.answered', { callControlId: call.call_control_id })).seq;
      // The test waits first; the app enqueues a little later, on its own (the test does not hold
      // the app's promise). A wait parked a while wakes on the commit itself, at once.
      const enqueued = mock.waitForWebhook('call.enqueued', { callControlId: call.call_control_id, after });
      await new Promise((resolve) => setTimeout(resolve, 15));
      const sent = client.calls.actions.enqueue(call.call_control_id, { queue_name: 'support' });
      await enqueued;
      const journaled = await mock.requests({ path: '/actions/enqueue' });
      if (!journaled.some((r) => r.path === `/v2/calls/${call.call_control_id}/actions/enqueue`)) missed.push(run);
      await sent;
      mock.hangup(call.call_control_id);
    }
    expect(missed, `runs whose request was not journaled yet when its webhook was: ${missed.length} of ${RUNS}`).toEqual([]);
  }, 60_000);
});
