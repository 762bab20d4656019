// The one app window: the chat pop-up, which the rep can expand to the full view. Secure
// webPreferences on every window; closing hides it to the tray; its bounds (compact and
// expanded, separately) are remembered and restored onto a screen that still exists.
// Events for the page wait until the page has loaded (a notice sent during start-up, before the
// renderer listens, would be lost); a crashed renderer is reloaded, a few times.
import { BrowserWindow, screen } from 'electron';
import { restoreChatBounds, CHAT_WINDOW_MIN, type WindowBounds } from './shell-policy/window-bounds';
import { shortcutToggleAction } from './shell-policy/chat-shortcut';
import { readShellState, shellStateWriter, type ShellState } from './shell-state-file';
import { APP_ENTRY_URL } from './app-paths';
import { attachContextMenu } from './menus';
import { rendererRecovery } from './shell-policy/renderer-recovery';

export interface ChatWindow {
  readonly win: BrowserWindow;
  show(): void;
  /** The global shortcut: hide a focused window, otherwise show and focus it. */
  toggleVisible(): void;
  setExpanded(expanded: boolean): boolean;
  isExpanded(): boolean;
  isFocused(): boolean;
  send(channel: string, payload: unknown): void;
  /** Quitting: let the close through instead of hiding. */
  allowClose(): void;
  flush(): Promise<void>;
}

export interface ChatWindowOptions {
  preload: string;
  icon?: string;
  stateFile: string;
  startHidden: boolean;
  onFocusChange(focused: boolean): void;
  onWindowChanged(state: { expanded: boolean; focused: boolean }): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The renderer crashed too often to reload again. */
  onRendererLost(reason: string): void;
}

/** The webPreferences of every window this app opens. */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/** Events held for a page that has not loaded yet; past this the oldest views are stale anyway. */
const MAX_PENDING_EVENTS = 500;

export function createChatWindow(opts: ChatWindowOptions): ChatWindow {
  const state: ShellState = readShellState(opts.stateFile);
  const writer = shellStateWriter(opts.stateFile);
  const workAreas = () => {
    const primary = screen.getPrimaryDisplay();
    return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  };
  let expanded = state.expanded;
  let closable = false;

  const win = new BrowserWindow({
    ...restoreChatBounds(
      expanded ? state.expandedBounds : state.compactBounds,
      workAreas(),
      expanded ? 'expanded' : 'compact',
    ),
    minWidth: CHAT_WINDOW_MIN.width,
    minHeight: CHAT_WINDOW_MIN.height,
    show: false,
    title: 'Converse',
    icon: opts.icon,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(opts.preload),
  });
  win.removeMenu();
  attachContextMenu(win);

  // Until the page has loaded, what main sends it waits here, in order.
  let loaded = false;
  const pending: Array<[string, unknown]> = [];
  const load = () => {
    loaded = false;
    win
      .loadURL(APP_ENTRY_URL)
      .catch((err: Error) => opts.log('error', `the chat window could not load ${APP_ENTRY_URL}: ${err.message}`));
  };
  win.webContents.on('did-finish-load', () => {
    loaded = true;
    for (const [channel, payload] of pending.splice(0)) win.webContents.send(channel, payload);
  });
  win.webContents.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
    if (isMainFrame) opts.log('error', `the chat window failed to load ${url}: ${description} (${code})`);
  });
  const recovery = rendererRecovery();
  win.webContents.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return;
    const decision = recovery.crashed(Date.now());
    opts.log(
      'error',
      `the chat window's renderer is gone (${details.reason}, exit code ${details.exitCode}); ${decision === 'reload' ? 'reloading' : 'not reloading again'}`,
    );
    if (win.isDestroyed()) return;
    if (decision === 'reload') load();
    else opts.onRendererLost(details.reason);
  });
  win.webContents.on('unresponsive', () => opts.log('warn', 'the chat window is not responding'));
  load();
  win.once('ready-to-show', () => {
    if (!opts.startHidden) win.show();
  });

  const announce = () => opts.onWindowChanged({ expanded, focused: win.isFocused() });
  const remember = () => {
    if (win.isMinimized() || win.isMaximized() || win.isFullScreen()) return;
    const b: WindowBounds = win.getBounds();
    if (expanded) state.expandedBounds = b;
    else state.compactBounds = b;
    state.expanded = expanded;
    writer.save(state);
  };
  win.on('moved', remember);
  win.on('resized', remember);
  win.on('focus', () => {
    opts.onFocusChange(true);
    announce();
  });
  win.on('blur', () => {
    opts.onFocusChange(false);
    announce();
  });
  win.on('close', (e) => {
    if (closable) return;
    e.preventDefault();
    win.hide();
  });

  const show = () => {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  return {
    win,
    show,
    toggleVisible() {
      const action = shortcutToggleAction({
        visible: win.isVisible(),
        focused: win.isFocused(),
        minimized: win.isMinimized(),
      });
      if (action === 'hide') win.hide();
      else show();
    },
    setExpanded(next: boolean) {
      if (next === expanded) return expanded;
      remember();
      expanded = next;
      win.setBounds(
        restoreChatBounds(
          next ? state.expandedBounds : state.compactBounds,
          workAreas(),
          next ? 'expanded' : 'compact',
        ) as Electron.Rectangle,
      );
      state.expanded = expanded;
      writer.save(state);
      return expanded; // the core announces window.changed after a window call
    },
    isExpanded: () => expanded,
    isFocused: () => win.isFocused(),
    send(channel, payload) {
      if (win.isDestroyed() || win.webContents.isDestroyed()) return;
      if (loaded) win.webContents.send(channel, payload);
      else if (pending.length < MAX_PENDING_EVENTS) pending.push([channel, payload]);
    },
    allowClose() {
      closable = true;
    },
    flush: () => writer.flush(),
  };
}
