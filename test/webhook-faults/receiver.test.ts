/**
 * Each webhook fault kind as a real receiver meets it (issue 17: "Each webhook fault kind is shown
 * at a real receiver … and in the delivery log"): a local HTTP server, the official SDK's
 * `client.webhooks.unwrap`, and the delivery log over /_mock/webhooks and /v2/webhook_deliveries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webhookEnv, type Env } from '../webhooks/env.js';
import { whenChanged } from '../support/changes.js';
import { naclVerifies, sdkVerifier, startReceiver, type Delivery, type Receiver } from '../support/receiver.js';

let env: Env;
let failover: Receiver | undefined;
afterEach(async () => {
  await env?.close();
  await failover?.close();
  failover = undefined;
});

interface Attempt { attempt: number; url: string; status: number | null; error?: string; at: string; finished_at?: string; fault_id?: number; fault?: string }
interface Entry { id: string; event_type: string; status: string; attempts: Attempt[] }

const type = (d: Delivery) => d.json.data.event_type;

/** Arms a fault over HTTP and returns its id. */
async function arm(body: object): Promise<number> {
  const res = await env.mock('POST', '/webhook_faults', body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.data.id as number;
}

/** The account's settled log (nothing pending, every attempt finished), by event type; waits on the account's changes. */
const settled = () => whenChanged(env.em, env.account, async () => {
  const entries = (await env.mock('GET', '/webhooks')).json.data as Entry[];
  const done = entries.length > 0 && entries.every((e) => e.status !== 'pending' && e.attempts.every((a) => a.finished_at));
  return done ? new Map(entries.map((e) => [e.event_type, e])) : undefined;
}, { what: 'a settled delivery log' });

describe('webhook faults at a real receiver', () => {
  it('tamper_signature: the SDK refuses the tampered webhook and accepts the others; the log names the fault', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'tamper_signature', event_type: 'call.initiated' });
    await env.call();
    const [initiated, answered] = await env.receiver.accepts(2);
    expect([type(initiated), type(answered)]).toEqual(['call.initiated', 'call.answered']);
    const unwrap = sdkVerifier(env.em.webhooks.publicKey);
    await expect(unwrap(initiated.body, initiated.headers)).rejects.toThrow(/Signature verification failed/);
    await expect(unwrap(answered.body, answered.headers)).resolves.toBeTruthy();
    expect(naclVerifies(env.em.webhooks.publicKey, initiated.body, initiated.headers)).toBe(false);

    const log = await settled();
    expect(log.get('call.initiated')!.attempts[0]).toMatchObject({ fault_id: id, fault: 'tamper_signature', status: 200 });
    expect(log.get('call.answered')!.attempts[0].fault).toBeUndefined();
    // The headers recorded are the ones sent: the tampered signature, shown as it went.
    const { json } = await env.mock('GET', '/webhooks?event_type=call.initiated');
    const sent = Object.fromEntries(json.data[0].attempts[0].request_headers as [string, string][]);
    expect(sent['telnyx-signature-ed25519']).toBe(initiated.headers['telnyx-signature-ed25519']);
  });

  it('skew_timestamp: signed consistently (the signature verifies) but the SDK refuses its age', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'skew_timestamp', event_type: 'call.initiated', skew_secs: -900 });
    await env.call();
    const [initiated, answered] = await env.receiver.accepts(2);
    const now = Math.floor(Date.now() / 1000);
    expect(Number(initiated.headers['telnyx-timestamp'])).toBeLessThanOrEqual(now - 900);
    // Only the age check fails: the signature over `${timestamp}|${body}` is good.
    expect(naclVerifies(env.em.webhooks.publicKey, initiated.body, initiated.headers)).toBe(true);
    const unwrap = sdkVerifier(env.em.webhooks.publicKey);
    await expect(unwrap(initiated.body, initiated.headers)).rejects.toThrow(/timestamp too old or too new/);
    await expect(unwrap(answered.body, answered.headers)).resolves.toBeTruthy();
    expect((await settled()).get('call.initiated')!.attempts[0]).toMatchObject({ fault_id: id, fault: 'skew_timestamp' });
  });

  it('duplicate: the event arrives twice with the same event id, both signed validly, as two attempts', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'duplicate', event_type: 'call.answered' });
    await env.call();
    await env.receiver.accepts(3);
    const answered = env.receiver.accepted().filter((d) => type(d) === 'call.answered');
    expect(answered).toHaveLength(2);
    expect(answered[0].json.data.id).toBe(answered[1].json.data.id);
    expect(answered.map((d) => d.json.meta.attempt)).toEqual([1, 2]);
    const unwrap = sdkVerifier(env.em.webhooks.publicKey);
    for (const d of answered) await expect(unwrap(d.body, d.headers)).resolves.toBeTruthy();

    const entry = (await settled()).get('call.answered')!;
    expect(entry.status).toBe('delivered');
    expect(entry.attempts.map((a) => [a.attempt, a.status, a.fault_id, a.fault])).toEqual([
      [1, 200, id, 'duplicate'], [2, 200, id, 'duplicate'],
    ]);
  });

  it('reorder: the event is held until the next event of its call has been sent, so the pair arrives swapped', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'reorder', event_type: 'call.initiated' });
    await env.call();
    const got = await env.receiver.accepts(2);
    expect(got.map(type)).toEqual(['call.answered', 'call.initiated']);
    const log = await settled();
    expect(log.get('call.initiated')!.attempts).toMatchObject([{ attempt: 1, status: 200, fault_id: id, fault: 'reorder' }]);
    expect(log.get('call.answered')!.attempts[0].fault).toBeUndefined();
  });

  it('reorder only when armed: without a fault a call\'s webhooks arrive in the order they happened', async () => {
    env = await webhookEnv();
    await env.call();
    expect((await env.receiver.accepts(2)).map(type)).toEqual(['call.initiated', 'call.answered']);
  });

  it('fail: the first attempt is never sent (recorded as a network failure) and the retry delivers it', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'fail', event_type: 'call.initiated' });
    await env.call();
    const got = await env.receiver.accepts(2);
    const initiated = got.find((d) => type(d) === 'call.initiated')!;
    expect(initiated.json.meta.attempt).toBe(2);
    expect(env.receiver.requests.filter((d) => type(d) === 'call.initiated')).toHaveLength(1);
    const entry = (await settled()).get('call.initiated')!;
    expect(entry.status).toBe('delivered');
    expect(entry.attempts).toMatchObject([
      { attempt: 1, status: null, fault_id: id, fault: 'fail', error: expect.stringContaining('not sent') },
      { attempt: 2, status: 200 },
    ]);
    expect(entry.attempts[1].fault).toBeUndefined();
  });

  it('fail for every attempt: the event fails after the last retry, as if the receiver were unreachable', async () => {
    env = await webhookEnv();
    await arm({ kind: 'fail', event_type: 'call.initiated', count: 3 });
    await env.call();
    await env.receiver.accepts(1);
    const entry = (await settled()).get('call.initiated')!;
    expect(entry.status).toBe('failed');
    expect(entry.attempts.map((a) => a.fault)).toEqual(['fail', 'fail', 'fail']);
    expect(env.receiver.requests.map(type)).toEqual(['call.answered']);
  });

  it('delay: the attempt is sent only after the delay, and the call\'s next event still comes after it', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'delay', event_type: 'call.initiated', delay_ms: 300 });
    await env.call();
    const got = await env.receiver.accepts(2);
    expect(got.map(type)).toEqual(['call.initiated', 'call.answered']);
    const attempt = (await settled()).get('call.initiated')!.attempts[0];
    expect(attempt).toMatchObject({ fault_id: id, fault: 'delay', status: 200 });
    // Arrived (wall time at the receiver) no sooner than the delay after the attempt was recorded.
    const arrived = performance.timeOrigin + got[0].at;
    expect(arrived - Date.parse(attempt.at)).toBeGreaterThanOrEqual(300 - 2);
  });

  it('failover_only: the event goes to the failover URL alone; the others still go to the primary', async () => {
    failover = await startReceiver();
    env = await webhookEnv({ webhookFailoverUrl: failover.url });
    const id = await arm({ kind: 'failover_only', event_type: 'call.initiated' });
    await env.call();
    const [primary] = await env.receiver.accepts(1);
    const [secondary] = await failover.accepts(1);
    expect(type(primary)).toBe('call.answered');
    expect(type(secondary)).toBe('call.initiated');
    expect(secondary.json.meta.delivered_to).toBe(failover.url);
    expect(env.receiver.requests.map(type)).toEqual(['call.answered']);
    expect((await settled()).get('call.initiated')!.attempts).toMatchObject([{ url: failover.url, status: 200, fault_id: id, fault: 'failover_only' }]);
  });

  it('failover_only with no failover URL: the event fails with no attempt, as an event with no URL does', async () => {
    env = await webhookEnv();
    await arm({ kind: 'failover_only', event_type: 'call.initiated' });
    await env.call();
    await env.receiver.accepts(1);
    const log = await settled();
    expect(log.get('call.initiated')).toMatchObject({ status: 'failed', attempts: [] });
    expect(env.receiver.requests.map(type)).toEqual(['call.answered']);
  });

  it('/v2/webhook_deliveries names the fault on the attempt it touched (SDK webhookDeliveries)', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'fail', event_type: 'call.initiated' });
    await env.call();
    await env.receiver.accepts(2);
    await settled();
    const page = await env.client.webhookDeliveries.list();
    const initiated = page.data!.find((d) => d.webhook?.event_type === 'call.initiated')!;
    // Most recent attempt first (the spec's order): the retry, then the faulted one.
    expect(initiated.attempts!.map((a) => (a as { fault?: string }).fault ?? null)).toEqual([null, 'fail']);
    expect((initiated.attempts![1] as { fault_id?: number }).fault_id).toBe(id);
  });

  it('count: N touches the next N matching attempts and then disarms itself', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'fail', count: 2 });
    await env.call();
    await env.receiver.accepts(2);
    const log = await settled();
    // One call's webhooks go in order: its first event takes both uses, retried until the third attempt.
    expect(log.get('call.initiated')!.attempts.map((a) => [a.attempt, a.fault_id ?? null])).toEqual([[1, id], [2, id], [3, null]]);
    expect(log.get('call.answered')!.attempts.map((a) => [a.attempt, a.fault_id ?? null])).toEqual([[1, null]]);
    expect((await env.mock('GET', '/webhook_faults')).json.data).toEqual([]);
  });

  it('for: a window of the account\'s virtual time touches every matching attempt in it, and none after', async () => {
    env = await webhookEnv();
    await env.mock('POST', '/clock/freeze');
    const id = await arm({ kind: 'tamper_signature', for: 60 });
    await env.call();
    const unwrap = sdkVerifier(env.em.webhooks.publicKey);
    for (const d of await env.receiver.accepts(2)) await expect(unwrap(d.body, d.headers)).rejects.toThrow(/Signature verification failed/);
    expect([...(await settled()).values()].flatMap((e) => e.attempts.map((a) => a.fault_id))).toEqual([id, id]);
    // The clock is frozen: wall time passing does not end the window; moving the account's clock does.
    expect((await env.mock('GET', '/webhook_faults')).json.data).toHaveLength(1);
    await env.mock('POST', '/clock/advance', { seconds: 60 });
    await env.call({ from: '+15550002000' });
    for (const d of (await env.receiver.accepts(4)).slice(2)) await expect(unwrap(d.body, d.headers)).resolves.toBeTruthy();
  });

  it('matches by call_control_id and by destination url (a glob): other calls and destinations are untouched', async () => {
    failover = await startReceiver(); // here simply a second receiver, named by a call's own webhook_url
    env = await webhookEnv();
    const alice = await env.call({ answered: false });
    const bob = await env.call({ from: '+15550002000', answered: false, webhookUrl: `${failover.url}/hooks/bob` });
    await env.receiver.accepts(1);
    await failover.accepts(1);
    await arm({ kind: 'duplicate', call_control_id: alice, event_type: 'call.hangup' });
    await arm({ kind: 'tamper_signature', url: `${failover.url}/hooks/**` });
    for (const id of [alice, bob]) expect((await env.mock('POST', `/calls/${encodeURIComponent(id)}/hangup`)).status).toBe(200);
    await env.receiver.accepts(3);
    await failover.accepts(2);
    const unwrap = sdkVerifier(env.em.webhooks.publicKey);
    // alice's hangup, twice, signed validly (her URL is the primary receiver's, which the url glob does not match)
    const hangups = env.receiver.accepted().slice(1);
    expect(hangups.map((d) => [type(d), d.json.data.payload.call_control_id])).toEqual([['call.hangup', alice], ['call.hangup', alice]]);
    for (const d of hangups) await expect(unwrap(d.body, d.headers)).resolves.toBeTruthy();
    // bob's hangup, once, to his own URL: tampered
    const [bobHangup] = failover.accepted().slice(1);
    expect([type(bobHangup), bobHangup.json.data.payload.call_control_id]).toEqual(['call.hangup', bob]);
    await expect(unwrap(bobHangup.body, bobHangup.headers)).rejects.toThrow(/Signature verification failed/);
    expect(failover.accepted()).toHaveLength(2);
    expect((await env.mock('GET', '/webhook_faults')).json.data).toEqual([]);
  });

  it('faults are per account: one account\'s fault never touches another account\'s webhooks', async () => {
    env = await webhookEnv();
    const id = await arm({ kind: 'fail', event_type: 'call.initiated' });
    // Another account, same server and receiver: its call.initiated goes out at the first attempt.
    const other = await fetch(`${env.em.url}/_mock/calls`, {
      method: 'POST', headers: { authorization: 'Bearer KEY_other', 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550001000', to: '+15559990000', connection_id: 'conn-1', answered: true }),
    });
    expect(other.status).toBe(201);
    const theirs = await env.receiver.accepts(2);
    expect(theirs.map((d) => [type(d), d.json.meta.attempt])).toEqual([['call.initiated', 1], ['call.answered', 1]]);
    const list = await fetch(`${env.em.url}/_mock/webhook_faults`, { headers: { authorization: 'Bearer KEY_other' } });
    expect((await list.json()).data).toEqual([]);
    expect((await env.mock('GET', '/webhook_faults')).json.data).toMatchObject([{ id, kind: 'fail', remaining: 1, touched: 0 }]);
    // The account that armed it meets it.
    await env.call();
    const ours = (await env.receiver.accepts(4)).slice(2);
    expect(ours.find((d) => type(d) === 'call.initiated')!.json.meta.attempt).toBe(2);
    expect((await env.mock('GET', '/webhook_faults')).json.data).toEqual([]);
  });
});
