#!/usr/bin/env node
/**
 * The package as a user gets it, checked end to end (CI runs this after `npm test`; it is not part
 * of it: it installs from the registry and compiles better-sqlite3 again, a minute or more).
 *
 *  1. `npm pack` (prepack builds dist/) into a temp dir; the tarball holds what the server needs at
 *     run time (dist, migrations, scenario fixtures, README, LICENSE) and no tests, specs,
 *     screenshots, CI files or sources.
 *  2. An empty project installs the tarball (and typescript): `npx telnyx-mock --version`, then
 *     `npx telnyx-mock serve` answers /_mock/health, a /v2 request and an operation it does not emulate.
 *  3. A TypeScript file importing `startMock` from 'telnyx-mock' type-checks (nodenext, strict) and
 *     runs: start, place a call, close.
 *  4. The Dockerfile's final stage replayed on that install, as no Docker engine runs here: its ENV
 *     (with /data moved to a temp dir), an unprivileged user, its CMD; its HEALTHCHECK command,
 *     taken from the file, must exit 0; what it COPYs and runs must exist in the package.
 *
 * Plain Node, no dependencies. Exit 0 when all holds; otherwise one line per failure and exit 1.
 * KEEP_PACK_CHECK=1 keeps the temp dir for a look.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forbiddenInPackage, readDockerfile } from './package-rules.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'telnyx-mock-pack-'));
// The unprivileged user the replayed image runs as when this script is root (the image's `node`).
const NOBODY = 65534;
if (process.getuid?.() === 0) chmodSync(tmp, 0o755);
const failures = [];
/** Every server started, killed (their process groups) however the script ends. */
const servers = new Set();

const step = (what) => console.log(`\n== ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
function check(ok, message) {
  if (ok) return true;
  failures.push(message);
  console.error(`FAIL ${message}`);
  return false;
}
/** A step that cannot go on: stop here, saying why. */
function fatal(message) {
  failures.push(message);
  throw new Error(message);
}

async function sh(cmd, args, opts = {}) {
  try {
    return await promisify(execFile)(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts });
  } catch (err) {
    fatal(`${cmd} ${args.join(' ')} failed (exit ${err.code}):\n${err.stderr || err.stdout || err.message}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Spawns a server and resolves once its banner's last line is out (or fails with what it printed). */
function startServer(cmd, args, opts) {
  // Its own process group: npx runs the server as a child and does not pass SIGTERM on, so the
  // signal goes to the whole group (as `docker stop` reaches the container's main process).
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const signal = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig)));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s; stdout: ${out}\nstderr: ${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (/new Telnyx\(.*\}\);\n/.test(out)) { clearTimeout(timer); resolve(); }
    });
    child.stderr.on('data', (d) => { err += d; });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited (${code}) before its banner; stdout: ${out}\nstderr: ${err}`)); });
  });
  const server = {
    ready: ready.then(() => out),
    stop: () => { signal('SIGTERM'); return exited; },
    kill: () => signal('SIGKILL'),
  };
  servers.add(server);
  return server;
}

/** /_mock/health and one /v2 request answer as they should. */
async function answers(base, label) {
  const health = await fetch(`${base}/_mock/health`).catch((e) => ({ status: `unreachable (${e.message})` }));
  check(health.status === 200, `${label}: GET /_mock/health answered ${health.status}, expected 200`);
  const res = await fetch(`${base}/v2/conferences`, { headers: { authorization: 'Bearer KEY_pack_check' } }).catch((e) => ({ status: `unreachable (${e.message})` }));
  const body = res.status === 200 ? await res.json() : undefined;
  check(res.status === 200 && Array.isArray(body?.data), `${label}: GET /v2/conferences answered ${res.status}, expected 200 with a data array`);
  // The spec's operation index ships as data beside the code (dist/src/http/spec-operations.json).
  const out = await fetch(`${base}/v2/messaging_profiles`, { headers: { authorization: 'Bearer KEY_pack_check' } }).catch((e) => ({ status: `unreachable (${e.message})` }));
  const detail = out.status === 422 ? (await out.json()).errors?.[0]?.detail ?? '' : '';
  check(out.status === 422 && detail.includes('not emulated'), `${label}: GET /v2/messaging_profiles answered ${out.status}, expected 422 "not emulated"`);
}

// ---------------------------------------------------------------------------------------------

async function packed() {
  step('npm pack (prepack builds dist/)');
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root });
  // prepack's own output may precede the JSON.
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const files = info.files.map((f) => f.path);
  console.log(`${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(0)} kB packed`);

  const forbidden = files.filter(forbiddenInPackage);
  check(forbidden.length === 0, `the tarball holds what no user needs: ${forbidden.slice(0, 10).join(', ')}${forbidden.length > 10 ? ', …' : ''}`);
  const needed = ['package.json', 'README.md', 'LICENSE', 'dist/src/cli.js', 'dist/src/index.js', 'dist/src/lib.js', 'dist/src/lib.d.ts',
    'dist/schema/index.js', 'schema/migrations/meta/_journal.json', 'schema/snapshot.schema.json', 'fixtures/support-queue.json'];
  for (const f of needed) check(files.includes(f), `the tarball lacks ${f}`);
  check(files.some((f) => /^schema\/migrations\/.*\.sql$/.test(f)), 'the tarball holds no migration (schema/migrations/*.sql)');
  check(readFileSync(join(root, pkg.bin['telnyx-mock']), 'utf8').startsWith('#!/usr/bin/env node\n'), `${pkg.bin['telnyx-mock']} does not start with a node shebang`);
  return { tarball: join(tmp, info.filename), files };
}

async function installed(tarball) {
  step('an empty project installs the tarball and typescript (better-sqlite3 compiles again)');
  const project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
  // The TypeScript and Node types this repository builds with: what a user's project would have.
  const ts = `typescript@${pkg.devDependencies.typescript}`;
  const types = `@types/node@${pkg.devDependencies['@types/node']}`;
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ts, types], { cwd: project });
  const bin = join(project, 'node_modules', '.bin', 'telnyx-mock');
  check(existsSync(bin) && (statSync(bin).mode & 0o111) !== 0, 'node_modules/.bin/telnyx-mock is missing or not executable');
  const devDeps = Object.keys(pkg.devDependencies).filter((d) => d !== 'typescript' && d !== '@types/node' && existsSync(join(project, 'node_modules', d)));
  check(devDeps.length === 0, `installing the package pulled dev dependencies: ${devDeps.join(', ')}`);
  return project;
}

async function cli(project) {
  step('npx telnyx-mock --version, then npx telnyx-mock serve');
  const { stdout } = await sh('npx', ['--no-install', 'telnyx-mock', '--version'], { cwd: project });
  check(stdout.trim() === pkg.version, `npx telnyx-mock --version printed '${stdout.trim()}', expected '${pkg.version}'`);

  const port = await freePort();
  const server = startServer('npx', ['--no-install', 'telnyx-mock', 'serve', '--port', String(port)], { cwd: project, env: cleanEnv() });
  try {
    const banner = await server.ready;
    check(banner.startsWith(`telnyx-mock ${pkg.version} listening on http://127.0.0.1:${port}`), `serve's banner does not open with the version and URL:\n${banner}`);
    await answers(`http://127.0.0.1:${port}`, 'npx telnyx-mock serve');
  } catch (err) {
    check(false, `npx telnyx-mock serve: ${err.message}`);
  } finally {
    await server.stop();
  }
  const after = await fetch(`http://127.0.0.1:${port}/_mock/health`).then(() => 'still answering', () => 'stopped');
  check(after === 'stopped', 'npx telnyx-mock serve still answers after SIGTERM');
}

