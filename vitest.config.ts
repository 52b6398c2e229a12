import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Resolves Chromium for the browser tests once per run (see test/support/chromium.ts).
    globalSetup: ['test/support/browser-setup.ts'],
    // Integration suites start real local stand-ins (dynalite, the Scheduler emulator, HTTP
    // receivers); two workers match the two-core machines the suite is sized for.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
  },
});
