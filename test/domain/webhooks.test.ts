import { describe, expect, it } from 'vitest';
import type { CallLeg, Connection } from '../../src/model/entities.js';
import type { AccountStore } from '../../src/domain/store.js';
import { outboxRow, resendRow, webhookDestination } from '../../src/domain/webhooks.js';
import { envelope, webhookData } from '../../src/model/webhook.js';

/**
 * Where an event goes and how it is filed (src/domain/webhooks.ts), and the envelope every attempt
 * sends (src/model/webhook.ts): rules with no I/O, tested on plain values.
 */
const call = (over: Partial<CallLeg> = {}) => ({
  callControlId: 'v3:call', connectionId: 'conn', webhookUrl: null, webhookFailoverUrl: null, ...over,
}) as CallLeg;
/** Connections (Call Control applications) by id, active and with no webhook timeout of their own unless said otherwise. */
const connections = (rows: Array<Omit<Connection, 'recordType' | 'active' | 'webhookTimeoutSecs'> & Partial<Connection>>) => ({
  connection: (id: string): Connection | undefined => {
    const row = rows.find((c) => c.connectionId === id);
    return row && { recordType: 'call_control_application', active: true, webhookTimeoutSecs: null, ...row };
  },
});
const global = { webhookUrl: 'http://global/hook', webhookFailoverUrl: 'http://global/failover' };

describe('where a call\'s webhooks go', () => {
  // Telnyx's precedence: "the webhook_url given when the call was dialed, else the URL configured
  // for its connection_id, else the global URL"; the failover comes with the URL it backs.
  it('the call\'s own webhook_url first, with its own failover (even none)', () => {
    const conn = connections([{ connectionId: 'conn', webhookUrl: 'http://conn/hook', webhookFailoverUrl: 'http://conn/failover' }]);
    expect(webhookDestination(call({ webhookUrl: 'http://call/hook', webhookFailoverUrl: 'http://call/failover' }), conn, global))
      .toEqual({ url: 'http://call/hook', failoverUrl: 'http://call/failover', timeoutMs: null });
    expect(webhookDestination(call({ webhookUrl: 'http://call/hook' }), conn, global))
      .toEqual({ url: 'http://call/hook', failoverUrl: null, timeoutMs: null });
  });

  it('else its connection\'s URL and that connection\'s own failover', () => {
    const conn = connections([{ connectionId: 'conn', webhookUrl: 'http://conn/hook', webhookFailoverUrl: 'http://conn/failover' }]);
    expect(webhookDestination(call(), conn, global)).toEqual({ url: 'http://conn/hook', failoverUrl: 'http://conn/failover', timeoutMs: null });
    const noFailover = connections([{ connectionId: 'conn', webhookUrl: 'http://conn/hook', webhookFailoverUrl: null }]);
    expect(webhookDestination(call(), noFailover, global)).toEqual({ url: 'http://conn/hook', failoverUrl: null, timeoutMs: null });
  });

  it('else the server\'s URLs: also for a connection with no URL, another connection\'s URL, or no call at all', () => {
    const other = connections([{ connectionId: 'other', webhookUrl: 'http://other/hook', webhookFailoverUrl: null }]);
    expect(webhookDestination(call(), other, global)).toEqual({ url: 'http://global/hook', failoverUrl: 'http://global/failover', timeoutMs: null });
    const blank = connections([{ connectionId: 'conn', webhookUrl: null, webhookFailoverUrl: 'http://conn/failover' }]);
    expect(webhookDestination(call(), blank, global)).toEqual({ url: 'http://global/hook', failoverUrl: 'http://global/failover', timeoutMs: null });
    expect(webhookDestination(undefined, other, global)).toEqual({ url: 'http://global/hook', failoverUrl: 'http://global/failover', timeoutMs: null });
    expect(webhookDestination(undefined, other, {})).toEqual({ url: null, failoverUrl: null, timeoutMs: null });
  });
});

describe("how long an attempt may take", () => {
  // CreateCallControlApplicationRequest.webhook_timeout_secs: "Specifies how many seconds to wait
  // before timing out a webhook" — the application's calls' webhooks, wherever they go.
  it("is the call's application's webhook_timeout_secs, even for a call with its own URL; else the server's (null)", () => {
    const conn = connections([{ connectionId: 'conn', webhookUrl: 'http://conn/hook', webhookFailoverUrl: null, webhookTimeoutSecs: 2 }]);
    expect(webhookDestination(call(), conn, global).timeoutMs).toBe(2000);
    expect(webhookDestination(call({ webhookUrl: 'http://call/hook' }), conn, global).timeoutMs).toBe(2000);
    const none = connections([{ connectionId: 'conn', webhookUrl: 'http://conn/hook', webhookFailoverUrl: null, webhookTimeoutSecs: 0 }]);
    expect(webhookDestination(call(), none, global).timeoutMs).toBeNull();
    expect(webhookDestination(undefined, conn, global).timeoutMs).toBeNull();
  });
});

