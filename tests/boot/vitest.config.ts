import { defineConfig } from 'vitest/config';

// The boot test: the built Electron main bundle started under Node with the electron stand-in
// (scripts/test.mjs builds first). One app at a time.
export default defineConfig({
  test: {
    include: ['tests/boot/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
