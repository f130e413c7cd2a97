import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, loadScenario, ScenarioError, TelnyxError, type TelnyxMock } from '../../src/lib.js';
import { startReceiver, verifyAll, type Receiver } from '../support/receiver.js';

let mock: TelnyxMock;
let client: Telnyx;

beforeEach(async () => {
  mock = await startMock();
  client = new Telnyx({ apiKey: mock.apiKey, baseURL: mock.baseURL, maxRetries: 0 });
});
afterEach(() => mock.close());

const caller = { from: '+15550001001', to: '+15559990000' };

describe('startMock', () => {
  it('listens on a free port with an API key and the public key webhooks are signed with', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.baseURL).toBe(`${mock.url}/v2`);
    expect(mock.apiKey).toBe('KEY_telnyx_mock');
    expect(Buffer.from(mock.publicKey, 'base64')).toHaveLength(32);
    expect((await client.conferences.list()).data).toEqual([]);
  });

  it('plays a caller the app answers through the SDK, and waits for the webhooks that follow', async () => {
    const call = mock.placeCall({ ...caller, clientState: 'aGk=' });
    expect(call).toMatchObject({ state: 'ringing', direction: 'incoming', connection_id: 'telnyx-mock', client_state: 'aGk=' });
    await client.calls.actions.answer(call.call_control_id, {});
    const answered = await mock.waitForWebhook('call.answered', { callControlId: call.call_control_id });
    expect(answered.data.payload).toMatchObject({ call_control_id: call.call_control_id, state: 'answered' });
    expect(mock.call(call.call_control_id).state).toBe('answered');

    mock.pressDigits(call.call_control_id, '5');
    expect((await mock.waitForWebhook('call.dtmf.received')).data.payload.digit).toBe('5');
    mock.hangup(call.call_control_id);
    expect((await mock.webhooks({ callControlId: call.call_control_id })).map((w) => w.event_type))
      .toEqual(['call.initiated', 'call.answered', 'call.dtmf.received', 'call.hangup']);
  });

  it('rejects waitForWebhook after its timeout, naming the event', async () => {
    await expect(mock.waitForWebhook('call.bridged', { timeoutMs: 50 })).rejects.toThrow('no call.bridged webhook within 50 ms');
  });

  it('moves the conference floor with speech()', async () => {
    const host = mock.placeCall({ ...caller, answered: true });
    const conf = (await client.conferences.create({ call_control_id: host.call_control_id, name: 'room' })).data!;
    mock.speech(host.call_control_id, 'started');
    expect((await mock.webhooks({ eventType: 'conference.floor.changed' }))[0].data.payload).toMatchObject({ conference_id: conf.id });
    expect(mock.call(host.call_control_id).conference_id).toBe(conf.id);
  });

  it('advances by seconds or ISO 8601, freezes and unfreezes the clock', async () => {
    const frozen = mock.freeze().now;
    expect(mock.now()).toBe(frozen);
    expect((await mock.advance('PT1H')).now).toBe(new Date(Date.parse(frozen) + 3_600_000).toISOString());
    expect((await mock.advance(30)).now).toBe(new Date(Date.parse(frozen) + 3_630_000).toISOString());
    // refused as POST /_mock/clock/advance refuses it: the same command checks both
    await expect(mock.advance('an hour')).rejects.toThrow(expect.objectContaining({ status: 422, code: '10015', pointer: '/duration' }));
    await expect(mock.advance(-5)).rejects.toThrow(expect.objectContaining({ status: 422, code: '10015', pointer: '/seconds' }));
    mock.unfreeze();
  });

  it('sets how a dialed number answers', async () => {
    mock.setNumber('+15557770001', { behaviour: 'busy' });
    const dialed = (await client.calls.dial({ connection_id: 'c', from: caller.from, to: '+15557770001' })).data!;
    expect(mock.call(dialed.call_control_id)).toMatchObject({ state: 'hangup', hangup_cause: 'user_busy' });
    mock.clearNumber('+15557770001');
    const again = (await client.calls.dial({ connection_id: 'c', from: caller.from, to: '+15557770001' })).data!;
    expect(mock.call(again.call_control_id).state).toBe('answered');
  });

  it('shows the request journal and injects faults', async () => {
    const id = mock.fault({ method: 'GET', path: '/v2/queues', status: 503 });
    expect(id).toBeGreaterThan(0);
    await expect(client.queues.list()).rejects.toMatchObject({ status: 503 });
    await client.queues.list();
    expect((await mock.requests({ path: '/v2/queues' })).map((r) => r.status)).toEqual([503, 200]);
    mock.fault({ path: '/v2/**', status: 500, count: 10 });
    mock.clearFaults();
    await client.queues.list();
  });

  it('throws typed errors for what the emulator refuses', () => {
    expect(() => mock.hangup('v3:nope')).toThrow(TelnyxError);
    expect(() => mock.call('v3:nope')).toThrow(/not found/);
  });

  it('keeps accounts apart with as(), and resets one account or all', async () => {
    const other = mock.as('KEY_other');
    const mine = mock.placeCall(caller);
    const theirs = other.placeCall(caller);
    expect((await other.webhooks()).map((w) => w.call_control_id)).toEqual([theirs.call_control_id]);
    mock.reset();
    expect(() => mock.call(mine.call_control_id)).toThrow(/not found/);
    expect(other.call(theirs.call_control_id).state).toBe('ringing');
    mock.reset({ all: true });
    expect(() => other.call(theirs.call_control_id)).toThrow(/not found/);
  });

  it('runs a scenario and reports each step', async () => {
    const result = await mock.runScenario({
      name: 'no app', timeout: '200ms',
      steps: [{ call: 'alice', from: caller.from, to: caller.to }, { wait: { call: 'alice', state: 'answered' } }],
    });
    // No app is listening, so nobody answers: the wait times out, named.
    expect(result.passed).toBe(false);
    expect(result.steps[1]).toMatchObject({ status: 'failed', reason: "timed out after 200 ms waiting until alice is answered; alice is ringing" });
  });
});

describe('startMock with a webhook URL', () => {
  let receiver: Receiver;
  afterEach(() => receiver.close());

  it('delivers signed webhooks the SDK verifies with the public key it reports', async () => {
    receiver = await startReceiver();
    const withHooks = await startMock({ webhookUrl: receiver.url, apiKey: 'KEY_hooks' });
    try {
      withHooks.placeCall({ ...caller, answered: true });
      const delivered = await receiver.accepts(2);
      const events = await verifyAll(withHooks.publicKey, delivered);
      expect(events.map((e) => (e as { data: { event_type: string } }).data.event_type)).toEqual(['call.initiated', 'call.answered']);
    } finally {
      await withHooks.close();
    }
  });
});

describe('loadScenario', () => {
  it('reads a file, scenario text or an object, and names an unreadable file', async () => {
    expect((await loadScenario('fixtures/support-queue.json')).name).toBe('Support queue');
    expect((await loadScenario('name: t\nsteps:\n  - advance: 1\n')).steps).toHaveLength(1);
    expect((await loadScenario({ name: 'o', steps: [{ advance: 'PT1M' }] })).steps[0]).toMatchObject({ seconds: 60 });
    await expect(loadScenario('fixtures/nope.yaml')).rejects.toThrow(new ScenarioError('fixtures/nope.yaml: cannot read the file (ENOENT).'));
  });
});
