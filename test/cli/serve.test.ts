import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nacl from 'tweetnacl';
import { bundled } from '../support/bundle.js';
import { sdkVerifier, startReceiver, type Receiver } from '../support/receiver.js';
import { startMock } from '../../src/lib.js';

/**
 * The command line as a user meets it: `--version`, `keygen`, the banner every way of starting
 * prints, and a webhook signing key that survives a restart when it is pinned
 * (TELNYX_MOCK_SIGNING_KEY) or kept (a file database), so an app configured once keeps verifying.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const KEY = 'KEY_cli_serve';
const SEED = Buffer.alloc(32, 9).toString('base64');
const publicKeyOf = (seed: string) => Buffer.from(nacl.sign.keyPair.fromSeed(Buffer.from(seed, 'base64')).publicKey).toString('base64');

/** The environment without the caller's own telnyx-mock settings, so only what a test sets counts. */
const cleanEnv = (extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELNYX_MOCK_') && k !== 'PORT' && k !== 'HOST')),
  ...extra,
});

let cliFile = '';
let indexFile = '';
let dir = '';
const children: ChildProcess[] = [];
let receiver: Receiver | undefined;
beforeAll(async () => {
  [cliFile, indexFile] = await Promise.all([bundled('src/cli.ts'), bundled('src/index.ts')]);
  dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-serve-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await receiver?.close();
  receiver = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliFile, ...args], { cwd: root, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Started { child: ChildProcess; banner: string; url: string; publicKey: string; stopped(): Promise<number | null> }

/** Starts `file` (the CLI with `serve …`, or the plain entry) and resolves once its banner is out. */
async function start(file: string, args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [file, ...args], { cwd: root, env: cleanEnv({ PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      banner += d.toString();
      // The banner ends with the SDK snippet's line.
      if (/new Telnyx\(.*\}\);\n/.test(banner)) resolve();
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before its banner: ${banner}`)));
  });
  const field = (name: string) => new RegExp(`^  ${name} +(.+)$`, 'm').exec(banner)?.[1] ?? '';
  return {
    child, banner, url: field('API base URL').replace(/\/v2$/, ''), publicKey: field('Webhook public key'),
    stopped: () => { child.kill('SIGTERM'); return exited; },
  };
}
const serve = (args: string[], env: Record<string, string> = {}) => start(cliFile, ['serve', ...args], env);

/** The public key endpoint, read as an app's setup script would: no API key. */
async function publicKeyEndpoint(url: string) {
  const res = await fetch(`${url}/_mock/webhooks/public_key`);
  return { status: res.status, body: await res.json() as { data: { public_key: string; source: string } } };
}

/** A caller arrives with its webhooks sent to the receiver; resolves with the call.initiated delivery. */
async function webhookFrom(server: Started) {
  receiver ??= await startReceiver();
  const before = receiver.accepted().length;
  const res = await fetch(`${server.url}/_mock/calls`, {
    method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+15550001000', to: '+15550002000', connection_id: 'conn-restart', webhook_url: receiver.url }),
  });
  expect(res.status).toBe(201);
  await receiver.accepts(before + 1, 10_000);
  return receiver.accepted()[before];
}

describe('telnyx-mock --version and keygen', () => {
  it('prints the package version for --version and -v, and --help lists both and keygen', async () => {
    for (const flag of ['--version', '-v']) {
      const { code, stdout, stderr } = await run([flag]);
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
    const help = (await run(['--help'])).stdout;
    expect(help).toContain('telnyx-mock --version                         print the version (also -v)');
    expect(help).toContain('telnyx-mock keygen [--seed <base64>]');
  }, 30_000);

  it('keygen prints a new seed and its public key as env lines, and for a given seed that seed\'s public key', async () => {
    const lines = /^TELNYX_MOCK_SIGNING_KEY=(\S+)\nTELNYX_PUBLIC_KEY=(\S+)\n$/;
    const first = lines.exec((await run(['keygen'])).stdout);
    const second = lines.exec((await run(['keygen'])).stdout);
    expect(first).not.toBeNull();
    expect(Buffer.from(first![1], 'base64')).toHaveLength(32);
    expect(first![2]).toBe(publicKeyOf(first![1]));
    expect(second![1]).not.toBe(first![1]);

    const given = await run(['keygen', '--seed', SEED]);
    expect(given).toEqual({ code: 0, stdout: `TELNYX_MOCK_SIGNING_KEY=${SEED}\nTELNYX_PUBLIC_KEY=${publicKeyOf(SEED)}\n`, stderr: '' });
  }, 30_000);

  it('keygen refuses a seed that is not the base64 of 32 bytes, in one line with exit status 2', async () => {
    for (const seed of [Buffer.alloc(31).toString('base64'), 'not base64!']) {
      const { code, stdout, stderr } = await run(['keygen', '--seed', seed]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^telnyx-mock: --seed must be the base64 of a 32-byte Ed25519 seed/);
    }
  }, 30_000);
});

describe('the start-up banner', () => {
  it('serve prints the version, API and console URLs, the public key and where it comes from, and the database', async () => {
    const db = join(dir, 'banner.db');
    const server = await serve(['--db', db], { TELNYX_MOCK_SIGNING_KEY: SEED });
    expect(server.banner).toMatch(new RegExp(`^telnyx-mock ${version.replace(/\./g, '\\.')} listening on http://127\\.0\\.0\\.1:\\d+\n`));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.banner).toContain(`  Console             ${server.url}/console\n`);
    expect(server.publicKey).toBe(publicKeyOf(SEED));
    expect(server.banner).toContain('  Key source          from TELNYX_MOCK_SIGNING_KEY (the same on every start)\n');
    expect(server.banner).toContain(`(also GET ${server.url}/_mock/webhooks/public_key, no API key needed)`);
    expect(server.banner).toContain(`  Database            ${db}\n`);
    expect(server.banner).toContain(`publicKey: '${publicKeyOf(SEED)}' });`);
    expect(await publicKeyEndpoint(server.url)).toEqual({ status: 200, body: { data: { public_key: publicKeyOf(SEED), source: 'TELNYX_MOCK_SIGNING_KEY' } } });
    expect(await server.stopped()).toBe(0);
  }, 30_000);

  it('the plain entry (npm start, node dist/src/index.js, the Docker CMD) prints the same banner, loopback URLs when bound to every interface', async () => {
    const server = await start(indexFile, [], { HOST: '0.0.0.0' });
    expect(server.banner).toMatch(new RegExp(`^telnyx-mock ${version.replace(/\./g, '\\.')} listening on http://0\\.0\\.0\\.0:\\d+ \\(every interface; from this machine http://127\\.0\\.0\\.1:\\d+\\)`));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.banner).toContain(`  Console             ${server.url}/console\n`);
    expect(server.banner).toMatch(/ {2}Key source {10}generated \(changes on restart: pin it with TELNYX_MOCK_SIGNING_KEY or a file database\); telnyx-mock keygen prints one\n/);
    expect(server.banner).toContain('  Database            in memory (state ends with the process; TELNYX_MOCK_DB=<file> keeps it)\n');
    const { body } = await publicKeyEndpoint(server.url);
    expect(body.data.public_key).toBe(server.publicKey);
    expect(body.data.source).toMatch(/^generated \(changes on restart/);
    expect((await fetch(`${server.url}/_mock/health`)).status).toBe(200);
    expect(await server.stopped()).toBe(0);
  }, 30_000);
});

describe('startMock()', () => {
  it('prints nothing: it is a library, and its key source is on the emulator instead', async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const log = vi.spyOn(console, 'log');
    try {
      const mock = await startMock({ signingKey: SEED });
      await mock.close();
      expect(mock.emulator.keySource).toBe('TELNYX_MOCK_SIGNING_KEY');
      expect(out).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      log.mockRestore();
    }
  });
});

