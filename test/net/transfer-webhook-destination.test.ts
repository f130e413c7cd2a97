import { describe, expect, it } from 'vitest';
import { REFUSED, accountPerTest, enc, expectOk, logOf, type Entry } from './support.js';

/**
 * Where webhooks are sent, read from the delivery log (GET /_mock/webhooks: `url` and
 * `failover_url`) rather than delivered: every URL here is a port nothing listens on, so the first
 * attempt fails at once and the next waits a minute, and `url` stays the primary URL the event was
 * recorded with for the whole test.
 *
 * README "Where they go, first match wins (decided when the event is recorded): 1. the
 * `webhook_url` / `webhook_failover_url` given when the call was dialed (`POST /v2/calls`) or
 * placed (`POST /_mock/calls`); 2. the URLs set for the call's `connection_id`; 3.
 * `TELNYX_MOCK_WEBHOOK_URL` / `TELNYX_MOCK_WEBHOOK_FAILOVER_URL`."
 *
 * README (transfer): "its webhooks go to the transfer's `webhook_url`, else where the original
 * call's go."
 */
const GLOBAL = `${REFUSED}/global`;
const GLOBAL_FAILOVER = `${REFUSED}/global-failover`;
const CONN = `${REFUSED}/connection`;
const CONN_FAILOVER = `${REFUSED}/connection-failover`;
const AGENT = '+15550400099';

const t = accountPerTest('KEY_net_destinations', {
  webhookUrl: GLOBAL, webhookFailoverUrl: GLOBAL_FAILOVER,
  webhookAttempts: 2, webhookBackoffMs: 60_000, webhookBackoffMaxMs: 60_000,
}, { freeze: false });

/** A caller arrives (POST /_mock/calls); answered unless told otherwise. */
async function place(opts: { connectionId?: string; webhookUrl?: string; answered?: boolean; from?: string } = {}): Promise<string> {
  const res = await t.v2.post('/_mock/calls', {
    from: opts.from ?? '+15550300001', to: '+15559990000', connection_id: opts.connectionId ?? 'conn-1',
    answered: opts.answered ?? true, webhook_url: opts.webhookUrl,
  });
  expectOk(res, 201);
  return res.body.data.call_control_id as string;
}

async function setConnection(id: string, body: object) {
  expectOk(await t.v2.put(`/_mock/connections/${enc(id)}`, body));
}

async function transfer(a: string, body: object) {
  expectOk(await t.v2.post(`/v2/calls/${enc(a)}/actions/transfer`, { to: AGENT, ...body }));
}

/** `event_type → [url, failover_url]` for each event of one call, in recorded order. */
const destinations = (log: Entry[], callControlId: string) =>
  log.filter((e) => e.call_control_id === callControlId).map((e) => [e.event_type, e.url, e.failover_url]);

/** The leg B a transfer dialed to `to` (the one call.initiated with that `to`, other than `not`). */
function legB(log: Entry[], to = AGENT, not: string[] = []): string {
  const dialed = log.filter((e) => e.event_type === 'call.initiated' && e.data.payload.to === to
    && !not.includes(e.call_control_id!));
  expect(dialed, 'one leg B dialed').toHaveLength(1);
  return dialed[0].call_control_id!;
}

