import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * examples/ are projects a user would copy, so they run here as a user runs them: their own
 * vitest run with their own config (a global setup starting telnyx-mock). `telnyx-mock` is
 * mapped to this checkout's src/lib.ts by the example's vitest alias (and tsconfig `paths`),
 * which its README says to delete in a real project. Their types are checked with the README's
 * TypeScript blocks, in one program (readme.test.ts).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function run(args: string[]) {
  // The outer vitest's variables would make the inner run think it is a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  return new Promise<{ code: number | null; out: string }>((res) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; });
    child.stderr!.on('data', (d: Buffer) => { out += d; });
    // eslint-disable-next-line no-control-regex
    child.on('close', (code) => res({ code, out: out.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

describe('examples/vitest-global-setup', () => {
  const dir = 'examples/vitest-global-setup';
  it('passes its own test run: one emulator from the global setup, an IVR tested with the SDK', async () => {
    const { code, out } = await run([join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/Tests\s+\S*\s*2 passed/);
  }, 120_000);
});
