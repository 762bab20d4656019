// Lint, and the folder boundaries of architecture.md: each folder may import only what its
// "may import" column allows, so a wrong import fails `npm test` rather than a user's machine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
// Packages that only make sense in Node; the renderer and shared/ must not pull them in.
const nodeOnlyPackages = ['better-sqlite3', 'ws', 'node-notifier', 'fastify', '@fastify/*', 'env-paths', 'commander', 'file-type', 'csv-parse', 'csv-stringify'];

const banned = (names, why) => names.map((name) => ({ name, message: why }));
const bannedPatterns = (group, why) => ({ group, message: why });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'test-artifacts/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...banned(nodeBuiltins, 'shared/ runs everywhere: no Node built-ins.'), ...banned(['electron'], 'shared/ may not import electron.'), ...banned(['react', 'react-dom'], 'shared/ has no DOM or UI.')],
        patterns: [
          bannedPatterns(nodeOnlyPackages, 'shared/ runs everywhere: no Node-only packages.'),
          bannedPatterns(['**/main/**', '**/server/**', '**/renderer/**', '**/preload/**'], 'shared/ imports nothing of the other folders.'),
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'process', 'Buffer', '__dirname'],
    },
  },
  {
    files: ['main/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: banned(['electron'], 'main/core/ never imports Electron: the shell adapts core events to Electron.'),
        patterns: [bannedPatterns(['electron/*', '**/renderer/**', '**/preload/**', '**/server/**', '../*.js', '../*.ts', '../browser-shell/**'], 'main/core/ may import shared/ and Node only.')],
      }],
    },
  },
  {
    files: ['main/browser-shell/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: banned(['electron'], 'the browser shell runs in plain Node: no Electron.'),
        patterns: [bannedPatterns(['electron/*', '**/renderer/**'], 'the browser shell serves the built renderer; it does not import it.')],
      }],
    },
  },
  {
    files: ['preload/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: banned(nodeBuiltins, 'preload/ runs sandboxed: no Node built-ins.'),
        patterns: [bannedPatterns([...nodeOnlyPackages, '**/main/**', '**/server/**', '**/renderer/**'], 'preload/ may import shared/ (and electron in the Electron bridge) only.')],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...banned(nodeBuiltins, 'renderer/ runs in a browser: no Node built-ins.'), ...banned(['electron'], 'renderer/ talks to main only through the preload API.')],
        patterns: [bannedPatterns([...nodeOnlyPackages, '**/main/**', '**/server/**', '**/preload/**'], 'renderer/ may import shared/ and browser packages only.')],
      }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['server/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: banned(['electron'], 'the server runs without Electron.'),
        patterns: [bannedPatterns(['**/main/**', '**/renderer/**', '**/preload/**'], 'server/ may import shared/ and Node only.')],
      }],
    },
  },
);
