import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configFromEnv } from '../../src/config.js';
import { startEmulator } from '../../src/server.js';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { blocksOf } from './blocks.js';
import { freePort, ROOT, runDetached, userProject } from './project.js';

/**
 * docs/ci.md's recipes, exercised as far as a machine without a Docker engine allows (the
 * shell recipe itself runs in readme.test.ts): each CI file parses and its steps' shell runs
 * (the GitHub Actions npx start step, the GitLab health wait, compose's health check); the
 * environment each recipe gives the container is the emulator's own configuration (every
 * TELNYX_MOCK_ name exists, every value is accepted as the image's entry would read it), and the
 * pinned signing key gives the public key the recipes give the app.
 */
const CI = join(ROOT, 'docs/ci.md');
const text = readFileSync(CI, 'utf8');
const yamlBlocks = blocksOf('docs/ci.md', CI).filter((b) => b.lang === 'yaml')
  .map((b) => ({ at: `docs/ci.md:${b.line}`, doc: parseYaml(b.text) as Record<string, any> }));
type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown> };
const workflows = yamlBlocks.filter((y) => y.doc.jobs);
const gitlab = yamlBlocks.find((y) => y.doc.test?.services)!;
const compose = yamlBlocks.find((y) => y.doc.services?.['telnyx-mock'])!;
/** Every environment a recipe gives the emulator's container, by where it is written. */
const emulatorEnvs: Array<[string, Record<string, string>]> = [
  ...workflows.filter((w) => w.doc.jobs.test.services).map((w) => [`${w.at} service`, w.doc.jobs.test.services['telnyx-mock'].env] as [string, Record<string, string>]),
  ...workflows.filter((w) => !w.doc.jobs.test.services).map((w) => [`${w.at} job`, w.doc.jobs.test.env] as [string, Record<string, string>]),
  [`${gitlab.at} variables`, gitlab.doc.test.variables],
  [`${compose.at} telnyx-mock`, compose.doc.services['telnyx-mock'].environment],
];

const SEED = /TELNYX_MOCK_SIGNING_KEY\W+([A-Za-z0-9+/]{43}=)/g;
const PUBLIC = /(?:TELNYX_PUBLIC_KEY|publicKey)\W+([A-Za-z0-9+/]{43}=)/g;
const seeds = new Set([...text.matchAll(SEED)].map((m) => m[1]));
const publics = new Set([...text.matchAll(PUBLIC)].map((m) => m[1]));

let mock: TelnyxMock;
let project: Awaited<ReturnType<typeof userProject>>;
beforeAll(async () => {
  mock = await startMock();
  project = await userProject();
});
afterAll(async () => {
  await mock?.close();
  project?.remove();
});

describe('docs/ci.md', () => {
  it('has the recipes it promises: two GitHub workflows, GitLab, compose', () => {
    expect(workflows).toHaveLength(2);
    expect(gitlab).toBeDefined();
    expect(compose).toBeDefined();
  });

  it('pins one key pair everywhere: the seed the emulator gets gives the public key the app gets', async () => {
    expect([...seeds]).toHaveLength(1);
    expect([...publics]).toHaveLength(1);
    const [seed] = seeds;
    const em = await startEmulator(configFromEnv({ PORT: '0', TELNYX_MOCK_SIGNING_KEY: seed }));
    try {
      expect(em.webhooks.publicKey).toBe([...publics][0]);
    } finally {
      await em.close();
    }
    // Any other 32-byte base64 value on the page would be a key that belongs to neither.
    const keys = new Set(text.match(/[A-Za-z0-9+/]{43}=/g));
    expect([...keys].sort()).toEqual([...seeds, ...publics].sort());
  });

  it.each(emulatorEnvs)('%s is configuration the emulator reads, and it starts with it', async (_, env) => {
    const known = new Set(readFileSync(join(ROOT, 'src/config.ts'), 'utf8').match(/TELNYX_MOCK_[A-Z_]+/g));
    expect(Object.keys(env).filter((k) => k.startsWith('TELNYX_MOCK_') && !known.has(k))).toEqual([]);
    // As the image's entry reads it (src/index.ts: configFromEnv(process.env)), on a free port.
    const em = await startEmulator(configFromEnv({ ...env, PORT: '0' }));
    try {
      expect((await fetch(`${em.url}/_mock/health`)).status).toBe(200);
      if (env.TELNYX_MOCK_SIGNING_KEY) expect(publics.has(em.webhooks.publicKey)).toBe(true);
    } finally {
      await em.close();
    }
  });

  it('the npx workflow: its start step starts telnyx-mock in the background, healthy, with the job key', async () => {
    const workflow = workflows.find((w) => !w.doc.jobs.test.services)!;
    const job = workflow.doc.jobs.test;
    const start = (job.steps as Step[]).find((s) => s.name === 'Start telnyx-mock')!;
    expect((job.steps as Step[]).find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe(24);
    const port = await freePort();
    // The step's shell as the runner runs it (bash -e), then what the next steps would see.
    const script = `(\n${start.run!.replace(/\b5080\b/g, String(port))}\n)
curl -sf localhost:${port}/_mock/webhooks/public_key -H 'Authorization: Bearer KEY_ci' | grep -q "$TELNYX_PUBLIC_KEY"`;
    const { code, out } = await runDetached('bash', ['-eo', 'pipefail', '-c', script], {
      cwd: project.dir, env: { ...project.env, ...job.env }, timeoutMs: 30_000,
    });
    expect(code, out).toBe(0);
  }, 40_000);

  it('the GitLab job: its health wait passes once the service answers, and fails the job when it never does', async () => {
    const wait = (gitlab.doc.test.script as string[]).filter((line) => line.includes('/_mock/health'));
    expect(wait.length).toBeGreaterThan(0);
    const against = async (host: string, tries = 100) => (await runDetached('bash', ['-eo', 'pipefail', '-c',
      wait.join('\n').replaceAll('telnyx-mock:5080', host).replace('$(seq 100)', `$(seq ${tries})`)],
    { cwd: project.dir, env: project.env, timeoutMs: 30_000 })).code;
    expect(await against(new URL(mock.url).host)).toBe(0);
    // Against nothing (three tries instead of a hundred, to fail in well under a second).
    expect(await against(`127.0.0.1:${await freePort()}`, 3)).not.toBe(0);
  }, 40_000);

  it('compose: the health check needs no curl, passes on a healthy emulator and fails on none', async () => {
    const test = compose.doc.services['telnyx-mock'].healthcheck.test as string[];
    expect(test[0]).toBe('CMD');
    expect(test[1]).toBe('node');
    const check = async (port: number) => (await runDetached(process.execPath,
      test.slice(2).map((a) => a.replace(/\b5080\b/g, String(port))), { cwd: project.dir, env: project.env, timeoutMs: 20_000 })).code;
    expect(await check(Number(new URL(mock.url).port))).toBe(0);
    expect(await check(await freePort())).toBe(1);
  }, 30_000);
});
