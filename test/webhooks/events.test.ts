import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpClient } from '../support/app-client.js';
import { types, webhookEnv, type Env } from './env.js';
import { ALL_EVENTS, webhookFlows } from './flows.js';

/**
 * The webhook flows of test/api/webhook-payloads.test.ts (where what each payload carries is
 * tested, in process), run once against a listening emulator: every event type they produce is
 * delivered over HTTP, signed (tweetnacl and the SDK's `unwrap` verify it) and conforming to the
 * spec and the SDK payload types. The flows call the API over HTTP without the SDK: delivery is
 * the subject here, and the SDK's requests are test/sdk's.
 */
let env: Env;
beforeEach(async () => { env = await webhookEnv(); });
afterEach(() => env.close());

describe('webhooks over HTTP', () => {
  it('delivers every event of the flows, each signed and conforming to the spec and the SDK payload types', async () => {
    const flows = webhookFlows({ ...env, api: httpClient(env.em.url, env.account) });
    for (const flow of Object.values(flows)) await flow();
    const seen = new Set(types(await env.drain()));
    expect([...seen].sort()).toEqual([...ALL_EVENTS].sort());
  });
});
