/** The account's virtual clock (control API). */
import type { Account } from './account.js';
import type { ClockReading } from '../model/views.js';
import { errors } from '../model/errors.js';
import { parseDurationSecs } from './duration.js';
import { body, custom } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** Longest single clock move: a year, so a typo can't overflow dates. */
export const MAX_ADVANCE_SECS = 366 * 86_400;

/**
 * How far to move: `seconds`, a number, or `duration`, an ISO 8601 duration such as `PT4H` (each
 * field says what it takes). An ISO text in `seconds` is still taken, as before `duration` had its
 * own name. One of the two, not both; the command turns either into `seconds`.
 */
export const AdvanceClock = body({
  seconds: custom((v) => v),
  duration: custom((v) => v),
}, (b) => {
  if (!blank(b.seconds) && !blank(b.duration)) {
    throw errors.invalid('duration', "'seconds' and 'duration' cannot be used together: give one.");
  }
  const field = amountField(b);
  const given = b[field];
  if (blank(given)) throw errors.missing('seconds');
  const seconds = field === 'duration'
    ? (typeof given === 'string' ? parseDurationSecs(given) : undefined)
    : parseDurationSecs(given);
  if (seconds === undefined) {
    throw errors.invalid(field, field === 'duration'
      ? "'duration' must be an ISO 8601 duration such as PT4H, PT90S or P1DT2H."
      : "'seconds' must be a non-negative number (or use 'duration' for an ISO 8601 duration such as PT4H).");
  }
  if (seconds > MAX_ADVANCE_SECS) throw errors.outOfRange(field, 0, MAX_ADVANCE_SECS);
  b.seconds = seconds;
});

/** The field a body gives its amount in (so an error points at the field the caller wrote). */
function amountField(b: unknown): 'seconds' | 'duration' {
  return typeof b === 'object' && b !== null && !blank((b as { duration?: unknown }).duration) ? 'duration' : 'seconds';
}

/** Not given: absent or null (an empty text is a malformed amount, as a scenario's `advance: ''` is). */
const blank = (v: unknown) => v === undefined || v === null;

export function clockReading(a: Account): ClockReading {
  const t = a.clock.state();
  return {
    now: a.clock.now(),
    offsetMs: t.offsetMs + (t.frozenAt !== null ? t.frozenAt - a.clock.wallNow() : 0),
    frozen: t.frozenAt !== null,
  };
}

/**
 * Moves time forward (`seconds`: a number, or `duration`: ISO 8601 like PT4H), firing what falls due on the way,
 * in order. Each move is capped, and so is the sum: the clock never runs more than MAX_OFFSET_MS
 * (a hundred years) ahead of wall time; a move that would pass it is refused, nothing moved.
 * Resolves once every timer due on the way has fired; they fire in slices, with other work
 * (other accounts' requests, webhook deliveries) run between them (Engine.advance).
 */
export async function advanceClock(a: Account, input: unknown): Promise<ClockReading & { fired: number }> {
  const b = AdvanceClock.parse(input);
  const ms = Math.round((b.seconds as number) * 1000);
  const room = a.clock.latest() - a.clock.now();
  if (ms > room) throw errors.outOfRange(amountField(input), 0, Math.max(0, Math.floor(room / 1000)));
  const fired = await a.advance(ms);
  return { ...clockReading(a), fired };
}

export function freezeClock(a: Account): ClockReading {
  a.clock.freeze();
  a.changes.notify('clock');
  return clockReading(a);
}

export function unfreezeClock(a: Account): ClockReading {
  a.clock.unfreeze();
  a.changes.notify('clock');
  return clockReading(a);
}
