import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts one emulator for the whole run and hands its address to the tests (inject()).
    globalSetup: ['./global-setup.ts'],
    include: ['test/**/*.test.ts'],
  },
  resolve: {
    alias: {
      // Only because this example lives inside the telnyx-mock repository, whose suite runs it
      // against the source. In your project, delete this: `npm i -D telnyx-mock` provides it.
      'telnyx-mock': fileURLToPath(new URL('../../src/lib.ts', import.meta.url)),
    },
  },
});
