import { afterEach, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { mockControl } from '../../src/lib.js';
import { withSdk } from '../support/harness.js';
import type { RunningEmulator } from '../../src/server.js';

/**
 * Injected faults as the official SDK meets them over a socket: its retries, honouring
 * retry-after, and the APIError it raises (moved from test/control/journal-and-faults.test.ts,
 * which tests the faults themselves in process).
 */
const A = 'KEY_journal_a';

describe('faults seen through the official SDK', () => {
  let running: RunningEmulator;
  afterEach(() => running?.close());

  it('is retried by the SDK, honouring retry-after, until the fault is used up', async () => {
    const { em: started } = await withSdk();
    running = started;
    const client = new Telnyx({ apiKey: A, baseURL: `${running.url}/v2` }); // default maxRetries: 2
    mockControl(running, A).fault({ method: 'GET', path: '/v2/queues', status: 429, count: 2, headers: { 'retry-after': '0' } });
    const page = await client.queues.list();
    expect(page.data).toEqual([]);
    const statuses = (await mockControl(running, A).requests({ path: '/v2/queues' })).map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('surfaces a fault that outlasts the retries as an APIError with the injected status', async () => {
    const { em: started } = await withSdk();
    running = started;
    const client = new Telnyx({ apiKey: A, baseURL: `${running.url}/v2`, maxRetries: 1 });
    mockControl(running, A).fault({ method: '*', path: '/v2/**', status: 500, count: 5 });
    await expect(client.conferences.list()).rejects.toMatchObject({ status: 500 });
    expect((await mockControl(running, A).requests()).length).toBe(2);
  });
});
