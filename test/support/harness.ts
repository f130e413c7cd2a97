import { getRequestListener } from '@hono/node-server';
import request from 'supertest';
import Telnyx from 'telnyx';
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

/** supertest against the app, with a bearer key already set. */
export function api(em: Emulator) {
  const listener = getRequestListener(em.app.fetch);
  const agent = request(listener);
  const as = (key: string) => ({
    get: (path: string) => agent.get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body?: object) => agent.post(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    patch: (path: string, body?: object) => agent.patch(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    put: (path: string, body?: object) => agent.put(path).set('Authorization', `Bearer ${key}`).send(body ?? {}),
    delete: (path: string) => agent.delete(path).set('Authorization', `Bearer ${key}`),
  });
  return { raw: agent, as };
}

/** A listening emulator and an official SDK client pointed at it. */
export async function withSdk(config: Partial<Config> = {}, apiKey = 'KEY_sdk_test') {
  const em: RunningEmulator = await startEmulator(defaultConfig(config));
  const client = new Telnyx({ apiKey, baseURL: `${em.url}/v2`, maxRetries: 0 });
  return { em, client, apiKey };
}

/** An answered inbound call, the way a caller arrives in most flows. */
export function answeredCall(em: Emulator, account: string, from = '+15550001000') {
  return placeCall(em.account(account), { from, to: '+15559990000', connection_id: 'conn-1', answered: true });
}
