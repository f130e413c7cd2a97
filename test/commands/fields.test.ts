import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, ignoredFields, string } from '../../src/commands/schema.js';
import { DTMF, GATHER_DEFAULTS, KEYS } from '../../src/commands/fields.js';
import * as media from '../../src/commands/call-media.js';
import * as conf from '../../src/commands/conferences.js';
import { Answer, Dial } from '../../src/commands/calls.js';
import { PlaceCall, PressDigits } from '../../src/commands/callers.js';
import { Transfer } from '../../src/commands/call-transfer.js';
import { SaveConnection } from '../../src/commands/connections.js';
import { mockControl } from '../../src/lib.js';
import { TelnyxError } from '../../src/model/errors.js';
import { answeredCall, api, inMemory } from '../support/harness.js';
import { loadSpec } from '../support/openapi.js';
import type { Emulator } from '../../src/server.js';

/**
 * The fields several bodies share (src/commands/fields.ts): one reader each, so every body that
 * takes the field accepts and refuses the same values with the same code, message and pointer.
 */
function refusal(parse: () => unknown) {
  try {
    parse();
  } catch (err) {
    if (!(err instanceof TelnyxError)) throw err;
    return { code: err.code, detail: err.detail, pointer: err.pointer };
  }
  return 'accepted';
}

const spec = loadSpec();
type Node = Record<string, unknown>;
/** A property of a component schema of the vendored spec. */
const specField = (schema: string, field: string) =>
  (spec.components.schemas[schema].properties as Record<string, Node>)[field];

describe('DTMF digits', () => {
  // Both send_dtmf operations and transfer name the same characters; none names a lower-case letter.
  const QUOTES = [
    ['SendDTMFRequest', 'digits', 'DTMF digits to send. Valid digits are 0-9, A-D, *, and #. Pauses can be added using w (0.5s) and W (1s).'],
    ['ConferenceSendDTMFRequest', 'digits', 'DTMF digits to send. Valid characters: 0-9, A-D, *, #, w (0.5s pause), W (1s pause).'],
    ['TransferCallRequest', 'send_digits_on_answer', 'Allowed characters: `0-9`, `A-D`, `w` (0.5s pause), `W` (1s pause), `*`, `#`. Maximum 64 characters.'],
  ] as const;

  it('are the set the spec names for each operation, the same for a call and a conference', () => {
    for (const [schema, field, quote] of QUOTES) expect(String(specField(schema, field).description)).toContain(quote);
    expect(DTMF.source).toBe('^[0-9A-D*#wW]+$');
  });

  const sendDtmf = {
    call: (digits: unknown) => refusal(() => media.SendDtmf.parse({ digits })),
    conference: (digits: unknown) => refusal(() => conf.SendDtmfToConference.parse({ digits })),
  };

  it('are accepted, every character of the set, by send_dtmf on a call and on a conference', () => {
    for (const send of Object.values(sendDtmf)) {
      expect(send('0123456789ABCD*#wW')).toBe('accepted');
      expect(send('1'.repeat(128))).toBe('accepted');
    }
  });

  it('are refused outside the set (lower case too), with one message and pointer for both', () => {
    for (const bad of ['a', 'abcd', '1x', 'E', '1 2', '1,2', '+1']) {
      const answer = { code: '10015', detail: "The 'digits' parameter may contain only 0-9, A-D, *, #, w and W.", pointer: '/digits' };
      expect(sendDtmf.call(bad), bad).toEqual(answer);
      expect(sendDtmf.conference(bad), bad).toEqual(answer);
    }
    for (const send of Object.values(sendDtmf)) {
      expect(send(undefined)).toMatchObject({ code: '10004', pointer: '/digits' });
      expect(send(12)).toMatchObject({ code: '10015', detail: "The 'digits' parameter must be a string." });
      expect(send('1'.repeat(129))).toMatchObject({ code: '10015', detail: "The 'digits' parameter is too long: at most 128 characters, got 129." });
    }
  });

  it("are transfer's send_digits_on_answer and the digits after `to`'s comma", () => {
    const transfer = (b: object) => refusal(() => Transfer.parse({ to: '+15550001111', ...b }));
    expect(transfer({ send_digits_on_answer: 'wwww200ABCD*#' })).toBe('accepted');
    expect(transfer({ send_digits_on_answer: 'a' })).toEqual({
      code: '10015', detail: "The 'send_digits_on_answer' parameter may contain only 0-9, A-D, *, #, w and W.", pointer: '/send_digits_on_answer',
    });
    expect(transfer({ send_digits_on_answer: '1'.repeat(65) })).toMatchObject({ code: '10015', pointer: '/send_digits_on_answer' });
    expect(transfer({ to: '+18004247767,w200#' })).toBe('accepted');
    expect(transfer({ to: '+18004247767,200a' })).toMatchObject({ code: '10015', pointer: '/to' });
  });
});

