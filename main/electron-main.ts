// Converse Desktop, the Electron shell. Thin on purpose: it wires the desktop core (main/core/)
// to BrowserWindow, Tray, globalShortcut, Notification and safeStorage; every decision it takes
// lives in main/shell-policy/ and is tested without Electron. Every start-up failure is shown to
// the rep in a dialog and logged: a packaged app must never just vanish.
import { app, dialog, globalShortcut, net, powerMonitor } from 'electron';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IPC_EVENT_CHANNEL_PREFIX, IpcEvents, type IpcEventName } from '../shared/ipc';
import { createDesktopCore, type DesktopCore } from './core/index';
import { APP_ID, appPaths } from './app-paths';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { limitPermissions, hardenAllWebContents } from './web-contents-security';
import { registerIpcHandlers } from './ipc-handlers';
import { createChatWindow, secureWebPreferences } from './chat-window';
import { createTrayIcon } from './tray-icon';
import { registerChatShortcut } from './global-shortcut';
import { createElectronNotifier } from './electron-notifier';
import { createSafeStorageCredentials } from './safe-storage-credentials';
import { createElectronShellPort, type ShellParts } from './electron-shell-port';
import { startedAtLogin } from './login-item';
import { electronSqliteBinding } from './native-sqlite';
import { startEmbeddedServer, unpackedEntry } from './embedded-server';
import { setAppMenu } from './menus';
import { createShellLog } from './shell-log';
import { launchIntent, type LaunchIntent } from './shell-policy/launch-args';
import { startupFailureText } from './shell-policy/startup-failure';
import { startAutoUpdate } from './auto-update';

// Before anything else (these must precede 'ready'): every renderer sandboxed, the Windows
// AppUserModelID (without it toasts may not show, or a click may not reach the app), the
// Wayland portal for global shortcuts (without it alt+m is never delivered under GNOME on
// Wayland), the data folder, the app:// scheme.
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
if (process.platform === 'linux') app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
if (process.env.CONVERSE_DATA_DIR) app.setPath('userData', path.resolve(process.env.CONVERSE_DATA_DIR));
registerAppScheme();
hardenAllWebContents();

const EMBEDDED_PORT = 4780;
const NETWORK_POLL_MS = 10_000;
const SHUTDOWN_WITHIN_MS = 5_000;

const log = createShellLog(path.join(app.getPath('userData'), 'logs'));
const parts: ShellParts = { chat: null, tray: null, shortcut: null };
let shutdown: (() => Promise<void>) | null = null;
/** What a second launch asked for before the window existed (the first is still starting). */
let pendingIntent: Exclude<LaunchIntent, 'hidden'> | null = null;

function applyIntent(intent: Exclude<LaunchIntent, 'hidden'>): void {
  if (!parts.chat) {
    pendingIntent = intent;
    return;
  }
  if (intent === 'toggle') parts.chat.toggleVisible();
  else parts.chat.show();
}

function failStart(err: unknown): void {
  log.error('start-up failed', err);
  const text = startupFailureText(err, log.file);
  // showErrorBox is safe before 'ready' and needs no window.
  try {
    dialog.showErrorBox(text.title, text.content);
  } catch {
    /* no display: the log has it */
  }
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (dock, start menu, autostart twice, `--toggle` bound to a key) reaches the
  // first instance, even while it is still starting.
  app.on('second-instance', (_event, argv) => applyIntent(launchIntent(argv) === 'toggle' ? 'toggle' : 'show'));
  app.on('window-all-closed', () => {
    /* stays in the tray */
  });
  app.on('activate', () => parts.chat?.show());
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit')
      log.warn(`a ${details.type} process is gone (${details.reason}, exit code ${details.exitCode})`);
  });
  app.whenReady().then(start).catch(failStart);
}

