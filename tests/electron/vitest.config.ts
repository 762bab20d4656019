import { defineConfig } from 'vitest/config';

// Electron end-to-end (tests/electron/run.mjs): each file launches the real app, so one file at a
// time. No globals: every file imports describe/it/expect and its hooks from 'vitest'.
export default defineConfig({
  test: {
    include: ['tests/electron/**/*.e2e.ts'],
    globals: false,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
