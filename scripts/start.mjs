// `npm start`: the Electron app from this checkout. Checks what a start needs and says in one
// line what is missing instead of letting Electron fail later:
//   1. the Electron binary (absent when installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or when
//      its download failed);
//   2. the Electron-ABI build of better-sqlite3 (scripts/electron-native.mjs makes it if it can);
// then builds (scripts/build.mjs) and launches `electron .` with this script's arguments
// (e.g. `npm start -- --hidden`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const WEB_HINT = '`npm run web` serves the same app in your browser';

let electron = null;
try {
  // In Node, require('electron') is the binary's path, and throws when it was never downloaded.
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electron = p;
} catch {
  /* reported below */
}
if (!electron) {
  console.error(
    `converse: Electron is not installed on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or its download failed): run \`npm install\` with internet access to get it; meanwhile ${WEB_HINT}.`,
  );
  process.exit(1);
}

const node = (script, args = []) =>
  spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
if (node('scripts/electron-native.mjs') !== 0) process.exit(1);
if (node('scripts/build.mjs') !== 0) process.exit(1);
const run = spawnSync(electron, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
