import { expect } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk } from '../support/harness.js';
import { whenChanged } from '../support/changes.js';
import { startReceiver, verifyAll, type Delivery, type Receiver } from '../support/receiver.js';
import type { RunningEmulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';
import { conformanceProblems } from './contract.js';

export { conformanceProblems };

export interface Env {
  em: RunningEmulator;
  client: Telnyx;
  account: string;
  receiver: Receiver;
  /** The control API over HTTP (/_mock/...), as a test suite outside the process would use it. */
  mock(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<{ status: number; json: any }>;
  /** An inbound call (POST /_mock/calls); answered unless told otherwise. */
  call(opts?: { from?: string; answered?: boolean; connectionId?: string; clientState?: string; webhookUrl?: string }): Promise<string>;
  /** Waits until nothing is pending, checks every delivery, and returns them all in recorded order. */
  drain(): Promise<Delivery[]>;
  close(): Promise<void>;
}

export async function webhookEnv(config: Partial<Config> = {}, account = 'KEY_webhooks'): Promise<Env> {
  const receiver = await startReceiver();
  const { em, client } = await withSdk({ webhookUrl: receiver.url, ...config }, account);
  const mock: Env['mock'] = async (method, path, body) => {
    const res = await fetch(`${em.url}/_mock${path}`, {
      method,
      headers: { authorization: `Bearer ${account}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json() };
  };
  let verified = 0;
  return {
    em, client, account, receiver, mock,
    async call(opts = {}) {
      const res = await mock('POST', '/calls', {
        from: opts.from ?? '+15550001000', to: '+15559990000', connection_id: opts.connectionId ?? 'conn-1',
        answered: opts.answered ?? true, client_state: opts.clientState, webhook_url: opts.webhookUrl,
      });
      expect(res.status).toBe(201);
      return res.json.data.call_control_id as string;
    },
    async drain() {
      // Re-read after each change the account notifies (an attempt recorded or settled), not on a timer.
      const log = await whenChanged(em, account, async () => {
        const entries = (await mock('GET', '/webhooks')).json.data as { id: string; status: string }[];
        return entries.every((e) => e.status !== 'pending') ? entries : undefined;
      }, { what: 'no webhook pending' });
      expect(log.every((e) => e.status === 'delivered')).toBe(true);
      const byId = new Map(receiver.accepted().map((d) => [d.json.data.id, d]));
      const deliveries = log.map((e) => byId.get(e.id)!);
      expect(deliveries.every(Boolean)).toBe(true);
      // Every webhook passes both verifiers and both contracts (checked once each).
      const fresh = deliveries.slice(verified);
      await verifyAll(em.webhooks.publicKey, fresh);
      for (const d of fresh) expect(conformanceProblems(d), d.json.data.event_type).toEqual([]);
      verified = deliveries.length;
      return deliveries;
    },
    async close() {
      await em.close();
      await receiver.close();
    },
  };
}

export { about, payloadOf, types, type Sent } from './sent.js';
