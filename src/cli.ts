#!/usr/bin/env node
/**
 * The telnyx-mock command: `serve` starts the emulator, `scenario run` drives one that is running,
 * `keygen` makes (or reads) a webhook signing seed.
 * Like src/index.ts this is an entry point, so it may read process.env (flags win over it).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { configFromEnv, packageVersion, parseRunSeed, type Config } from './config.js';
import type { RunningEmulator } from './server.js';
import { keyFromSeed, parseSeed, signingSeedOf } from './webhooks/keys.js';
import { parseScenarioText, ScenarioError } from './scenario/parse.js';
import { isHttpUrl } from './commands/schema.js';
import { logSettings } from './log.js';
import type { ScenarioResult, StepResult } from './scenario/types.js';
import { QUOTA_DEFAULTS } from './model/quotas.js';
import { exportSnapshot, importSnapshot, OPERATOR_KEY, parseSnapshotText, validateSnapshot } from './commands/snapshot.js';
import { snapshotText } from './serialize/snapshot.js';
import { TelnyxError } from './model/errors.js';
import { rename, writeFile } from 'node:fs/promises';

const HELP = `telnyx-mock: a local, stateful emulator of Telnyx's conferencing, queue and call-control API.
Point the official SDK at it, play the callers from your tests, and check what your app did.

Usage
  telnyx-mock serve [options]                   start the emulator
  telnyx-mock scenario run <file>... [options]  run scenario files against a running emulator
  telnyx-mock scenario check <file>...          check scenario files without running them
  telnyx-mock keygen [--seed <base64>]          print a webhook signing seed and its public key
  telnyx-mock replay <file> [options]           re-send a recorded run (GET /_mock/requests/export)
  telnyx-mock --version                         print the version (also -v)
  telnyx-mock --help

serve
  -p, --port <n>                port to listen on (default 5080 or $PORT; 0 picks a free one)
  -H, --host <address>          address to listen on (default 127.0.0.1 or $HOST)
      --db <file>               keep state in this SQLite file (default: in memory, or $TELNYX_MOCK_DB)
      --webhook-url <url>       where webhooks go when neither the call nor its connection names a URL
                                ($TELNYX_MOCK_WEBHOOK_URL)
      --webhook-failover-url <url>
                                tried when the webhook URL fails ($TELNYX_MOCK_WEBHOOK_FAILOVER_URL)
      --signing-key <base64>    32-byte Ed25519 seed that signs webhooks ($TELNYX_MOCK_SIGNING_KEY;
                                default: kept in the --db file, or new on every start in memory)
      --log <list>              a line per API request and webhook attempt: failures by default;
                                requests,webhooks adds successes, none prints nothing ($TELNYX_MOCK_LOG)
      --log-format <text|json>  the log as text (default) or JSON lines ($TELNYX_MOCK_LOG_FORMAT)
      --quota <name>=<n>        a per-account quota (repeatable; README "Quotas per account"), e.g.
                                --quota calls=500 --quota downloads=2
      --strict-connections      refuse a connection_id no Call Control application has, as Telnyx does
                                (422 10015; $TELNYX_MOCK_STRICT_CONNECTIONS=1; default: lenient)
      --seed <n>                deterministic mode: seeded ids, clocks frozen at 2026-01-01T00:00:00Z,
                                signing key from the seed ($TELNYX_MOCK_SEED; in-memory database only)
      --deterministic           deterministic mode with seed 0
      --import <file>           start from a state snapshot (GET /_mock/snapshot?all=true writes one):
                                each of its accounts into its own key; they must be empty
      --export-on-exit <file>   on Ctrl+C / SIGTERM, write every account's state there as a snapshot

scenario run
  -u, --url <url>               the emulator (default http://127.0.0.1:5080 or $TELNYX_MOCK_URL)
  -k, --api-key <key>           the account to run in (default KEY_scenario); it is reset first
      --webhook-url <url>       send the scenario callers' webhooks to your app's receiver
      --keep-state              do not reset the account before running

replay <file>
  -u, --url <url>               the emulator (default http://127.0.0.1:5080 or $TELNYX_MOCK_URL); start it
                                with the recording's --seed for identical signatures
  -k, --api-key <key>           the account to replay in (default: the recorded one, whose key its
                                seeded ids derive from); it is reset first
  Exit status: 0 when every request was answered as recorded, 1 when one was not.

keygen
      --seed <base64>           print the public key of this seed instead of making a new one
      --seed <n>                a deterministic run's seed (serve --seed n): print the public key it signs with
  Prints two lines to paste into an env file: TELNYX_MOCK_SIGNING_KEY=<seed> for the emulator and
  TELNYX_PUBLIC_KEY=<public key> for your app, so webhooks verify across restarts.

Examples
  npx telnyx-mock serve --port 5080 --webhook-url http://127.0.0.1:4000/webhooks
  npx telnyx-mock scenario run fixtures/support-queue.json --webhook-url http://127.0.0.1:4000/webhooks

A scenario is a JSON or YAML file of steps: callers arriving, pressing digits, speaking, hanging
up, time advancing, and what the app is expected to do in return. See the README ("Scenarios").
Exit status: 0 when every scenario passed, 1 when one failed, 2 for a bad command, file or server.`;

/** A problem the user can fix: printed as one line, no stack trace. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(packageVersion());
    return 0;
  }
  if (command === 'serve') return serve(argv.slice(1));
  if (command === 'keygen') return keygen(argv.slice(1));
  if (command === 'replay') return replay(argv.slice(1));
  if (command === 'scenario' && sub === 'run') return runScenarios(rest);
  if (command === 'scenario' && sub === 'check') return checkScenarios(rest);
  if (command === 'scenario') throw new UsageError(`'scenario' takes 'run' or 'check', e.g. telnyx-mock scenario run fixtures/support-queue.json`);
  throw new UsageError(`unknown command '${command}'`);
}

/** parseArgs, its complaints (unknown flag, missing value) turned into usage errors. */
function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(() => parseArgs({
    args,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      db: { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-failover-url': { type: 'string' },
      'signing-key': { type: 'string' },
      log: { type: 'string' },
      'log-format': { type: 'string' },
      'strict-connections': { type: 'boolean' },
      deterministic: { type: 'boolean' },
      seed: { type: 'string' },
      quota: { type: 'string', multiple: true },
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // State snapshots (issue 17): read the file before starting, so a bad one stops nothing half-started.
  const state = values.import === undefined ? undefined : await readSnapshotFile(values.import);
  let config: Config;
  try {
    config = configFromEnv(process.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got ${values.port}`);
    config.port = port;
  }
  if (values.host !== undefined) config.host = values.host;
  if (values.db !== undefined) config.dbPath = values.db;
  for (const flag of ['webhook-url', 'webhook-failover-url'] as const) {
    const url = values[flag];
    if (url !== undefined && !isHttpUrl(url)) throw new UsageError(`--${flag} must be an http(s) URL, got ${url}`);
  }
  if (values['webhook-url'] !== undefined) config.webhookUrl = values['webhook-url'];
  if (values['webhook-failover-url'] !== undefined) config.webhookFailoverUrl = values['webhook-failover-url'];
  if (values['signing-key'] !== undefined) config.signingKey = values['signing-key'];
  // The server log (src/log.ts): each flag wins over its environment variable.
  if (values.log !== undefined || values['log-format'] !== undefined) {
    config.log = parse(() => logSettings(values.log ?? process.env.TELNYX_MOCK_LOG, values['log-format'] ?? process.env.TELNYX_MOCK_LOG_FORMAT));
  }
  if (values['strict-connections']) config.strictConnections = true;
  // Deterministic mode: --seed N, or --deterministic alone for seed 0 (README "Deterministic runs").
  if (values.seed !== undefined) config.seed = parse(() => parseRunSeed(values.seed!, '--seed'));
  else if (values.deterministic && config.seed === undefined) config.seed = '0';
  // --quota calls=500 (repeatable): each wins over its TELNYX_MOCK_MAX_* variable.
  for (const q of values.quota ?? []) {
    const [name, raw] = q.split('=', 2);
    const value = Number(raw);
    if (!(name in QUOTA_DEFAULTS) || !Number.isInteger(value) || value < 1) {
      throw new UsageError(`--quota must be <name>=<positive integer> with a name among ${Object.keys(QUOTA_DEFAULTS).join(', ')}; got ${q}`);
    }
    config.quotas = { ...config.quotas, [name]: value };
  }

  // The server (every route, the store, the dispatcher) loads only for the commands that run one:
  // --version, keygen and scenario check start without it.
  const { banner, startEmulator } = await import('./server.js');
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(config);
  } catch (err) {
    throw new UsageError(`cannot start: ${(err as Error).message}`);
  }
  // Snapshots act for every account: as the admin key when one is set (any key is trusted otherwise).
  const operator = emulator.peekAccount(config.adminKey ?? OPERATOR_KEY);
  if (state !== undefined) {
    try {
      const imported = importSnapshot(operator, state, { all: true });
      console.log(`Imported ${values.import}: ${imported.accounts.map((a) => `${a.account} (${a.rows} rows)`).join(', ') || 'no accounts'}`);
    } catch (err) {
      await emulator.close();
      throw new UsageError(`--import ${values.import}: ${snapshotProblem(err)}`);
    }
  }
  console.log(`${banner(emulator)}\nPress Ctrl+C to stop.`);
  let code = 0;
  await new Promise<void>((resolve) => {
    const stop = () => {
      // As Firebase's emulators do on exit: the state written before the server closes (to a
      // temporary file renamed over the target, so a crash mid-write never leaves half a snapshot).
      const exporting = values['export-on-exit'] === undefined ? Promise.resolve()
        : writeSnapshotFile(values['export-on-exit'], snapshotText(exportSnapshot(operator, { all: true }))).catch((err: Error) => {
          console.error(`telnyx-mock: --export-on-exit ${values['export-on-exit']}: ${err.message}`);
          code = 1;
        });
      void exporting.then(() => emulator.close()).then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return code;
}

async function readSnapshotFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read the snapshot file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parseSnapshotText(text);
  } catch (err) {
    throw new UsageError(`${file}: ${snapshotProblem(err)}`);
  }
}

/** A refused snapshot as one line: what is wrong and where (the error's JSON pointer). */
function snapshotProblem(err: unknown): string {
  if (!(err instanceof TelnyxError)) throw err;
  return `${err.detail}${err.pointer && err.pointer !== '/' && !err.detail.includes(err.pointer) ? ` (at ${err.pointer})` : ''}`;
}

async function writeSnapshotFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/**
 * A seed (new, or the one given) and its public key, as env lines: the emulator signs with the seed
 * (TELNYX_MOCK_SIGNING_KEY), the app verifies with the public key (the SDK's `publicKey`).
 */
function keygen(args: string[]): number {
  const { values } = parse(() => parseArgs({ args, options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let seed: Buffer;
  try {
    seed = values.seed === undefined ? randomBytes(32) : parseSeed(values.seed);
  } catch {
    // Not an Ed25519 seed: a deterministic run's seed (serve --seed 42) has its key derived from it.
    let runSeed: string;
    try {
      runSeed = parseRunSeed(values.seed!, '--seed');
    } catch {
      throw new UsageError('--seed must be the base64 of a 32-byte Ed25519 seed (as telnyx-mock keygen prints it), or a run seed (an integer or short word, as serve --seed takes)');
    }
    console.log(`TELNYX_MOCK_SEED=${runSeed}\nTELNYX_PUBLIC_KEY=${keyFromSeed(signingSeedOf(runSeed)).publicKey}`);
    return 0;
  }
  console.log(`TELNYX_MOCK_SIGNING_KEY=${seed.toString('base64')}\nTELNYX_PUBLIC_KEY=${keyFromSeed(seed).publicKey}`);
  return 0;
}

/** The largest recording file read: its bodies (64 MiB at most) escaped as JSON strings, and the rest. */
const MAX_REPLAY_FILE_BYTES = 256 * 1024 * 1024;

/** Replays a recorded run (GET /_mock/requests/export) against a running emulator: README "Replaying a run". */
async function replay(args: string[]): Promise<number> {
  const { values, positionals } = parse(() => parseArgs({
    args, allowPositionals: true,
    options: { url: { type: 'string', short: 'u' }, 'api-key': { type: 'string', short: 'k' }, help: { type: 'boolean', short: 'h' } },
  }));
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one recording, e.g. telnyx-mock replay run.json --url http://127.0.0.1:5080');
  const base = (values.url ?? process.env.TELNYX_MOCK_URL ?? 'http://127.0.0.1:5080').replace(/\/+$/, '').replace(/\/v2$/, '');
  if (!isHttpUrl(base)) throw new UsageError(`--url must be an http(s) URL, got ${base}`);
  const file = positionals[0];
  const { parseReplay, replayRun } = await import('./control/replay.js');
  let doc;
  try {
    // Bounded before it is read: a recording's bodies are at most 64 MiB in all (control/replay.ts).
    if ((await stat(file)).size > MAX_REPLAY_FILE_BYTES) throw new Error(`larger than ${MAX_REPLAY_FILE_BYTES} bytes: not a recording`);
    const text = await readFile(file, 'utf8');
    doc = parseReplay(JSON.parse(text));
  } catch (err) {
    const e = err as Error & { pointer?: string; detail?: string; code?: string };
    const why = e instanceof SyntaxError ? `not JSON (${e.message})` : e.code === 'ENOENT' ? 'no such file'
      : `${e.pointer !== undefined ? `at ${e.pointer || '/'}: ` : ''}${e.detail ?? e.message}`;
    throw new UsageError(`${file}: ${why}`);
  }
  let result;
  try {
    result = await replayRun(doc, {
      url: base, apiKey: values['api-key'],
      onRequest: (r) => console.log(`  ${r.status === r.recorded || r.recorded === null ? '✓' : '✗'} ${String(r.index + 1).padStart(4)}  ${r.method} ${r.path} → ${r.status}${r.status === r.recorded || r.recorded === null ? '' : ` (recorded ${r.recorded})`}`),
    });
  } catch (err) {
    throw new UsageError(`cannot replay against ${base}: ${(err as Error).message}`);
  }
  console.log(`${result.mismatches.length === 0 ? 'SAME' : 'DIFFERENT'}  ${result.replayed} requests replayed, ${result.mismatches.length} answered otherwise than recorded`);
  // Identical signatures need the recording's key: a server started with its --seed.
  if (doc.seed !== null) {
    const signing = await fetch(`${base}/_mock/webhooks/public_key`).then(async (r) => (await r.json() as { data: { public_key: string } }).data.public_key, () => undefined);
    if (signing !== keyFromSeed(signingSeedOf(doc.seed)).publicKey) {
      console.log(`note: this server does not sign with seed ${doc.seed}'s key: the webhook bodies are the recorded ones, their signatures not (start it with --seed ${doc.seed})`);
    }
  }
  return result.mismatches.length === 0 ? 0 : 1;
}

async function loadFile(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // Checked here too, so a bad file is reported with its line before anything runs.
  parseScenarioText(text, file);
  return text;
}

async function checkScenarios(args: string[]): Promise<number> {
  const { positionals } = parse(() => parseArgs({ args, allowPositionals: true }));
  if (positionals.length === 0) throw new UsageError('name at least one scenario file');
  for (const file of positionals) {
    const scenario = parseScenarioText(await loadFile(file), file);
    // A setup: file is checked too (read and held to the snapshot schema), as the run would read it.
    if (scenario.setup && 'file' in scenario.setup) {
      try {
        validateSnapshot(await readSnapshotFile(scenario.setup.file));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(`${file}: setup ${scenario.setup.file}: ${snapshotProblem(err)}`);
      }
    }
    console.log(`ok  ${file}: ${scenario.name}, ${scenario.steps.length} steps`);
  }
  return 0;
}

async function runScenarios(args: string[]): Promise<number> {
  const { values, positionals } = parse(() => parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', short: 'u' },
      'api-key': { type: 'string', short: 'k' },
      'webhook-url': { type: 'string' },
      'keep-state': { type: 'boolean' },
    },
  }));
  if (positionals.length === 0) throw new UsageError('name at least one scenario file, e.g. telnyx-mock scenario run fixtures/support-queue.json');
  const base = (values.url ?? process.env.TELNYX_MOCK_URL ?? 'http://127.0.0.1:5080').replace(/\/+$/, '').replace(/\/v2$/, '');
  if (!isHttpUrl(base)) throw new UsageError(`--url must be an http(s) URL, got ${base}`);
  const webhookUrl = values['webhook-url'];
  if (webhookUrl !== undefined && !isHttpUrl(webhookUrl)) throw new UsageError(`--webhook-url must be an http(s) URL, got ${webhookUrl}`);
  const apiKey = values['api-key'] ?? 'KEY_scenario';

  // Every file is checked before the first runs.
  const texts = [];
  for (const file of positionals) texts.push({ file, text: await loadFile(file) });

  let failed = 0;
  for (const { file, text } of texts) {
    // A `setup:` file is read here, beside the scenario, and sent with it: the server reads no file a client names.
    const setup = parseScenarioText(text, file).setup;
    const document = setup && 'file' in setup ? await readSnapshotFile(setup.file) : undefined;
    const result = await runRemote(base, apiKey, { scenario: text, webhook_url: webhookUrl, reset: !values['keep-state'], setup: document }, file);
    if (!result.passed) failed++;
  }
  if (texts.length > 1) console.log(failed === 0 ? `\nall ${texts.length} scenarios passed` : `\n${failed} of ${texts.length} scenarios failed`);
  return failed === 0 ? 0 : 1;
}