describe('an event filed in the outbox', () => {
  const store = (calls: CallLeg[], conference?: { id: string; creatorCallControlId: string }) => ({
    account: 'KEY',
    call: (id: string) => calls.find((c) => c.callControlId === id),
    conference: (id: string) => (conference?.id === id ? conference : undefined),
    connection: () => undefined,
  }) as unknown as AccountStore;
  const event = (subject: { call?: CallLeg; conferenceId?: string }) => ({
    id: 'evt-1', eventType: 'call.hangup', payload: { a: 1, gone: undefined }, subject,
    occurredAt: '2026-01-01T00:00:00.000Z', createdAt: 42,
  });

  it('about a call: in that call\'s lane, to that call\'s destination, pending with no attempts', () => {
    const c = call({ webhookUrl: 'http://call/hook' });
    expect(outboxRow(store([c]), global as never, event({ call: c }))).toEqual({
      id: 'evt-1', account: 'KEY', eventType: 'call.hangup', callControlId: 'v3:call', conferenceId: null,
      orderingKey: 'v3:call', occurredAt: '2026-01-01T00:00:00.000Z',
      data: '{"record_type":"event","event_type":"call.hangup","id":"evt-1","occurred_at":"2026-01-01T00:00:00.000Z","payload":{"a":1}}',
      url: 'http://call/hook', failoverUrl: null, timeoutMs: null, status: 'pending', attempts: [], nextAttemptAt: 0, createdAt: 42, resendOf: null,
    });
  });

  it('about a conference alone: in its creator\'s lane, to its creator\'s destination', () => {
    const creator = call({ callControlId: 'v3:creator', webhookUrl: 'http://creator/hook' });
    const row = outboxRow(store([creator], { id: 'conf-1', creatorCallControlId: 'v3:creator' }), global as never,
      event({ conferenceId: 'conf-1' }));
    expect(row).toMatchObject({ callControlId: null, conferenceId: 'conf-1', orderingKey: 'v3:creator', url: 'http://creator/hook' });
  });

  it('about a conference whose creator is gone: in the conference\'s lane, to the server\'s URL; about nothing: the account\'s lane', () => {
    expect(outboxRow(store([]), global as never, event({ conferenceId: 'conf-9' })))
      .toMatchObject({ orderingKey: 'conf-9', url: 'http://global/hook', failoverUrl: 'http://global/failover' });
    expect(outboxRow(store([]), {} as never, event({}))).toMatchObject({ orderingKey: 'KEY', url: null, conferenceId: null });
  });
});

describe('the envelope', () => {
  it('is the recorded data text verbatim and this attempt\'s meta', () => {
    const data = webhookData('call.answered', 'e', 'T', { z: 1, a: [2] });
    expect(data).toBe('{"record_type":"event","event_type":"call.answered","id":"e","occurred_at":"T","payload":{"z":1,"a":[2]}}');
    expect(envelope(data, 3, 'http://x/"y"')).toBe(`{"data":${data},"meta":{"attempt":3,"delivered_to":"http://x/\\"y\\""}}`);
    expect(JSON.parse(envelope(data, 3, 'http://x/"y"'))).toEqual({ data: JSON.parse(data), meta: { attempt: 3, delivered_to: 'http://x/"y"' } });
  });
});

describe('a resend of an event', () => {
  it('is a new row with the same data, destination, attempt timeout and lane, pending, naming the event it sends again', () => {
    const original = {
      seq: 7, id: 'evt-1', account: 'KEY', eventType: 'call.answered', callControlId: 'v3:a', conferenceId: null, orderingKey: 'v3:a',
      occurredAt: '2026-01-01T00:00:00.000Z', data: '{"id":"evt-1"}', url: 'http://app/hook', failoverUrl: 'http://backup/hook', timeoutMs: 2000,
      status: 'delivered' as const, attempts: [{ attempt: 1, url: 'http://app/hook', status: 200, at: 'x' }], nextAttemptAt: null, createdAt: 1, resendOf: null,
      listedAt: 1, deliveryStartedAt: 1, deliveryFinishedAt: 1,
    };
    expect(resendRow(original, 'evt-2', 99)).toEqual({
      id: 'evt-2', account: 'KEY', eventType: 'call.answered', callControlId: 'v3:a', conferenceId: null, orderingKey: 'v3:a',
      occurredAt: '2026-01-01T00:00:00.000Z', data: '{"id":"evt-1"}', url: 'http://app/hook', failoverUrl: 'http://backup/hook', timeoutMs: 2000,
      status: 'pending', attempts: [], nextAttemptAt: 0, createdAt: 99, resendOf: 7,
    });
  });
});
