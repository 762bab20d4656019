// The Electron end-to-end suite (Playwright's _electron), run by `npm test`.
//
// Where the Electron binary is absent (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the
// machines this project is built on) nothing can be launched, so it says so in one line and
// succeeds; but first it collects the suite (`vitest list`, no app started), so a suite that
// cannot even load fails here instead of passing unnoticed until a machine with Electron runs it.
//
// Where Electron exists it runs the suite for real and fails when any step fails:
//   1. scripts/electron-native.mjs makes the Electron-ABI SQLite the app needs (fetched or
//      compiled); if it cannot, the suite fails with its one-line reason;
//   2. scripts/build.mjs builds the app;
//   3. vitest runs tests/electron/*.e2e.ts (results also in test-artifacts/vitest-electron.json).
// The last line sums it up. CONVERSE_E2E_NO_SANDBOX=1: see tests/electron/support/desktop-app.ts.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const CONFIG = 'tests/electron/vitest.config.ts';
const VITEST = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const RESULTS = path.join('test-artifacts', 'vitest-electron.json');
const say = (line) => console.log(`electron end-to-end: ${line}`);
const fail = (line) => {
  console.error(`electron end-to-end: FAILED — ${line}`);
  process.exit(1);
};

let electronPath = null;
try {
  // require('electron') in Node gives the binary's path, and throws when it was never downloaded.
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electronPath = p;
} catch {}

if (!electronPath) {
  const listed = spawnSync(process.execPath, [VITEST, 'list', '--config', CONFIG, '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let tests = null;
  try {
    tests = JSON.parse(listed.stdout);
  } catch {}
  if (listed.status !== 0 || !Array.isArray(tests) || tests.length === 0) {
    fail(
      `the suite does not load: ${loadError(listed) ?? 'no tests found'} (see \`npx vitest list --config ${CONFIG}\`)`,
    );
  }
  say(
    `skipped — no Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD); its ${tests.length} tests load but were not run`,
  );
  process.exit(0);
}

/** The first error vitest printed while collecting, with where it was thrown. */
function loadError(r) {
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim());
  const i = lines.findIndex((l) => /^\w*Error\b.*:/.test(l));
  if (i < 0) return r.error?.message ?? null;
  const where = lines.slice(i + 1).find((l) => /^❯ .+:\d+:\d+$/.test(l));
  return where ? `${lines[i]} at ${where.slice(2)}` : lines[i];
}

/** Runs a Node script with its output shown, keeping what it wrote to stderr. */
function node(args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (err) => resolve({ status: null, stderr: err.message }));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;

const native = await node(['scripts/electron-native.mjs']);
if (native.status !== 0) {
  const reason = native.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('converse:'))
    .at(-1)
    ?.replace(/^converse:\s*/, '');
  fail(reason ?? `scripts/electron-native.mjs exited with code ${native.status}`);
}

const build = await node(['scripts/build.mjs']);
if (build.status !== 0) fail(`the build failed (scripts/build.mjs exited with code ${build.status})`);

mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
rmSync(path.join(root, RESULTS), { force: true });
const run = await node(
  [VITEST, 'run', '--config', CONFIG, '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}`],
  { ...process.env, CONVERSE_ELECTRON_PATH: electronPath },
);

let results = null;
try {
  results = JSON.parse(readFileSync(path.join(root, RESULTS), 'utf8'));
} catch {}
const sandbox = process.env.CONVERSE_E2E_NO_SANDBOX === '1' ? 'without' : 'with';
const counts = results
  ? `${results.numPassedTests} passed, ${results.numFailedTests} failed of ${results.numTotalTests}`
  : 'no results written';
const where = `Electron ${electronVersion}, ${process.platform}-${process.arch}, ${sandbox} Chromium's OS sandbox`;
if (run.status !== 0 || !results || results.numTotalTests === 0 || results.numPassedTests !== results.numTotalTests) {
  fail(`${counts} (${where}; vitest exited with code ${run.status})`);
}
say(`all ${results.numTotalTests} tests passed (${where})`);
