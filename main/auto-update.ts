// Updates for installed builds, through electron-updater. It reads resources/app-update.yml, which
// electron-builder writes only into builds made with an update URL (CONVERSE_UPDATE_URL, README
// "Packaging"): a checkout, or a build made without one, never asks anyone for updates.
// A failed check is logged and tried again at the next interval; it never stops the app.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** electron-updater's own file name for the update settings electron-builder writes. */
export const UPDATE_CONFIG_FILE = 'app-update.yml';

/** The part of electron-updater's autoUpdater this module uses. */
export interface Updater {
  logger: unknown;
  checkForUpdatesAndNotify(): Promise<unknown>;
}

export interface AutoUpdateLog {
  info(message: string, err?: unknown): void;
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
}

export interface AutoUpdateOptions {
  app: { isPackaged: boolean };
  log: AutoUpdateLog;
  /** Where the packaged app's resources are; process.resourcesPath in Electron. */
  resourcesPath?: string;
  /** electron-updater's autoUpdater; loaded only when it is needed (it requires Electron). */
  loadUpdater?: () => Promise<Updater>;
  /** Runs `check` every `ms` until the returned function is called. */
  every?: (ms: number, check: () => void) => () => void;
}

async function loadElectronUpdater(): Promise<Updater> {
  // electron-updater is CommonJS: its exports arrive as the default export of an ES import.
  const mod = (await import('electron-updater')) as unknown as {
    default?: { autoUpdater: Updater };
    autoUpdater?: Updater;
  };
  const updater = mod.default?.autoUpdater ?? mod.autoUpdater;
  if (!updater) throw new Error('electron-updater has no autoUpdater');
  return updater;
}

function everyUnref(ms: number, check: () => void): () => void {
  const timer = setInterval(check, ms);
  // A pending update check must not keep a quitting app alive.
  timer.unref();
  return () => clearInterval(timer);
}

/** Checks for updates now and every 6 h in an installed build; returns the function that stops it. */
export function startAutoUpdate(opts: AutoUpdateOptions): () => void {
  const { app, log } = opts;
  if (!app.isPackaged) return () => {};
  const resourcesPath = opts.resourcesPath ?? process.resourcesPath;
  const configFile = resourcesPath ? path.join(resourcesPath, UPDATE_CONFIG_FILE) : null;
  if (!configFile || !existsSync(configFile)) {
    log.info('auto-update: off (this build was made without an update URL)');
    return () => {};
  }

  let stopped = false;
  let updater: Promise<Updater> | null = null;
  const getUpdater = () => {
    updater ??= (opts.loadUpdater ?? loadElectronUpdater)().then((u) => {
      u.logger = {
        info: (m: unknown) => log.info(`auto-update: ${String(m)}`),
        warn: (m: unknown) => log.warn(`auto-update: ${String(m)}`),
        error: (m: unknown) => log.error(`auto-update: ${String(m)}`),
        debug: () => {},
      };
      return u;
    });
    return updater;
  };
  const check = () => {
    if (stopped) return;
    getUpdater()
      .then((u) => u.checkForUpdatesAndNotify())
      .catch((err: unknown) => {
        // Offline, the update server down, a bad download: the next check tries again.
        updater = null;
        log.warn('auto-update: the update check failed', err);
      });
  };
  check();
  const cancel = (opts.every ?? everyUnref)(UPDATE_CHECK_INTERVAL_MS, check);
  return () => {
    stopped = true;
    cancel();
  };
}
