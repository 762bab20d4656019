import { defineConfig } from 'vitest/config';

// Unit and integration suites. Renderer component tests opt into jsdom with a
// `// @vitest-environment jsdom` line; end-to-end suites have their own config.
export default defineConfig({
  test: {
    globals: true,
    include: ['{shared,main,preload,renderer,server,tests,scripts}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules/**', 'dist/**', 'tests/e2e/**', 'tests/electron/**', 'tests/cluster/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['tests/setup.ts'],
  },
});
