import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answeredCall } from '../support/harness.js';
import { appEnv, type AppEnv } from '../support/app-env.js';
import type { AppClient } from '../support/app-client.js';
import { mockControl } from '../../src/lib.js';
import type { Emulator } from '../../src/server.js';

/**
 * command_id has one meaning on every command (SDK docs: "Use this field to avoid duplicate
 * commands. Telnyx will ignore any command with the same `command_id` for the same
 * `call_control_id`."): a repeat does nothing again and answers as the first did. In process
 * (moved down from test/sdk/command-id.test.ts): `client` has the SDK's method names.
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
const count = async (eventType: string, callControlId?: string) =>
  (await mockControl(em, account).webhooks({ eventType, callControlId })).length;

describe('a command repeated with its command_id', () => {
  it('dials once and answers the repeat with the same call', async () => {
    const body = { connection_id: 'app', from: '+15550001111', to: '+15550002222', command_id: 'dial-1' };
    const first = (await client.calls.dial(body)).data!;
    const again = (await client.calls.dial(body)).data!;
    expect(again.call_control_id).toBe(first.call_control_id);
    expect(again).toMatchObject({ call_leg_id: first.call_leg_id, call_session_id: first.call_session_id, is_alive: false });
    expect(await count('call.initiated')).toBe(1);
    // the same command_id on another connection is another command
    const other = (await client.calls.dial({ ...body, connection_id: 'other-app' })).data!;
    expect(other.call_control_id).not.toBe(first.call_control_id);
  });

  it('creates the conference once, and answers the repeat with it even after it ended', async () => {
    const host = caller('+15550000001');
    const first = (await client.conferences.create({ call_control_id: host, name: 'once', command_id: 'c-1' })).data!;
    await client.conferences.actions.endConference(first.id, {});
    const again = (await client.conferences.create({ call_control_id: host, name: 'once', command_id: 'c-1' })).data!;
    expect(again).toMatchObject({ id: first.id, name: 'once', created_at: first.created_at });
    expect(await count('conference.created')).toBe(1);
  });

  it('joins once: the repeat changes nothing and sends no second webhook', async () => {
    const host = caller('+15550000001');
    const guest = caller('+15550000002');
    const conf = (await client.conferences.create({ call_control_id: host, name: 'room' })).data!;
    await client.conferences.actions.join(conf.id, { call_control_id: guest, command_id: 'j-1' });
    await client.conferences.actions.leave(conf.id, { call_control_id: guest });
    // a repeat of the join after the guest left is ignored: the guest stays out
    await client.conferences.actions.join(conf.id, { call_control_id: guest, command_id: 'j-1' });
    expect(await count('conference.participant.joined', guest)).toBe(1);
    expect(mockControl(em, account).call(guest).conference_id).toBeNull();
  });

  it('runs a refused command again when it is repeated: only what succeeded is remembered', async () => {
    const ringing = mockControl(em, account).placeCall({ from: '+15550001111', to: '+15550002222' }).call_control_id;
    await expect(client.calls.actions.enqueue(ringing, { queue_name: 'q', command_id: 'e-1' })).rejects.toMatchObject({ status: 422 });
    await client.calls.actions.answer(ringing, {});
    await client.calls.actions.enqueue(ringing, { queue_name: 'q', command_id: 'e-1' });
    expect(await count('call.enqueued', ringing)).toBe(1);
  });
});
