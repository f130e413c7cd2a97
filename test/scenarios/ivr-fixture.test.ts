import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { withReferenceApp, failures } from '../support/reference-app.js';
import { parseMp3 } from '../support/audio.js';
import { bundled } from '../support/bundle.js';

/**
 * The fourth fixture, fixtures/ivr-front-door.yaml, against its app side in
 * fixtures/reference-env.app.ts: greeting, PIN gather (re-prompt, then hang-up), the recorded
 * meeting, hold music and a transfer to an agent busy the first time. From startMock() and from
 * the CLI, every webhook signature verified by the app with the SDK.
 */
const env = withReferenceApp();

describe('the IVR front door fixture', () => {
  it('runs green from startMock(), and the app downloads the meeting recording as a valid MP3 of its length', async () => {
    const result = await env.mock.runScenario('fixtures/ivr-front-door.yaml', { webhookUrl: env.app.webhookUrl });
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(env.app.problems).toEqual([]);

    const [saved] = await env.mock.webhooks({ eventType: 'conference.recording.saved' });
    const payload = saved.data.payload as { recording_urls: { mp3: string }; recording_started_at: string; recording_ended_at: string };
    expect(env.app.recordings.map((r) => [r.url, r.status, r.contentType])).toEqual([[payload.recording_urls.mp3, 200, 'audio/mpeg']]);
    const recordedMs = Date.parse(payload.recording_ended_at) - Date.parse(payload.recording_started_at);
    // alice alone (bob's greeting, mallory's) then the minute with bob: 10 + 10 + 60 s of the frozen clock.
    expect(recordedMs).toBe(80_000);
    expect(Math.abs(parseMp3(env.app.recordings[0].body).durationMs - recordedMs)).toBeLessThanOrEqual(18);
  });

  it('runs green from the CLI against a running server', async () => {
    // The CLI from source, bundled once (test/support/bundle.ts).
    const child = spawn(process.execPath, [await bundled('src/cli.ts'), 'scenario', 'run', 'fixtures/ivr-front-door.yaml',
      '--url', env.mock.url, '--api-key', env.mock.apiKey, '--webhook-url', env.app.webhookUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(stdout).toMatch(/PASS {2}IVR front door: \d+ passed, 0 failed, 0 skipped/);
    expect(code).toBe(0);
    expect(env.app.problems).toEqual([]);
    expect(env.app.recordings).toHaveLength(1);
  }, 30_000);

  it('a number step can set what answering machine detection finds there', async () => {
    const result = await env.mock.runScenario({ name: 'amd', steps: [{ number: '+15550400099', behaviour: 'answer', amd_result: 'machine' }] });
    expect(result.steps.map((st) => [st.title, st.status])).toEqual([['+15550400099 answers at once', 'passed']]);
    const res = await fetch(`${env.mock.url}/_mock/numbers/%2B15550400099`, { headers: { authorization: `Bearer ${env.mock.apiKey}` } });
    expect((await res.json()).data).toMatchObject({ behaviour: 'answer', amd_result: 'machine' });
    await expect(env.mock.runScenario({ name: 'bad', steps: [{ number: '+15550400099', behaviour: 'answer', amd_result: 'robot' }] }))
      .rejects.toMatchObject({ message: expect.stringContaining('human, machine, not_sure'), where: { code: '10032' } });
  });
});
