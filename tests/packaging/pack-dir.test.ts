// electron-builder really packages the app with electron-builder.config.ts (its `--dir` step, the
// one every installer starts from), and the result holds what the app needs and nothing it must
// not. The Electron binary cannot be downloaded here, so electron-builder is handed an unpacked
// "Electron" whose executable is a file carrying Electron's fuse wire (the bytes @electron/fuses
// looks for): everything else, from copying node_modules to flipping the fuses, is electron-builder's.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { converseBuildConfig, LINUX_NAME, PRODUCT_NAME } from '../../electron-builder.config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
const asar = require('@electron/asar') as {
  listPackage(file: string): string[];
  extractFile(archive: string, file: string): Buffer;
};

const UPDATE_URL = 'https://updates.converse.example/desktop/';
const SQLITE_NODE_BUILD = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
// Electron's own fuse defaults (RunAsNode on, cookie encryption off, …), as an unflipped binary has them.
const ELECTRON_DEFAULT_WIRE = '10110001';

let work: string;
let resources: string;
let executable: string;
let log = '';
let nodeBuild: { before: number | null; after: number | null };

/** This process's environment without vitest's marks: electron-builder stays silent under vitest. */
function builderEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
}

function write(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(() => {
  // node_modules below is the project's own (a link): never let a rebuild reach it.
  const config = converseBuildConfig({ platform: 'linux', updateUrl: UPDATE_URL });
  if (config.npmRebuild !== false || config.nodeGypRebuild !== false)
    throw new Error('refusing to package: npmRebuild/nodeGypRebuild would rebuild node_modules in place');
  work = mkdtempSync(path.join(tmpdir(), 'converse-pack-'));
  const project = path.join(work, 'project');
  const electronDist = path.join(work, 'electron');
  mkdirSync(project);
  for (const f of ['package.json', 'package-lock.json', 'electron-builder.config.ts'])
    cpSync(path.join(root, f), path.join(project, f));
  for (const d of ['assets', 'build-resources']) cpSync(path.join(root, d), path.join(project, d), { recursive: true });
  // The config imports main/ (APP_ID, the native binding's names); the packages are the real ones.
  for (const d of ['main', 'shared', 'node_modules']) symlinkSync(path.join(root, d), path.join(project, d));
  // The app's bundles as `npm run build` names them; their content is not what is tested here.
  for (const f of [
    'dist/main/electron-main.js',
    'dist/main/electron-main.js.map',
    'dist/main/store-writer.mjs',
    'dist/main/embedded-server.mjs',
    'dist/preload/electron-preload.cjs',
    'dist/renderer/index.html',
  ]) {
    write(path.join(project, f), `// ${f}\n`);
  }
  write(path.join(project, 'native/electron/better_sqlite3.node'), 'the Electron build of better-sqlite3');
  write(path.join(project, 'native/electron/build-info.json'), '{"module":"better-sqlite3"}\n');

  const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  mkdirSync(electronDist);
  writeFileSync(
    path.join(electronDist, 'electron'),
    Buffer.concat([
      Buffer.from(sentinel),
      Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
      Buffer.from(ELECTRON_DEFAULT_WIRE),
    ]),
    { mode: 0o755 },
  );
  for (const f of ['chrome-sandbox', 'LICENSE', 'version']) writeFileSync(path.join(electronDist, f), '');

  const nodeBuildBefore = existsSync(SQLITE_NODE_BUILD) ? statSync(SQLITE_NODE_BUILD).mtimeMs : null;
  const electronVersion = JSON.parse(
    readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version;
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/electron-builder/cli.js'),
      '--config',
      'electron-builder.config.ts',
      '--linux',
      '--x64',
      '--dir',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.electronVersion=${electronVersion}`,
      `-c.directories.output=${path.join(work, 'release')}`,
    ],
    {
      cwd: project,
      encoding: 'utf8',
      env: { ...builderEnv(), CONVERSE_DIST_PLATFORM: 'linux', CONVERSE_UPDATE_URL: UPDATE_URL },
      timeout: 180_000,
    },
  );
  log = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`electron-builder failed (${r.status ?? r.signal}):\n${log}`);
  nodeBuild = {
    before: nodeBuildBefore,
    after: existsSync(SQLITE_NODE_BUILD) ? statSync(SQLITE_NODE_BUILD).mtimeMs : null,
  };

  const appOutDir = path.join(work, 'release', 'linux-unpacked');
  resources = path.join(appOutDir, 'resources');
  executable = path.join(appOutDir, LINUX_NAME);
}, 200_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('electron-builder --dir with electron-builder.config.ts', () => {
  it('does not rebuild node_modules', () => {
    expect(log).toContain('npmRebuild is set to false');
    // npm test, npm run server and npm run web load node_modules' Node build: packaging leaves it alone.
    expect(nodeBuild.after).toBe(nodeBuild.before);
  });

  it('flips the fuses the configuration asks for in the executable', async () => {
    expect(existsSync(executable)).toBe(true);
    const wire = await getCurrentFuseWire(executable);
    const fuses = converseBuildConfig({ platform: 'linux', updateUrl: null }).electronFuses!;
    const expected: Record<string, boolean | undefined> = {
      RunAsNode: fuses.runAsNode,
      EnableCookieEncryption: fuses.enableCookieEncryption,
      EnableNodeOptionsEnvironmentVariable: fuses.enableNodeOptionsEnvironmentVariable,
      EnableNodeCliInspectArguments: fuses.enableNodeCliInspectArguments,
      EnableEmbeddedAsarIntegrityValidation: fuses.enableEmbeddedAsarIntegrityValidation,
      OnlyLoadAppFromAsar: fuses.onlyLoadAppFromAsar,
    };
    for (const [name, on] of Object.entries(expected)) {
      expect(String.fromCharCode(wire[FuseV1Options[name]]), name).toBe(on ? '1' : '0');
    }
  });

  it('ships the Electron build of better-sqlite3 as resources/native, and the update settings', () => {
    expect(readFileSync(path.join(resources, 'native/better_sqlite3.node'), 'utf8')).toBe(
      'the Electron build of better-sqlite3',
    );
    expect(existsSync(path.join(resources, 'native/build-info.json'))).toBe(true);
    const update = readFileSync(path.join(resources, 'app-update.yml'), 'utf8');
    expect(update).toContain('provider: generic');
    expect(update).toContain(`url: ${UPDATE_URL}`);
  });

  it("puts the bundles and the production packages in app.asar, and not the renderer's packages or any Node build", () => {
    const files = asar.listPackage(path.join(resources, 'app.asar')).map((f) => f.split(path.sep).join('/'));
    for (const f of [
      '/package.json',
      '/dist/main/electron-main.js',
      '/dist/renderer/index.html',
      '/assets/tray/tray-0.png',
      '/node_modules/zod/package.json',
      '/node_modules/fastify/package.json',
      '/node_modules/electron-updater/package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    for (const bad of [
      /\.map$/,
      /^\/node_modules\/(react|react-dom|recharts|zustand|i18next|emoji-picker-react)\//,
      /^\/node_modules\/better-sqlite3\/(build|deps|src)\//,
      /\.node$/,
    ]) {
      expect(
        files.filter((f) => bad.test(f)),
        String(bad),
      ).toEqual([]);
    }
  });

  it("keeps the app's own name (its data folder) while Linux files are named without a space", () => {
    const shipped = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString('utf8'));
    expect(shipped.productName).toBe(PRODUCT_NAME);
    expect(path.basename(executable)).toBe(LINUX_NAME);
  });

  it('unpacks the writer thread, the embedded server and the SQLite JavaScript they load', () => {
    const unpacked = path.join(resources, 'app.asar.unpacked');
    for (const f of [
      'dist/main/store-writer.mjs',
      'dist/main/embedded-server.mjs',
      'node_modules/better-sqlite3/lib/database.js',
      'node_modules/better-sqlite3/package.json',
    ]) {
      expect(existsSync(path.join(unpacked, f)), f).toBe(true);
    }
  });
});
