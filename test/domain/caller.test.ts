import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inMemory } from '../support/harness.js';
import type { Emulator } from '../../src/server.js';
import type { Account } from '../../src/commands/account.js';
import { CALL_ACTIONS, dial } from '../../src/commands/calls.js';
import { CONFERENCE_ACTIONS, createConference } from '../../src/commands/conferences.js';
import { farEndHangup, placeCall, pressDigits, say, speech } from '../../src/commands/callers.js';
import { setNumber } from '../../src/commands/numbers.js';
import { webhookLog } from '../../src/commands/webhooks.js';
import { TelnyxError } from '../../src/model/errors.js';

/** What the far end does (src/domain/caller.ts), in process: arrive, hang up, press keys, speak, say words. */
const KEY = 'KEY_caller';
let em: Emulator;
let a: Account;
beforeEach(() => { em = inMemory(); a = em.account(KEY); });
afterEach(() => em.dispose());

const place = (answered: boolean) => placeCall(a, { from: '+15550001000', to: '+15559990000', connection_id: 'conn', answered }).callControlId;
const types = (id?: string) => webhookLog(a, id ? { callControlId: id } : {}).rows.map((r) => r.eventType);
const payloads = (type: string) => webhookLog(a, { eventType: type }).rows.map((r) => JSON.parse(r.data).payload);
const code = (fn: () => unknown) => {
  try { fn(); } catch (e) { if (e instanceof TelnyxError) return e.code; throw e; }
  return 'no error';
};

describe('a caller arriving', () => {
  it('rings, parked, until the app answers; or arrives answered (call.initiated then call.answered)', () => {
    const ringing = place(false);
    const up = place(true);
    expect(types(ringing)).toEqual(['call.initiated']);
    expect(types(up)).toEqual(['call.initiated', 'call.answered']);
    expect(payloads('call.initiated').map((p) => [p.direction, p.state])).toEqual([['incoming', 'parked'], ['incoming', 'parked']]);
  });
});

describe('the far end hanging up', () => {
  it('before the answer: a caller gives up (originator_cancel), a callee declines (call_rejected); after it: normal_clearing', () => {
    const inboundRinging = place(false);
    setNumber(a, '+15557770000', { behaviour: 'no_answer' });
    const outboundRinging = dial(a, { connection_id: 'conn', from: '+15550000001', to: '+15557770000' }).callControlId;
    const inboundUp = place(true);
    const outboundUp = dial(a, { connection_id: 'conn', from: '+15550000001', to: '+15557770001' }).callControlId;
    for (const id of [inboundRinging, outboundRinging, inboundUp, outboundUp]) farEndHangup(a, id);
    expect(payloads('call.hangup').map((p) => [p.call_control_id, p.hangup_cause, p.hangup_source])).toEqual([
      [inboundRinging, 'originator_cancel', 'caller'],
      [outboundRinging, 'call_rejected', 'callee'],
      [inboundUp, 'normal_clearing', 'caller'],
      [outboundUp, 'normal_clearing', 'callee'],
    ]);
  });

  it('of a call already ended is refused (90018) and sends nothing', () => {
    const id = place(true);
    farEndHangup(a, id);
    expect(code(() => farEndHangup(a, id))).toBe('90018');
    expect(types(id).filter((t) => t === 'call.hangup')).toHaveLength(1);
  });
});

describe('the caller pressing keys', () => {
  it('sends one call.dtmf.received per key, in order, and a pending gather takes them', () => {
    const id = place(true);
    CALL_ACTIONS.get('gather')!(a, id, { maximum_digits: 3 });
    pressDigits(a, id, { digits: '1*9' });
    expect(payloads('call.dtmf.received').map((p) => p.digit)).toEqual(['1', '*', '9']);
    expect(payloads('call.gather.ended')).toEqual([expect.objectContaining({ digits: '1*9', status: 'valid' })]);
  });

  it('on a call not answered yet, or ended, is refused (90034, 90018)', () => {
    const ringing = place(false);
    expect(code(() => pressDigits(a, ringing, { digits: '1' }))).toBe('90034');
    farEndHangup(a, ringing);
    expect(code(() => pressDigits(a, ringing, { digits: '1' }))).toBe('90018');
    expect(types(ringing)).toEqual(['call.initiated', 'call.hangup']);
  });
});

describe('the caller speaking and saying words', () => {
  it('moves the conference floor to the speaker once, and frees it when the speaker stops', () => {
    const host = place(true);
    const alice = place(true);
    const conf = createConference(a, { call_control_id: host, name: 'room' });
    CONFERENCE_ACTIONS.get('join')!(a, conf.id, { call_control_id: alice });
    speech(a, alice, { state: 'started' });
    speech(a, alice, { state: 'started' });
    speech(a, alice, { state: 'stopped' });
    speech(a, alice, { state: 'started' });
    expect(payloads('conference.floor.changed').map((p) => p.call_control_id)).toEqual([alice, alice]);
  });

  it('saying words sends call.transcription only while transcription runs, with the inbound track for engine B', () => {
    const id = place(true);
    say(a, id, { text: 'not heard' });
    CALL_ACTIONS.get('transcription_start')!(a, id, { transcription_engine: 'B' });
    say(a, id, { text: 'I need help' });
    CALL_ACTIONS.get('transcription_stop')!(a, id, {});
    say(a, id, { text: 'not heard either' });
    expect(payloads('call.transcription').map((p) => p.transcription_data)).toEqual([
      { transcript: 'I need help', confidence: 1, is_final: true, transcription_track: 'inbound' },
    ]);
  });

  it('transcribes the caller on the inbound track for engines B and Telnyx, with no track for the others', () => {
    // TranscriptionStartRequest.transcription_tracks: "only available when `transcription_engine` is set to `B`";
    // the emulator treats Telnyx (B's name in the SDK) alike.
    const tracks: Record<string, unknown> = {};
    for (const engine of ['B', 'Telnyx', 'Google', 'A']) {
      const id = place(true);
      CALL_ACTIONS.get('transcription_start')!(a, id, { transcription_engine: engine });
      say(a, id, { text: engine });
      tracks[engine] = payloads('call.transcription').find((p) => p.call_control_id === id)!.transcription_data.transcription_track ?? 'none';
    }
    expect(tracks).toEqual({ B: 'inbound', Telnyx: 'inbound', Google: 'none', A: 'none' });
  });

  it('saying words in a conference moves the floor as speech does', () => {
    const host = place(true);
    const conf = createConference(a, { call_control_id: host, name: 'room' });
    say(a, host, { text: 'hello' });
    expect(payloads('conference.floor.changed').map((p) => [p.call_control_id, p.conference_id])).toEqual([[host, conf.id]]);
  });
});
