import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Env } from './auth.js';
import { DomainError, errors } from '../domain/errors.js';

export type Json = Record<string, unknown>;

/** Bodies beyond this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () => new DomainError('payload_too_large', '10015', 'Request too large', 'The request body is too large.');

/** Reads a Node request body with a size cap, without building a web Request and its streams. */
function readIncoming(incoming: IncomingMessage): Promise<string> {
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

/**
 * The raw body text, read once and kept in Hono's body cache (where c.req.text() and the
 * request journal find it).
 */
export function readBodyText(c: Context<Env>): Promise<string> {
  const cache = c.req.bodyCache as { text?: Promise<string> };
  if (!cache.text) {
    const incoming = c.env?.incoming;
    cache.text = incoming ? readIncoming(incoming) : c.req.raw.text().then((t) => {
      if (Buffer.byteLength(t) > MAX_BODY_BYTES) throw tooLarge();
      return t;
    });
  }
  return cache.text;
}

/** The JSON body as an object; empty means `{}` (the Ruby SDK sends `{}` for empty PATCH bodies). */
export async function readBody(c: Context<Env>): Promise<Json> {
  const text = await readBodyText(c);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('bad_request', '10015', 'Bad Request', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('bad_request', '10015', 'Bad Request', 'The request body must be a JSON object.');
  }
  return value as Json;
}

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Typed readers over a body: each returns the value or undefined, and throws a Telnyx-shaped
 * 422 naming the field (`source.pointer`) on a wrong type, bad enum, range or missing field.
 */
export class Fields {
  constructor(private readonly body: Json) {}

  /** The value as sent, for fields with a shape of their own (e.g. `loop`: integer or "infinity"). */
  raw(name: string): unknown {
    return this.body[name];
  }

  private value(name: string, required: boolean): unknown {
    const v = this.body[name];
    if (v === undefined || v === null || v === '') {
      if (required) throw errors.missing(name);
      return undefined;
    }
    return v;
  }

  string(name: string, opts?: { required?: false; max?: number }): string | undefined;
  string(name: string, opts: { required: true; max?: number }): string;
  string(name: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.value(name, opts.required ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw errors.invalid(name, `The '${name}' parameter must be a string.`);
    if (v.length > (opts.max ?? 4096)) throw errors.invalid(name, `The '${name}' parameter is too long.`);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name, false);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw errors.invalid(name, `The '${name}' parameter must be a boolean.`);
    return v;
  }

  int(name: string, opts: { min: number; max: number; required?: boolean }): number | undefined {
    const v = this.value(name, opts.required ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw errors.invalid(name, `The '${name}' parameter must be an integer.`);
    }
    if (v < opts.min || v > opts.max) throw errors.outOfRange(name, opts.min, opts.max);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const v = this.value(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) throw errors.badEnum(name, values);
    return v as T;
  }

  strings(name: string, opts: { required?: boolean; max?: number } = {}): string[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (opts.required) throw errors.missing(name);
      return undefined;
    }
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      throw errors.invalid(name, `The '${name}' parameter must be an array of strings.`);
    }
    if (v.length > (opts.max ?? 1000)) throw errors.invalid(name, `The '${name}' parameter has too many items.`);
    return v as string[];
  }

  e164(name: string, required = false): string | undefined {
    const v = this.string(name, { required: required as false });
    if (v === undefined) return undefined;
    if (!E164.test(v)) throw errors.notE164(name);
    return v;
  }

  /** A string that is either an E.164 number or a SIP URI (dial `from` / `to`). */
  address(name: string, required = false): string | undefined {
    const v = this.string(name, { required: required as false });
    if (v === undefined) return undefined;
    if (!E164.test(v) && !/^sips?:[^\s]+$/.test(v)) throw errors.notE164(name);
    return v;
  }
}

export const fields = async (c: Context<Env>) => new Fields(await readBody(c));

/** Decoded path parameter: call_control_ids contain `:` and arrive percent-encoded. */
export function param(c: Context, name: string): string {
  const raw = c.req.param(name) ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DomainError('bad_request', '10015', 'Bad Request', 'Invalid characters in the request.');
  }
}
