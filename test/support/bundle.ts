import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-artifacts', 'bundles');
const built = new Map<string, Promise<string>>();

/**
 * A TypeScript entry point (e.g. 'src/cli.ts') built into one plain JavaScript file, once per
 * process, for tests that spawn it: `node bundle.mjs …` starts in a third of the time
 * `node --import tsx src/….ts` takes (tsx resolves and loads every module through its loader
 * hooks), and a CLI test spawns it a dozen times. The code is the same source; packages stay
 * external, loaded from the checkout's node_modules. The bundle sits two directories below the
 * checkout (test-artifacts/bundles/, gitignored), so what the code finds from its own file
 * (schema/migrations, fixtures/) still resolves. esbuild is tsx's own, the one that would have
 * compiled these files anyway: no dependency is added.
 */
export function bundled(entry: string): Promise<string> {
  let file = built.get(entry);
  if (!file) {
    file = build(entry);
    built.set(entry, file);
  }
  return file;
}

async function build(entry: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsx'))('esbuild') as { build(options: object): Promise<unknown> };
  mkdirSync(OUT, { recursive: true });
  // One file per process and entry: workers running in parallel never share one half-written.
  const name = entry.replace(/[^a-z0-9]+/gi, '-');
  const outfile = join(OUT, `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.mjs`);
  await esbuild.build({
    entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', jsx: 'automatic', jsxImportSource: 'hono/jsx', logLevel: 'error',
  });
  process.once('exit', () => rmSync(outfile, { force: true }));
  return outfile;
}
