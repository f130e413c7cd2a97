import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp, type ReferenceApp } from '../../fixtures/reference-app.js';
import { parseMp3 } from '../support/audio.js';

/**
 * The fourth fixture, fixtures/ivr-front-door.yaml, against its app side in
 * fixtures/reference-app.ts: greeting, PIN gather (re-prompt, then hang-up), the recorded
 * meeting, hold music and a transfer to an agent busy the first time. From startMock() and from
 * the CLI, every webhook signature verified by the app with the SDK.
 */
let mock: TelnyxMock;
let app: ReferenceApp;

beforeEach(async () => {
  mock = await startMock();
  app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: mock.apiKey, publicKey: mock.publicKey });
});
afterEach(async () => {
  await app.close();
  await mock.close();
});

const failures = (r: Awaited<ReturnType<TelnyxMock['runScenario']>>) =>
  r.steps.filter((s) => s.status !== 'passed').map((s) => `step ${s.index} ${s.title}: ${s.status} ${s.reason ?? ''}`);

describe('the IVR front door fixture', () => {
  it('runs green from startMock(), and the app downloads the meeting recording as a valid MP3 of its length', async () => {
    const result = await mock.runScenario('fixtures/ivr-front-door.yaml', { webhookUrl: app.webhookUrl });
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(app.problems).toEqual([]);

    const [saved] = mock.webhooks({ eventType: 'conference.recording.saved' });
    const payload = saved.data.payload as { recording_urls: { mp3: string }; recording_started_at: string; recording_ended_at: string };
    expect(app.recordings.map((r) => [r.url, r.status, r.contentType])).toEqual([[payload.recording_urls.mp3, 200, 'audio/mpeg']]);
    const recordedMs = Date.parse(payload.recording_ended_at) - Date.parse(payload.recording_started_at);
    // alice alone (bob's greeting, mallory's) then the minute with bob: 10 + 10 + 60 s of the frozen clock.
    expect(recordedMs).toBe(80_000);
    expect(Math.abs(parseMp3(app.recordings[0].body).durationMs - recordedMs)).toBeLessThanOrEqual(18);
  });

  it('runs green from the CLI against a running server', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'scenario', 'run', 'fixtures/ivr-front-door.yaml',
      '--url', mock.url, '--api-key', mock.apiKey, '--webhook-url', app.webhookUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(stdout).toMatch(/PASS {2}IVR front door: \d+ passed, 0 failed, 0 skipped/);
    expect(code).toBe(0);
    expect(app.problems).toEqual([]);
    expect(app.recordings).toHaveLength(1);
  }, 30_000);

  it('a number step can set what answering machine detection finds there', async () => {
    const result = await mock.runScenario({ name: 'amd', steps: [{ number: '+15550400099', behaviour: 'answer', amd_result: 'machine' }] });
    expect(result.steps.map((st) => [st.title, st.status])).toEqual([['+15550400099 answers at once', 'passed']]);
    const res = await fetch(`${mock.url}/_mock/numbers/%2B15550400099`, { headers: { authorization: `Bearer ${mock.apiKey}` } });
    expect((await res.json()).data).toMatchObject({ behaviour: 'answer', amd_result: 'machine' });
    await expect(mock.runScenario({ name: 'bad', steps: [{ number: '+15550400099', behaviour: 'answer', amd_result: 'robot' }] }))
      .rejects.toMatchObject({ message: expect.stringContaining('human, machine, not_sure'), where: { code: '10032' } });
  });
});
