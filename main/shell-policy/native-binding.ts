// Which better-sqlite3 native module the Electron shell loads, and whether it fits. The Node build
// in node_modules cannot be loaded by Electron (another NODE_MODULE_VERSION); the Electron build
// is made beside it by scripts/electron-native.mjs (native/electron/ in a checkout) and shipped
// by electron-builder as resources/native/ (electron-builder.config.ts). Pure: main/native-sqlite.ts
// reads the files and the running Electron's facts.
import path from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';
export const BUILD_INFO_FILE = 'build-info.json';

export interface BindingPlace {
  isPackaged: boolean;
  /** process.resourcesPath: where a packaged app's extra resources are. */
  resourcesPath: string;
  /** app.getAppPath(): the project root when run from a checkout (`electron .`). */
  appPath: string;
}

/** The folder that holds the Electron build and its build-info.json. */
export function electronBindingDir(place: BindingPlace): string {
  return place.isPackaged ? path.join(place.resourcesPath, 'native') : path.join(place.appPath, 'native', 'electron');
}

export interface RunningElectron {
  electron: string;
  /** process.versions.modules: the NODE_MODULE_VERSION native modules must be built for. */
  abi: string;
  platform: string;
  arch: string;
}

export type BindingCheck = { ok: true; file: string } | { ok: false; file: string; problem: string; remedy: string };

/**
 * Whether the build at `dir` fits the running Electron. `info` is build-info.json's parsed
 * content (null when the file is missing, which means the build is missing too).
 */
export function checkElectronBinding(
  dir: string,
  exists: boolean,
  info: unknown,
  running: RunningElectron,
  isPackaged: boolean,
): BindingCheck {
  const file = path.join(dir, BINDING_FILE);
  const remedy = isPackaged
    ? 'Reinstall Converse Desktop from a complete installer.'
    : 'Run `npm run electron:native` with internet access (it fetches or compiles the Electron build), or use `npm run web`, which serves the same app in a browser.';
  if (!exists)
    return {
      ok: false,
      file,
      problem: `The database engine built for Electron ${running.electron} is missing (${file}).`,
      remedy,
    };
  const built = (info ?? {}) as Partial<Record<'abi' | 'platform' | 'arch' | 'electron', unknown>>;
  if (built.abi !== undefined && String(built.abi) !== running.abi) {
    return {
      ok: false,
      file,
      problem: `The database engine was built for another Electron (${String(built.electron ?? '?')}, ABI ${String(built.abi)}); this is Electron ${running.electron} (ABI ${running.abi}).`,
      remedy,
    };
  }
  if (
    (built.platform !== undefined && built.platform !== running.platform) ||
    (built.arch !== undefined && built.arch !== running.arch)
  ) {
    return {
      ok: false,
      file,
      problem: `The database engine was built for ${String(built.platform)}-${String(built.arch)}, not ${running.platform}-${running.arch}.`,
      remedy,
    };
  }
  return { ok: true, file };
}
