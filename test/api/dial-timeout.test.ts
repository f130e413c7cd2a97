import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, enc, type Doors } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

/**
 * How long a dialed call rings. SDK CallDialParams.timeout_secs: "The number of seconds that
 * Telnyx will wait for the call to be answered by the destination to which it is being called. If
 * the timeout is reached before an answer is received, the call will hangup and a `call.hangup`
 * webhook with a `hangup_cause` of `timeout` will be sent. Minimum value is 5 seconds. Maximum
 * value is 600 seconds." The spec gives its default: 30.
 */
const KEY = 'KEY_dial_timeout';
const FAR = '+15557770001';
let em: Emulator;
let d: Doors;

beforeEach(async () => {
  em = inMemory();
  d = doors(api(em), KEY);
  // Frozen: the only time that passes is what a test advances.
  await d.freeze();
});
afterEach(() => em.dispose());

async function farEndBehaves(body: Record<string, unknown>) {
  const res = await d.v2.put(`/_mock/numbers/${enc(FAR)}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function dial(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await d.v2.post('/v2/calls', { connection_id: 'conn-1', from: '+15550001111', to: FAR, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.data.is_alive).toBe(false);
  return res.body.data.call_control_id as string;
}

/** What the app has been told about the call so far: its webhook types, in order. */
const told = async (id: string) => (await d.webhooks({ call_control_id: id })).map((w) => w.event_type);

describe('a dialed number that never answers', () => {
  it('rings for 30 s by default: still ringing after 29 s, hung up with cause timeout at 30 s', async () => {
    await farEndBehaves({ behaviour: 'no_answer' });
    const id = await dial();
    await d.advance(29);
    expect(await told(id)).toEqual(['call.initiated']);
    expect(await d.farEnd(id)).toMatchObject({ state: 'ringing', is_alive: true });
    expect((await d.v2.get(`/v2/calls/${enc(id)}`)).body.data.is_alive).toBe(true);
    await d.advance(1);
    expect(await told(id)).toEqual(['call.initiated', 'call.hangup']);
    expect((await d.payloads('call.hangup', id))[0]).toMatchObject({ hangup_cause: 'timeout', sip_hangup_cause: '480' });
    expect(await d.farEnd(id)).toMatchObject({ state: 'hangup', hangup_cause: 'timeout' });
    expect((await d.v2.get(`/v2/calls/${enc(id)}`)).body.data.is_alive).toBe(false);
  });

  it('rings for timeout_secs when given', async () => {
    await farEndBehaves({ behaviour: 'no_answer' });
    const id = await dial({ timeout_secs: 10 });
    await d.advance(9);
    expect(await told(id)).toEqual(['call.initiated']);
    await d.advance(1);
    expect((await d.payloads('call.hangup', id)).map((p) => p.hangup_cause)).toEqual(['timeout']);
  });

  it('may ring for longer than 30 s when timeout_secs says so', async () => {
    await farEndBehaves({ behaviour: 'no_answer' });
    const id = await dial({ timeout_secs: 45 });
    await d.advance(44);
    expect(await d.farEnd(id)).toMatchObject({ state: 'ringing' });
    await d.advance(1);
    expect(await d.farEnd(id)).toMatchObject({ state: 'hangup', hangup_cause: 'timeout' });
  });
});

describe('a dialed number that answers after a while', () => {
  it('answers at answer_after_secs 29, inside the default 30 s, and stays up', async () => {
    await farEndBehaves({ behaviour: 'answer', answer_after_secs: 29 });
    const id = await dial();
    await d.advance(28);
    expect(await d.farEnd(id)).toMatchObject({ state: 'ringing' });
    await d.advance(1);
    expect(await told(id)).toEqual(['call.initiated', 'call.answered']);
    await d.advance(60);
    expect(await d.farEnd(id)).toMatchObject({ state: 'answered', is_alive: true });
  });

  it('rings out at 30 s when it would answer at 30 s or later', async () => {
    for (const after of [30, 31, 120]) {
      await farEndBehaves({ behaviour: 'answer', answer_after_secs: after });
      const id = await dial();
      await d.advance(29);
      expect(await d.farEnd(id), `answer_after_secs ${after}`).toMatchObject({ state: 'ringing' });
      await d.advance(1);
      expect(await d.farEnd(id), `answer_after_secs ${after}`).toMatchObject({ state: 'hangup', hangup_cause: 'timeout' });
      await d.advance(200);
      expect(await told(id), `answer_after_secs ${after}`).toEqual(['call.initiated', 'call.hangup']);
    }
  });

  it('answers within a longer timeout_secs', async () => {
    await farEndBehaves({ behaviour: 'answer', answer_after_secs: 45 });
    const id = await dial({ timeout_secs: 60 });
    await d.advance(45);
    expect(await told(id)).toEqual(['call.initiated', 'call.answered']);
    await d.advance(60);
    expect(await d.farEnd(id)).toMatchObject({ state: 'answered' });
  });

  it('rings out at timeout_secs when it would answer later', async () => {
    await farEndBehaves({ behaviour: 'answer', answer_after_secs: 20 });
    const id = await dial({ timeout_secs: 15 });
    await d.advance(15);
    expect(await d.farEnd(id)).toMatchObject({ state: 'hangup', hangup_cause: 'timeout' });
    await d.advance(10);
    expect(await told(id)).toEqual(['call.initiated', 'call.hangup']);
  });
});
