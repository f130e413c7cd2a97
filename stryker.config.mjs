// Mutation testing (StrykerJS): `npm run mutate`. Not part of CI: a full run takes hours.
// It runs the fast tier alone (TEST_TIER=fast, see vitest.config.ts): the rules are tested in
// process there, and each mutant reruns only the tests that cover it.
// Try one file first: `TEST_TIER=fast npx stryker run --mutate src/domain/lifecycle.ts --ignoreStatic`.
// Reports go to reports/mutation/ (HTML, JSON); the sandboxes to .stryker-tmp/ (both git-ignored).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  coverageAnalysis: 'perTest',
  // The rules, the engine, the repository and webhook delivery; not the HTTP adapters or the CLI.
  mutate: ['src/domain/**/*.ts', 'src/commands/**/*.ts', 'src/store/**/*.ts', 'src/webhooks/**/*.ts'],
  concurrency: 2,
  // Tests start servers and child processes; a slow machine needs more than the default 5 s grace.
  timeoutMS: 20_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
