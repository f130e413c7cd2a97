import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../support/bundle.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/**
 * A user's project after `npm i -D telnyx-mock`, in a temporary directory: `npx telnyx-mock`
 * runs this checkout's CLI from node_modules/.bin (bundled from source, test/support/bundle.ts;
 * an `npx` first on PATH goes there directly, see below),
 * `fixtures/` is linked in, and `curl` on PATH fails on a 4xx/5xx answer (`--fail-with-body`)
 * unless the command asks for plain `-f` itself (curl refuses both at once), so a wrong example
 * fails instead of printing an error and going on.
 */
export async function userProject(extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-docs-'));
  const cli = await bundled('src/cli.ts');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "my-app", "private": true, "type": "module" }\n');
  writeFileSync(join(dir, 'node_modules', '.bin', 'telnyx-mock'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(dir, 'node_modules', '.bin', 'telnyx-mock'), 0o755);
  symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
  const curl = execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'curl'), `#!/bin/sh
for a in "$@"; do
  case "$a" in --fail|--fail-with-body|-[!-]*f*) exec "${curl}" --show-error "$@";; esac
done
exec "${curl}" --fail-with-body --show-error "$@"
`);
  chmodSync(join(dir, 'bin', 'curl'), 0o755);
  // `npx telnyx-mock …` runs what npx would find, node_modules/.bin/telnyx-mock, without npx's own
  // start (a quarter of a second, two dozen times a run); any other npx command goes to the real
  // one. npx's lookup of an installed package's bin is exercised for real by `npm run pack-check`.
  const npx = execFileSync('sh', ['-c', 'command -v npx'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'bin', 'npx'), `#!/bin/sh
[ "$1" = telnyx-mock ] && [ -x node_modules/.bin/telnyx-mock ] && { shift; exec node_modules/.bin/telnyx-mock "$@"; }
exec "${npx}" "$@"
`);
  chmodSync(join(dir, 'bin', 'npx'), 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    npm_config_yes: 'false', npm_config_update_notifier: 'false', ...extraEnv,
  };
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs a command in its own process group, killed whole when it ends or after `timeoutMs`: a
 * script may leave a server running in the background.
 */
export function runDetached(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }) {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise<{ code: number | null; out: string }>((res) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; });
    child.stderr!.on('data', (d: Buffer) => { out += d; });
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
    const timer = setTimeout(() => { out += `\n(timed out after ${timeoutMs} ms)`; kill(); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); kill(); res({ code, out }); });
  });
}