describe("a caller's keys", () => {
  it('are the keys of a phone, without pauses or lower case', () => {
    expect(KEYS.source).toBe('^[0-9A-D*#]+$');
    expect(refusal(() => PressDigits.parse({ digits: '0123456789ABCD*#' }))).toBe('accepted');
    for (const bad of ['w', 'W', 'a', '1x']) {
      expect(refusal(() => PressDigits.parse({ digits: bad })), bad).toEqual({
        code: '10015', detail: "The 'digits' parameter may contain only 0-9, A-D, * and #.", pointer: '/digits',
      });
    }
  });
});

describe('gather digit rules', () => {
  // A call's three gathers and a conference participant's gather_using_audio read them alike.
  const gathers = {
    gather: (b: object) => media.Gather.parse(b),
    gather_using_speak: (b: object) => media.GatherUsingSpeak.parse({ payload: 'PIN?', voice: 'female', ...b }),
    gather_using_audio: (b: object) => media.GatherUsingAudio.parse({ audio_url: 'https://example.com/a.mp3', ...b }),
    conference: (b: object) => conf.GatherUsingAudio.parse({ call_control_id: 'v3:x', ...b }),
  };

  it('take a terminating_digit of one key, or "" to disable it', () => {
    for (const [name, parse] of Object.entries(gathers)) {
      expect(parse({ terminating_digit: '*' }).terminating_digit, name).toBe('*');
      expect(parse({ terminating_digit: '' }).terminating_digit, name).toBe('');
      for (const bad of ['x', '##', 'a', 'w', 5]) {
        expect(refusal(() => parse({ terminating_digit: bad })), `${name} ${bad}`).toEqual({
          code: '10015', detail: "The 'terminating_digit' parameter must be one of 0-9, A-D, * or #, or empty to disable it.",
          pointer: '/terminating_digit',
        });
      }
    }
  });

  it('take valid_digits of keys only, at most 64', () => {
    for (const [name, parse] of Object.entries(gathers)) {
      expect(parse({ valid_digits: '123ABCD*#' }).valid_digits, name).toBe('123ABCD*#');
      expect(refusal(() => parse({ valid_digits: '12w' })), name).toEqual({
        code: '10015', detail: "The 'valid_digits' parameter may contain only 0-9, A-D, * and #.", pointer: '/valid_digits',
      });
      expect(refusal(() => parse({ valid_digits: '1'.repeat(65) })), name).toMatchObject({ code: '10015', pointer: '/valid_digits' });
    }
  });

  it('take minimum_digits and maximum_digits within 1-128, minimum not above maximum', () => {
    for (const [name, parse] of Object.entries(gathers)) {
      for (const field of ['minimum_digits', 'maximum_digits']) {
        for (const bad of [0, 129]) {
          expect(refusal(() => parse({ [field]: bad })), `${name} ${field}`).toEqual({
            code: '10033', detail: 'The value is outside of allowed range 1 to 128', pointer: `/${field}`,
          });
        }
      }
      expect(refusal(() => parse({ minimum_digits: 5, maximum_digits: 4 })), name).toEqual({
        code: '10015', detail: "'minimum_digits' cannot be greater than 'maximum_digits'.", pointer: '/minimum_digits',
      });
      expect(refusal(() => parse({ minimum_digits: 128 })), name).toBe('accepted');
    }
  });

  it("fill in the spec's defaults, the same for every gather, so the commands pass complete values", () => {
    const filled = {
      minimum_digits: 1, maximum_digits: 128, terminating_digit: '#', valid_digits: '0123456789#*', timeout_millis: 60_000,
    };
    for (const [name, parse] of Object.entries(gathers)) {
      expect(parse({}), name).toMatchObject({ ...filled, inter_digit_timeout_millis: 5000 });
    }
    expect(gathers.gather({})).toMatchObject({ initial_timeout_millis: 5000 });
    for (const name of ['gather_using_speak', 'gather_using_audio', 'conference'] as const) {
      expect(gathers[name]({}), name).toMatchObject({ maximum_tries: 3 });
    }
    // The conference's spec gives initial_timeout_millis no default: none is made up.
    expect(gathers.conference({}).initial_timeout_millis).toBeUndefined();
    // Values given win over the defaults.
    expect(gathers.conference({ minimum_digits: 2, timeout_millis: 1000 })).toMatchObject({ minimum_digits: 2, timeout_millis: 1000 });
  });

  it('GATHER_DEFAULTS are the `default` of every gather request schema in the spec', () => {
    const defaults = GATHER_DEFAULTS as Record<string, unknown>;
    for (const schema of ['GatherRequest', 'GatherUsingSpeakRequest', 'GatherUsingAudioRequest', 'ConferenceGatherUsingAudioRequest']) {
      const properties = spec.components.schemas[schema].properties as Record<string, Node>;
      for (const [field, value] of Object.entries(defaults)) {
        if (properties[field]?.default !== undefined) expect(properties[field].default, `${schema}.${field}`).toBe(value);
      }
    }
    expect(GATHER_DEFAULTS).toEqual({
      minimum_digits: 1, maximum_digits: 128, terminating_digit: '#', valid_digits: '0123456789#*', timeout_millis: 60_000,
      initial_timeout_millis: 5000, inter_digit_timeout_millis: 5000, maximum_tries: 3,
    });
  });
});

