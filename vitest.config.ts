import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { sep } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Two tiers (`npm test` runs every project; `npm run test:fast` runs `fast` alone):
 *
 * - fast: in process. Domain rules, commands and the API through `app.fetch` (test/support/
 *   harness.ts `api`, app-env.ts), contract, architecture, parsing. No socket, no child process,
 *   no browser: test/support/no-server.ts makes starting a server fail there, so a test that needs
 *   one is put in `full` instead of slowing this tier down.
 * - full: what needs a real socket, process or browser: the official SDK over HTTP, webhook
 *   delivery and retries, the CLI, the reference app, the console in chromium, sealed tenants.
 * - isolated: the few `full` files that must have their process to themselves (below).
 *
 * Isolation: `isolate: false` lets one worker import src/ once for all its files instead of once
 * per file (importing was a quarter of the suite's time). That is safe where a file leaves no
 * global state behind, which holds here: every emulator, server, receiver and browser a file
 * opens is closed in its hooks; mocks and spies are restored (vi.restoreAllMocks / mockRestore);
 * fake timers are undone in `finally`; nothing writes process.env. Two kinds of file keep a fresh
 * process: those that measure the whole process (tenants/waits counts every SQLite statement
 * the process runs, through a spy on the shared statement prototype; bounds measures RSS) and
 * the fuzz, which fails on any console.error in its process while it runs.
 * The webhook dispatcher of each emulator subscribes to node's `http.server.request.start`
 * diagnostics channel and unsubscribes on close, so a closed emulator leaves nothing there.
 *
 * Workers: forks (better-sqlite3 is native; tenants/timers reads process.cpuUsage, which threads
 * would share). At least two workers even on two cores: most `full` time is spent waiting on
 * sockets, child processes and the browser, not on the CPU. Timeouts stay generous: on a loaded
 * machine a test is slower, never wrong; no test asserts a wall-clock duration tighter than
 * seconds except where a duration is the behaviour (the console's live updates, webhook rates).
 */
/** Directories and files whose tests run in process. */
const FAST = [
  'test/api/', 'test/architecture/', 'test/commands/', 'test/contract/', 'test/domain/', 'test/control/',
  'test/scenarios/parse.test.ts', 'test/scenarios/run.test.ts', 'test/tenants/timers.test.ts',
];
/** In a fast directory but over a socket (a real server is their subject). */
const NOT_FAST = ['test/api/concurrency.test.ts', 'test/api/node-internals.test.ts', 'test/control/lib.test.ts'];
/** `full` files that need a process of their own. */
const ISOLATED = ['test/tenants/waits.test.ts', 'test/tenants/bounds.test.ts', 'test/fuzz/routes.test.ts'];

/** Every test file in exactly one project, by construction: each file is classified once. */
const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .map((f) => `test/${f.split(sep).join('/')}`)
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
const tierOf = (f: string) => {
  if (ISOLATED.includes(f)) return 'isolated';
  if (FAST.some((prefix) => f.startsWith(prefix)) && !NOT_FAST.includes(f)) return 'fast';
  return 'full';
};
const tier = (name: string) => files.filter((f) => tierOf(f) === name);

export default defineConfig({
  // The duration cache orders the next run (slowest first); kept in the checkout, not in the
  // node_modules other checkouts share.
  cacheDir: 'test-artifacts/vite',
  test: {
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: tier('fast'),
          isolate: false,
          setupFiles: ['test/support/no-server.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'full',
          include: tier('full'),
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: tier('isolated'), isolate: true },
      },
    ],
  },
});
