import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callSteps } from '../support/call-steps.js';
import { webhookEnv, type Env } from '../webhooks/env.js';

/**
 * Call-level gathers through the official SDK, digit by digit on a frozen virtual clock: one test
 * per operation (gather, gather_stop, gather_using_speak, gather_using_audio), for what only the
 * SDK and a socket show; the rules are tested in process in test/api/call-gather.test.ts. Every
 * webhook of every test is checked after it (afterEach → drain): signed and verified with the SDK's
 * `unwrap`, and conforming to the spec's callback schema and the SDK's payload type.
 *
 * The spec's words the rules follow (GatherRequest): minimum_digits "The minimum number of digits
 * to fetch", maximum_digits "The maximum number of digits to fetch", terminating_digit "The digit
 * used to terminate input if fewer than `maximum_digits` digits have been gathered" (SDK: "Set to
 * an empty string to disable the terminating digit entirely"), valid_digits "A list of all digits
 * accepted as valid", initial_timeout_millis "The number of milliseconds to wait for the first
 * DTMF", inter_digit_timeout_millis "… to wait for input between digits", timeout_millis "… to
 * wait to complete the request"; call.gather.ended status: valid, invalid, call_hangup, cancelled,
 * cancelled_amd, timeout.
 */
let env: Env;
let call = '';

beforeEach(async () => {
  env = await webhookEnv({}, 'KEY_sdk_gather');
  await env.mock('POST', '/clock/freeze');
  call = await env.call();
});
afterEach(async () => {
  await env.drain();
  await env.close();
});

const { press, advance, logged, ended, types, pressOneByOne } = callSteps({ mock: (...args) => env.mock(...args) }, () => call);

describe('gather', () => {
  it('ends valid when maximum_digits have been pressed, sending call.dtmf.received for each key', async () => {
    await env.client.calls.actions.gather(call, { maximum_digits: 3 });
    await pressOneByOne('123');
    expect(await ended()).toEqual([['123', 'valid']]);
    expect((await logged('call.dtmf.received')).map((w) => w.data.payload.digit)).toEqual(['1', '2', '3']);
  });

  it('gather_stop ends it cancelled; a second stop has nothing to stop', async () => {
    await env.client.calls.actions.gather(call, { maximum_digits: 5, client_state: 'cGlu' });
    await press('4');
    await env.client.calls.actions.stopGather(call, {});
    await env.client.calls.actions.stopGather(call, {});
    expect(await ended()).toEqual([['4', 'cancelled']]);
    expect((await logged('call.gather.ended'))[0].data.payload.client_state).toBe('cGlu');
  });
});

describe('gather_using_speak', () => {
  // "Please enter your conference PIN": 5 words at 150 words a minute = 2 s of speech.
  const PROMPT = 'Please enter your conference PIN';

  it('replays the prompt after timeout_millis without input, up to maximum_tries, then ends timeout', async () => {
    await env.client.calls.actions.gatherUsingSpeak(call, { payload: PROMPT, voice: 'female', timeout_millis: 3000, maximum_tries: 2 });
    // play 1: 0-2 s, wait to 5 s; play 2: 5-7 s, wait to 10 s.
    await advance(9);
    expect(await ended()).toEqual([]);
    await advance(1);
    expect(await ended()).toEqual([['', 'timeout']]);
  });
});

describe('gather_using_audio', () => {
  it('plays its file (call.playback.started), stops it on the first key (call.playback.ended), then ends', async () => {
    await env.client.calls.actions.gatherUsingAudio(call, { audio_url: 'https://example.com/menu.mp3', maximum_digits: 2 });
    await press('4');
    await press('2');
    expect((await types()).slice(2)).toEqual([
      'call.playback.started', 'call.dtmf.received', 'call.playback.ended', 'call.dtmf.received', 'call.gather.ended',
    ]);
    expect((await logged('call.playback.ended'))[0].data.payload).toMatchObject({ media_url: 'https://example.com/menu.mp3' });
    expect(await ended()).toEqual([['42', 'valid']]);
  });
});

