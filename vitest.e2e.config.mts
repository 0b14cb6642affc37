// End-to-end tests: a real VS Code (code-server) in headless Chromium.
//   npx vitest run --config vitest.e2e.config.mts
// See tests/e2e/README.md.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    // The e2e files skip themselves unless this is set, so a plain
    // `vitest run` that happens to collect them does not start browsers.
    env: { FRAMEWISE_E2E: '1' },
    // One code-server + Chromium at a time: CI machines have 2 cores.
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // A real editor under load can drop a click; one retry, and every failure still leaves its artifacts.
    retry: 1,
  },
});
