// Makes the Electron-ABI build of better-sqlite3 that the Electron shell loads, beside (never in
// place of) the Node build in node_modules that tests, the server, the browser shell and the
// benchmarks load. Run by `npm install` (postinstall, never failing the install), by `npm start`
// and by `npm run dist` (for the target's platform and arch).
//
// The way @electron/rebuild and electron-builder's install-app-deps do it, without touching
// node_modules: better-sqlite3's sources are copied to native/.work/, where first its prebuilt
// binary for Electron's ABI is fetched (prebuild-install --runtime electron), else it is compiled
// against Electron's headers (node-gyp --runtime=electron --dist-url=electronjs.org/headers).
// The result is native/electron/better_sqlite3.node with build-info.json beside it, which
// main/native-sqlite.ts checks before any database is opened.
//
//   node scripts/electron-native.mjs [--platform P] [--arch A] [--if-possible] [--force]
//     --if-possible   say what is missing in one line and exit 0 (npm install must not fail)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    platform: { type: 'string', default: process.platform },
    arch: { type: 'string', default: process.arch },
    'if-possible': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
});

export const OUT_DIR = path.join(root, 'native', 'electron');
const WORK_DIR = path.join(root, 'native', '.work');
/** Bounds each network step: a machine without internet must not hang an install. */
const STEP_TIMEOUT_MS = 10 * 60_000;

function fail(message) {
  rmSync(WORK_DIR, { recursive: true, force: true });
  const hint = 'Until then `npm run web` serves the same app in a browser.';
  if (args['if-possible']) {
    console.log(`converse: the Electron build of SQLite was not made (${message}). ${hint}`);
    process.exit(0);
  }
  console.error(`converse: the Electron build of SQLite could not be made: ${message}. ${hint}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// npm install on a machine that skipped Electron's download (CI, a closed network): nothing to
// build for, and nothing to fetch from.
if (args['if-possible'] && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(
    'converse: Electron was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD), so neither is its SQLite build; `npm run web` runs the app in a browser.',
  );
  process.exit(0);
}

let electron;
try {
  const pkg = readJson(require.resolve('electron/package.json'));
  const abiFile = path.join(path.dirname(require.resolve('electron/package.json')), 'abi_version');
  // Electron's package records its NODE_MODULE_VERSION; node-abi knows it for older releases.
  const abi = existsSync(abiFile)
    ? readFileSync(abiFile, 'utf8').trim()
    : require('node-abi').getAbi(pkg.version, 'electron');
  electron = { version: pkg.version, abi };
} catch (err) {
  fail(`the electron package is not installed (${err.message})`);
}
const sqlitePkgFile = require.resolve('better-sqlite3/package.json');
const sqliteDir = path.dirname(sqlitePkgFile);
const sqliteVersion = readJson(sqlitePkgFile).version;

const wanted = {
  module: 'better-sqlite3',
  moduleVersion: sqliteVersion,
  electron: electron.version,
  abi: electron.abi,
  platform: args.platform,
  arch: args.arch,
};
const infoFile = path.join(OUT_DIR, 'build-info.json');
const binaryFile = path.join(OUT_DIR, 'better_sqlite3.node');

function upToDate() {
  if (!existsSync(infoFile) || !existsSync(binaryFile)) return false;
  try {
    const info = readJson(infoFile);
    return Object.entries(wanted).every(([k, v]) => info[k] === v);
  } catch {
    return false;
  }
}

if (!args.force && upToDate()) {
  console.log(
    `converse: Electron ${electron.version} build of better-sqlite3 ${sqliteVersion} is ready (${path.relative(root, binaryFile)})`,
  );
  process.exit(0);
}

// A copy of the package without its build: building there leaves node_modules' Node build alone.
const work = path.join(WORK_DIR, 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(WORK_DIR, { recursive: true });
cpSync(sqliteDir, work, {
  recursive: true,
  filter: (src) => {
    const rel = path.relative(sqliteDir, src).split(path.sep);
    return rel[0] !== 'build' && !rel.includes('node_modules');
  },
});
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');

function run(label, cmd, cmdArgs) {
  console.log(`converse: ${label}…`);
  // During npm install only the outcome is shown (one line); run by hand, every step is.
  const stdio = args['if-possible'] ? 'ignore' : 'inherit';
  const r = spawnSync(cmd, cmdArgs, {
    cwd: work,
    stdio,
    timeout: STEP_TIMEOUT_MS,
    env: { ...process.env, npm_config_build_from_source: '' },
  });
  return r.status === 0 && existsSync(built);
}

const runtimeArgs = [`--runtime=electron`, `--target=${electron.version}`, `--arch=${args.arch}`];
let source = null;
// 1. better-sqlite3's prebuilt binary for this Electron, as its own install script fetches for Node.
const prebuild = path.join(
  path.dirname(require.resolve('prebuild-install/package.json', { paths: [sqliteDir] })),
  'bin.js',
);
if (
  run(
    `fetching the prebuilt better-sqlite3 for Electron ${electron.version} (ABI ${electron.abi}, ${args.platform}-${args.arch})`,
    process.execPath,
    [
      prebuild,
      '--runtime',
      'electron',
      '--target',
      electron.version,
      '--arch',
      args.arch,
      '--platform',
      args.platform,
      '--verbose',
    ],
  )
) {
  source = 'prebuilt';
} else if (args.platform === process.platform) {
  // 2. A compile against Electron's headers (needs a C++ toolchain and Python, like any node-gyp build).
  let nodeGyp = null;
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    /* fall back to npm's own */
  }
  if (!nodeGyp && process.env.npm_execpath) {
    const bundled = path.join(
      path.dirname(process.env.npm_execpath),
      '..',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
    if (existsSync(bundled)) nodeGyp = bundled;
  }
  if (
    nodeGyp &&
    run(`compiling better-sqlite3 against Electron ${electron.version}'s headers`, process.execPath, [
      nodeGyp,
      'rebuild',
      '--release',
      ...runtimeArgs,
      '--dist-url=https://electronjs.org/headers',
    ])
  ) {
    source = 'compiled';
  }
}
if (!source) {
  fail(
    `neither a prebuilt binary for Electron ${electron.version} could be downloaded nor Electron's headers to compile against (no internet access?); run \`npm run electron:native\` again with internet access`,
  );
}

mkdirSync(OUT_DIR, { recursive: true });
copyFileSync(built, binaryFile);
writeFileSync(infoFile, `${JSON.stringify({ ...wanted, source, builtAt: new Date().toISOString() }, null, 2)}\n`);
rmSync(WORK_DIR, { recursive: true, force: true });
console.log(
  `converse: Electron ${electron.version} build of better-sqlite3 written to ${path.relative(root, binaryFile)} (${source})`,
);
