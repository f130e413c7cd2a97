import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Telnyx from 'telnyx';
import { startMock, type TelnyxMock } from '../../src/lib.js';

/**
 * The scenario step `say` (the caller says TEXT) against a tiny app that answers, greets and starts
 * transcription: the words come back as call.transcription, which a `wait` sees; the call condition
 * `heard` checks what was played into the call.
 */
let mock: TelnyxMock;
let app: Server;
let appUrl = '';
/** The app's webhook handlers still running (a run can end before the app's last API call). */
const handling = new Set<Promise<void>>();

beforeEach(async () => {
  mock = await startMock();
  const client = new Telnyx({ apiKey: mock.apiKey, baseURL: `${mock.url}/v2`, maxRetries: 0 });
  app = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const handled = (async () => {
        const { event_type: type, payload } = JSON.parse(raw).data;
        if (type === 'call.initiated') await client.calls.actions.answer(payload.call_control_id, {});
        if (type === 'call.answered') {
          await client.calls.actions.speak(payload.call_control_id, { payload: 'Welcome to Acme, how can we help?', voice: 'female' });
          await client.calls.actions.startTranscription(payload.call_control_id, { transcription_engine: 'Telnyx' });
        }
        res.end('ok');
      })();
      handling.add(handled);
      // Its failure, if any, fails the test in afterEach (awaiting it), not as an unhandled rejection.
      void handled.finally(() => handling.delete(handled)).catch(() => {});
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/webhooks`;
});
afterEach(async () => {
  // The app finishes what it is doing while the emulator still answers (a failure there fails the test)…
  await Promise.all(handling);
  // …then its idle keep-alive connections are closed: close() alone waits for them to time out (about 9 s).
  app.closeAllConnections();
  await new Promise((r) => app.close(r));
  await mock.close();
});

// The waits here pass (the app does what they wait for); their timeouts leave a loaded machine room.
describe('the scenario step say', () => {
  it('is what a transcription hears', async () => {
    const result = await mock.runScenario({
      name: 'say', timeout: '10s', steps: [
        { call: 'alice', from: '+15550001001', to: '+15550100000' },
        { wait: { request: 'POST /v2/calls/{alice}/actions/transcription_start', status: 200 } },
        { say: 'alice', text: 'I would like to speak to sales' },
        { wait: { webhook: 'call.transcription', call: 'alice', payload: { transcription_data: { transcript: 'I would like to speak to sales' } } } },
      ],
    }, { webhookUrl: appUrl });
    expect(result.steps.map((s) => [s.title, s.status, s.reason])[2]).toEqual(['alice says "I would like to speak to sales"', 'passed', undefined]);
    expect(result.passed, JSON.stringify(result.steps)).toBe(true);
  });

  it('needs text, refused with its pointer', async () => {
    await expect(mock.runScenario({ name: 'bad', steps: [{ call: 'alice', from: '+15550001001', to: '+15550100000' }, { say: 'alice' }] }))
      .rejects.toMatchObject({ name: 'ScenarioError', where: { step: 2, code: '10004' } });
  });

  it('heard: waits for what was spoken into the call, and names what was when it fails', async () => {
    const result = await mock.runScenario({
      name: 'heard', timeout: '10s', steps: [
        { call: 'alice', from: '+15550001001', to: '+15550100000' },
        { wait: { call: 'alice', heard: 'how can we help' } },
        { expect: { call: 'alice', heard: 'Goodbye' } },
      ],
    }, { webhookUrl: appUrl });
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed']);
    expect(result.steps[1].title).toBe('wait until alice is played "how can we help"');
    expect(result.steps[2].reason).toBe('expected alice is played "Goodbye", but alice is played "Welcome to Acme, how can we help?"');
  });
});
