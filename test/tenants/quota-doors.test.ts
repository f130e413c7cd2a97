import { afterEach, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, type TelnyxMock } from '../../src/lib.js';

/**
 * Quotas per account through the other doors (issue 19, row 6): `startMock({ quotas })` sets them,
 * its helpers are refused as HTTP is (the same command), and the official SDK sees Telnyx's error
 * shape (a 422, which it does not retry).
 */
let mock: TelnyxMock | undefined;
afterEach(async () => { await mock?.close(); mock = undefined; });

describe('quotas set with startMock()', () => {
  it('refuse the helper and the SDK alike past the calls quota, and keep the stored call', async () => {
    mock = await startMock({ quotas: { calls: 1 } });
    const alice = mock.placeCall({ from: '+15550001001', to: '+15550100000' });
    expect(() => mock!.placeCall({ from: '+15550001002', to: '+15550100000' }))
      .toThrow(expect.objectContaining({ status: 422, code: '10015', title: 'Quota reached' }));

    const client = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL, maxRetries: 0 });
    const refused = await client.calls.dial({ connection_id: 'c', from: '+15550001000', to: '+15550100001' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Telnyx.APIError);
    const err = refused as InstanceType<typeof Telnyx.APIError>;
    expect(err.status).toBe(422);
    expect(JSON.stringify(err.error)).toContain('TELNYX_MOCK_MAX_CALLS');
    expect(mock.call(alice.call_control_id).state).toBe('ringing');
  });
});
