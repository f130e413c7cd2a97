/** The account's virtual clock (control API). */
import type { Account } from './account.js';
import type { ClockReading } from '../model/views.js';
import { errors } from '../model/errors.js';
import { parseDurationSecs } from './duration.js';
import { body, custom } from './schema.js';

// The bodies this room takes, declared once (the one validation layer: see schema.ts).

/** Longest single clock move: a year, so a typo can't overflow dates. */
export const MAX_ADVANCE_SECS = 366 * 86_400;

export const AdvanceClock = body({
  seconds: custom((v) => v),
  duration: custom((v) => v),
}, (b) => {
  const given = b.seconds ?? b.duration;
  const seconds = parseDurationSecs(given);
  if (seconds === undefined) {
    if (given === undefined) throw errors.missing('seconds');
    throw errors.invalid('seconds', "'seconds' must be a non-negative number or an ISO 8601 duration such as PT4H.");
  }
  if (seconds > MAX_ADVANCE_SECS) throw errors.outOfRange('seconds', 0, MAX_ADVANCE_SECS);
  b.seconds = seconds;
});

export function clockReading(a: Account): ClockReading {
  const t = a.clock.state();
  return {
    now: a.clock.now(),
    offsetMs: t.offsetMs + (t.frozenAt !== null ? t.frozenAt - a.clock.wallNow() : 0),
    frozen: t.frozenAt !== null,
  };
}

/**
 * Moves time forward (`seconds`: a number or ISO 8601 like PT4H), firing what falls due on the way,
 * in order. Each move is capped, and so is the sum: the clock never runs more than MAX_OFFSET_MS
 * (a hundred years) ahead of wall time; a move that would pass it is refused, nothing moved.
 */
export function advanceClock(a: Account, input: unknown): ClockReading & { fired: number } {
  const b = AdvanceClock.parse(input);
  const ms = Math.round((b.seconds as number) * 1000);
  const room = a.clock.latest() - a.clock.now();
  if (ms > room) throw errors.outOfRange('seconds', 0, Math.max(0, Math.floor(room / 1000)));
  const fired = a.advance(ms);
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
