import { defineConfig } from 'vitest/config';

// Electron end-to-end: one app at a time (each test file launches the real app).
export default defineConfig({
  test: {
    include: ['tests/electron/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
