import { buildEmulator, defaultConfig, startEmulator, type Emulator, type RunningEmulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';
import type { Ctx } from '../../src/domain/context.js';
import { placeCall } from '../../src/commands/callers.js';

/** An emulator without a socket, for domain tests (run operations in a transaction with `act`). */
export function inMemory(config: Partial<Config> = {}, wall?: () => number): Emulator {
  return buildEmulator(defaultConfig(config), { ticker: false, wall });
}

/** Runs a domain operation for `account` in one transaction, the way a command does. */
export function act<T>(em: Emulator, account: string, fn: (ctx: Ctx) => T): T {
  return em.account(account).write(fn);
}

/** An answer as a test reads it (the subset of supertest's response the tests use). */
export interface AppResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body; `{}` when the answer is not JSON (as supertest has it). */
  body: any;
}

/**
 * One request to the app, built supertest-style (`.set()`, `.send()`, then await it) and sent
 * through `app.fetch`: no socket, no server to start and stop per request (supertest's
 * listener mode listens on a fresh port for every request, about 1 ms each). What only a socket
 * shows (Node's parser, keep-alive, aborted uploads) is tested over real sockets elsewhere.
 */
export class AppRequest implements Promise<AppResponse> {
  readonly [Symbol.toStringTag] = 'AppRequest';
  private readonly headers = new Headers();
  private body: string | undefined;
  /** Sent once, when first awaited. */
  private sent: Promise<AppResponse> | undefined;

  constructor(private readonly em: Emulator, private readonly method: string, private readonly path: string) {}

  set(name: string, value: string): this {
    this.headers.set(name, value);
    return this;
  }

  /** An object is sent as JSON; a string as it is (set its content-type first). */
  send(body: object | string): this {
    if (typeof body === 'string') {
      this.body = body;
      if (!this.headers.has('content-type')) this.headers.set('content-type', 'application/x-www-form-urlencoded');
    } else {
      this.body = JSON.stringify(body);
      if (!this.headers.has('content-type')) this.headers.set('content-type', 'application/json');
    }
    return this;
  }

  private async run(): Promise<AppResponse> {
    const res = await this.em.app.fetch(new Request(`http://127.0.0.1${this.path}`, {
      method: this.method, headers: this.headers, body: this.body,
    }));
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => { headers[name] = value; });
    let body: unknown = {};
    if (/[/+]json\b/.test(headers['content-type'] ?? '') && text !== '') body = JSON.parse(text);
    return { status: res.status, headers, text, body };
  }

  then<A = AppResponse, B = never>(
    onFulfilled?: ((value: AppResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.sent ??= this.run();
    return this.sent.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<AppResponse | B> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<AppResponse> {
    return this.then().finally(onFinally);
  }
}

/** Requests to the app in process (no socket), with a bearer key already set by `as(key)`. */
export function api(em: Emulator) {
  const to = (method: string) => (path: string) => new AppRequest(em, method, path);
  const raw = { get: to('GET'), post: to('POST'), patch: to('PATCH'), put: to('PUT'), delete: to('DELETE') };
  const as = (key: string) => ({
    get: (path: string) => raw.get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body?: object) => raw.post(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    patch: (path: string, body?: object) => raw.patch(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    put: (path: string, body?: object) => raw.put(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    delete: (path: string) => raw.delete(path).set('Authorization', `Bearer ${key}`),
  });
  return { raw, as };
}

/** A listening emulator and an official SDK client pointed at it. */
export async function withSdk(config: Partial<Config> = {}, apiKey = 'KEY_sdk_test') {
  const em: RunningEmulator = await startEmulator(defaultConfig(config));
  // Imported here, not at the top: the in-process tests that import this file never load the SDK.
  const { default: Telnyx } = await import('telnyx');
  const client = new Telnyx({ apiKey, baseURL: `${em.url}/v2`, maxRetries: 0 });
  return { em, client, apiKey };
}

/** An answered inbound call, the way a caller arrives in most flows. */
export function answeredCall(em: Emulator, account: string, from = '+15550001000') {
  return placeCall(em.account(account), { from, to: '+15559990000', connection_id: 'conn-1', answered: true });
}
