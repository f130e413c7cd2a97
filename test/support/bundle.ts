import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-artifacts', 'bundles');
const built = new Map<string, Promise<string>>();
/** A bundle of an older source, kept this long in case a run still spawns it. */
const STALE_MS = 10 * 60_000;

/**
 * A TypeScript entry point (e.g. 'src/cli.ts') built into one plain JavaScript file, once per
 * process, for tests that spawn it: `node bundle.mjs …` starts in a third of the time
 * `node --import tsx src/….ts` takes (tsx resolves and loads every module through its loader
 * hooks), and a CLI test spawns it a dozen times. The code is the same source. The pure-JavaScript
 * packages src/ depends on (package.json `dependencies`: hono, drizzle-orm, yaml…) are bundled in
 * too, from the checkout's node_modules: resolving and loading their hundreds of files was a third
 * of every start (0.18 → 0.12 s of CPU to a listening `serve`, some eighty starts a run). Native
 * better-sqlite3 and any other package (the SDK, dev tools) stay external, loaded from
 * node_modules. The bundle sits two directories below the
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

/** tsx's own esbuild (the compiler tsx runs TypeScript with): no dependency is added. */
export function esbuild() {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('tsx'))('esbuild') as {
    build(options: object): Promise<{ outputFiles: Array<{ contents: Uint8Array; text: string }> }>;
  };
}

/** The runtime dependencies bundled in: all but the native one. */
const INLINE = new Set(Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies)
  .filter((name) => name !== 'better-sqlite3' && !name.startsWith('@types/')));
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

async function build(entry: string): Promise<string> {
  const { outputFiles: [out] } = await esbuild().build({
    entryPoints: [join(root, entry)], write: false, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    jsx: 'automatic', jsxImportSource: 'hono/jsx', logLevel: 'error',
    // A bundled CommonJS package (yaml) requires Node's built-ins: `require` as ESM has none.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    plugins: [{
      name: 'external-packages',
      setup: (build: { onResolve(o: object, f: (a: { path: string }) => object | undefined): void }) => build.onResolve(
        { filter: /^[^./]/ }, ({ path }) => (INLINE.has(packageOf(path)) ? undefined : { path, external: true })),
    }],
  });
  // Named by its content: workers building the same source share one file, written once
  // (atomically), and a changed source gets a new one; older ones are pruned after a while.
  mkdirSync(OUT, { recursive: true });
  const name = entry.replace(/[^a-z0-9]+/gi, '-');
  const file = join(OUT, `${name}-${createHash('sha256').update(out.contents).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, file);
  }
  for (const old of readdirSync(OUT)) {
    const path = join(OUT, old);
    if (old.startsWith(`${name}-`) && path !== file && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
  }
  return file;
}
