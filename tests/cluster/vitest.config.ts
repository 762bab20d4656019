import { defineConfig } from 'vitest/config';

// The kill test and its helpers: several server processes at once, so one file at a time and
// nothing else running beside them (scripts/test.mjs runs this step on its own).
export default defineConfig({
  test: {
    globals: true,
    include: ['tests/cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['tests/setup.ts'],
  },
});