describe('loop', () => {
  // "If supplied, the value must be an integer between 1 and 100, or the special string `infinity`".
  const bodies = {
    speak: (loop: unknown) => media.Speak.parse({ payload: 'hi', voice: 'female', loop }),
    playback_start: (loop: unknown) => media.PlaybackStart.parse({ audio_url: 'https://example.com/a.mp3', loop }),
    conference_play: (loop: unknown) => conf.PlayToConference.parse({ audio_url: 'https://example.com/a.mp3', loop }),
  };

  it('is 1-100 or "infinity", with one message wherever it is taken', () => {
    expect(String(specField('PlayAudioUrlRequest', 'loop').description)).toContain('between 1 and 100, or the special string `infinity`');
    for (const [name, parse] of Object.entries(bodies)) {
      expect(parse(1).loop, name).toBe(1);
      expect(parse(100).loop, name).toBe(100);
      expect(parse('infinity').loop, name).toBe('infinity');
      expect(parse(null).loop, name).toBeUndefined();
      for (const bad of [0, 101, 1.5, '5', 'forever', true]) {
        expect(refusal(() => parse(bad)), `${name} ${String(bad)}`).toEqual({
          code: '10015', detail: "The 'loop' parameter must be an integer between 1 and 100 or 'infinity'.", pointer: '/loop',
        });
      }
    }
  });
});

describe('the fields most commands take', () => {
  it('client_state: a string, required only by client_state_update', () => {
    for (const parse of [(b: object) => Dial.parse({ connection_id: 'c', from: 'x', to: '+15550001111', ...b }),
      (b: object) => media.Speak.parse({ payload: 'hi', voice: 'female', ...b }), (b: object) => conf.SendDtmfToConference.parse({ digits: '1', ...b })]) {
      expect(parse({ client_state: 'aGk=' }).client_state).toBe('aGk=');
      expect(refusal(() => parse({ client_state: 5 }))).toEqual({
        code: '10015', detail: "The 'client_state' parameter must be a string.", pointer: '/client_state',
      });
    }
    expect(refusal(() => media.ClientStateUpdate.parse({}))).toMatchObject({ code: '10004', pointer: '/client_state' });
    expect(refusal(() => media.ClientStateUpdate.parse({ client_state: '' }))).toMatchObject({ code: '10004', pointer: '/client_state' });
  });

  it('command_id: a string', () => {
    for (const parse of [(b: object) => media.GatherStop.parse(b), (b: object) => conf.EndConference.parse(b), (b: object) => Answer.parse(b)]) {
      expect(parse({ command_id: 'once' }).command_id).toBe('once');
      expect(refusal(() => parse({ command_id: 1 }))).toEqual({
        code: '10015', detail: "The 'command_id' parameter must be a string.", pointer: '/command_id',
      });
    }
  });

  it('webhook URLs: absolute http(s), the same on every door that takes one', () => {
    const takers: Array<[string, (b: object) => unknown]> = [
      ['webhook_url', (b) => Dial.parse({ connection_id: 'c', from: 'x', to: '+15550001111', ...b })],
      ['webhook_url', (b) => Answer.parse(b)],
      ['webhook_url', (b) => Transfer.parse({ to: '+15550001111', ...b })],
      ['webhook_url', (b) => PlaceCall.parse({ from: '+15550001111', to: '+15550002222', connection_id: 'c', ...b })],
      ['webhook_failover_url', (b) => SaveConnection.parse(b)],
    ];
    for (const [field, parse] of takers) {
      expect(refusal(() => parse({ [field]: 'https://example.com/hooks' }))).toBe('accepted');
      expect(refusal(() => parse({ [field]: 'ftp://example.com/hooks' }))).toEqual({
        code: '10015', detail: `The '${field}' parameter must be an absolute http or https URL.`, pointer: `/${field}`,
      });
    }
  });

  it('call_control_ids: a list of non-empty strings, required only by unhold', () => {
    for (const schema of [conf.MuteParticipants, conf.HoldParticipants, conf.StopConferenceMedia, conf.SendDtmfToConference]) {
      const parse = (b: object) => schema.parse({ digits: '1', ...b });
      expect(parse({}).call_control_ids).toBeUndefined();
      expect(refusal(() => parse({ call_control_ids: ['v3:a', ''] }))).toEqual({
        code: '10015', detail: "The 'call_control_ids' parameter must be an array of strings.", pointer: '/call_control_ids',
      });
    }
    expect(refusal(() => conf.UnholdParticipants.parse({}))).toMatchObject({ code: '10004', pointer: '/call_control_ids' });
    expect(refusal(() => conf.JoinConference.parse({ call_control_id: 'v3:a', whisper_call_control_ids: 'v3:b' })))
      .toMatchObject({ code: '10015', pointer: '/whisper_call_control_ids' });
  });

  it("region: one of the spec's ConferenceRegion values", () => {
    for (const parse of [(b: object) => conf.MuteParticipants.parse(b), (b: object) => conf.RecordStart.parse({ format: 'mp3', ...b })]) {
      expect(parse({ region: 'Europe' })).toMatchObject({ region: 'Europe' });
      expect(refusal(() => parse({ region: 'Mars' }))).toEqual({
        code: '10032', detail: 'The value must be one of: Australia, Europe, Middle East, US.', pointer: '/region',
      });
    }
  });
});

