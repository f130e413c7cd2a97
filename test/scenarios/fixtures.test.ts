import { describe, expect, it } from 'vitest';
import { withReferenceApp, failures } from '../support/reference-app.js';
import { nextChange, whenChanged } from '../support/changes.js';
import { startReferenceApp } from '../../fixtures/reference-app.js';

const env = withReferenceApp();

describe('the shipped fixtures against the reference app', () => {
  it.each(['support-queue.json', 'moderated-conference.yaml', 'conference-expiry.yaml'])('%s runs green', async (file) => {
    const result = await env.mock.runScenario(`fixtures/${file}`, { webhookUrl: env.app.webhookUrl });
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(env.app.problems).toEqual([]);
  });

  it('provisioned-line.yaml runs green: the app provisions itself, and its number routes a caller to it', async () => {
    // The run clears the account first; the app sets itself up once it has (the run waits for it).
    // No webhook URL for the run: the call reaches the app through its application alone.
    const cleared = nextChange(env.mock.emulator, env.mock.apiKey);
    const running = env.mock.runScenario('fixtures/provisioning/provisioned-line.yaml');
    await cleared;
    const app = await startReferenceApp({ telnyxUrl: env.mock.url, apiKey: env.mock.apiKey, publicKey: env.mock.publicKey, provision: true });
    try {
      const result = await running;
      expect(failures(result)).toEqual([]);
      const [initiated] = await env.mock.webhooks({ eventType: 'call.initiated', callControlId: result.calls.carol });
      expect(initiated.data.payload.connection_id).toBe(app.applicationId);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('can run the same fixture twice in a row, starting from a clean account each time', async () => {
    const first = await env.mock.runScenario('fixtures/support-queue.json', { webhookUrl: env.app.webhookUrl });
    const second = await env.mock.runScenario('fixtures/support-queue.json', { webhookUrl: env.app.webhookUrl });
    expect([first.passed, second.passed]).toEqual([true, true]);
    expect(second.calls.alice).not.toBe(first.calls.alice);
  });

  it('verifies every webhook signature the way the app would in production', async () => {
    await env.mock.runScenario('fixtures/conference-expiry.yaml', { webhookUrl: env.app.webhookUrl });
    // The run ends as soon as its last step holds, which can be before the app has answered the
    // webhook that got it there (its answer waits on the app's own API call): wait for delivery.
    // Re-checked on each change the account notifies (a delivery settled), not on a timer.
    await whenChanged(env.mock.emulator, env.mock.apiKey, async () =>
      ((await env.mock.webhooks()).filter((w) => w.status === 'delivered').length > 5 ? true : undefined), { what: 'six delivered webhooks' });
    expect(env.app.problems).toEqual([]);
  });
});