const APP = `import { startMock, type TelnyxMock, type CallView } from 'telnyx-mock';

const mock: TelnyxMock = await startMock();
const call: CallView = mock.placeCall({ from: '+15550001000', to: '+15550002000' });
const initiated = await mock.waitForWebhook('call.initiated', { callControlId: call.call_control_id });
const state: string = mock.call(call.call_control_id).state;
console.log(JSON.stringify({ baseURL: mock.baseURL, state, event: initiated.event_type }));
await mock.close();
`;

async function typescript(project) {
  step("a TypeScript file imports startMock from 'telnyx-mock': tsc --noEmit (nodenext, strict), then runs");
  writeFileSync(join(project, 'app.ts'), APP);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: ['node'], outDir: 'out' },
    files: ['app.ts'],
  }, null, 2));
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  // drizzle-orm's declarations only check with skipLibCheck (its own advice, and tsc --init's
  // default), so the project uses it; a full check must still find nothing wrong in this package's
  // declarations (a type they name but the package does not bring) or in the app.
  const strict = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '--skipLibCheck', 'false', '-p', 'tsconfig.json'], { cwd: project })
    .then(() => '', (e) => e.stdout ?? '');
  const ours = strict.split('\n').filter((l) => /^(app\.ts|node_modules\/telnyx-mock\/)/.test(l));
  check(ours.length === 0, `the package's declarations do not type-check in a user's project:\n${ours.join('\n')}`);
  await sh(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { cwd: project });
  await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
  const { stdout } = await sh(process.execPath, ['out/app.js'], { cwd: project, env: cleanEnv(), timeout: 30_000 });
  let result;
  try {
    result = JSON.parse(stdout.trim().split('\n').pop());
  } catch {
    fatal(`the TypeScript app printed no result: ${stdout}`);
  }
  check(/^http:\/\/127\.0\.0\.1:\d+\/v2$/.test(result.baseURL) && result.state === 'ringing' && result.event === 'call.initiated',
    `the TypeScript app saw ${JSON.stringify(result)}, expected a ringing call and its call.initiated`);
}

