// Converse Desktop, the Electron shell. Thin on purpose: it wires the desktop core (main/core/)
// to BrowserWindow, Tray, globalShortcut, Notification and safeStorage; every decision it takes
// lives in main/shell-policy/ and is tested without Electron.
import { app, globalShortcut, net, powerMonitor } from 'electron';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IPC_EVENT_CHANNEL_PREFIX, IpcEvents, type IpcEventName } from '../shared/ipc';
import { createDesktopCore, type DesktopCore } from './core/index';
import { appPaths } from './app-paths';
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

// Before anything else: every renderer sandboxed, one instance, the app:// scheme known.
app.enableSandbox();
if (process.env.CONVERSE_DATA_DIR) app.setPath('userData', path.resolve(process.env.CONVERSE_DATA_DIR));
registerAppScheme();
hardenAllWebContents();

const EMBEDDED_PORT = 4780;
const NETWORK_POLL_MS = 10_000;
const SHUTDOWN_WITHIN_MS = 5_000;

const parts: ShellParts = { chat: null, tray: null, shortcut: null };
let shutdown: (() => Promise<void>) | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (dock, start menu, autostart twice) focuses the window already open.
  app.on('second-instance', () => parts.chat?.show());
  app.on('window-all-closed', () => { /* stays in the tray */ });
  app.on('activate', () => parts.chat?.show());
  app.whenReady().then(start).catch((err) => {
    console.error('Converse Desktop could not start:', err);
    app.exit(1);
  });
}

/** The server to use: CONVERSE_SERVER_URL, else config.json's serverUrl, else none (embedded). */
function configuredServerUrl(userData: string): string | null {
  if (process.env.CONVERSE_SERVER_URL) return process.env.CONVERSE_SERVER_URL;
  const file = path.join(userData, 'config.json');
  if (!existsSync(file)) return null;
  try {
    const parsed = z.object({ serverUrl: z.string().url().optional() }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data.serverUrl ?? null;
    console.error(`converse: ignoring ${file}: ${parsed.error.issues[0]?.message}`);
  } catch (err) {
    console.error(`converse: ignoring ${file}: ${String(err)}`);
  }
  return null;
}

async function startEmbeddedServer(dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const { startServer } = await import('../server/app');
  const port = Number(process.env.CONVERSE_EMBEDDED_PORT ?? EMBEDDED_PORT);
  try {
    // A stable port keeps the saved session's server address valid across restarts.
    return await startServer({ demo: true, port, dataDir });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startServer({ demo: true, port: 0, dataDir });
  }
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  mkdirSync(userData, { recursive: true, mode: 0o700 });
  limitPermissions();
  // Previews are served through the core, which exists a few lines below.
  let previewSource: DesktopCore | null = null;
  serveRenderer(appPaths.renderer, () => (previewSource ? (id) => previewSource!.fetchAttachment(id) : undefined));

  const cleanups: Array<() => Promise<void> | void> = [];
  let serverUrl = configuredServerUrl(userData);
  if (!serverUrl) {
    const embedded = await startEmbeddedServer(path.join(userData, 'server'));
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
  });
  previewSource = core;

  const push = (event: IpcEventName, payload: unknown) => parts.chat?.send(IPC_EVENT_CHANNEL_PREFIX + event, payload);
  const unsubscribe = (Object.keys(IpcEvents) as IpcEventName[]).map((name) => core.on(name, (payload: unknown) => push(name, payload)));
  cleanups.push(() => { for (const u of unsubscribe) u(); });
  cleanups.push(registerIpcHandlers(core));

  parts.chat = createChatWindow({
    preload: appPaths.preload,
    icon: appIcon,
    stateFile: path.join(userData, 'window-state.json'),
    startHidden: startedAtLogin(),
    onFocusChange: (focused) => core.setWindowFocused(focused),
    onWindowChanged: (state) => push('window.changed', state),
  });
  cleanups.push(() => parts.chat?.flush());

  parts.tray = createTrayIcon({
    assetsDir: appPaths.assets,
    window: () => parts.chat?.win ?? null,
    onAction: (action) => {
      if (action === 'open-chat') parts.chat?.show();
      else if (action === 'quit') app.quit();
      else if (action === 'toggle-do-not-disturb') {
        const next = !parts.tray?.state().doNotDisturb;
        core.handle('settings.set', { doNotDisturb: next }).catch((err: unknown) => console.error('converse: could not change do not disturb:', err));
      }
    },
  });
  core.on('settings.changed', (s: unknown) => parts.tray?.setDoNotDisturb((s as { doNotDisturb: boolean }).doNotDisturb));
  cleanups.push(() => parts.tray?.destroy());

  parts.shortcut = registerChatShortcut(
    () => parts.chat?.toggleVisible(),
    (status) => push('notice', { kind: 'shortcut-unavailable', message: status.error ?? `${status.accelerator} could not be registered.` }),
  );
  cleanups.push(() => parts.shortcut?.unregister());

  // After sleep or a network change the socket may be dead without knowing it: reconnect now.
  powerMonitor.on('resume', () => core.wake('resume'));
  powerMonitor.on('unlock-screen', () => core.wake('unlock-screen'));
  let online = net.isOnline();
  const netPoll = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) { online = now; if (now) core.wake('network-change'); }
  }, NETWORK_POLL_MS);
  cleanups.push(() => clearInterval(netPoll));

  await core.start();
  cleanups.push(() => core.stop());
  void core.handle('settings.get', {}).then((s) => parts.tray?.setDoNotDisturb((s as { doNotDisturb: boolean }).doNotDisturb)).catch(() => {});

  if (process.env.CONVERSE_E2E === '1') {
    // Read-only probes for the Electron end-to-end suite (Playwright's app.evaluate).
    (globalThis as Record<string, unknown>).__converseShell = {
      tray: () => parts.tray?.state(),
      shortcut: () => parts.shortcut?.status(),
      chat: () => ({ expanded: parts.chat?.isExpanded(), visible: parts.chat?.win.isVisible(), focused: parts.chat?.isFocused() }),
      toggleChat: () => parts.chat?.toggleVisible(),
      webPreferences: () => secureWebPreferences(appPaths.preload),
    };
  }

  shutdown = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try { await c(); } catch (err) { console.error('converse: shutdown step failed:', err); }
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
  const done = () => { cleanedUp = true; app.quit(); };
  const timer = setTimeout(done, SHUTDOWN_WITHIN_MS);
  void shutdown().finally(() => { clearTimeout(timer); done(); });
});
app.on('will-quit', () => globalShortcut.unregisterAll());
