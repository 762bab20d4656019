import { defineConfig } from 'vitest/config';

// Browser end-to-end: real server, real browser shell, Debian's Chromium. One file at a time,
// since each starts its own processes and the machine has two cores.
export default defineConfig({
  test: {
    globals: true,
    include: ['tests/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
