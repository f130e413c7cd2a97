import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { startReferenceApp, type ReferenceApp } from '../../fixtures/reference-app.js';
import { bundled } from '../support/bundle.js';

let cliFile = '';

/** The CLI from source (src/cli.ts, bundled once: see test/support/bundle.ts), in a process of its own. */
function cli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cliFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}
const run = (args: string[]) => cli(args).done;

let mock: TelnyxMock;
let app: ReferenceApp;
let dir: string;
beforeAll(async () => {
  cliFile = await bundled('src/cli.ts');
  mock = await startMock();
  app = await startReferenceApp({ telnyxUrl: mock.url, apiKey: 'KEY_cli', publicKey: mock.publicKey });
  dir = await mkdtemp(join(tmpdir(), 'telnyx-mock-cli-'));
});
afterAll(async () => {
  await app.close();
  await mock.close();
});

const against = () => ['--url', mock.url, '--api-key', 'KEY_cli', '--webhook-url', app.webhookUrl];

describe('telnyx-mock scenario run', () => {
  it('runs the three fixtures green against a running server, a progress line per step', async () => {
    const { code, stdout, stderr } = await run(['scenario', 'run', 'fixtures/support-queue.json',
      'fixtures/moderated-conference.yaml', 'fixtures/conference-expiry.yaml', ...against()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('  ✓   1  alice calls +15550100000');
    expect(stdout).toContain("  ✓   8  wait until agent1 is bridged with alice");
    expect(stdout).toMatch(/PASS {2}Support queue: 22 passed, 0 failed, 0 skipped/);
    expect(stdout).toMatch(/PASS {2}Moderated town hall: 26 passed/);
    expect(stdout).toMatch(/PASS {2}Four-hour conference expiry: 12 passed/);
    expect(stdout).toContain('all 3 scenarios passed');
    expect(app.problems).toEqual([]);
  }, 30_000);

  it('exits 1 when a step fails, naming the step, its line and what was found', async () => {
    const file = join(dir, 'vip.yaml');
    // The app queues alice in `support` first (given time: a loaded machine may take more than
    // 300 ms), so what the failing wait reports having found is known.
    await writeFile(file, 'name: VIP\ntimeout: 300ms\nsteps:\n  - call: alice\n    from: "+15550001001"\n    to: "+15550100000"\n'
      + '  - wait: { call: alice, in_queue: support }\n    timeout: 10s\n  - wait: { call: alice, in_queue: vip }\n  - hangup: alice\n');
    const { code, stdout } = await run(['scenario', 'run', file, ...against()]);
    expect(code).toBe(1);
    expect(stdout).toContain("  ✗   3  wait until alice is in queue 'vip'");
    expect(stdout).toContain(`${file}:9: timed out after 300 ms waiting until alice is in queue 'vip'; alice is in queue 'support'`);
    expect(stdout).toContain('  -   4  alice hangs up (skipped)');
    expect(stdout).toMatch(/FAIL {2}VIP: 2 passed, 1 failed, 1 skipped/);
  }, 30_000);

  it('exits 2 for a bad file with one line naming the file, line and step, and no stack trace', async () => {
    const file = join(dir, 'typo.json');
    await writeFile(file, '{\n  "name": "typo",\n  "steps": [\n    { "prss": "alice" }\n  ]\n}\n');
    const { code, stdout, stderr } = await run(['scenario', 'run', file, ...against()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`telnyx-mock: ${file}:4: step 1: unknown step 'prss' (did you mean 'press'?); `
      + 'a step is one of: call, hangup, press, speak, stop_speaking, say, advance, clock, number, phone_number, wait, expect, webhook_fault.');

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{\n  "name": "broken",\n  "steps": [\n');
    const bad = await run(['scenario', 'check', broken]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^telnyx-mock: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid JSON`));
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('exits 2 with a hint when no server answers at --url', async () => {
    const { code, stderr } = await run(['scenario', 'run', 'fixtures/conference-expiry.yaml', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^telnyx-mock: cannot reach telnyx-mock at http:\/\/127\.0\.0\.1:9 .*Start it with: telnyx-mock serve/);
  }, 30_000);
});

describe('telnyx-mock --help and serve', () => {
  it('explains the commands and their options', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const text of ['telnyx-mock serve', 'telnyx-mock scenario run <file>...', '--webhook-url', '--signing-key', '--api-key', 'Exit status']) {
      expect(stdout).toContain(text);
    }
  }, 30_000);

  it('refuses an unknown command or flag with exit 2', async () => {
    expect((await run(['bogus'])).stderr).toMatch(/unknown command 'bogus'/);
    const flag = await run(['serve', '--prot', '5080']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--prot'/);
  }, 30_000);

  it('serves on the given port, prints the base URL, public key and SDK snippet, and stops on SIGTERM', async () => {
    const { child, done } = cli(['serve', '--port', '0', '--webhook-url', 'http://127.0.0.1:4000/webhooks']);
    let stdout = '';
    // Read as it is printed: the banner is complete at its last line.
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Press Ctrl+C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before its banner: ${stdout}`)));
    });
    const url = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toMatch(/Webhook public key {2}[A-Za-z0-9+/]{43}=/);
    expect(stdout).toContain(`new Telnyx({ apiKey: 'KEY_dev', baseURL: '${url}/v2'`);
    expect(stdout).toContain('Webhooks go to      http://127.0.0.1:4000/webhooks');
    expect((await fetch(`${url}/_mock/health`)).status).toBe(200);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  }, 30_000);
});
