#!/usr/bin/env node
/**
 * npm start: run the built server (dist/src/index.js), compiling first only when it is missing or
 * older than a file under src/ or schema/ (or tsconfig.json). A fresh clone builds on its first
 * start (`npm ci` does not: the package builds in `prepack`, so installing it never compiles with
 * dev dependencies); after an edit, the next start rebuilds.
 * Plain JS, no dependencies, so it runs before anything is built.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'src', 'index.js');

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/** The newest modification time of any file under `dir` (recursively). */
function newest(dir) {
  let latest = -1;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return latest;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(path) : mtime(path));
  }
  return latest;
}

const built = mtime(entry);
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'schema')), mtime(join(root, 'tsconfig.json')));
if (built < 0 || built < sources) {
  console.error(built < 0 ? 'telnyx-mock: dist/ is missing, building…' : 'telnyx-mock: sources changed, rebuilding dist/…');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    // tsc emits despite type errors: date the entry back so the next start tries again too.
    if (mtime(entry) >= 0) utimesSync(entry, 0, 0);
    process.exit(result.status ?? 1);
  }
  // The package's bin, executable as npm makes it on install: `npx telnyx-mock` in this checkout runs it.
  chmodSync(join(root, 'dist', 'src', 'cli.js'), 0o755);
}

await import(pathToFileURL(entry).href);