async function docker(project, files) {
  step("the Dockerfile's final stage replayed on the installed package (no Docker engine here)");
  const dockerfile = readDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const app = join(project, 'node_modules', 'telnyx-mock');

  // What the stage copies from the build context, and its CMD, are in the package.
  check(/^node:24[-.]/.test(dockerfile.nodeImage ?? ''), 'the Dockerfile is not based on node:24 (the Active LTS)');
  check(dockerfile.version === pkg.version, `the Dockerfile's ARG VERSION is ${dockerfile.version}, not package.json's ${pkg.version}`);
  for (const s of dockerfile.contextCopies) check(files.some((f) => f === s || f.startsWith(`${s}/`)), `the Dockerfile copies ${s}, which the package does not hold`);
  check(dockerfile.workdir === '/app', `the final stage's WORKDIR is ${dockerfile.workdir}, expected /app`);
  check(dockerfile.user === 'node', `the final stage runs as ${dockerfile.user}, expected the unprivileged node user`);
  check(dockerfile.volume === '/data', 'the final stage declares no /data volume');
  const { cmd, healthcheck } = dockerfile;
  if (!Array.isArray(cmd)) fatal('the Dockerfile has no CMD in exec form (["node", …])');
  check(cmd[0] === 'node' && existsSync(join(app, cmd[1])), `the Dockerfile's CMD runs ${cmd.join(' ')}, which is not in the package`);
  if (!Array.isArray(healthcheck)) fatal('the Dockerfile has no HEALTHCHECK … CMD [ … ] in exec form');
  check(!/curl|wget/.test(dockerfile.healthcheckLine), 'the HEALTHCHECK needs curl or wget, which the slim image lacks');

  // Its environment, with the /data volume in a temp dir the unprivileged user owns.
  const data = join(tmp, 'data');
  mkdirSync(data);
  const env = { ...cleanEnv(), ...dockerfile.env };
  check(env.HOST === '0.0.0.0' && env.TELNYX_MOCK_DB?.startsWith('/data/'), `the image's ENV should listen on 0.0.0.0 and keep state under /data: ${JSON.stringify(env)}`);
  env.TELNYX_MOCK_DB = env.TELNYX_MOCK_DB.replace(/^\/data\//, `${data}/`);
  env.PORT = String(await freePort());
  // As root, run as nobody (the image's USER node has no root either); otherwise as this user.
  let run = (c) => c;
  if (process.getuid?.() === 0) {
    chownSync(data, NOBODY, NOBODY);
    run = (c) => ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...c];
  }
  const asImage = (c) => { const [first, ...rest] = run(c.map((a) => (a === 'node' ? process.execPath : a))); return [first, rest]; };
  const server = startServer(...asImage(cmd), { cwd: app, env });
  try {
    const banner = await server.ready;
    check(banner.startsWith(`telnyx-mock ${pkg.version} listening on http://0.0.0.0:${env.PORT}`), `the image's banner does not open with the version:\n${banner}`);
    check(banner.includes(`Database            ${env.TELNYX_MOCK_DB}`), 'the image does not keep its database in the /data volume');
    check(existsSync(env.TELNYX_MOCK_DB), `the unprivileged server wrote no database at ${env.TELNYX_MOCK_DB}`);
    const [hc, hcArgs] = asImage(healthcheck);
    const probe = await promisify(execFile)(hc, hcArgs, { cwd: app, env, timeout: 10_000 }).then(() => 0, (e) => e.code ?? 1);
    check(probe === 0, `the Dockerfile's HEALTHCHECK command exited ${probe}, expected 0`);
    await answers(`http://127.0.0.1:${env.PORT}`, 'the replayed image');
    const code = await server.stop();
    check(code === 0, `the replayed image exited ${code} on SIGTERM, expected 0`);
    // And the probe tells a stopped server apart.
    const down = await promisify(execFile)(hc, hcArgs, { cwd: app, env, timeout: 10_000 }).then(() => 0, (e) => e.code ?? 1);
    check(down !== 0, 'the HEALTHCHECK command exits 0 with no server running');
  } catch (err) {
    check(false, `the replayed image: ${err.message}`);
    await server.stop();
  }
}

/** The environment without the caller's own telnyx-mock settings. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELNYX_MOCK_') && k !== 'PORT' && k !== 'HOST'));
}

try {
  const { tarball, files } = await packed();
  const project = await installed(tarball);
  await cli(project);
  await typescript(project);
  await docker(project, files);
} catch (err) {
  if (!failures.includes(err.message)) failures.push(err.stack ?? err.message);
  console.error(`FAIL ${err.message}`);
} finally {
  for (const s of servers) s.kill();
  if (!process.env.KEEP_PACK_CHECK) rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${tmp}`);
}

const secs = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length) {
  console.error(`\npack-check: ${failures.length} failure(s) in ${secs} s`);
  process.exit(1);
}
console.log(`\npack-check: the package installs, serves, type-checks and runs as the image would (${secs} s)`);
