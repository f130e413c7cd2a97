import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../support/bundle.js';
import { startMock, type TelnyxMock } from '../../src/lib.js';

/**
 * The snapshot's doors besides HTTP, each calling the same command: `serve --import` and
 * `--export-on-exit` (written when the server is stopped, as Firebase's emulators do),
 * `startMock({ state })` with a document or a path, and a scenario's `setup:` inline or as a file
 * next to the scenario.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY = 'KEY_snapshot_doors';

let dir = '';
let cliFile = '';
const mocks: TelnyxMock[] = [];
const children: ChildProcess[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'telnyx-mock-snapshot-'));
  cliFile = await bundled('src/cli.ts');
});
afterEach(async () => {
  for (const m of mocks.splice(0)) await m.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mock(opts: Parameters<typeof startMock>[0] = {}) {
  const m = await startMock({ apiKey: KEY, ...opts });
  mocks.push(m);
  return m;
}

/** A state worth carrying: a frozen clock, a waiting caller, a dialed number's behaviour. */
async function sourceState() {
  const source = await mock();
  source.freeze();
  const alice = source.placeCall({ from: '+15550001001', to: '+15550100000', answered: true });
  source.setNumber('+15557770001', { behaviour: 'busy' });
  return { doc: source.snapshot(), alice: alice.call_control_id };
}

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TELNYX_MOCK_') && k !== 'PORT' && k !== 'HOST'));