describe('fields a body does not declare', () => {
  const b = body({ payload: string({ required: true }), language: string() });

  it('are listed by the schema, in declaration order', () => {
    expect(b.fields).toEqual(['payload', 'language']);
    expect(media.SendDtmf.fields).toEqual(['digits', 'duration_millis', 'client_state', 'command_id']);
  });

  it('are accepted and noted for the object parsed, none when there are none', () => {
    const typo = { payload: 'hi', langauge: 'en-US', extra: 1 };
    expect(b.parse(typo)).toEqual({ payload: 'hi', language: undefined });
    expect(ignoredFields(typo)).toEqual(['langauge', 'extra']);
    const clean = { payload: 'hi', language: 'en-US' };
    b.parse(clean);
    expect(ignoredFields(clean)).toEqual([]);
    expect(ignoredFields(undefined)).toEqual([]);
    expect(ignoredFields('text')).toEqual([]);
  });

  it('are noted even when the body is refused, so a misspelt required field shows', () => {
    const input = { paylod: 'hi' };
    expect(refusal(() => b.parse(input))).toMatchObject({ code: '10004', pointer: '/payload' });
    expect(ignoredFields(input)).toEqual(['paylod']);
  });
});

describe('the request journal', () => {
  const KEY = 'KEY_fields';
  let em: Emulator;
  let http: ReturnType<typeof api>;
  beforeAll(() => {
    em = inMemory();
    http = api(em);
  });
  afterAll(() => em.dispose());

  it('shows the fields a request carried that the operation ignored, and nothing when there were none', async () => {
    const call = encodeURIComponent(answeredCall(em, KEY).callControlId);
    const speak = `/v2/calls/${call}/actions/speak`;
    const typo = await http.as(KEY).post(speak, { payload: 'Welcome', voice: 'female', langauge: 'en-US' });
    expect(typo.status).toBe(200);
    expect((await http.as(KEY).post(speak, { payload: 'Again', voice: 'female', language: 'en-US' })).status).toBe(200);
    // A refused request shows them too: here the misspelt field is the one missing.
    expect((await http.as(KEY).post(speak, { paylod: 'Hi', voice: 'female' })).status).toBe(422);

    const entries = (await http.as(KEY).get('/_mock/requests?path=/actions/speak')).body.data as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.status, e.ignored_fields])).toEqual([[200, ['langauge']], [200, undefined], [422, ['paylod']]]);
    expect(entries[1]).not.toHaveProperty('ignored_fields');
    // startMock() reads the same journal.
    const viaLib = await mockControl(em, KEY).requests({ path: '/actions/speak' });
    expect(viaLib.map((e) => e.ignored_fields)).toEqual([['langauge'], undefined, ['paylod']]);
  });
});
