// The Electron end-to-end suite (Playwright's _electron), run by `npm test`. Where the Electron
// binary is absent (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the machines this
// project is built on) it says so in one line and succeeds; otherwise it builds the app and
// runs tests/electron/*.e2e.ts, failing when any test fails.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

let electronPath = null;
try {
  // require('electron') in Node gives the binary's path, and throws when it was never downloaded.
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electronPath = p;
} catch {}

if (!electronPath) {
  console.log('electron end-to-end: skipped — no Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD)');
  process.exit(0);
}

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, CONVERSE_ELECTRON_PATH: electronPath } }).status ?? 1;
if (run(process.execPath, ['scripts/build.mjs']) !== 0) {
  console.error('electron end-to-end: the build failed');
  process.exit(1);
}
process.exit(run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'tests/electron/vitest.config.ts']));
