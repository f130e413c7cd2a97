import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { parseScenarioText } from '../../src/scenario/parse.js';
import { freePort, ROOT, runDetached, userProject } from './project.js';
import { bundled, esbuild } from '../support/bundle.js';
import { startReferenceApp, type ReferenceApp } from '../../fixtures/reference-app.js';
import { anchorsOf, blocksOf, isShell, NOT_RUN, relativeLinks, RUNNABLE, type Block } from './blocks.js';

/**
 * README examples are code (ARCHITECTURE habit 18): every shell and TypeScript block of the
 * README and docs/ is marked (test/readme/blocks.ts says how) and the marked ones run here, so an
 * example that breaks fails CI, naming its file and line.
 *
 * - Shell blocks run in `bash -euo pipefail` in a temporary directory set up as a user's project
 *   (`npm i -D telnyx-mock` done: node_modules/.bin/telnyx-mock is this checkout's CLI, and
 *   `fixtures/` is linked in). curl is given `--fail-with-body` (a wrapper first on PATH), so a
 *   4xx/5xx answer fails the block as a wrong example should; a command that fails names its line.
 * - TypeScript blocks are compiled as tsx would (its esbuild) and run with node, `telnyx-mock`
 *   being src/lib.ts bundled (test/support/bundle.ts: one file to load, not ~150 modules through
 *   tsx's loader at every block); they are type-checked with the SDK's types against src/lib.ts
 *   itself (tsconfig `paths`), incrementally: tsc's build info (test-artifacts/readme) lets a run
 *   re-check only what changed since the last one, with the same diagnostics as a full check.
 * - Blocks address the server as the docs do, `localhost:5080` / `127.0.0.1:5080`; here that is
 *   a server on a free port (each block starts from a reset), or for `own-server` blocks, which
 *   start their own, another free port. Nothing else in a block is changed.
 */
/** The README and the user docs; `docs/*-notes.md` are a branch's notes for the README, folded into it at merge. */
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && !f.endsWith('-notes.md')).map((f) => `docs/${f}`)];
const blocks: Block[] = DOCS.flatMap((f) => blocksOf(f, join(ROOT, f)));
const WORK = join(ROOT, 'test-artifacts', 'readme');
const BLOCK_TIMEOUT_MS = 60_000;

const where = (b: Block) => `${b.file}:${b.line}`;
const byId = new Map(blocks.filter((b) => b.run?.id).map((b) => [`${b.file}#${b.run!.id}`, b]));
const used = (b: Block): Block[] => b.run!.uses.map((id) => {
  const u = byId.get(`${b.file}#${id}`);
  if (!u) throw new Error(`${where(b)}: uses=${id}, but no block of ${b.file} has id=${id}`);
  return u;
});

/** The block's text as it runs against `port`. */
const aimed = (text: string, port: number, ownServer: boolean) => (ownServer
  ? text.replace(/\b5080\b/g, String(port))
  : text.replace(/\b(localhost|127\.0\.0\.1):5080\b/g, `127.0.0.1:${port}`))
  .replace(/\b127\.0\.0\.1:4000\b/g, app ? new URL(app.webhookUrl).host : '127.0.0.1:4000');

const run = (cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) =>
  runDetached(cmd, args, { ...opts, timeoutMs: BLOCK_TIMEOUT_MS });

