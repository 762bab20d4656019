// Lint, and the folder boundaries of architecture.md: each folder may import only what its
// "may import" column allows, so a wrong import fails `npm test` rather than a user's machine.
// `npm test` runs it through scripts/lint.mjs, which fails on any error or warning, the size
// rules (max-lines, complexity) included. tests/import-boundaries.test.ts proves the boundary,
// size and `.only` rules fire.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
// Packages that only make sense in Node; the renderer and shared/ must not pull them in.
const nodeOnlyPackages = [
  'better-sqlite3',
  'ws',
  'node-notifier',
  'fastify',
  '@fastify/*',
  'env-paths',
  'commander',
  'file-type',
  'csv-parse',
  'csv-stringify',
];

// The app itself, as opposed to tests/, bench/ and scripts/: where the size rules apply.
const productionFolders = '{shared,main,preload,renderer,server}';
const testCode = ['**/*.test.{ts,tsx}', 'renderer/test-support/**'];

// The size limits of production code: a file reads in one sitting, a function's paths can be
// followed in one's head.
const MAX_LINES = 400;
const MAX_COMPLEXITY = 15;

// Documented exceptions to the size limits. None today: when the limits became errors (issue 14)
// every production file and function was already within them. An entry names the file (and
// function), its figure, and why; the figure is its ceiling, so the code may shrink but not grow.
// ESLint cannot scope a rule to one function from here, so a complexity entry caps every function
// of its file at that figure. Add one only with a reason a reviewer accepts, and take it out once
// the code is cut; anything else over a limit fails the lint gate.
/** @type {{ file: string; lines: number; why: string }[]} */
const longFiles = [];
/** @type {{ file: string; fn: string; complexity: number; why: string }[]} */
const branchyFunctions = [];

const banned = (names, why) => names.map((name) => ({ name, message: why }));
const bannedPatterns = (group, why) => ({ group, message: why });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'test-artifacts/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its error, a promise where a callback
    // expects void runs unordered, and a switch over a union must name every case.
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...banned(nodeBuiltins, 'shared/ runs everywhere: no Node built-ins.'),
            ...banned(['electron'], 'shared/ may not import electron.'),
            ...banned(['react', 'react-dom'], 'shared/ has no DOM or UI.'),
          ],
          patterns: [
            bannedPatterns(nodeOnlyPackages, 'shared/ runs everywhere: no Node-only packages.'),
            bannedPatterns(
              ['**/main/**', '**/server/**', '**/renderer/**', '**/preload/**'],
              'shared/ imports nothing of the other folders.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'process', 'Buffer', '__dirname'],
    },
  },
  {
    files: ['main/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['electron'], 'main/core/ never imports Electron: the shell adapts core events to Electron.'),
          patterns: [
            bannedPatterns(
              [
                'electron/*',
                '**/renderer/**',
                '**/preload/**',
                '**/server/**',
                '../*.js',
                '../*.ts',
                '../browser-shell/**',
              ],
              'main/core/ may import shared/ and Node only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['main/shell-policy/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['electron'], 'main/shell-policy/ decides without Electron: the shells act on its answers.'),
          patterns: [
            bannedPatterns(
              ['electron/*', '**/renderer/**', '**/preload/**', '**/server/**'],
              'main/shell-policy/ may import shared/ and Node only.',
            ),
            // One level up is the rest of main/ (the shell, main/core/); two levels up is shared/.
            {
              regex: '^\\.\\./(?!\\.\\./)',
              message: 'main/shell-policy/ may import shared/ and Node only, not the shell or main/core/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The Electron shell: Electron, main/core/, shared/ and the embedded server, never the UI or the bridge.
    files: ['main/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            bannedPatterns(
              ['**/renderer', '**/renderer/**', '**/preload', '**/preload/**', './browser-shell', './browser-shell/**'],
              'the Electron shell may import main/core/, shared/, Electron and server/ only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['main/browser-shell/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['electron'], 'the browser shell runs in plain Node: no Electron.'),
          patterns: [
            bannedPatterns(
              ['electron/*', '**/renderer/**'],
              'the browser shell serves the built renderer; it does not import it.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(nodeBuiltins, 'preload/ runs sandboxed: no Node built-ins.'),
          patterns: [
            bannedPatterns(
              [...nodeOnlyPackages, '**/main/**', '**/server/**', '**/renderer/**'],
              'preload/ may import shared/ (and electron in the Electron bridge) only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...banned(nodeBuiltins, 'renderer/ runs in a browser: no Node built-ins.'),
            ...banned(['electron'], 'renderer/ talks to main only through the preload API.'),
          ],
          patterns: [
            bannedPatterns(
              [...nodeOnlyPackages, '**/main/**', '**/server/**', '**/preload/**'],
              'renderer/ may import shared/ and browser packages only.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['server/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned(['electron'], 'the server runs without Electron.'),
          patterns: [
            bannedPatterns(
              ['**/main/**', '**/renderer/**', '**/preload/**'],
              'server/ may import shared/ and Node only.',
            ),
          ],
        },
      ],
    },
  },
  {
    // Size: counted on the formatted text, blank lines and comments included.
    files: [`${productionFolders}/**/*.{ts,tsx}`],
    ignores: testCode,
    rules: { 'max-lines': ['error', { max: MAX_LINES, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: [`${productionFolders}/**/*.{ts,tsx}`],
    ignores: testCode,
    rules: { complexity: ['error', MAX_COMPLEXITY] },
  },
  // The exceptions above, each capped at its figure (a later entry overrides an earlier one).
  ...longFiles.map(({ file, lines }) => ({
    files: [file],
    rules: { 'max-lines': ['error', { max: lines, skipBlankLines: false, skipComments: false }] },
  })),
  ...branchyFunctions.map(({ file, complexity }) => ({ files: [file], rules: { complexity: ['error', complexity] } })),
  {
    // A `.only` left in makes CI run that test alone and skip the rest of its file unnoticed.
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test', 'suite', 'bench'].map((object) => ({
          object,
          property: 'only',
          message: 'A focused test skips every other test in its file: remove .only.',
        })),
      ],
    },
  },
);
