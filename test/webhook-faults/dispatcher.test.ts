/**
 * The dispatcher's side of webhook faults on a fake transport and fake timers (no socket, no wall
 * sleep): a `delay` is sent only once its time has passed, a `reorder` with no next event is sent
 * after REORDER_HOLD_MS, and a delay cut short by a stop is recorded as interrupted, still pending.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { buildEmulator, defaultConfig, type Emulator } from '../../src/server.js';
import { placeCall } from '../../src/commands/callers.js';
import { Dispatcher, REORDER_HOLD_MS } from '../../src/webhooks/dispatcher.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { WebhookFaults, type WebhookFaultSpec } from '../../src/control/webhook-faults.js';
import type { Transport } from '../../src/webhooks/transport.js';

const KEY = 'KEY_chaos_dispatch';
let built: Emulator;
let dispatcher: Dispatcher;
let faults: WebhookFaults;
let sent: string[];

beforeEach(async () => {
  built = buildEmulator(defaultConfig(), { ticker: false });
  // The emulator's own dispatcher steps aside: this one sends through a fake transport.
  await built.webhooks.close();
  sent = [];
  const transport: Transport = {
    post: (_url, body) => {
      sent.push(JSON.parse(body).data.event_type);
      return Promise.resolve(200);
    },
    close: () => {},
  };
  // One account here: its virtual time. (The dispatcher names accounts by their stored id, not their key.)
  faults = new WebhookFaults(() => built.account(KEY).now());
  // Only setTimeout is faked: the dispatcher's turns (setImmediate) and the wall clock run as ever.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  dispatcher = new Dispatcher({
    store: new OutboxStore(built.db), transport, signingKey: generateKeyPairSync('ed25519').privateKey, wallNow: () => Date.now(),
    options: { attempts: 3, timeoutMs: 10_000, backoffMs: 25, backoffMaxMs: 250, concurrency: 64, maxPerSecond: 4000 }, faults,
  });
});

afterEach(async () => {
  vi.useRealTimers();
  await dispatcher.close();
  await built.dispose();
});

const arm = (spec: Omit<WebhookFaultSpec, 'armedAt'>) => faults.forAccount(built.account(KEY).id).add({ count: 1, ...spec, armedAt: built.account(KEY).now() });
/** A ringing inbound call: one event, call.initiated, to a URL the fake transport takes. */
const ring = () => {
  placeCall(built.account(KEY), { from: '+15550001000', to: '+15559990000', connection_id: 'c', webhook_url: 'http://receiver.test/hook' });
  dispatcher.wake();
};
/** Turns of the event loop, enough for the dispatcher to claim, send and record what is due. */
const turns = async (n = 50) => { for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve)); };
const attempts = () => built.account(KEY).read((ctx) => ctx.store.webhookLog({}).rows[0]);

it('delay: nothing is sent until delay_ms has passed, then the attempt goes', async () => {
  const fault = arm({ kind: 'delay', delayMs: 5_000 });
  ring();
  await turns();
  expect(sent).toEqual([]);
  // Recorded before it is sent, as every attempt is, with the fault named.
  expect(attempts()).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, status: null, fault_id: fault.id, fault: 'delay' }] });
  vi.advanceTimersByTime(4_999);
  await turns();
  expect(sent).toEqual([]);
  vi.advanceTimersByTime(1);
  await vi.waitFor(() => expect(attempts().status).toBe('delivered'));
  expect(sent).toEqual(['call.initiated']);
});

it('reorder with no next event: the event is held, then sent after REORDER_HOLD_MS', async () => {
  const fault = arm({ kind: 'reorder' });
  ring();
  await turns();
  expect(sent).toEqual([]);
  expect(attempts()).toMatchObject({ status: 'pending', attempts: [] });
  vi.advanceTimersByTime(REORDER_HOLD_MS);
  await vi.waitFor(() => expect(attempts().status).toBe('delivered'));
  expect(sent).toEqual(['call.initiated']);
  expect(attempts().attempts).toMatchObject([{ attempt: 1, status: 200, fault_id: fault.id, fault: 'reorder' }]);
});

it('a stop during a delay records the attempt as interrupted and leaves the event pending for the next start', async () => {
  arm({ kind: 'delay', delayMs: 60_000 });
  ring();
  await turns();
  await dispatcher.close();
  expect(sent).toEqual([]);
  expect(attempts()).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, status: null, error: 'interrupted: server stopped', fault: 'delay' }] });
});