describe("a transfer's leg B sends its webhooks", () => {
  it("to the transfer's webhook_url, with no failover, whatever A, A's connection and the server name", async () => {
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const a = await place({ webhookUrl: `${REFUSED}/a` });
    await transfer(a, { webhook_url: `${REFUSED}/transfer` });
    expectOk(await t.v2.post(`/_mock/calls/${enc(a)}/hangup`));

    const log = await logOf(t.v2);
    const b = legB(log);
    const T = `${REFUSED}/transfer`;
    // B's whole life, the hang-up that followed A's included.
    expect(destinations(log, b)).toEqual([
      ['call.initiated', T, null], ['call.answered', T, null], ['call.bridged', T, null], ['call.hangup', T, null],
    ]);
    // A keeps its own URL: the transfer's webhook_url is B's only.
    expect(destinations(log, a)).toEqual([
      ['call.initiated', `${REFUSED}/a`, null], ['call.answered', `${REFUSED}/a`, null],
      ['call.bridged', `${REFUSED}/a`, null], ['call.hangup', `${REFUSED}/a`, null],
    ]);
  });

  it("without the transfer's webhook_url, to the webhook_url A was placed with (not A's connection's)", async () => {
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const a = await place({ webhookUrl: `${REFUSED}/a` });
    await transfer(a, {});
    const log = await logOf(t.v2);
    const b = legB(log);
    expect(destinations(log, b)).toEqual([
      ['call.initiated', `${REFUSED}/a`, null], ['call.answered', `${REFUSED}/a`, null], ['call.bridged', `${REFUSED}/a`, null],
    ]);
  });

  it("without the transfer's webhook_url, to the webhook_url the app answered A with", async () => {
    // AnswerRequest.webhook_url: "override the URL for which Telnyx will send subsequent webhooks to for this call".
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const a = await place({ answered: false });
    expectOk(await t.v2.post(`/v2/calls/${enc(a)}/actions/answer`, { webhook_url: `${REFUSED}/answered` }));
    await transfer(a, {});
    const log = await logOf(t.v2);
    const b = legB(log);
    expect(destinations(log, a).slice(0, 2)).toEqual([
      ['call.initiated', CONN, CONN_FAILOVER], ['call.answered', `${REFUSED}/answered`, null],
    ]);
    expect(destinations(log, b)).toEqual([
      ['call.initiated', `${REFUSED}/answered`, null], ['call.answered', `${REFUSED}/answered`, null],
      ['call.bridged', `${REFUSED}/answered`, null],
    ]);
  });

  it("with neither URL, to A's connection's URL and failover URL (B is on A's connection)", async () => {
    await setConnection('conn-9', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const a = await place({ connectionId: 'conn-9' });
    await transfer(a, {});
    const log = await logOf(t.v2);
    const b = legB(log);
    expect(log.find((e) => e.call_control_id === b)!.data.payload.connection_id).toBe('conn-9');
    expect(destinations(log, b)).toEqual([
      ['call.initiated', CONN, CONN_FAILOVER], ['call.answered', CONN, CONN_FAILOVER], ['call.bridged', CONN, CONN_FAILOVER],
    ]);
  });

  it("with neither URL and nothing set for the connection, to the server's URL and failover URL", async () => {
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const a = await place({ connectionId: 'conn-plain' });
    await transfer(a, {});
    const log = await logOf(t.v2);
    expect(destinations(log, legB(log))).toEqual([
      ['call.initiated', GLOBAL, GLOBAL_FAILOVER], ['call.answered', GLOBAL, GLOBAL_FAILOVER], ['call.bridged', GLOBAL, GLOBAL_FAILOVER],
    ]);
  });

  it("sends a failed transfer's call.hangup for B (busy) to the transfer's webhook_url, and nothing of A there", async () => {
    // SDK: "If the transfer is unsuccessful, a call.hangup webhook for the other call (Leg B) will be sent".
    expectOk(await t.v2.put(`/_mock/numbers/${enc(AGENT)}`, { behaviour: 'busy' }));
    const a = await place({ webhookUrl: `${REFUSED}/a` });
    await transfer(a, { webhook_url: `${REFUSED}/transfer` });
    const log = await logOf(t.v2);
    const b = legB(log);
    expect(destinations(log, b)).toEqual([
      ['call.initiated', `${REFUSED}/transfer`, null], ['call.hangup', `${REFUSED}/transfer`, null],
    ]);
    expect(log.filter((e) => e.url === `${REFUSED}/transfer`).every((e) => e.call_control_id === b)).toBe(true);
  });

  it("a second transfer: the first B's cancellation goes to the first transfer's URL, the new B's events to the second's", async () => {
    // README: "A hanging up while B rings cancels B (`originator_cancel`), as do a second transfer (which replaces it)".
    expectOk(await t.v2.put(`/_mock/numbers/${enc(AGENT)}`, { behaviour: 'no_answer' }));
    const a = await place();
    await transfer(a, { webhook_url: `${REFUSED}/first` });
    const b1 = legB(await logOf(t.v2));
    await transfer(a, { webhook_url: `${REFUSED}/second` });
    const log = await logOf(t.v2);
    const b2 = legB(log, AGENT, [b1]);
    expect(destinations(log, b1)).toEqual([['call.initiated', `${REFUSED}/first`, null], ['call.hangup', `${REFUSED}/first`, null]]);
    expect(log.find((e) => e.call_control_id === b1 && e.event_type === 'call.hangup')!.data.payload.hangup_cause).toBe('originator_cancel');
    expect(destinations(log, b2)).toEqual([['call.initiated', `${REFUSED}/second`, null]]);
  });
});

describe('where a call sends its webhooks: first match wins, decided when the event is recorded', () => {
  it("the URL a call was placed or dialed with, else its connection's, else the server's", async () => {
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const placed = await place({ webhookUrl: `${REFUSED}/placed`, from: '+15550300001' });
    const dialed = await t.v2.post('/v2/calls', { connection_id: 'conn-1', from: '+15550300002', to: '+15550300003', webhook_url: `${REFUSED}/dialed` });
    expectOk(dialed);
    const onConnection = await place({ from: '+15550300004' });
    const elsewhere = await place({ connectionId: 'conn-2', from: '+15550300005' });
    const log = await logOf(t.v2);
    expect(destinations(log, placed)[0]).toEqual(['call.initiated', `${REFUSED}/placed`, null]);
    expect(destinations(log, dialed.body.data.call_control_id)[0]).toEqual(['call.initiated', `${REFUSED}/dialed`, null]);
    expect(destinations(log, onConnection)[0]).toEqual(['call.initiated', CONN, CONN_FAILOVER]);
    expect(destinations(log, elsewhere)[0]).toEqual(['call.initiated', GLOBAL, GLOBAL_FAILOVER]);
  });

  it("a connection with a webhook_url and no failover gives no failover: the server's failover is not mixed in", async () => {
    await setConnection('conn-1', { webhook_url: CONN });
    const call = await place();
    expect(destinations(await logOf(t.v2), call)).toEqual([['call.initiated', CONN, null], ['call.answered', CONN, null]]);
  });

  it("a connection set after an event was recorded changes only the events recorded after it", async () => {
    const call = await place();
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    expectOk(await t.v2.post(`/_mock/calls/${enc(call)}/hangup`));
    expect(destinations(await logOf(t.v2), call)).toEqual([
      ['call.initiated', GLOBAL, GLOBAL_FAILOVER], ['call.answered', GLOBAL, GLOBAL_FAILOVER], ['call.hangup', CONN, CONN_FAILOVER],
    ]);
  });

  it("PUT replaces a connection's URLs; DELETE removes them, and later events go to the server's URLs", async () => {
    // README: "(`GET`/`DELETE` the same path to read or remove it)".
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    await setConnection('conn-1', { webhook_url: `${REFUSED}/replaced` });
    const read = await t.v2.get('/_mock/connections/conn-1');
    expect(read.body.data).toEqual({ record_type: 'connection', connection_id: 'conn-1', webhook_url: `${REFUSED}/replaced`, webhook_failover_url: null });
    const first = await place({ from: '+15550300001' });
    expectOk(await t.v2.delete('/_mock/connections/conn-1'));
    expect((await t.v2.get('/_mock/connections/conn-1')).status).toBe(404);
    const second = await place({ from: '+15550300002' });
    const log = await logOf(t.v2);
    expect(destinations(log, first)[0]).toEqual(['call.initiated', `${REFUSED}/replaced`, null]);
    expect(destinations(log, second)[0]).toEqual(['call.initiated', GLOBAL, GLOBAL_FAILOVER]);
  });

  it("a connection's URLs are its application's: cleared by a reset of the account, and the account's own", async () => {
    // A connection set with /_mock/connections is the account's Call Control application of that
    // id, and a reset clears the applications an account provisioned with the rest of its state.
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });
    const before = await place();
    expect(destinations(await logOf(t.v2), before)[0]).toEqual(['call.initiated', CONN, CONN_FAILOVER]);
    expectOk(await t.v2.post('/_mock/reset'));
    const call = await place();
    expect(destinations(await logOf(t.v2), call)[0]).toEqual(['call.initiated', GLOBAL, GLOBAL_FAILOVER]);
    await setConnection('conn-1', { webhook_url: CONN, webhook_failover_url: CONN_FAILOVER });

    // README: "Everything under `/_mock` … acts on that key's account only."
    const other = t.http.as(`${t.key}_other`);
    expect((await other.get('/_mock/connections/conn-1')).status).toBe(404);
    const res = await other.post('/_mock/calls', { from: '+15550300009', to: '+15559990000', connection_id: 'conn-1' });
    expectOk(res, 201);
    const [initiated] = await logOf(other);
    expect([initiated.url, initiated.failover_url]).toEqual([GLOBAL, GLOBAL_FAILOVER]);
  });

  it("a scenario run's webhook_url is where its callers' webhooks go", async () => {
    // README: "Run one over HTTP (`{"scenario": <object or YAML/JSON text>, "webhook_url": ..., "reset": ...}`".
    await setConnection('telnyx-mock', { webhook_url: CONN });
    const res = await t.v2.post('/_mock/scenarios/run', {
      scenario: { name: 'where', steps: [{ call: 'alice', from: '+15550300001', to: '+15559990000', answered: true }] },
      webhook_url: `${REFUSED}/scenario`,
    });
    expectOk(res);
    expect(res.body.data.passed).toBe(true);
    const alice = res.body.data.calls.alice as string;
    expect(destinations(await logOf(t.v2), alice)).toEqual([
      ['call.initiated', `${REFUSED}/scenario`, null], ['call.answered', `${REFUSED}/scenario`, null],
    ]);
  });

  it("a conference's own events go where its creator's call's go; a participant's events where that participant's call's go", async () => {
    // CreateConferenceRequest.call_control_id is the call the conference is created with: its own
    // events (created, whole-conference media, ended) are about that call; participant events about each participant's.
    const creator = await place({ webhookUrl: `${REFUSED}/creator`, from: '+15550300001' });
    const guest = await place({ webhookUrl: `${REFUSED}/guest`, from: '+15550300002' });
    const created = await t.v2.post('/v2/conferences', { call_control_id: creator, name: 'where' });
    expectOk(created);
    const id = created.body.data.id as string;
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/join`, { call_control_id: guest }));
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/speak`, { payload: 'hello all', voice: 'female' }));
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/speak`, { payload: 'hello guest', voice: 'female', call_control_ids: [guest] }));
    expectOk(await t.v2.post(`/_mock/calls/${enc(creator)}/hangup`));
    expectOk(await t.v2.post(`/v2/conferences/${id}/actions/end`, {}));
    const conferenceEvents = (await logOf(t.v2)).filter((e) => e.event_type.startsWith('conference.'))
      .map((e) => [e.event_type, e.url]);
    expect(conferenceEvents).toEqual([
      ['conference.created', `${REFUSED}/creator`],
      ['conference.participant.joined', `${REFUSED}/creator`],
      ['conference.participant.joined', `${REFUSED}/guest`],
      ['conference.speak.started', `${REFUSED}/creator`],
      ['conference.participant.speak.started', `${REFUSED}/guest`],
      ['conference.participant.left', `${REFUSED}/creator`],
      ['conference.speak.ended', `${REFUSED}/creator`],
      ['conference.participant.speak.ended', `${REFUSED}/guest`],
      ['conference.participant.left', `${REFUSED}/guest`],
      ['conference.ended', `${REFUSED}/creator`],
    ]);
  });
});