/** `telnyx-mock serve …` on a free port; resolves once its banner is out. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, [cliFile, 'serve', '--port', '0', ...args], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/new Telnyx\(.*\}\);\n/.test(out)) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  const url = /API base URL +(\S+)\/v2$/m.exec(out)?.[1] ?? '';
  return { child, started, out: () => out, err: () => err, url, exited };
}

describe('startMock({ state })', () => {
  it('starts from a document, or from the path of one, each account into its own key', async () => {
    const { doc, alice } = await sourceState();
    const fromDoc = await mock({ state: doc });
    expect(fromDoc.call(alice).state).toBe('answered');
    expect(fromDoc.snapshot()).toEqual(doc);

    const file = join(dir, 'state.json');
    writeFileSync(file, JSON.stringify(doc));
    const fromFile = await mock({ state: file });
    expect(fromFile.snapshot()).toEqual(doc);
  });

  it('rejects a bad document with a TelnyxError naming the path, and starts nothing', async () => {
    const { doc } = await sourceState();
    (doc.accounts[0].tables.numbers[0] as Record<string, unknown>).behaviour = 7;
    await expect(startMock({ state: doc })).rejects.toMatchObject({
      name: 'TelnyxError', status: 422, pointer: '/accounts/0/tables/numbers/0/behaviour',
    });
  });
});

describe("a scenario's setup:", () => {
  it('imports a snapshot inline before the first step, so the steps find its callers', async () => {
    const { doc, alice } = await sourceState();
    const target = await mock();
    const result = await target.runScenario({
      name: 'from a snapshot', setup: doc,
      steps: [{ expect: { webhook: 'call.answered', payload: { call_control_id: alice } } }],
    });
    expect(result.steps.map((s) => [s.index, s.status])).toEqual([[0, 'passed'], [1, 'passed']]);
  });

  it('reads a setup file named relative to the scenario file', async () => {
    const { doc } = await sourceState();
    writeFileSync(join(dir, 'fixture-state.json'), JSON.stringify(doc));
    const scenario = join(dir, 'uses-state.yaml');
    writeFileSync(scenario, 'name: uses state\nsetup: fixture-state.json\nsteps:\n  - expect: { webhook: call.answered, count: 1 }\n');
    const target = await mock();
    const result = await target.runScenario(scenario);
    expect(result.passed).toBe(true);
  });

  it('fails at step 0 when the account is not empty (reset: false), and skips every step', async () => {
    const { doc } = await sourceState();
    const target = await mock();
    target.setNumber('+15550000000', { behaviour: 'reject' });
    const result = await target.runScenario({ name: 'kept state', reset: false, setup: doc, steps: [{ advance: 1 }] });
    expect(result.passed).toBe(false);
    expect(result.steps[0]).toMatchObject({ index: 0, status: 'failed', code: '10007' });
    expect(result.steps[0].reason).toContain('not empty');
    expect(result.steps[1].status).toBe('skipped');
  });

  it('refuses a bad inline document when the scenario is checked, naming the path under setup', async () => {
    const target = await mock();
    await expect(target.runScenario({ name: 'bad', setup: { telnyx_mock_snapshot: 1, accounts: [{ tables: {} }] }, steps: [{ advance: 1 }] }))
      .rejects.toMatchObject({ name: 'ScenarioError', where: { pointer: '/setup/accounts/0/account' } });
  });
});

describe("a scenario's setup: through the CLI and over HTTP", () => {
  it('scenario run reads the setup file beside the scenario and sends it; over HTTP a file name fails step 0', async () => {
    const { doc } = await sourceState();
    writeFileSync(join(dir, 'cli-state.json'), JSON.stringify(doc));
    const scenario = join(dir, 'cli-scenario.yaml');
    writeFileSync(scenario, 'name: from the CLI\nsetup: cli-state.json\nsteps:\n  - expect: { webhook: call.answered, count: 1 }\n');
    const server = await serve([]);
    const child = spawn(process.execPath, [cliFile, 'scenario', 'run', scenario, '--url', server.url, '--api-key', KEY], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out).toContain('setup: import the state snapshot');
    expect(code).toBe(0);

    const res = await fetch(`${server.url}/_mock/scenarios/run`, {
      method: 'POST', headers: { authorization: 'Bearer KEY_other', 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: { name: 'names a file', setup: '/etc/passwd', steps: [{ advance: 1 }] } }),
    });
    const result = (await res.json()).data;
    expect(result.passed).toBe(false);
    expect(result.steps[0].reason).toContain('over HTTP give the snapshot inline');
  }, 30_000);
});

describe('telnyx-mock scenario check', () => {
  it('checks a setup file against the snapshot schema too, naming the scenario, the file and the path', async () => {
    writeFileSync(join(dir, 'bad-state.json'), JSON.stringify({ telnyx_mock_snapshot: 1, accounts: [{ account: KEY, tables: { numbers: [{ e164: 5 }] } }] }));
    const scenario = join(dir, 'checked.yaml');
    writeFileSync(scenario, 'name: checked\nsetup: bad-state.json\nsteps:\n  - advance: 1\n');
    const child = spawn(process.execPath, [cliFile, 'scenario', 'check', scenario], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(2);
    expect(err).toContain(`telnyx-mock: ${scenario}: setup ${join(dir, 'bad-state.json')}: The snapshot does not follow schema/snapshot.schema.json: /accounts/0/tables/numbers/0/answer_after_secs is required.`);
  }, 30_000);
});

describe('telnyx-mock serve --import / --export-on-exit', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('starts from a snapshot file and writes every account back when stopped (%s)', async (signal) => {
    const { doc, alice } = await sourceState();
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    writeFileSync(input, JSON.stringify(doc));
    const server = await serve(['--import', input, '--export-on-exit', output]);
    expect(server.started).toBe(true);
    expect(server.out()).toContain(`Imported ${input}: ${KEY} (`);
    const res = await fetch(`${server.url}/_mock/calls/${encodeURIComponent(alice)}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect((await res.json()).data.state).toBe('answered');
    // A change after start is in the file written on exit.
    await fetch(`${server.url}/_mock/numbers/+15557770002`, {
      method: 'PUT', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"behaviour":"reject"}',
    });
    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    const written = JSON.parse(readFileSync(output, 'utf8'));
    expect(written.accounts.map((a: { account: string }) => a.account)).toEqual([KEY]);
    expect(written.accounts[0].tables.numbers.map((n: { e164: string }) => n.e164)).toEqual(['+15557770001', '+15557770002']);
    expect(written.accounts[0].tables.call_legs).toEqual(doc.accounts[0].tables.call_legs);
  }, 30_000);

  it('refuses a bad snapshot file in one line, exit status 2, before listening', async () => {
    const input = join(dir, 'bad.json');
    writeFileSync(input, JSON.stringify({ telnyx_mock_snapshot: 1, accounts: [{ account: KEY, tables: { calls: [] } }] }));
    const output = join(dir, 'never.json');
    const server = await serve(['--import', input, '--export-on-exit', output]);
    expect(server.started).toBe(false);
    expect(await server.exited).toBe(2);
    expect(server.err()).toContain(`telnyx-mock: --import ${input}: The snapshot does not follow schema/snapshot.schema.json: /accounts/0/tables/calls is not a field of a snapshot here.`);
    expect(existsSync(output)).toBe(false);
  }, 30_000);
});
