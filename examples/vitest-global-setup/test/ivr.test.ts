import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import Telnyx from 'telnyx';
import { startIvr } from '../src/ivr.js';

// The emulator started by global-setup.ts; this file's own account (its own API key).
const mockUrl = inject('telnyxMockUrl');
const apiKey = 'KEY_ivr_test';
const telnyx = new Telnyx({ apiKey, baseURL: inject('telnyxBaseURL') });
let ivr: Awaited<ReturnType<typeof startIvr>>;

/** The control API under /_mock: the caller's side of the line. */
async function control<T = any>(method: string, path: string, body?: object): Promise<T> {
  const res = await fetch(`${mockUrl}/_mock${path}`, {
    method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: T }).data;
}

/** A caller dials the IVR's number; the call's webhooks go to the app. */
const dial = (from: string) => control<{ call_control_id: string }>('POST', '/calls', {
  from, to: '+15550100000', connection_id: 'ivr', webhook_url: ivr.webhookUrl,
});
/** Until the app's prompt plays (pressing earlier would reach no gather). */
const prompted = (id: string) => expect.poll(async () => (await control<any[]>('GET', `/calls/${id}/media`))
  .some((m) => m.kind === 'gather_using_speak' && m.state === 'playing')).toBe(true);

beforeAll(async () => {
  ivr = await startIvr({ baseURL: inject('telnyxBaseURL'), apiKey, publicKey: inject('telnyxPublicKey') });
});
afterAll(async () => {
  await ivr.close();
});

describe('the IVR', () => {
  it('answers, asks for a digit, and queues a caller who presses 2 in support', async () => {
    const { call_control_id: id } = await dial('+15550001001');
    await prompted(id);
    await control('POST', `/calls/${id}/dtmf`, { digits: '2' });
    await expect.poll(async () => (await telnyx.queues.calls.list('support')).data.map((c) => c.call_control_id))
      .toEqual([id]);
    expect((await control('GET', `/calls/${id}`)).state).toBe('answered');
  });

  it('hangs up on a caller who presses a key with no queue', async () => {
    const { call_control_id: id } = await dial('+15550001002');
    await prompted(id);
    await control('POST', `/calls/${id}/dtmf`, { digits: '9' });
    await expect.poll(async () => (await control('GET', `/calls/${id}`)).state).toBe('hangup');
  });
});
