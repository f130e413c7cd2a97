import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callSteps } from '../support/call-steps.js';
import { appEnv, type AppEnv } from '../support/app-env.js';

const enc = encodeURIComponent;

/**
 * The rules of call-level gathers, in process (moved down from test/sdk/gather.test.ts, which keeps
 * one SDK test per operation), digit by digit on a frozen virtual clock. Every webhook of every test
 * is checked after it (afterEach → drain) against the spec's callback schema and the SDK's payload type.
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
let env: AppEnv;
let call = '';

beforeEach(async () => {
  env = appEnv({}, 'KEY_sdk_gather');
  await env.mock('POST', '/clock/freeze');
  call = await env.call();
});
afterEach(async () => {
  await env.drain();
  await env.close();
});

const { press, advance, logged, ended, types, pressOneByOne } = callSteps({ mock: (...args) => env.mock(...args) }, () => call);

describe('gather', () => {
  it('ends on the terminating digit: valid with minimum_digits, invalid with fewer; the terminating digit is not gathered', async () => {
    await env.api.calls.actions.gather(call, { minimum_digits: 2, terminating_digit: '#' });
    await pressOneByOne('12#');
    await env.api.calls.actions.gather(call, { minimum_digits: 2, terminating_digit: '*' });
    await pressOneByOne('5*');
    expect(await ended()).toEqual([['12', 'valid'], ['5', 'invalid']]);
  });

  it('with an empty terminating_digit, collects # as a digit', async () => {
    await env.api.calls.actions.gather(call, { terminating_digit: '', maximum_digits: 3 });
    await pressOneByOne('1#2');
    expect(await ended()).toEqual([['1#2', 'valid']]);
  });

  it('ends invalid on a key outside valid_digits ("a list of all digits accepted as valid")', async () => {
    await env.api.calls.actions.gather(call, { valid_digits: '123', maximum_digits: 4 });
    await pressOneByOne('129');
    expect(await ended()).toEqual([['12', 'invalid']]);
  });

  it('ends timeout when no key comes within initial_timeout_millis, not a moment before', async () => {
    await env.api.calls.actions.gather(call, { initial_timeout_millis: 3000 });
    await advance(2);
    expect(await ended()).toEqual([]);
    await advance(1);
    expect(await ended()).toEqual([['', 'timeout']]);
  });

  it('waits 5 s for the first key by default', async () => {
    await env.api.calls.actions.gather(call, {});
    await advance(4);
    expect(await ended()).toEqual([]);
    await advance(1);
    expect(await ended()).toEqual([['', 'timeout']]);
  });

  it('counts inter_digit_timeout_millis from the last key: valid with minimum_digits', async () => {
    await env.api.calls.actions.gather(call, { minimum_digits: 2, inter_digit_timeout_millis: 2000 });
    await press('1');
    await advance(1);
    await press('2');
    await advance(1);
    expect(await ended()).toEqual([]);
    await advance(1);
    expect(await ended()).toEqual([['12', 'valid']]);
  });

  it('ends invalid when the caller stops typing before minimum_digits', async () => {
    await env.api.calls.actions.gather(call, { minimum_digits: 3, inter_digit_timeout_millis: 2000 });
    await press('1');
    await advance(2);
    expect(await ended()).toEqual([['1', 'invalid']]);
  });

  it('ends at timeout_millis whatever the other timeouts say', async () => {
    await env.api.calls.actions.gather(call, { timeout_millis: 4000, initial_timeout_millis: 10_000, inter_digit_timeout_millis: 10_000 });
    await advance(3);
    await press('7');
    await advance(1);
    expect(await ended()).toEqual([['7', 'valid']]);
  });

  it('ends call_hangup with the digits so far when the caller hangs up mid-gather, before call.hangup', async () => {
    await env.api.calls.actions.gather(call, { maximum_digits: 5 });
    await press('12');
    await env.mock('POST', `/calls/${enc(call)}/hangup`);
    expect(await ended()).toEqual([['12', 'call_hangup']]);
    expect((await types()).slice(-2)).toEqual(['call.gather.ended', 'call.hangup']);
    // Nothing is left to time out.
    await advance(60);
    expect(await ended()).toHaveLength(1);
  });

  it('ends once: keys and time after the end only send call.dtmf.received', async () => {
    await env.api.calls.actions.gather(call, { maximum_digits: 1 });
    await press('12');
    await advance(120);
    expect(await ended()).toEqual([['1', 'valid']]);
    expect(await logged('call.dtmf.received')).toHaveLength(2);
  });
});

describe('gather_using_speak', () => {
  // "Please enter your conference PIN": 5 words at 150 words a minute = 2 s of speech.
  const PROMPT = 'Please enter your conference PIN';

  it('takes keys pressed during the prompt ("Speech will be interrupted when a DTMF signal is received")', async () => {
    await env.api.calls.actions.gatherUsingSpeak(call, { payload: PROMPT, voice: 'female', maximum_digits: 4 });
    await press('12');
    await advance(1);
    await press('34');
    expect(await ended()).toEqual([['1234', 'valid']]);
  });

  it('asks again after an invalid entry and ends valid on a good one; one call.gather.ended', async () => {
    await env.api.calls.actions.gatherUsingSpeak(call, {
      payload: PROMPT, voice: 'female', invalid_payload: 'That PIN is too short', minimum_digits: 4, maximum_digits: 4,
    });
    await press('9#');
    expect(await ended()).toEqual([]);
    await press('1234');
    expect(await ended()).toEqual([['1234', 'valid']]);
  });

  it("keeps each play of the prompt in the call's media history, the invalid prompt first on a retry", async () => {
    await env.api.calls.actions.gatherUsingSpeak(call, {
      payload: PROMPT, voice: 'female', invalid_payload: 'Sorry.', minimum_digits: 4, maximum_digits: 4,
    });
    await press('1#');
    await advance(1);
    await press('1234');
    const history = (await env.mock('GET', `/calls/${enc(call)}/media`)).json.data as Array<Record<string, unknown>>;
    expect(history.map((m) => [m.kind, m.text, m.state, m.status])).toEqual([
      ['gather_using_speak', PROMPT, 'ended', 'cancelled'],
      ['gather_using_speak', `Sorry. ${PROMPT}`, 'ended', 'cancelled'],
    ]);
  });

  it('ends invalid when the last try is an invalid entry', async () => {
    await env.api.calls.actions.gatherUsingSpeak(call, { payload: PROMPT, voice: 'female', minimum_digits: 4, maximum_tries: 2 });
    await press('1#');
    await press('2#');
    // The digits of the last entry.
    expect(await ended()).toEqual([['2', 'invalid']]);
  });

  it('refuses a missing voice and an out-of-range minimum_digits with the field pointer', async () => {
    await expect(env.api.calls.actions.gatherUsingSpeak(call, { payload: PROMPT } as never))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10004', source: { pointer: '/voice' } }] } });
    await expect(env.api.calls.actions.gatherUsingSpeak(call, { payload: PROMPT, voice: 'female', minimum_digits: 0 }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10033', source: { pointer: '/minimum_digits' } }] } });
  });
});

describe('gather_using_audio', () => {
  it('replays the invalid file then the file after an invalid entry', async () => {
    await env.api.calls.actions.gatherUsingAudio(call, {
      audio_url: 'https://example.com/menu.mp3', invalid_audio_url: 'https://example.com/sorry.mp3', valid_digits: '123', maximum_digits: 1,
    });
    await press('9');
    const started = (await logged('call.playback.started')).map((w) => w.data.payload.media_url);
    expect(started).toEqual(['https://example.com/menu.mp3', 'https://example.com/sorry.mp3']);
    await press('1');
    expect(await ended()).toEqual([['1', 'valid']]);
  });

  it('is replaced by a new gather: the prompt playing stops, the new one counts afresh', async () => {
    await env.api.calls.actions.gatherUsingAudio(call, { audio_url: 'https://example.com/menu.mp3', maximum_digits: 3 });
    await press('1');
    await env.api.calls.actions.gatherUsingAudio(call, { audio_url: 'https://example.com/other.mp3', maximum_digits: 2 });
    await env.api.calls.actions.gather(call, { maximum_digits: 2 });
    await press('89');
    expect((await logged('call.playback.ended')).map((w) => [w.data.payload.media_url, w.data.payload.status])).toEqual([
      ['https://example.com/menu.mp3', 'cancelled'], ['https://example.com/other.mp3', 'cancelled'],
    ]);
    expect(await ended()).toEqual([['89', 'valid']]);
  });

  it('needs audio_url or media_name, not both', async () => {
    await expect(env.api.calls.actions.gatherUsingAudio(call, {}))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10004', source: { pointer: '/audio_url' } }] } });
    await expect(env.api.calls.actions.gatherUsingAudio(call, { audio_url: 'https://example.com/a.mp3', media_name: 'menu' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/media_name' } }] } });
  });
});

describe('a gather on a call that cannot take it', () => {
  it('answers 90018 on a hung-up call and 90034 on a ringing one', async () => {
    await env.mock('POST', `/calls/${enc(call)}/hangup`);
    await expect(env.api.calls.actions.gather(call, {}))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
    const ringing = await env.call({ answered: false });
    await expect(env.api.calls.actions.gather(ringing, {}))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90034' }] } });
  });

  it('refuses a bad terminating_digit and minimum above maximum, changing nothing', async () => {
    await expect(env.api.calls.actions.gather(call, { terminating_digit: 'x' }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10015', source: { pointer: '/terminating_digit' } }] } });
    await expect(env.api.calls.actions.gather(call, { minimum_digits: 5, maximum_digits: 2 }))
      .rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/minimum_digits' } }] } });
    // No gather is waiting: keys are only call.dtmf.received.
    await press('1#');
    await advance(60);
    expect(await ended()).toEqual([]);
  });
});
