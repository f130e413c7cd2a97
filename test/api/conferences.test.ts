import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answeredCall } from '../support/harness.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import type { AppClient } from '../support/app-client.js';
import type { Emulator } from '../../src/server.js';

/**
 * Conference rules moved down from test/sdk/conferences.test.ts (which keeps the SDK's view of
 * each operation), in process: `client` has the SDK's method names (test/support/app-client.ts).
 */
let env: AppEnv;
let em: Emulator;
let client: AppClient;
let account: string;

beforeEach(() => {
  env = appEnv({}, 'KEY_sdk_test');
  ({ em, api: client, account } = env);
});
afterEach(() => env.close());

const caller = (from: string) => answeredCall(em, account, from).callControlId;

describe('conferences', () => {
  it('refuses a join beyond max_participants with 422 and changes nothing', async () => {
    const conf = (await client.conferences.create({ call_control_id: caller('+15550000001'), name: 'small', max_participants: 2 })).data!;
    await client.conferences.actions.join(conf.id, { call_control_id: caller('+15550000002') });
    const third = caller('+15550000003');
    await expect(client.conferences.actions.join(conf.id, { call_control_id: third })).rejects.toMatchObject({
      status: 422, error: { errors: [{ code: '90032' }] },
    });
    const page = await client.conferences.listParticipants(conf.id);
    expect(page.data).toHaveLength(2);
  });
});
