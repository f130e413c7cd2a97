import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp, type ReferenceApp } from '../../fixtures/reference-app.js';

let mock: TelnyxMock;
let app: ReferenceApp;

beforeEach(async () => {
  mock = await startMock();
  app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: mock.apiKey, publicKey: mock.publicKey });
});
afterEach(async () => {
  await app.close();
  await mock.close();
});

const failures = (r: Awaited<ReturnType<TelnyxMock['runScenario']>>) =>
  r.steps.filter((s) => s.status !== 'passed').map((s) => `step ${s.index} ${s.title}: ${s.status} ${s.reason ?? ''}`);

describe('the shipped fixtures against the reference app', () => {
  it.each(['support-queue.json', 'moderated-conference.yaml', 'conference-expiry.yaml'])('%s runs green', async (file) => {
    const result = await mock.runScenario(`fixtures/${file}`, { webhookUrl: app.webhookUrl });
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(app.problems).toEqual([]);
  });

  it('can run the same fixture twice in a row, starting from a clean account each time', async () => {
    const first = await mock.runScenario('fixtures/support-queue.json', { webhookUrl: app.webhookUrl });
    const second = await mock.runScenario('fixtures/support-queue.json', { webhookUrl: app.webhookUrl });
    expect([first.passed, second.passed]).toEqual([true, true]);
    expect(second.calls.alice).not.toBe(first.calls.alice);
  });

  it('verifies every webhook signature the way the app would in production', async () => {
    await mock.runScenario('fixtures/conference-expiry.yaml', { webhookUrl: app.webhookUrl });
    // The run ends as soon as its last step holds, which can be before the app has answered the
    // webhook that got it there (its answer waits on the app's own API call): wait for delivery.
    await vi.waitFor(() => expect(mock.webhooks().filter((w) => w.status === 'delivered').length).toBeGreaterThan(5));
    expect(app.problems).toEqual([]);
  });
});
