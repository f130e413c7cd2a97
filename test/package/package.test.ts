import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forbiddenInPackage, readDockerfile } from '../../scripts/package-rules.mjs';

/**
 * The package and the Dockerfile, held to what a user and an image need, in the suite and without
 * packing: `npm run pack-check` (CI, after `npm test`) installs and runs the real tarball; this
 * catches the same drift in seconds (a test folder shipped, a renamed entry, a Dockerfile left
 * behind by a version bump).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  version: string; license: string; files: string[]; scripts: Record<string, string>; bin: Record<string, string>;
  main: string; types: string; exports: Record<string, { types?: string; default?: string } | string>;
  repository?: { url: string }; homepage?: string; bugs?: { url: string }; keywords: string[];
};
/** What tsc emits for a file of src/ (outDir dist, rootDir .): dist/src/x.js ← src/x.ts. */
const sourceOf = (emitted: string) => emitted.replace(/^\.?\/?dist\//, '').replace(/\.d\.ts$/, '.ts').replace(/\.js$/, '.ts');

describe('the npm package', () => {
  it('packs no tests, specs, screenshots, CI files or sources, and the files the server reads at run time', async () => {
    // --ignore-scripts: list what `files` selects without building (dist/ is there or not).
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    const files = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    expect(files.filter(forbiddenInPackage)).toEqual([]);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'schema/migrations/meta/_journal.json', 'fixtures/support-queue.json', 'fixtures/moderated-conference.yaml']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('fixtures/') && !/\.(json|ya?ml)$/.test(f))).toEqual([]);
  }, 60_000);

  it('points bin, main, types and exports at what tsc emits from src/, the bin with a node shebang', () => {
    const entries = [pkg.bin['telnyx-mock'], pkg.main, pkg.types, (pkg.exports['.'] as { types: string }).types, (pkg.exports['.'] as { default: string }).default];
    expect(entries).toEqual(['dist/src/cli.js', 'dist/src/lib.js', 'dist/src/lib.d.ts', './dist/src/lib.d.ts', './dist/src/lib.js']);
    for (const e of entries) expect(existsSync(join(root, sourceOf(e)))).toBe(true);
    expect(read('src/cli.ts').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/src/', 'schema/migrations/', 'README.md', 'LICENSE']));
  });

  it('builds when packed, not when installed, and says where it comes from under the MIT licence', () => {
    // `prepare` would compile with dev dependencies on every git install; prepack runs on npm pack/publish.
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/npm run build$/);
    // The build compiles and makes the bin executable, as npm does on install (npx in the checkout runs it).
    expect(pkg.scripts.build).toMatch(/^tsc -p tsconfig\.json && .*chmodSync\('dist\/src\/cli\.js', 0o755\)/);
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 telnyx-mock contributors\n/);
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.homepage).toBeTruthy();
    expect(pkg.bugs?.url).toBeTruthy();
    expect(pkg.keywords).toEqual(expect.arrayContaining(['telnyx', 'mock']));
  });
});

describe('the Dockerfile', () => {
  const docker = readDockerfile(read('Dockerfile'));

  it('is based on Node 24, the Active LTS (Node 20 ended 2026-04-30), and labels the image with the package version', () => {
    expect(docker.nodeImage).toMatch(/^node:24-/);
    expect(docker.version).toBe(pkg.version);
    expect(read('Dockerfile')).toContain('org.opencontainers.image.version="${VERSION}"');
  });

  it('runs the built entry as the unprivileged node user, listening on every interface, with state in the /data volume', () => {
    expect(docker.cmd).toEqual(['node', 'dist/src/index.js']);
    expect(existsSync(join(root, sourceOf(docker.cmd![1])))).toBe(true);
    expect(docker).toMatchObject({ workdir: '/app', user: 'node', volume: '/data' });
    expect(docker.env).toMatchObject({ HOST: '0.0.0.0', PORT: '5080', TELNYX_MOCK_DB: '/data/telnyx-mock.db' });
  });

  it('probes /_mock/health with node alone (the slim image has no curl)', () => {
    expect(docker.healthcheck?.slice(0, 2)).toEqual(['node', '-e']);
    expect(docker.healthcheck?.[2]).toContain('/_mock/health');
    expect(docker.healthcheckLine).not.toMatch(/curl|wget/);
  });

  it('copies from the build context only what the package ships, and installs dependencies before copying sources', () => {
    // npm always packs package.json; the rest must be in `files`.
    const shipped = (path: string) => path === 'package.json' || pkg.files.some((f) => f === path || f.startsWith(`${path}/`));
    expect(docker.contextCopies.filter((path) => !shipped(path))).toEqual([]);
    expect(docker.contextCopies).toEqual(expect.arrayContaining(['schema/migrations', 'fixtures']));
    const text = read('Dockerfile');
    expect(text.indexOf('npm ci --omit=dev')).toBeLessThan(text.indexOf('COPY src'));
    expect(text.indexOf('COPY package.json package-lock.json')).toBeLessThan(text.indexOf('npm ci'));
  });
});
