// The one place that chooses the better-sqlite3 native module for the Electron shell: every
// database the shell opens (the core's connection, its writer thread, the embedded server's
// process) is given this file as better-sqlite3's `nativeBinding`. Checked once at start, so a
// missing or mismatched build is a clear start-up error instead of a crash in the first query.
import { app } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import {
  BINDING_FILE,
  BUILD_INFO_FILE,
  checkElectronBinding,
  electronBindingDir,
  type BindingCheck,
} from './shell-policy/native-binding';
import path from 'node:path';

export class NativeBindingError extends Error {
  constructor(readonly check: Extract<BindingCheck, { ok: false }>) {
    super(`${check.problem} ${check.remedy}`);
    this.name = 'NativeBindingError';
  }
}

/** The Electron-ABI better-sqlite3 to load; throws NativeBindingError when it is missing or unfit. */
export function electronSqliteBinding(): string {
  const dir = electronBindingDir({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
  });
  const infoFile = path.join(dir, BUILD_INFO_FILE);
  let info: unknown = null;
  try {
    info = existsSync(infoFile) ? JSON.parse(readFileSync(infoFile, 'utf8')) : null;
  } catch {
    info = null;
  }
  const check = checkElectronBinding(
    dir,
    existsSync(path.join(dir, BINDING_FILE)),
    info,
    {
      electron: process.versions.electron ?? '?',
      abi: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    },
    app.isPackaged,
  );
  if (!check.ok) throw new NativeBindingError(check);
  return check.file;
}
