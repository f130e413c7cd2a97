import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The test pyramid as projects (`npm test` runs them all; `npm run test:fast` runs `fast` alone):
 *
 * - fast: in process, seconds. Domain rules, commands and the API through `app.fetch`
 *   (test/support/harness.ts `api`, app-env.ts), contract, architecture, parsing. No socket, no
 *   child process, no browser: test/support/no-server.ts makes starting a server fail here, so a
 *   test that needs one goes to `full` instead of slowing this tier down. Scale tests (10,000
 *   accounts) are not here either, in process or not.
 * - full: what needs a real socket, process or browser: the official SDK over HTTP, webhook
 *   delivery and retries, the CLI, the reference app, the console in Chromium, sealed tenants.
 *
 * Isolation: `isolate: false` lets a worker import src/ (and the SDK, playwright…) once for all
 * its files instead of once per file: importing was a quarter of the suite's time. That is safe
 * where a file leaves no global state behind, which holds here: every emulator, server, receiver,
 * child process and browser a file opens is closed in its hooks; mocks and spies are restored
 * (vi.restoreAllMocks / mockRestore); fake timers are undone in `finally`; nothing writes
 * process.env; a diagnostics-channel subscription is dropped when its wait ends (bounds) or its
 * emulator closes (the webhook dispatcher's). The checks that look at more than their own
 * emulator hold in a shared process too: the fuzz and bounds fail on a console.error while they
 * run and bounds reads RSS growth, which a file before them cannot cause once it is done;
 * tenants/waits counts the SQLite statements of its own database only.
 *
 * Workers: forks (better-sqlite3 is native; tenants/timer-sweep reads process.cpuUsage, which
 * threads would share). `full` has at least three workers (one per core beyond that), three on
 * two cores: its files wait on sockets, child processes, the browser and the docs' shell blocks for
 * a third of their time, and a third worker runs while they wait (on an idle two-core machine the run takes 61 s instead of
 * 66, for 3 s more CPU: the third worker's imports). `fast` is CPU-bound: at least two, one
 * fewer than cores. Timeouts stay generous: on a loaded
 * machine a test is slower, not wrong. Wall-clock bounds are asserted only where a duration is the
 * behaviour (live-update latency, delivery rates and backoff, fairness), each with slack for load,
 * and a scenario wait meant to pass is given seconds, never the few hundred ms of one meant to fail.
 */
/** Directories and files whose tests run in process. */
const FAST = [
  'test/api/', 'test/architecture/', 'test/commands/', 'test/contract/', 'test/domain/', 'test/control/', 'test/net/',
  'test/store/', 'test/scenarios/parse.test.ts', 'test/scenarios/run.test.ts', 'test/tenants/timers.test.ts', 'test/tenants/memory.test.ts', 'test/tenants/quotas.test.ts',
  'test/readme/blocks.test.ts',
  'test/deterministic/mode.test.ts',
  // Webhook faults: arming, bounds and windows in process (the receiver's side is full).
  'test/webhook-faults/arming.test.ts',
  'test/webhook-faults/dispatcher.test.ts',
  // State snapshots: the document's rules, in process (the doors and deliveries are in test/snapshots/, full).
  'test/snapshots/import-rules.test.ts',
];
/** In a fast directory but over a socket (a real server, or a real webhook receiver, is their subject). */
const NOT_FAST = [
  'test/api/concurrency.test.ts', 'test/api/node-internals.test.ts', 'test/control/lib.test.ts',
  'test/net/connection-failover.test.ts', 'test/net/webhook-fairness.test.ts', 'test/net/webhook-retry-schedule.test.ts',
];
/** Every test file in exactly one project, by construction: each file is classified once. */
const files = readdirSync(fileURLToPath(new URL('./test', import.meta.url)), { recursive: true, encoding: 'utf8' })
  .map((f) => `test/${f.split(sep).join('/')}`)
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
const tierOf = (f: string) => (FAST.some((prefix) => f.startsWith(prefix)) && !NOT_FAST.includes(f) ? 'fast' : 'full');
const tier = (name: string) => files.filter((f) => tierOf(f) === name);

/**
 * The projects run one after the other (`sequence.groupOrder`, which also lets each have its own
 * worker count), each file slowest first from the duration cache. `full` goes first: it has the
 * longest files (the browser, the docs, the CLI), and the fast tier's many short files pack the
 * end of the run. Files of one project stay together, so a worker keeps its imports from file to
 * file (a switch of project starts a fresh worker).
 */
const cores = availableParallelism();

export default defineConfig({
  // The duration cache orders the next run (slowest first); kept in the checkout, not in the
  // node_modules other checkouts share.
  cacheDir: 'test-artifacts/vite',
  test: {
    // Each worker's transformed modules (src/ and test/ compiled by Vite) kept on disk between runs,
    // keyed by the file's content, the config and Vitest's version (cleared when the lockfile
    // changes; `npx vitest --clearCache` or deleting the folder clears it by hand): ~4 s of CPU a
    // run. Experimental in Vitest 4, and nothing in this suite depends on it but speed; a cached
    // module keeps the import paths it resolved, so a renamed file that fails to import after a
    // checkout switch is the one symptom to clear it for.
    experimental: { fsModuleCache: true, fsModuleCachePath: 'test-artifacts/vite/modules' },
    pool: 'forks',
    maxWorkers: Math.max(2, cores - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'fast',
          include: tier('fast'),
          sequence: { groupOrder: 1 },
          maxWorkers: Math.max(2, cores - 1),
          isolate: false,
          setupFiles: ['test/support/no-server.ts'],
        },
      },
      {
        extends: true as const,
        test: {
          name: 'full',
          include: tier('full'),
          sequence: { groupOrder: 0 },
          maxWorkers: Math.max(3, cores),
          isolate: false,
        },
      },
    // TEST_TIER=fast keeps the fast project alone: what mutation testing runs (stryker.config.mjs),
    // where each mutant reruns the tests that cover it and seconds per run decide hours per file.
    ].filter((p) => !process.env.TEST_TIER || p.test.name === process.env.TEST_TIER),
  },
});