/** POSTs one scenario and prints each step's line as the server streams it. */
async function runRemote(base: string, apiKey: string, body: object, file: string): Promise<ScenarioResult> {
  let res: Response;
  try {
    res = await fetch(`${base}/_mock/scenarios/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new UsageError(`cannot reach telnyx-mock at ${base} (${(err as Error).message}): is it running? Start it with: telnyx-mock serve`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    let detail = text;
    try {
      detail = JSON.parse(text).errors?.[0]?.detail ?? text;
    } catch { /* not JSON: show it as it came */ }
    throw new UsageError(`${file}: the server answered ${res.status}: ${detail}`);
  }
  console.log(`\n${file}`);
  let result: ScenarioResult | undefined;
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line) as ({ type: 'step' } & StepResult) | ({ type: 'result' } & ScenarioResult);
      if (message.type === 'step') console.log(progressLine(message, file));
      else result = message;
    }
  }
  if (!result) throw new UsageError(`${file}: the server stopped before the scenario finished`);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const s of result.steps) counts[s.status]++;
  console.log(`${result.passed ? 'PASS' : 'FAIL'}  ${result.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${result.duration_ms} ms)`);
  return result;
}

const MARKS = { passed: '✓', failed: '✗', skipped: '-' } as const;

function progressLine(s: StepResult, file: string): string {
  const head = `  ${MARKS[s.status]} ${String(s.index).padStart(3)}  ${s.title}`;
  if (s.status === 'skipped') return `${head} (skipped)`;
  if (s.status === 'passed') return `${head}  ${s.duration_ms} ms`;
  return `${head}\n        ${file}${s.line !== undefined ? `:${s.line}` : ''}: ${s.reason}`;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  if (err instanceof UsageError || err instanceof ScenarioError) {
    console.error(`telnyx-mock: ${err.message}`);
    if (err instanceof UsageError) console.error("Run 'telnyx-mock --help' for usage.");
    process.exitCode = 2;
    return;
  }
  console.error(err);
  process.exitCode = 2;
});