let mock: TelnyxMock;
/** The fixtures' reference app, for `app` blocks: started once, when the first needs it. */
let app: ReferenceApp | undefined;
let port: number;
let project: string;
let env: NodeJS.ProcessEnv;
let removeProject = () => {};
/** The TypeScript blocks that run, and their type-check, started with the server. */
const typed = blocks.filter((b) => b.run && !isShell(b) && !b.run.needs);
let typeCheck: ReturnType<typeof run>;
beforeAll(async () => {
  mock = await startMock();
  port = Number(new URL(mock.url).port);
  const user = await userProject({ BASE: mock.url, TELNYX_MOCK_URL: mock.url });
  project = user.dir;
  env = user.env;
  removeProject = user.remove;
  mkdirSync(WORK, { recursive: true });
  // The build's own compiler options (strict, jsx for the console's pages that src/lib.ts reaches).
  // examples/ are checked in the same program: src/ is type-checked once for both.
  writeFileSync(join(WORK, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: {
      noEmit: true, declaration: false, rootDir: '../..', paths: { 'telnyx-mock': ['../../src/lib.ts'] },
      incremental: true, tsBuildInfoFile: './tsc.tsbuildinfo',
    },
    include: ['*.ts', '../../examples/*/*.ts', '../../examples/*/src', '../../examples/*/test'],
  }, null, 2));
  rmSync(join(WORK, 'run'), { recursive: true, force: true });
  mkdirSync(join(WORK, 'run'));
  for (const f of readdirSync(WORK)) if (f.endsWith('.ts')) rmSync(join(WORK, f));
  // The type-check runs beside the blocks (it takes seconds); its test awaits it.
  for (const b of typed) writeFileSync(tsFile(b), `${b.text}\n`);
  typeCheck = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(WORK, 'tsconfig.json')], { cwd: ROOT, env });
});
afterAll(async () => {
  await app?.close();
  await mock?.close();
  removeProject();
});

/** A TypeScript block's file: the docs' name and line, so a failure names them. */
const tsFile = (b: Block, dir = WORK) => join(dir, `${b.file.replace(/[^a-z0-9]+/gi, '-')}-L${b.line}.ts`);

async function runBlock(b: Block) {
  const own = b.run!.ownServer;
  if (b.run!.app) app ??= await startReferenceApp({ telnyxUrl: mock.url, apiKey: 'KEY_demo', publicKey: mock.publicKey });
  const target = own ? await freePort() : port;
  if (!own) await fetch(`${mock.url}/_mock/reset`, { method: 'POST', headers: { authorization: 'Bearer KEY_readme', 'content-type': 'application/json' }, body: '{"all":true}' });
  const text = aimed(b.text, target, own);
  if (isShell(b)) {
    const prelude = used(b).map((u) => aimed(u.text, target, own)).join('\n');
    const offset = b.line - prelude.split('\n').length - 1;
    // An ERR trap names the failing line in the docs (lines of a `uses` block show as before it).
    const script = `trap 'echo "exit $? at ${b.file}:$((LINENO + ${offset}))" >&2' ERR\n${prelude}\n${text}\n`;
    return run('bash', ['-euo', 'pipefail', '-c', script], { cwd: project, env });
  }
  // Run from a copy aimed at the server, apart from the type-checked one: compiled to JavaScript
  // beside it (a source map gives a failure the block's own lines), `telnyx-mock` the bundle.
  const file = tsFile(b, join(WORK, 'run'));
  writeFileSync(file, `${text}\n`);
  const lib = await bundled('src/lib.ts');
  const { outputFiles: [js] } = await esbuild().build({
    entryPoints: [file], write: false, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20',
    sourcemap: 'inline', logLevel: 'error', outfile: file.replace(/\.ts$/, '.mjs'),
    plugins: [{ name: 'telnyx-mock', setup: (build: { onResolve(o: object, f: () => object): void }) => build.onResolve({ filter: /^telnyx-mock$/ }, () => ({ path: lib, external: true })) }],
  });
  writeFileSync(file.replace(/\.ts$/, '.mjs'), js.contents);
  return run(process.execPath, ['--enable-source-maps', file.replace(/\.ts$/, '.mjs')], { cwd: ROOT, env });
}

