import { afterEach, describe, expect, it, vi } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { accountLabel } from '../../src/log.js';
import { captureStdout } from '../support/stdout.js';

/** startMock() logs nothing unless asked (a test suite's output is its own); `log` asks. */
let mock: TelnyxMock | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await mock?.close();
  mock = undefined;
});

const sdk = (m: TelnyxMock) => new Telnyx({ apiKey: m.apiKey, baseURL: m.baseURL, maxRetries: 0 });

describe('startMock() and the server log', () => {
  it('prints nothing by default, not even a refused request', async () => {
    mock = await startMock();
    const written = captureStdout();
    await expect(sdk(mock).queues.create({} as never)).rejects.toMatchObject({ status: 422 });
    expect(written).toEqual([]);
  });

  it('prints one JSON line per request when given log and logFormat', async () => {
    mock = await startMock({ log: 'requests', logFormat: 'json' });
    const written = captureStdout();
    await sdk(mock).conferences.list();
    expect(written.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ type: 'request', account: accountLabel(mock.apiKey), method: 'GET', path: '/v2/conferences', status: 200 }),
    ]);
  });
});
