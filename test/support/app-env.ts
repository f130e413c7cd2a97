import { expect } from 'vitest';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';
import { conformanceProblems } from '../webhooks/contract.js';
import type { Sent } from '../webhooks/sent.js';
import { appClient, type AppClient } from './app-client.js';

/**
 * The in-process twin of test/webhooks/env.ts, for rule tests: the same `mock`, `call` and
 * `drain`, with `api` (the SDK's method names over app.fetch, see app-client.ts) where that has
 * `client`, and no socket anywhere. Webhooks are read from the account's log (GET /_mock/webhooks)
 * instead of a receiver: nothing is delivered, so `drain` checks every webhook's `data` against
 * the spec's callback schema and the SDK's payload type (once each), and the delivery layer's
 * part (signatures, retries, ordering on the wire) is tested over sockets in test/webhooks and test/sdk.
 */
export interface AppEnv {
  em: Emulator;
  account: string;
  /** The origin in-process requests use: recording URLs are built on it. */
  url: string;
  api: AppClient;
  /** The control API (/_mock/...), in process. */
  mock(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<{ status: number; json: any }>;
  /** An inbound call (POST /_mock/calls); answered unless told otherwise. */
  call(opts?: { from?: string; answered?: boolean; connectionId?: string; clientState?: string; webhookUrl?: string }): Promise<string>;
  /** Every webhook recorded for the account, oldest first, each checked against both contracts. */
  drain(): Promise<Sent[]>;
  /** GET an absolute URL this emulator handed out (a recording), in process. */
  download(url: string, headers?: Record<string, string>): Promise<{ status: number; type: string | null; body: Buffer }>;
  close(): Promise<void>;
}

const ORIGIN = 'http://127.0.0.1';

export function appEnv(config: Partial<Config> = {}, account = 'KEY_webhooks'): AppEnv {
  // No ticker: timers fire when a test moves the clock (every test here drives time itself).
  const em = buildEmulator(defaultConfig(config), { ticker: false });
  const mock: AppEnv['mock'] = async (method, path, body) => {
    const res = await em.app.fetch(new Request(`${ORIGIN}/_mock${path}`, {
      method,
      headers: { authorization: `Bearer ${account}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }));
    return { status: res.status, json: await res.json() };
  };
  let checked = 0;
  return {
    em, account, mock, url: ORIGIN,
    api: appClient(em, account, ORIGIN),
    async call(opts = {}) {
      const res = await mock('POST', '/calls', {
        from: opts.from ?? '+15550001000', to: '+15559990000', connection_id: opts.connectionId ?? 'conn-1',
        answered: opts.answered ?? true, client_state: opts.clientState, webhook_url: opts.webhookUrl,
      });
      expect(res.status).toBe(201);
      return res.json.data.call_control_id as string;
    },
    async drain() {
      const all: Sent[] = [];
      for (let page = 1; ; page++) {
        const res = await mock('GET', `/webhooks?page[number]=${page}`);
        expect(res.status).toBe(200);
        all.push(...(res.json.data as Array<{ data: Sent['json']['data'] }>).map((e) => ({ json: { data: e.data } })));
        if (page >= res.json.meta.total_pages) break;
      }
      // Every webhook conforms to both contracts (checked once each).
      for (const d of all.slice(checked)) expect(conformanceProblems(d), d.json.data.event_type).toEqual([]);
      checked = all.length;
      return all;
    },
    async download(url, headers = {}) {
      const res = await em.app.fetch(new Request(url, { headers }));
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    },
    close: () => em.dispose(),
  };
}
