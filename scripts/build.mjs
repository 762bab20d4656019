// `npm run build`: bundles the Electron main process, the sandboxed preload and the browser
// shell's web bridge with esbuild, then builds the renderer with vite.
//   dist/main/electron-main.js            ESM (package.json "type": "module"); Node packages stay
//                                          external (native better-sqlite3 must be, and
//                                          electron-builder ships node_modules with the app)
//   dist/main/store-writer.mjs            the desktop core's SQLite writer thread
//   dist/main/embedded-server.mjs         the embedded demo server (an Electron utility process)
//   dist/preload/electron-preload.cjs     CJS, fully bundled: a sandboxed preload may only
//                                          require('electron')
//   dist/renderer-bridge/web-bridge.js    IIFE for the browser shell
//   dist/renderer/                        vite build of renderer/
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = (p) => path.join(root, p);
const started = Date.now();
// Bundled CommonJS-style code may still reach for these in an ES module.
const ESM_CJS_GLOBALS = [
  "import { createRequire as __converseCreateRequire } from 'node:module';",
  "import { fileURLToPath as __converseFileURLToPath } from 'node:url';",
  "import { dirname as __converseDirname } from 'node:path';",
  'const require = __converseCreateRequire(import.meta.url);',
  'const __filename = __converseFileURLToPath(import.meta.url);',
  'const __dirname = __converseDirname(__filename);',
].join('\n');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root, legalComments: 'none' };

for (const dir of ['dist/main', 'dist/preload', 'dist/renderer-bridge'])
  rmSync(r(dir), { recursive: true, force: true });

const bundles = await Promise.allSettled([
  build({
    ...common,
    entryPoints: [r('main/electron-main.ts')],
    outfile: r('dist/main/electron-main.js'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    external: ['electron'],
    banner: { js: ESM_CJS_GLOBALS },
  }),
  // The desktop core's store writer thread (main/core/store/writer-worker.ts), beside the main
  // bundle where main/core/store/store-writer.ts looks for it.
  build({
    ...common,
    entryPoints: [r('main/core/store/writer-worker.ts')],
    outfile: r('dist/main/store-writer.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // It runs from app.asar.unpacked (electron-builder.config.ts), where only the native module and its
    // loaders are unpacked: everything else (zod) is bundled in.
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire as __converseCreateRequire } from 'node:module';\nconst require = __converseCreateRequire(import.meta.url);",
    },
  }),
  // The embedded demo server, run in an Electron utility process (main/embedded-server.ts). It
  // runs from app.asar.unpacked like the writer, so everything but the native module is bundled.
  build({
    ...common,
    entryPoints: [r('main/embedded-server-process.ts')],
    outfile: r('dist/main/embedded-server.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'electron'],
    banner: { js: ESM_CJS_GLOBALS },
  }),
  build({
    ...common,
    entryPoints: [r('preload/electron-preload.ts')],
    outfile: r('dist/preload/electron-preload.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    minify: true,
  }),
  build({
    ...common,
    entryPoints: [r('preload/web-bridge.ts')],
    outfile: r('dist/renderer-bridge/web-bridge.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
  }),
]);
if (bundles.some((b) => b.status === 'rejected')) {
  // esbuild has printed each error with its file and line already.
  console.error('build: bundling failed (see the errors above).');
  process.exit(1);
}
console.log(`build: main, preload and web bridge bundled in ${Date.now() - started} ms`);

if (!existsSync(r('renderer/vite.config.ts'))) {
  console.error('build: renderer/vite.config.ts is missing, so the renderer cannot be built.');
  process.exit(1);
}
const vite = spawnSync(
  process.execPath,
  [r('node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
if (vite.status !== 0) {
  console.error('build: the renderer build failed.');
  process.exit(vite.status ?? 1);
}
console.log(`build: done in ${Date.now() - started} ms`);
