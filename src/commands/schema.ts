import { errors } from '../model/errors.js';
import { MAX_DEPTH, mayBeTooDeep, tooDeepAt } from '../model/bounds.js';
import { isHttpUrl } from '../model/url.js';

/**
 * The one validation layer: each operation's body is declared once, as data, beside its command, and
 * every door's input goes through it inside the command, so HTTP, startMock() and scenarios
 * refuse the same input with the same Telnyx error and `source.pointer`.
 *
 * A table of small readers rather than zod or valibot: Telnyx answers each kind of problem with
 * its own code (10004 missing, 10015 wrong type, 10032 enum, 10033 range, 10016 E.164), fields
 * are checked in declaration order so the first problem named is stable, and parsing a body is a
 * plain loop on the hot paths (mute, join) with no issue objects to build and translate.
 */
export type Json = Record<string, unknown>;

/** Reads one field of a body: the value, or undefined when it is absent and optional. */
export type Field<T> = (body: Json, name: string) => T;

type Req<R, T> = R extends true ? T : T | undefined;

/** Telnyx treats an absent field, null and the empty string alike: not given. */
const blank = (v: unknown) => v === undefined || v === null || v === '';

function given(body: Json, name: string, required: boolean | undefined): unknown {
  const v = body[name];
  if (blank(v)) {
    if (required) throw errors.missing(name);
    return undefined;
  }
  return v;
}

export const E164 = /^\+[1-9]\d{1,14}$/;
const SIP_URI = /^sips?:[^\s]+$/;

export function string<R extends boolean = false>(o: { required?: R; max?: number } = {}): Field<Req<R, string>> {
  return (body, name) => {
    const v = given(body, name, o.required);
    if (v === undefined) return undefined as Req<R, string>;
    if (typeof v !== 'string') throw errors.invalid(name, `The '${name}' parameter must be a string.`);
    if (v.length > (o.max ?? 4096)) throw errors.tooLong(name, o.max ?? 4096, v.length);
    return v;
  };
}

export function bool(): Field<boolean | undefined> {
  return (body, name) => {
    const v = given(body, name, false);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw errors.invalid(name, `The '${name}' parameter must be a boolean.`);
    return v;
  };
}

export function int<R extends boolean = false>(min: number, max: number, o: { required?: R } = {}): Field<Req<R, number>> {
  return (body, name) => {
    const v = given(body, name, o.required);
    if (v === undefined) return undefined as Req<R, number>;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw errors.invalid(name, `The '${name}' parameter must be an integer.`);
    if (v < min || v > max) throw errors.outOfRange(name, min, max);
    return v;
  };
}

export function oneOf<T extends string, R extends boolean = false>(values: readonly T[], o: { required?: R } = {}): Field<Req<R, T>> {
  return (body, name) => {
    const v = given(body, name, o.required);
    if (v === undefined) return undefined as Req<R, T>;
    if (typeof v !== 'string' || !values.includes(v as T)) throw errors.badEnum(name, values);
    return v as T;
  };
}

/** A list of non-empty strings (call_control_ids). */
export function strings<R extends boolean = false>(o: { required?: R; max?: number } = {}): Field<Req<R, string[]>> {
  return (body, name) => {
    const v = body[name];
    if (v === undefined || v === null) {
      if (o.required) throw errors.missing(name);
      return undefined as Req<R, string[]>;
    }
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      throw errors.invalid(name, `The '${name}' parameter must be an array of strings.`);
    }
    if (v.length > (o.max ?? 1000)) throw errors.tooManyItems(name, o.max ?? 1000, v.length);
    return v as string[];
  };
}

export function e164<R extends boolean = false>(o: { required?: R } = {}): Field<Req<R, string>> {
  const text = string(o);
  return (body, name) => {
    const v = text(body, name);
    if (v !== undefined && !E164.test(v)) throw errors.notE164(name);
    return v;
  };
}

/** An E.164 number or a SIP URI (a call's `from` / `to`). */
export function address<R extends boolean = false>(o: { required?: R } = {}): Field<Req<R, string>> {
  const text = string(o);
  return (body, name) => {
    const v = text(body, name);
    if (v !== undefined && !E164.test(v) && !SIP_URI.test(v)) throw errors.notE164(name);
    return v;
  };
}

/**
 * An integer query parameter (a number, or the text of a query string) within [min, max]; blank
 * is not given. Out of range or not an integer is a 422 naming the parameter (`source.parameter`).
 */
