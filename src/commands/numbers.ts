/** How the numbers the app dials behave (control API); default: they answer at once. */
import type { NumberRow } from '../model/entities.js';
import type { NumberConfig, NumberSetting } from '../model/views.js';
import type { Account } from './account.js';
import { AMD_RESULTS, NUMBER_BEHAVIOURS } from '../../schema/enums.js';
import { errors } from '../model/errors.js';
import { body, custom, e164, int, oneOf } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

export const NumberPath = body({ e164: e164({ required: true }) });

/** Both spellings, so neither reader of the docs gets a 422 for their dialect. */
export const SetNumber = body({
  behaviour: custom((v, _name, b) => {
    const key = v === undefined && b.behavior !== undefined ? 'behavior' : 'behaviour';
    return oneOf(NUMBER_BEHAVIOURS, { required: true })(b, key);
  }),
  answer_after_secs: int(0, 600),
  /** What answering machine detection finds when the app asks for it (transfer); default human. */
  amd_result: oneOf(AMD_RESULTS),
}, (b) => {
  if (b.answer_after_secs !== undefined && b.behaviour !== 'answer') {
    throw errors.invalid('answer_after_secs', "'answer_after_secs' only applies when the behaviour is 'answer'.");
  }
  if (b.amd_result !== undefined && b.behaviour !== 'answer') {
    throw errors.invalid('amd_result', "'amd_result' only applies when the behaviour is 'answer'.");
  }
});

export type { NumberConfig, NumberSetting };

const setting = (row: Pick<NumberRow, 'e164' | 'behaviour' | 'answerAfterSecs' | 'amdResult'>): NumberSetting =>
  (row.behaviour === 'answer'
    ? { e164: row.e164, behaviour: 'answer', answerAfterSecs: row.answerAfterSecs, ...(row.amdResult ? { amdResult: row.amdResult } : {}) }
    : { e164: row.e164, behaviour: row.behaviour });

const numberOf = (e164: unknown) => NumberPath.parse({ e164 }).e164;

export function setNumber(a: Account, e164: unknown, input: unknown): NumberSetting {
  const number = numberOf(e164);
  const b = SetNumber.parse(input);
  const row = { e164: number, behaviour: b.behaviour, answerAfterSecs: b.answer_after_secs ?? 0, amdResult: b.amd_result ?? null };
  a.write((ctx) => ctx.store.saveNumber(row));
  return setting(row);
}

/** The number's behaviour; the default ("answers at once") when none is set. */
export function getNumber(a: Account, e164: unknown): NumberSetting {
  const number = numberOf(e164);
  const row = a.read((ctx) => ctx.store.number(number));
  return setting(row ?? { e164: number, behaviour: 'answer', answerAfterSecs: 0, amdResult: null });
}

export function listNumbers(a: Account): NumberSetting[] {
  return a.read((ctx) => ctx.store.numbers()).map(setting);
}

/** Back to the default; true when the number had a behaviour. */
export function clearNumber(a: Account, e164: unknown): boolean {
  const number = numberOf(e164);
  return a.write((ctx) => ctx.store.deleteNumber(number));
}
