// Benchmarks run the core the way the app ships it: bundled into one file by esbuild, not
// compiled on the fly by tsx (whose transform cache would inflate start time and memory).
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { WRITER_BUNDLE_NAME } from '../../../../main/core/store/store-writer';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Bundle `entry` (relative to the repo) to an .mjs under node_modules/.cache, where bare imports of natives still resolve. */
export async function bundleChild(entry: string, name: string): Promise<string> {
  const outDir = path.join(root, 'node_modules', '.cache', 'converse-bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  const options: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'node-notifier', 'bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  };
  await Promise.all([
    build({ ...options, entryPoints: [path.join(root, entry)], outfile }),
    // The store writer's thread, beside the bundle, as scripts/build.mjs ships it.
    build({
      ...options,
      entryPoints: [path.join(root, 'main/core/store/writer-worker.ts')],
      outfile: path.join(outDir, WRITER_BUNDLE_NAME),
    }),
  ]);
  return outfile;
}