/** The server to use: CONVERSE_SERVER_URL, else config.json's serverUrl, else none (embedded). */
function configuredServerUrl(userData: string): string | null {
  if (process.env.CONVERSE_SERVER_URL) return process.env.CONVERSE_SERVER_URL;
  const file = path.join(userData, 'config.json');
  if (!existsSync(file)) return null;
  try {
    const parsed = z
      .object({ serverUrl: z.string().url().optional() })
      .safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data.serverUrl ?? null;
    log.warn(`ignoring ${file}: ${parsed.error.issues[0]?.message}`);
  } catch (err) {
    log.warn(`ignoring ${file}: ${String(err)}`);
  }
  return null;
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  log.info(
    `Converse Desktop ${app.getVersion()} starting (Electron ${process.versions.electron}, ${process.platform}-${process.arch})`,
  );
  setAppMenu();
  limitPermissions();
  // Previews are served through the core, which exists a few lines below.
  let previewSource: DesktopCore | null = null;
  serveRenderer(appPaths.renderer, () => (previewSource ? (id) => previewSource!.fetchAttachment(id) : undefined));

  // Chosen once, here, for every database the app opens: Electron cannot load node_modules' build.
  const sqliteBinding = electronSqliteBinding();

  const cleanups: Array<() => Promise<void> | void> = [];
  let serverUrl = configuredServerUrl(userData);
  if (!serverUrl) {
    const embedded = await startEmbeddedServer({
      entry: unpackedEntry(appPaths.embeddedServer),
      dataDir: path.join(userData, 'server'),
      // A stable port keeps the saved session's server address valid across restarts.
      port: Number(process.env.CONVERSE_EMBEDDED_PORT ?? EMBEDDED_PORT),
      sqliteBinding,
      logFile: path.join(path.dirname(log.file), 'embedded-server.log'),
      log: (level, message) => log[level](message),
    });
    cleanups.push(() => embedded.close());
    serverUrl = embedded.url;
  }

  const appIcon = path.join(appPaths.assets, 'icons', '256x256.png');
  const core = createDesktopCore({
    dataDir: path.join(userData, 'desktop'),
    notifier: createElectronNotifier(appIcon),
    credentials: createSafeStorageCredentials(path.join(userData, 'session.bin')),
    shell: createElectronShellPort(parts),
    defaultServerUrl: serverUrl,
    sqliteBinding,
    logFile: log.core,
  });
  previewSource = core;

  const push = (event: IpcEventName, payload: unknown) => parts.chat?.send(IPC_EVENT_CHANNEL_PREFIX + event, payload);
  const unsubscribe = (Object.keys(IpcEvents) as IpcEventName[]).map((name) =>
    core.on(name, (payload: unknown) => push(name, payload)),
  );
  cleanups.push(() => {
    for (const u of unsubscribe) u();
  });
  cleanups.push(registerIpcHandlers(core));

  const intent = launchIntent(process.argv);
  parts.chat = createChatWindow({
    preload: appPaths.preload,
    icon: appIcon,
    stateFile: path.join(userData, 'window-state.json'),
    startHidden: (intent === 'hidden' || startedAtLogin()) && pendingIntent === null,
    onFocusChange: (focused) => core.setWindowFocused(focused),
    onWindowChanged: (state) => push('window.changed', state),
    log: (level, message) => log[level](message),
    onRendererLost: (reason) =>
      dialog.showErrorBox(
        'The chat window keeps closing',
        `Its page stopped working several times in a row (${reason}). Quit Converse Desktop from the tray and start it again.\n\nDetails are in ${log.file}.`,
      ),
  });
  cleanups.push(() => parts.chat?.flush());
  if (pendingIntent) {
    const asked = pendingIntent;
    pendingIntent = null;
    applyIntent(asked);
  }

  parts.tray = createTrayIcon({
    assetsDir: appPaths.assets,
    window: () => parts.chat?.win ?? null,
    onAction: (action) => {
      if (action === 'open-chat') parts.chat?.show();
      else if (action === 'quit') app.quit();
      else if (action === 'toggle-do-not-disturb') {
        const next = !parts.tray?.state().doNotDisturb;
        core
          .handle('settings.set', { doNotDisturb: next })
          .catch((err: unknown) => log.error('could not change do not disturb', err));
      }
    },
  });
  core.on('settings.changed', (s) => parts.tray?.setDoNotDisturb(s.doNotDisturb));
  cleanups.push(() => parts.tray?.destroy());

  parts.shortcut = registerChatShortcut(
    () => parts.chat?.toggleVisible(),
    (status) => {
      log.warn(`global shortcut: ${status.error ?? `${status.accelerator} not registered`}`);
      push('notice', {
        kind: 'shortcut-unavailable',
        message: status.error ?? `${status.accelerator} could not be registered.`,
      });
    },
  );
  cleanups.push(() => parts.shortcut?.unregister());

  // After sleep or a network change the socket may be dead without knowing it: reconnect now.
  powerMonitor.on('resume', () => core.wake('resume'));
  powerMonitor.on('unlock-screen', () => core.wake('unlock-screen'));
  let online = net.isOnline();
  const netPoll = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      if (now) core.wake('network-change');
    }
  }, NETWORK_POLL_MS);
  cleanups.push(() => clearInterval(netPoll));

  await core.start();
  cleanups.push(() => core.stop());
  void core
    .handle('settings.get', {})
    .then((s) => parts.tray?.setDoNotDisturb(s.doNotDisturb))
    .catch(() => {});
  cleanups.push(startAutoUpdate({ app, log }));
  log.info('started');

  if (process.env.CONVERSE_E2E === '1') {
    // Read-only probes for the Electron end-to-end suite (Playwright's app.evaluate).
    (globalThis as Record<string, unknown>).__converseShell = {
      tray: () => parts.tray?.state(),
      shortcut: () => parts.shortcut?.status(),
      chat: () => ({
        expanded: parts.chat?.isExpanded(),
        visible: parts.chat?.win.isVisible(),
        focused: parts.chat?.isFocused(),
      }),
      toggleChat: () => parts.chat?.toggleVisible(),
      webPreferences: () => secureWebPreferences(appPaths.preload),
      serverUrl: () => serverUrl,
      sqliteBinding: () => sqliteBinding,
    };
  }

  shutdown = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        log.error('a shutdown step failed', err);
      }
    }
  };
}

// Quit cleanly: release the shortcut, save the window, stop the core (outbox and sync state
// are on disk already), stop the embedded server; bounded, so a stuck step cannot hang the quit.
let quitting = false;
let cleanedUp = false;
app.on('before-quit', (event) => {
  parts.chat?.allowClose();
  if (cleanedUp || !shutdown) return;
  event.preventDefault();
  if (quitting) return;
  quitting = true;
  const done = () => {
    cleanedUp = true;
    log.info('quit');
    void log.close().finally(() => app.quit());
  };
  const timer = setTimeout(done, SHUTDOWN_WITHIN_MS);
  void shutdown().finally(() => {
    clearTimeout(timer);
    done();
  });
});
app.on('will-quit', () => globalShortcut.unregisterAll());