describe('the code blocks of the README and docs/', () => {
  it.each(blocks.filter((b) => RUNNABLE.has(b.lang)).map((b) => [where(b), b] as const))(
    '%s is marked to run, or says why not', (_, b) => {
      expect(b.run || b.noRun, `${where(b)}: a ${b.lang} block needs <!-- run --> or <!-- no-run: reason --> on the line before it`).toBeTruthy();
    });

  it.each(blocks.filter((b) => !RUNNABLE.has(b.lang)).map((b) => [where(b), b] as const))(
    '%s is of a language the suite does not run, for a stated reason', (_, b) => {
      expect(NOT_RUN[b.lang], `${where(b)}: no reason is listed for not running ${b.lang || 'unlabelled'} blocks (test/readme/blocks.ts)`).toBeDefined();
      expect(b.run, `${where(b)}: ${b.lang} blocks cannot run`).toBeUndefined();
    });

  it.each(blocks.filter((b) => ['yaml', 'yml', 'json'].includes(b.lang)).map((b) => [where(b), b] as const))(
    '%s parses', (_, b) => {
      expect(() => (b.lang === 'json' ? JSON.parse(b.text) : parseYaml(b.text, { strict: true })), where(b)).not.toThrow();
    });

  // A scenario shown in the docs is one the runner takes (steps, actions and checks it knows).
  it.each(blocks.filter((b) => ['yaml', 'yml'].includes(b.lang) && /^steps:/m.test(b.text)).map((b) => [where(b), b] as const))(
    '%s is a valid scenario', (_, b) => {
      expect(parseScenarioText(b.text, where(b)).steps.length).toBeGreaterThan(0);
    });
});

describe('the marked blocks run against a server', () => {
  const marked = blocks.filter((b) => b.run);
  it.each(marked.filter((b) => !b.run!.needs).map((b) => [`${where(b)} (${b.lang})`, b] as const))(
    '%s', async (_, b) => {
      const { code, out } = await runBlock(b);
      expect(code, `${where(b)} (${b.lang}) failed:\n${out}`).toBe(0);
    }, BLOCK_TIMEOUT_MS + 10_000);
  // A block for a feature not built yet: shown skipped, with the feature it needs.
  it.skip.each(marked.filter((b) => b.run!.needs).map((b) => [`${where(b)} (${b.lang}) needs ${b.run!.needs}`, b] as const))('%s', () => {});

  it('fails a block whose example is wrong, naming the line', async () => {
    // The README's old mistake: keys pressed on a call that is still ringing (422 90034).
    const wrong: Block = {
      file: 'WRONG.md', line: 10, lang: 'sh', run: { uses: [], ownServer: false, app: false },
      text: [
        "KEY='Authorization: Bearer KEY_wrong'; J='content-type: application/json'",
        'CALL=$(curl -s -XPOST localhost:5080/_mock/calls -H "$KEY" -H "$J" -d \'{"from":"+15551230001","to":"+15559870000","connection_id":"c"}\' | node -pe \'JSON.parse(fs.readFileSync(0)).data.call_control_id\')',
        'curl -s -XPOST localhost:5080/_mock/calls/$CALL/dtmf -H "$KEY" -H "$J" -d \'{"digits":"1"}\'',
        'echo not reached',
      ].join('\n'),
    };
    const { code, out } = await runBlock(wrong);
    expect(code).not.toBe(0);
    expect(out).toContain('90034');
    expect(out).toContain('at WRONG.md:13');
    expect(out).not.toContain('not reached');
  });

  it('the TypeScript blocks and examples/ type-check against the SDK and telnyx-mock', async () => {
    expect(typed.length).toBeGreaterThan(0);
    const { code, out } = await typeCheck;
    expect(code, out.replace(/test-artifacts\/readme\/(\S+?)-L(\d+)\.ts/g, '$1 block at line $2,')).toBe(0);
  }, 120_000);
});

describe('links', () => {
  it.each(DOCS)('every relative link and anchor of %s points somewhere', (doc) => {
    const broken = relativeLinks(join(ROOT, doc)).filter(({ target }) => {
      const [path, anchor] = target.split('#');
      const file = path ? join(ROOT, dirname(doc), decodeURIComponent(path)) : join(ROOT, doc);
      if (!existsSync(file)) return true;
      return anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor);
    });
    expect(broken.map((l) => `${doc}:${l.line} → ${l.target}`)).toEqual([]);
  });
});
