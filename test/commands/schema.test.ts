import { describe, expect, it } from 'vitest';
import { address, body, bool, e164, exclusive, int, isHttpUrl, oneOf, pattern, string, strings, url } from '../../src/commands/schema.js';
import { TelnyxError } from '../../src/model/errors.js';

/**
 * The validation layer every door's input goes through: each kind of problem answers Telnyx's
 * own code, title and detail, with a pointer at the field (Telnyx error codes: 10004 missing
 * parameter, 10015 invalid value, 10016 not +E164, 10032 not one of the values, 10033 out of range).
 */
function refusal(parse: () => unknown) {
  try {
    parse();
  } catch (err) {
    if (!(err instanceof TelnyxError)) throw err;
    return { status: err.status, code: err.code, title: err.title, detail: err.detail, pointer: err.pointer };
  }
  return 'accepted';
}

describe('a body field', () => {
  const b = body({
    name: string({ required: true, max: 5 }),
    flag: bool(),
    size: int(1, 10),
    kind: oneOf(['a', 'b'] as const),
    ids: strings({ required: true, max: 2 }),
    to: e164(),
    from: address(),
    hook: url(),
    digits: pattern(/^[0-9]+$/, "The 'digits' parameter may contain only 0-9."),
  });
  const valid = { name: 'ok', ids: ['x'] };

  it('reads a valid body, leaving out what was not given', () => {
    expect(b.parse({ ...valid, size: 10, kind: 'b', to: '+15550001111', from: 'sip:a@b.c', hook: 'https://x.test/h', digits: '12' }))
      .toEqual({ name: 'ok', flag: undefined, size: 10, kind: 'b', ids: ['x'], to: '+15550001111', from: 'sip:a@b.c', hook: 'https://x.test/h', digits: '12' });
  });

  it('treats absent, null and "" as not given: a required field is then missing (10004)', () => {
    for (const name of [undefined, null, '']) {
      expect(refusal(() => b.parse({ ...valid, name }))).toEqual({
        status: 422, code: '10004', title: 'Missing required parameter',
        detail: "The 'name' parameter is required and cannot be blank.", pointer: '/name',
      });
    }
    expect(refusal(() => b.parse({ name: 'ok' }))).toMatchObject({ code: '10004', pointer: '/ids' });
    expect(refusal(() => b.parse({ ...valid, size: '' }))).toBe('accepted');
  });

  it('names a wrong type (10015) with what it should be', () => {
    expect(refusal(() => b.parse({ ...valid, name: 5 }))).toEqual({
      status: 422, code: '10015', title: 'Invalid value', detail: "The 'name' parameter must be a string.", pointer: '/name',
    });
    expect(refusal(() => b.parse({ ...valid, flag: 'yes' }))).toMatchObject({ code: '10015', detail: "The 'flag' parameter must be a boolean." });
    expect(refusal(() => b.parse({ ...valid, size: 1.5 }))).toMatchObject({ code: '10015', detail: "The 'size' parameter must be an integer." });
    expect(refusal(() => b.parse({ ...valid, size: '5' }))).toMatchObject({ code: '10015', pointer: '/size' });
    expect(refusal(() => b.parse({ ...valid, ids: ['x', ''] }))).toMatchObject({ code: '10015', detail: "The 'ids' parameter must be an array of strings." });
    expect(refusal(() => b.parse({ ...valid, ids: 'x' }))).toMatchObject({ code: '10015', pointer: '/ids' });
  });

  it('bounds lengths and counts', () => {
    expect(b.parse({ ...valid, name: '12345' }).name).toBe('12345');
    expect(refusal(() => b.parse({ ...valid, name: '123456' }))).toMatchObject({ code: '10015', detail: "The 'name' parameter is too long: at most 5 characters, got 6." });
    expect(refusal(() => b.parse({ ...valid, ids: ['a', 'b', 'c'] }))).toMatchObject({ code: '10015', detail: "The 'ids' parameter has too many items: at most 2, got 3." });
    const long = body({ text: string() });
    expect(long.parse({ text: 'x'.repeat(4096) }).text).toHaveLength(4096);
    expect(refusal(() => long.parse({ text: 'x'.repeat(4097) }))).toMatchObject({ code: '10015', pointer: '/text' });
  });

  it('checks integer ranges inclusively (10033)', () => {
    expect(b.parse({ ...valid, size: 1 }).size).toBe(1);
    expect(refusal(() => b.parse({ ...valid, size: 0 }))).toEqual({
      status: 422, code: '10033', title: 'Value outside of range', detail: 'The value is outside of allowed range 1 to 10', pointer: '/size',
    });
    expect(refusal(() => b.parse({ ...valid, size: 11 }))).toMatchObject({ code: '10033' });
  });

  it('checks enumerated values (10032), strings only', () => {
    expect(refusal(() => b.parse({ ...valid, kind: 'c' }))).toEqual({
      status: 422, code: '10032', title: 'Invalid enumerated value', detail: 'The value must be one of: a, b.', pointer: '/kind',
    });
    expect(refusal(() => b.parse({ ...valid, kind: 1 }))).toMatchObject({ code: '10032' });
  });

  it('checks numbers: E.164 only, or E.164 and SIP URIs for a call address (10016)', () => {
    expect(refusal(() => b.parse({ ...valid, to: 'sip:a@b.c' }))).toEqual({
      status: 422, code: '10016', title: 'Phone number must be in +E164 format',
      detail: "The 'to' parameter must be in E164 format.", pointer: '/to',
    });
    for (const bad of ['15550001111', '+0123', 'sip:', 'not-a-number']) {
      expect(refusal(() => b.parse({ ...valid, from: bad }))).toMatchObject({ code: '10016', pointer: '/from' });
    }
  });

  it('takes only absolute http(s) URLs where webhooks go', () => {
    expect(isHttpUrl('http://127.0.0.1:4000/hooks')).toBe(true);
    expect(isHttpUrl('https://example.com')).toBe(true);
    for (const bad of ['not a url', 'ftp://example.com/x', 'file:///etc/passwd', '/relative']) {
      expect(isHttpUrl(bad)).toBe(false);
      expect(refusal(() => b.parse({ ...valid, hook: bad }))).toEqual({
        status: 422, code: '10015', title: 'Invalid value',
        detail: "The 'hook' parameter must be an absolute http or https URL.", pointer: '/hook',
      });
    }
  });

  it('checks a pattern with its own message', () => {
    expect(refusal(() => b.parse({ ...valid, digits: '1x' }))).toMatchObject({ code: '10015', detail: "The 'digits' parameter may contain only 0-9.", pointer: '/digits' });
  });

  it('refuses two fields that exclude each other, naming the second', () => {
    const media = body({ audio_url: string(), media_name: string() }, exclusive('audio_url', 'media_name'));
    expect(media.parse({ audio_url: 'https://x.test/a.mp3' })).toEqual({ audio_url: 'https://x.test/a.mp3', media_name: undefined });
    expect(refusal(() => media.parse({ audio_url: 'a', media_name: 'b' }))).toMatchObject({
      code: '10015', detail: "'audio_url' and 'media_name' cannot be used together.", pointer: '/media_name',
    });
  });
});

describe('a body', () => {
  const b = body({ flag: bool() });

  it('reads nothing at all (a helper called without options) as {}', () => {
    expect(b.parse(undefined)).toEqual({ flag: undefined });
    expect(b.parse(null)).toEqual({ flag: undefined });
  });

  it('refuses what is not an object with a 400', () => {
    for (const bad of [[], 'text', 5]) {
      expect(refusal(() => b.parse(bad))).toMatchObject({ status: 400, code: '10015', detail: 'The request body must be a JSON object.' });
    }
  });
});