export function intParam(name: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw errors.paramOutOfRange(name, min, max);
  return n;
}

export { isHttpUrl };

/** An absolute http(s) URL: where webhooks are sent. */
export function url(): Field<string | undefined> {
  const text = string();
  return (body, name) => {
    const v = text(body, name);
    if (v !== undefined && !isHttpUrl(v)) throw errors.invalid(name, `The '${name}' parameter must be an absolute http or https URL.`);
    return v;
  };
}

/** A string of the given characters (DTMF digits). */
export function pattern<R extends boolean = false>(re: RegExp, message: string, o: { required?: R; max?: number } = {}): Field<Req<R, string>> {
  const text = string(o);
  return (body, name) => {
    const v = text(body, name);
    if (v !== undefined && !re.test(v)) throw errors.invalid(name, message);
    return v;
  };
}

/** A field with a shape of its own (e.g. `loop`: an integer or "infinity"), read by `read`. */
export function custom<T>(read: (value: unknown, name: string, body: Json) => T): Field<T> {
  return (body, name) => read(body[name], name, body);
}

/** `read`, refusing a field it finds not given (10004), as `{ required: true }` does. */
export function required<T>(read: Field<T | undefined>): Field<T> {
  return (body, name) => {
    const v = read(body, name);
    if (v === undefined) throw errors.missing(name);
    return v;
  };
}

/** `read`, with `value` when the field is not given: the spec's `default`, so the command gets a complete value. */
export function withDefault<T>(read: Field<T | undefined>, value: NoInfer<T>): Field<T> {
  return (body, name) => read(body, name) ?? value;
}

type Shape = Record<string, Field<unknown>>;
export type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export interface Schema<T> {
  /** The names of the fields it declares, in the order they are checked. */
  readonly fields: readonly string[];
  /** The checked body; throws the Telnyx error of the first problem, in declaration order. */
  parse(input: unknown): T;
}

/**
 * The top-level names each parsed input carried that its body does not declare. Unknown fields
 * are accepted, as Telnyx accepts them, and noted here so that a door can show them (the request
 * journal's `ignored_fields`): a typo such as `langauge` is then visible instead of silently lost.
 */
const IGNORED = new WeakMap<object, string[]>();

/** The top-level fields of `input` that the last body to parse it did not declare (empty when none). */
export function ignoredFields(input: unknown): string[] {
  return (typeof input === 'object' && input !== null && IGNORED.get(input)) || [];
}

/**
 * A body: its fields in the order they are checked, then rules across fields. An absent body
 * (a startMock() helper called without options) reads as `{}`; anything else that is not an
 * object is a 400. Fields it does not declare are accepted and noted (see `ignoredFields`),
 * before any field is checked, so that a request refused for a misspelt required field shows the typo.
 */
export function body<S extends Shape>(shape: S, ...rules: Array<(b: Out<S>) => void>): Schema<Out<S>> {
  const entries = Object.entries(shape);
  const fields = Object.freeze(Object.keys(shape));
  const declared = new Set(fields);
  return {
    fields,
    parse(input) {
      const raw = input ?? {};
      if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.notObject();
      let ignored: string[] | undefined;
      for (const key of Object.keys(raw)) if (!declared.has(key)) (ignored ??= []).push(key);
      if (ignored) IGNORED.set(raw, ignored);
      const out: Record<string, unknown> = {};
      for (const [name, read] of entries) out[name] = read(raw as Json, name);
      for (const rule of rules) rule(out as Out<S>);
      return out as Out<S>;
    },
  };
}

/** A rule: two fields that may not both be given. */
export const exclusive = (a: string, b: string) => (v: Json) => {
  if (v[a] !== undefined && v[b] !== undefined) throw errors.invalid(b, `'${a}' and '${b}' cannot be used together.`);
};

// Bounds on every input, whatever the door (src/model/bounds.ts; README's "Limits" lists them all).
export { MAX_BODY_BYTES, MAX_DEPTH, mayBeTooDeep, tooDeepAt } from '../model/bounds.js';

/** Refuses a parsed body nested deeper than MAX_DEPTH (400, pointing at the first value too deep). */
export function checkDepth(value: unknown, text?: string): void {
  if (text !== undefined && !mayBeTooDeep(text)) return;
  const at = tooDeepAt(value);
  if (at !== undefined) throw errors.tooDeep(MAX_DEPTH, at);
}
