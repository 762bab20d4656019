// `npm run dist`: installers with electron-builder (electron-builder.config.ts), one platform at a
// time, without ever rebuilding node_modules (npm test, npm run server and npm run web use its Node
// build of better-sqlite3). For each platform it
//   1. makes sure native/electron holds the Electron build of better-sqlite3 for that platform and
//      arch (`node scripts/electron-native.mjs --platform P --arch A`),
//   2. runs electron-builder with CONVERSE_DIST_PLATFORM set, so the config can name Linux files
//      without spaces.
//
//   node scripts/dist.mjs [--linux|--mac|--win ...] [--x64|--arm64|--ia32|--armv7l] [--dry-run]
//                         [other electron-builder options, e.g. `--linux deb`, `--publish always`]
// Without a platform it builds for this machine's. CONVERSE_UPDATE_URL: see README "Packaging".
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * electron-builder 26 brings @electron/rebuild and node-abi, which declare Node >= 22.12
 * (tests/packaging checks this figure against the engines fields of its installed packages).
 */
export const MIN_PACKAGING_NODE = '22.12.0';

/** null when `version` (process.versions.node) may package, else the one line that says why not. */
export function nodeTooOldMessage(version) {
  const have = version.split('.').map(Number);
  const need = MIN_PACKAGING_NODE.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]) return null;
    if ((have[i] ?? 0) < need[i]) {
      return `npm run dist needs Node ${MIN_PACKAGING_NODE} or newer (electron-builder's packages require it); this is Node ${version}. Installing, running and testing work from Node 20.19.`;
    }
  }
  return null;
}

const PLATFORM_FLAGS = {
  linux: ['--linux', '-l'],
  mac: ['--mac', '-m', '--macos', '-o'],
  win: ['--win', '-w', '--windows'],
};
/** electron-builder's platform names, as scripts/electron-native.mjs and Node call them. */
const NODE_PLATFORM = { linux: 'linux', mac: 'darwin', win: 'win32' };
const HOST_PLATFORM = { linux: 'linux', darwin: 'mac', win32: 'win' };
const ARCH_FLAGS = ['x64', 'arm64', 'ia32', 'armv7l', 'universal'];

/**
 * The runs `args` ask for: one per platform, each with its arch and the electron-builder arguments
 * that belong to it (a platform flag takes the target names that follow it, as in `--linux deb`).
 * Throws an Error with a one-line message when the request cannot be built.
 */
export function planDist(args, host = { platform: process.platform, arch: process.arch }) {
  const platforms = [];
  const archs = [];
  const shared = [];
  let current = null;
  for (const arg of args) {
    const platform = Object.keys(PLATFORM_FLAGS).find((p) => PLATFORM_FLAGS[p].includes(arg));
    if (platform) {
      current = { platform, targets: [] };
      platforms.push(current);
    } else if (arg.startsWith('--') && ARCH_FLAGS.includes(arg.slice(2))) {
      archs.push(arg.slice(2));
      current = null;
    } else if (current && !arg.startsWith('-')) {
      current.targets.push(arg);
    } else {
      shared.push(arg);
      current = null;
    }
  }
  if (platforms.length === 0) {
    const platform = HOST_PLATFORM[host.platform];
    if (!platform) throw new Error(`no installers are made on ${host.platform}; name one of --linux, --mac, --win`);
    platforms.push({ platform, targets: [] });
  }
  if (archs.length > 1)
    throw new Error(`one arch at a time (the Electron build of SQLite is made per arch): got ${archs.join(', ')}`);
  const arch = archs[0] ?? host.arch;
  if (arch === 'universal')
    throw new Error('universal macOS builds are not supported: build --x64 and --arm64 separately');
  if (!shared.some((a) => a === '--publish' || a === '-p' || a.startsWith('--publish=')))
    shared.push('--publish', 'never');
  return platforms.map(({ platform, targets }) => ({
    platform,
    arch,
    native: ['scripts/electron-native.mjs', '--platform', NODE_PLATFORM[platform], '--arch', arch],
    builder: ['--config', 'electron-builder.config.ts', `--${platform}`, ...targets, `--${arch}`, ...shared],
  }));
}

function run(script, args, env = process.env) {
  const r = spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

function main(argv) {
  const dryRun = argv.includes('--dry-run');
  const args = argv.filter((a) => a !== '--dry-run');
  const tooOld = nodeTooOldMessage(process.versions.node);
  if (tooOld) {
    console.error(`dist: ${tooOld}`);
    return 1;
  }
  let runs;
  try {
    runs = planDist(args);
  } catch (err) {
    console.error(`dist: ${err.message}`);
    return 1;
  }
  const builderCli = 'node_modules/electron-builder/cli.js';
  if (dryRun) {
    console.log('node scripts/build.mjs');
    for (const r of runs) {
      console.log(`node ${r.native.join(' ')}`);
      console.log(`CONVERSE_DIST_PLATFORM=${r.platform} node ${builderCli} ${r.builder.join(' ')}`);
    }
    return 0;
  }
  if (run('scripts/build.mjs', []) !== 0) return 1;
  for (const r of runs) {
    if (run(r.native[0], r.native.slice(1)) !== 0) return 1;
    const status = run(builderCli, r.builder, { ...process.env, CONVERSE_DIST_PLATFORM: r.platform });
    if (status !== 0) {
      console.error(`dist: electron-builder failed for ${r.platform}-${r.arch} (see above).`);
      return status;
    }
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