describe('a webhook signing key that survives a restart', () => {
  it('the same TELNYX_MOCK_SIGNING_KEY gives the same public key, and a webhook signed after the restart verifies with the key read before it', async () => {
    const first = await serve([], { TELNYX_MOCK_SIGNING_KEY: SEED });
    const keyBefore = (await publicKeyEndpoint(first.url)).body.data.public_key;
    expect(await first.stopped()).toBe(0);

    const second = await serve([], { TELNYX_MOCK_SIGNING_KEY: SEED });
    expect(second.publicKey).toBe(keyBefore);
    const d = await webhookFrom(second);
    // The app, configured with the key from before the restart, still accepts what it is sent.
    const event = await sdkVerifier(keyBefore)(d.body, d.headers) as { data: { event_type: string } };
    expect(event.data.event_type).toBe('call.initiated');
  }, 30_000);

  it('the same file database keeps the generated key: same public key after a restart, and its webhooks verify with the key from before', async () => {
    const db = join(dir, 'kept.db');
    const first = await serve(['--db', db]);
    const before = await publicKeyEndpoint(first.url);
    expect(before.body.data.source).toBe('database');
    expect(first.banner).toContain(`  Key source          kept in the database (the same on every start with ${db})\n`);
    expect(await first.stopped()).toBe(0);

    const second = await serve(['--db', db]);
    expect(second.publicKey).toBe(before.body.data.public_key);
    const d = await webhookFrom(second);
    await expect(sdkVerifier(before.body.data.public_key)(d.body, d.headers)).resolves.toBeTruthy();
    expect(await second.stopped()).toBe(0);

    // In memory nothing is kept: another start signs with another key.
    const inMemory = await serve([]);
    expect(inMemory.publicKey).not.toBe(before.body.data.public_key);
  }, 30_000);
});

describe('serve --quota', () => {
  it('sets a per-account quota over its TELNYX_MOCK_MAX_* variable, and refuses a bad one with exit status 2', async () => {
    const server = await serve(['--quota', 'calls=1'], { TELNYX_MOCK_MAX_CALLS: '50' });
    const place = () => fetch(`${server.url}/_mock/calls`, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550001000', to: '+15550002000', connection_id: 'c' }),
    });
    expect((await place()).status).toBe(201);
    const refused = await place();
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: { detail: string }[] }).errors[0].detail).toContain('quota of 1 calls (TELNYX_MOCK_MAX_CALLS)');
    expect(await server.stopped()).toBe(0);

    const bad = await run(['serve', '--quota', 'calls=0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^telnyx-mock: --quota must be <name>=<positive integer> with a name among calls, /);
  }, 30_000);
});
