import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, inMemory } from '../support/harness.js';
import { doors, type Doors } from '../support/doors.js';
import type { Emulator } from '../../src/server.js';

/**
 * How a conference `gather_using_audio` ends, digit by digit, as call.gather.ended reports it.
 * Spec (GatherUsingAudioRequest): minimum_digits "Minimum number of digits to gather" (default 1),
 * maximum_digits "Maximum number of digits to gather", terminating_digit "Digit that terminates
 * gathering" (default '#'), valid_digits "Digits that are valid for gathering" (default
 * 0123456789#*), timeout_millis "Duration in milliseconds to wait for input before timing out"
 * (default 60000). call.gather.ended status: "Reflects how command ended" — valid, invalid,
 * call_hangup, cancelled, cancelled_amd, timeout.
 */
const KEY = 'KEY_gather';
let em: Emulator;
let d: Doors;
let conference = '';
let alice = '';

beforeEach(async () => {
  em = inMemory();
  d = doors(api(em), KEY);
  // Frozen: the only time that passes is what a test advances.
  await d.freeze();
  conference = (await d.conference()).id;
  alice = await d.call();
  await d.join(conference, alice);
});
afterEach(() => em.dispose());

async function gather(body: Record<string, unknown>) {
  const res = await d.v2.post(`/v2/conferences/${conference}/actions/gather_using_audio`, { call_control_id: alice, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** alice's call.gather.ended payloads so far, as [digits, status]. */
const ended = async () => (await d.payloads('call.gather.ended', alice)).map((p) => [p.digits, p.status]);

/** Presses each key in turn; before the last one, the gather must still be waiting. */
async function pressOneByOne(keys: string) {
  for (const key of keys.slice(0, -1)) {
    await d.press(alice, key);
    expect(await ended(), `after pressing ${key}`).toEqual([]);
  }
  await d.press(alice, keys.slice(-1));
}

describe('a gather ends valid', () => {
  it('when maximum_digits have been pressed, with those digits', async () => {
    await gather({ minimum_digits: 1, maximum_digits: 3 });
    await pressOneByOne('123');
    expect(await ended()).toEqual([['123', 'valid']]);
  });

  it('at maximum_digits even when more keys follow in the same burst, which are only call.dtmf.received', async () => {
    await gather({ maximum_digits: 2 });
    await d.press(alice, '9876');
    expect(await ended()).toEqual([['98', 'valid']]);
    expect((await d.payloads('call.dtmf.received', alice)).map((p) => p.digit)).toEqual(['9', '8', '7', '6']);
  });

  it('on the terminating digit once minimum_digits have been pressed, without the terminating digit', async () => {
    await gather({ minimum_digits: 2, maximum_digits: 5, terminating_digit: '#' });
    await pressOneByOne('12#');
    expect(await ended()).toEqual([['12', 'valid']]);
  });

  it('on a terminating digit other than #, which is then not a gathered digit', async () => {
    await gather({ minimum_digits: 1, maximum_digits: 5, terminating_digit: '*' });
    await pressOneByOne('4#*');
    expect(await ended()).toEqual([['4#', 'valid']]);
  });

  it('at timeout_millis when at least minimum_digits had been pressed', async () => {
    await gather({ minimum_digits: 2, maximum_digits: 5, timeout_millis: 5000 });
    await d.press(alice, '1');
    await d.press(alice, '2');
    await d.advance(4);
    expect(await ended()).toEqual([]);
    await d.advance(1);
    expect(await ended()).toEqual([['12', 'valid']]);
  });

  it('with the defaults: one digit, then #', async () => {
    await gather({});
    await pressOneByOne('5#');
    expect(await ended()).toEqual([['5', 'valid']]);
  });
});

describe('a gather ends invalid', () => {
  it('on the terminating digit before minimum_digits have been pressed', async () => {
    await gather({ minimum_digits: 3, maximum_digits: 5, terminating_digit: '#' });
    await pressOneByOne('12#');
    expect(await ended()).toEqual([['12', 'invalid']]);
  });

  it('on the terminating digit pressed first, with no digits', async () => {
    await gather({});
    await d.press(alice, '#');
    expect(await ended()).toEqual([['', 'invalid']]);
  });

  it('on a key outside valid_digits', async () => {
    await gather({ minimum_digits: 1, maximum_digits: 5, valid_digits: '123' });
    await pressOneByOne('125');
    expect(await ended()).toEqual([['12', 'invalid']]);
  });
});

describe('a gather ends timeout', () => {
  it('at timeout_millis with fewer than minimum_digits pressed, not a moment before', async () => {
    await gather({ minimum_digits: 3, maximum_digits: 5, timeout_millis: 5000 });
    await d.press(alice, '1');
    await d.press(alice, '2');
    await d.advance(4);
    expect(await ended()).toEqual([]);
    await d.advance(1);
    expect(await ended()).toEqual([['12', 'timeout']]);
  });

  it('at timeout_millis with nothing pressed', async () => {
    await gather({ timeout_millis: 2000 });
    await d.advance(2);
    expect(await ended()).toEqual([['', 'timeout']]);
  });

  it('after 60 s by default', async () => {
    await gather({});
    await d.advance(59);
    expect(await ended()).toEqual([]);
    await d.advance(1);
    expect(await ended()).toEqual([['', 'timeout']]);
  });
});

describe('a gather that has ended', () => {
  it('ends once: keys and time after the end send no second call.gather.ended', async () => {
    await gather({ maximum_digits: 1, timeout_millis: 1000 });
    await d.press(alice, '1');
    await d.press(alice, '2#');
    await d.advance(5);
    expect(await ended()).toEqual([['1', 'valid']]);
  });

  it('is replaced by a new gather, whose digits start afresh', async () => {
    await gather({ maximum_digits: 2, timeout_millis: 1000 });
    await d.press(alice, '1');
    await gather({ maximum_digits: 2, timeout_millis: 10_000 });
    // The first gather's timer does not end the second.
    await d.advance(1);
    expect(await ended()).toEqual([]);
    await d.press(alice, '34');
    expect(await ended()).toEqual([['34', 'valid']]);
  });

  it("carries the gather's client_state on call.gather.ended", async () => {
    await gather({ maximum_digits: 1, client_state: 'Z2F0aGVy' });
    await d.press(alice, '7');
    expect((await d.payloads('call.gather.ended', alice))[0]).toMatchObject({
      call_control_id: alice, digits: '7', status: 'valid', client_state: 'Z2F0aGVy',
    });
  });
});
