/**
 * The builds the benchmark runs: this checkout, and a previous build checked out from git into a
 * temporary worktree (`git worktree add --detach`, node_modules symlinked to this checkout's,
 * removed when the bench ends), so one run compares ours against the build before it on the same
 * machine at the same moment.
 *
 * Both sides run COMPILED (tsc → dist/, what `npm start` and the package run), never under tsx:
 * tsx's esbuild transform wraps every function created at run time in a `__name(...)` call (a
 * closure made per request pays it on every request) and loads each module through its loader,
 * so timings under tsx measure tsx, not what users run, and move with how code happens to be
 * written (a closure more or less) rather than with what it does. Each side is compiled with this
 * checkout's TypeScript (same compiler, same options: the side's own tsconfig.json) into its own
 * dist/, together with its own test/bench/servers.ts, whose modes (`ours`, `bare`, `empty`) print
 * one JSON line ({ url, conferenceId, conferenceIds }) and then serve: the baseline's is used as it
 * is, whatever it seeds; the runner tops every server up to the same number of conferences.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** This checkout's root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** The build before the current work's first commit: the fallback baseline (see baselineRef). */
const FALLBACK_BASELINE = 'a03f5e9';

export interface Build {
  /** What the report calls it: 'ours' or 'previous'. */
  name: string;
  /** Checkout root (dist/ inside). */
  root: string;
  /** The commit it was built from (short), and `+ changes` when the checkout has uncommitted edits. */
  label: string;
}

const git = (args: string[], cwd = ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * The ref to compare against: `--baseline=<ref>` or BENCH_BASELINE=<ref> (any git ref: a commit, a
 * tag, `main`, `HEAD~3`); `none` skips the comparison. Default: the merge-base of HEAD and main
 * when that is an earlier commit (a branch compares against where it left main), else a03f5e9 (the
 * main branch before the i15 refactor, which the issue's measurements used).
 */
export function baselineRef(argv = process.argv.slice(2), env = process.env): string | undefined {
  const arg = argv.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length);
  const asked = arg ?? env.BENCH_BASELINE;
  if (asked === 'none' || asked === '') return undefined;
  if (asked) return asked;
  try {
    const base = git(['merge-base', 'HEAD', 'main']);
    if (base && base !== git(['rev-parse', 'HEAD'])) return base;
  } catch { /* no main branch: the fallback */ }
  return FALLBACK_BASELINE;
}

/** This checkout as a build. */
export function currentBuild(): Build {
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return { name: 'ours', root: ROOT, label: `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' + changes' : ''}` };
}

/**
 * Checks `ref` out into a temporary worktree; `remove` deletes it (and its dist/) again. A `ref`
 * that is a directory is taken as a checkout as it is (kept, e.g. one built before: with
 * BENCH_NO_BUILD=1 nothing is compiled, for quick reruns while iterating).
 */
export function baselineWorktree(ref: string): Build & { remove: () => void } {
  if (existsSync(join(ref, 'package.json'))) {
    return { name: 'previous', root: realpathSync(ref), label: `${ref} (${git(['rev-parse', '--short', 'HEAD'], ref)})`, remove: () => {} };
  }
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-baseline-'));
  git(['worktree', 'add', '--detach', dir, sha]);
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try { git(['worktree', 'remove', '--force', dir]); } catch { rmSync(dir, { recursive: true, force: true }); git(['worktree', 'prune']); }
  };
  return { name: 'previous', root: dir, label: `${ref === sha ? sha.slice(0, 7) : `${ref} (${sha.slice(0, 7)})`}`, remove };
}

/**
 * Compiles a checkout's src/ and schema/ into its dist/ (as `npm run build` does) plus its
 * test/bench/servers.ts into dist/test/bench/servers.js, with this checkout's tsc and the side's
 * own tsconfig.json. tsc emits despite type errors (an older checkout against newer types): only
 * missing output fails.
 */
export function compile(build: Build): Promise<void> {
  if (process.env.BENCH_NO_BUILD === '1') return Promise.resolve();
  const config = join(mkdtempSync(join(tmpdir(), 'telnyx-mock-tsconfig-')), 'tsconfig.json');
  writeFileSync(config, JSON.stringify({
    extends: join(build.root, 'tsconfig.json'),
    compilerOptions: { rootDir: build.root, outDir: join(build.root, 'dist'), typeRoots: [join(build.root, 'node_modules', '@types')] },
    include: [join(build.root, 'src'), join(build.root, 'schema')],
    files: [join(build.root, 'test', 'bench', 'servers.ts')],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', config], { cwd: build.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.once('exit', (code) => {
      rmSync(join(config, '..'), { recursive: true, force: true });
      const missing = [serversScript(build), entryScript(build)].filter((f) => !existsSync(f));
      if (missing.length > 0) return reject(new Error(`building ${build.name} (${build.label}) failed:\n${out}`));
      if (code !== 0) console.error(`(${build.name} ${build.label}: tsc reported errors; its output is used anyway)\n${out.split('\n').slice(0, 5).join('\n')}`);
      resolve();
    });
  });
}

const serversScript = (b: Build) => join(b.root, 'dist', 'test', 'bench', 'servers.js');
/** What `npm start` runs (scripts/start.mjs imports it once dist/ is current). */
const entryScript = (b: Build) => join(b.root, 'dist', 'src', 'index.js');

export interface Server { url: string; conferenceId: string; conferenceIds: string[]; child: ChildProcess }

/** One of a build's bench servers (`ours`, `bare`, `empty`), compiled, in its own process. */
export async function launch(build: Build, which: 'ours' | 'bare' | 'empty', env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [serversScript(build), which], {
    cwd: build.root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${build.name} ${which} server exited with ${code}`)));
  });
  return { ...JSON.parse(line), child };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc, in ticks of 10 ms; 0 elsewhere). */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime (USER_HZ 100)
  } catch {
    return 0;
  }
}

/**
 * Ready-to-listen time of the server as users start it: from spawning `node dist/src/index.js`
 * (PORT=0, in memory, the default config otherwise) to its "listening" line, in ms. The process is
 * stopped and reaped before this returns, so rounds never overlap. Also the CPU time the process
 * used until then: wall time on a busy machine is mostly waiting for a core, CPU time is not.
 */
export async function readyTime(build: Build): Promise<{ ms: number; cpuMs: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1' };
  for (const k of Object.keys(env)) if (k.startsWith('TELNYX_MOCK_')) delete env[k];
  const started = performance.now();
  const child = spawn(process.execPath, [entryScript(build)], { cwd: build.root, stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => { if (/listening/.test(line)) resolve(); });
      child.once('exit', (code) => reject(new Error(`${build.name} server exited with ${code} before listening`)));
    });
    return { ms: performance.now() - started, cpuMs: cpuMs(child.pid) };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
