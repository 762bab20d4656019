// The web bridge script the browser shell injects into the page. In a checkout it is bundled
// from preload/web-bridge.ts at start (esbuild, ~0.1 s), so `npm run web` never serves a stale
// bridge; elsewhere the prebuilt dist/renderer-bridge/web-bridge.js from `npm run build` is used.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = path.join(REPO_ROOT, 'preload/web-bridge.ts');
const PREBUILT = path.join(REPO_ROOT, 'dist/renderer-bridge/web-bridge.js');

let cached: Promise<string> | null = null;

export function loadWebBridgeScript(): Promise<string> {
  cached ??= load().catch((err) => {
    cached = null;
    throw err;
  });
  return cached;
}

async function load(): Promise<string> {
  if (existsSync(SOURCE)) {
    try {
      const esbuild = await import('esbuild');
      const out = await esbuild.build({
        entryPoints: [SOURCE],
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        logLevel: 'silent',
      });
      return out.outputFiles[0].text;
    } catch (err) {
      if (!existsSync(PREBUILT))
        throw new Error(
          `Could not bundle the web bridge (${err instanceof Error ? err.message : String(err)}); run \`npm run build\`.`,
        );
    }
  }
  if (!existsSync(PREBUILT)) throw new Error(`The web bridge is missing (${PREBUILT}): run \`npm run build\`.`);
  return readFile(PREBUILT, 'utf8');
}
