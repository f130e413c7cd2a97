import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../support/bundle.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { keyFromSeed, signingSeedOf } from '../../src/webhooks/keys.js';

/** `serve --seed`, `keygen --seed N` and `replay` as a user runs them. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY = 'KEY_cli_det';
const cleanEnv = (extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELNYX_MOCK_') && k !== 'PORT' && k !== 'HOST')),
  ...extra,
});

let cli = '';
let dir = '';
const children: ChildProcess[] = [];
let receiver: Receiver;
beforeAll(async () => {
  cli = await bundled('src/cli.ts');
  dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-det-'));
  receiver = await startReceiver();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** `serve …` on a free port; resolves with its URL and banner once the banner is out. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { banner += d.toString(); if (/new Telnyx\(.*\}\);\n/.test(banner)) resolve(); });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${banner}`)));
  });
  const url = /^ {2}API base URL +(\S+)\/v2$/m.exec(banner)![1];
  return { url, banner, stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }) };
}

const post = (url: string, path: string, body: object) => fetch(`${url}${path}`, {
  method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

describe('telnyx-mock serve --seed', () => {
  it('two starts with the same seed send the same webhook, byte for byte, signed with the key keygen --seed prints', async () => {
    const deliveries = [];
    for (const args of [['--seed', '42'], ['--seed', '42']]) {
      const server = await serve(args);
      expect(server.banner).toContain('from --seed 42 (deterministic mode');
      const before = receiver.accepted().length;
      expect((await post(server.url, '/_mock/calls', { from: '+15550001000', to: '+15550002000', connection_id: 'c', webhook_url: receiver.url })).status).toBe(201);
      const [d] = (await receiver.accepts(before + 1, 10_000)).slice(before);
      deliveries.push({ body: d.body, timestamp: d.headers['telnyx-timestamp'], signature: d.headers['telnyx-signature-ed25519'] });
      await server.stop();
    }
    expect(deliveries[1]).toEqual(deliveries[0]);
    expect(deliveries[0].timestamp).toBe(String(Date.UTC(2026, 0, 1) / 1000));
    const keygen = await run(['keygen', '--seed', '42']);
    expect(keygen).toEqual({ code: 0, stdout: `TELNYX_MOCK_SEED=42\nTELNYX_PUBLIC_KEY=${keyFromSeed(signingSeedOf('42')).publicKey}\n`, stderr: '' });
  }, 60_000);

  it('--deterministic is seed 0, TELNYX_MOCK_SEED sets it too; a file database or a bad seed is refused (exit 2)', async () => {
    const zero = await serve(['--deterministic']);
    expect(zero.banner).toContain('from --seed 0');
    await zero.stop();
    const env = await serve([], { TELNYX_MOCK_SEED: 'ci-7' });
    expect(env.banner).toContain('from --seed ci-7');
    await env.stop();
    const withDb = await run(['serve', '--port', '0', '--seed', '1', '--db', join(dir, 'x.db')]);
    expect(withDb.code).toBe(2);
    expect(withDb.stderr).toContain('in-memory database');
    const bad = await run(['serve', '--port', '0', '--seed', 'not a seed']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--seed must be an integer or a short word');
  }, 60_000);
});

describe('telnyx-mock replay', () => {
  it('replays an exported run and says it went the same way; a bad recording is refused naming the field', async () => {
    const server = await serve(['--seed', '5']);
    try {
      const dialed = await (await post(server.url, '/v2/calls', { connection_id: 'c', from: '+15550001001', to: '+15550002001' })).json() as { data: { call_control_id: string } };
      await post(server.url, '/_mock/clock/advance', { seconds: 30 });
      await post(server.url, `/v2/calls/${dialed.data.call_control_id}/actions/hangup`, {});
      const recording = await (await fetch(`${server.url}/_mock/requests/export`, { headers: { authorization: `Bearer ${KEY}` } })).text();
      const file = join(dir, 'run.json');
      writeFileSync(file, recording);
      const replayed = await run(['replay', file, '--url', server.url]);
      expect(replayed.stderr).toBe('');
      expect(replayed.stdout).toContain('SAME  2 requests replayed, 0 answered otherwise than recorded');
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).not.toContain('does not sign with');

      // On a server started without the seed, the replay still goes the same way, and says the signatures cannot match.
      const other = await serve([]);
      try {
        const elsewhere = await run(['replay', file, '--url', other.url]);
        expect(elsewhere.code).toBe(0);
        expect(elsewhere.stdout).toContain("note: this server does not sign with seed 5's key");
      } finally {
        await other.stop();
      }

      const doc = JSON.parse(recording);
      doc.requests[1].time = '2025-01-01T00:00:00.000Z';
      writeFileSync(file, JSON.stringify(doc));
      const refused = await run(['replay', file, '--url', server.url]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('at /requests/1/time');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
