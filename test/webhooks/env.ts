import { expect } from 'vitest';
import type Telnyx from 'telnyx';
import { withSdk } from '../support/harness.js';
import { startReceiver, verifyAll, type Delivery, type Receiver } from '../support/receiver.js';
import type { RunningEmulator } from '../../src/server.js';
import type { Config } from '../../src/config.js';
import { sdkProblems, specEventTypes, specProblems } from './contract.js';

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

/**
 * One conference.ended difference from the spec and SDK enums: ending through the API reports
 * `ended_via_api`, the value the Conference resource's own `end_reason` enum has for it.
 */
const KNOWN_DIFFERENCE = /^conference\.ended\.payload\.reason: "ended_via_api"/;

export function conformanceProblems(d: Delivery): string[] {
  const { data } = d.json;
  const problems = [
    // Every event type sent has a spec entry now (call-control.yml adds call.dtmf.received, call.transcription).
    ...(specEventTypes().includes(data.event_type) ? specProblems(data as never) : []),
    ...sdkProblems(data.event_type, data.payload),
  ];
  return problems.filter((p) => !KNOWN_DIFFERENCE.test(p));
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
      let log: { id: string; status: string }[] = [];
      const deadline = Date.now() + 5000;
      for (;;) {
        log = (await mock('GET', '/webhooks')).json.data;
        if (log.every((e) => e.status !== 'pending')) break;
        if (Date.now() > deadline) throw new Error(`still pending: ${log.filter((e) => e.status === 'pending').length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
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

/** The deliveries about one call or conference, in recorded order. */
export function about(deliveries: Delivery[], id: string): Delivery[] {
  return deliveries.filter((d) => d.json.data.payload.call_control_id === id || d.json.data.payload.conference_id === id);
}

export const types = (ds: Delivery[]) => ds.map((d) => d.json.data.event_type);
export const payloadOf = (ds: Delivery[], type: string) => ds.find((d) => d.json.data.event_type === type)?.json.data.payload;
