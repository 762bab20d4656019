// A stand-in for the `electron` module, for running the *built* main bundle under Node where the
// Electron binary cannot be downloaded (tests/boot/boot.e2e.ts). It records every call the shell
// makes and sends the record to the test over the process's IPC channel; the test drives it back
// (IPC calls as the renderer makes them, a notification click, the shortcut, a second launch, quit).
//
// It follows Electron 41's documented behaviour where the shell depends on it:
// - app.enableSandbox, protocol.registerSchemesAsPrivileged and app.setAppUserModelId's effect
//   need to happen before 'ready': calling the first two after it is recorded as a misuse;
// - utilityProcess.fork throws before 'ready'; the child is a Node process with
//   process.parentPort (message events carry `data`) and process.versions.electron;
// - app.quit emits before-quit (cancellable), then 'close' on every window (cancellable), then
//   will-quit and quit, then the process exits with code 0; app.exit(code) exits at once;
// - 'second-instance' is emitted only after 'ready'; BrowserWindow.loadURL resolves after
//   did-finish-load and rejects when the load fails; 'ready-to-show' follows the first load;
// - Notification emits 'show' once shown and 'click' when clicked; app.setBadgeCount exists on
//   macOS and Linux; app.isUnityRunning on Linux.
'use strict';
// It stands in for a CommonJS package (the shell imports it, electron-updater requires it).
/* eslint-disable @typescript-eslint/no-require-imports */
const { EventEmitter } = require('node:events');
const { fork } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

// The stand-in is copied into the laid-out app's node_modules; the test names the setup file.
const SETUP_FOR_UTILITY = process.env.STAND_IN_UTILITY_SETUP;
let ready = false;
const readyListeners = [];

function safe(value) {
  try {
    return JSON.parse(
      JSON.stringify(value, (_k, v) =>
        typeof v === 'function' ? '[function]' : v instanceof Uint8Array ? `[${v.length} bytes]` : v,
      ),
    );
  } catch {
    return String(value);
  }
}
function record(name, detail) {
  const entry = { name, detail: safe(detail), ready, at: Date.now() };
  if (process.send) process.send({ t: 'rec', entry });
}
function cancellable() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

// ---- app --------------------------------------------------------------------------------
const appEvents = new EventEmitter();
const paths = {};
const switches = [];
const app = Object.assign(appEvents, {
  isPackaged: false,
  commandLine: {
    appendSwitch(name, value) {
      switches.push([name, value]);
      record('app.commandLine.appendSwitch', { name, value });
    },
    hasSwitch(name) {
      return switches.some(([n]) => n === name);
    },
    getSwitchValue(name) {
      return (switches.find(([n]) => n === name) || [])[1] || '';
    },
  },
  enableSandbox() {
    record(ready ? 'misuse: app.enableSandbox after ready' : 'app.enableSandbox');
  },
  setAppUserModelId(id) {
    record('app.setAppUserModelId', { id });
  },
  setPath(name, value) {
    paths[name] = value;
    record('app.setPath', { name, value });
  },
  getPath(name) {
    if (paths[name]) return paths[name];
    if (name === 'userData') return path.join(process.env.STAND_IN_HOME, 'userData');
    return path.join(process.env.STAND_IN_HOME, name);
  },
  getAppPath() {
    return process.env.STAND_IN_APP_PATH;
  },
  getName() {
    return 'Converse Desktop';
  },
  getVersion() {
    return require(path.join(process.env.STAND_IN_APP_PATH, 'package.json')).version;
  },
  getLocale() {
    return 'en-US';
  },
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock');
    return process.env.STAND_IN_SECOND_INSTANCE !== '1';
  },
  whenReady() {
    return ready ? Promise.resolve() : new Promise((resolve) => readyListeners.push(resolve));
  },
  isReady() {
    return ready;
  },
  quit() {
    record('app.quit');
    const before = cancellable();
    appEvents.emit('before-quit', before);
    if (before.defaultPrevented) {
      record('app.quit: before-quit prevented');
      return;
    }
    for (const win of BrowserWindow.getAllWindows()) {
      const e = cancellable();
      win.emit('close', e);
      if (e.defaultPrevented) {
        record('app.quit: a window refused to close');
        return;
      }
      win.destroy();
    }
    const willQuit = cancellable();
    appEvents.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    appEvents.emit('quit', {}, 0);
    record('app.exited', { code: 0 });
    setImmediate(() => process.exit(0));
  },
  exit(code = 0) {
    record('app.exit', { code });
    setImmediate(() => process.exit(code));
  },
  setBadgeCount(count) {
    record('app.setBadgeCount', { count });
    return process.platform === 'darwin' || process.platform === 'linux';
  },
  isUnityRunning() {
    return false;
  },
  getLoginItemSettings() {
    return {
      openAtLogin: false,
      openAsHidden: false,
      wasOpenedAtLogin: false,
      wasOpenedAsHidden: false,
      restoreState: false,
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  },
  setLoginItemSettings(settings) {
    record('app.setLoginItemSettings', settings);
  },
});

// ---- protocol, session --------------------------------------------------------------------
const protocolHandlers = new Map();
const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record(
      ready ? 'misuse: protocol.registerSchemesAsPrivileged after ready' : 'protocol.registerSchemesAsPrivileged',
      schemes,
    );
  },
  handle(scheme, handler) {
    protocolHandlers.set(scheme, handler);
    record('protocol.handle', { scheme });
  },
};
const defaultSession = {
  setPermissionRequestHandler() {
    record('session.setPermissionRequestHandler');
  },
  setPermissionCheckHandler() {
    record('session.setPermissionCheckHandler');
  },
  addWordToSpellCheckerDictionary(word) {
    record('session.addWordToSpellCheckerDictionary', { word });
    return true;
  },
};
const session = { defaultSession };

async function fetchOnScheme(url, init) {
  const scheme = new URL(url).protocol.replace(/:$/, '');
  const handler = protocolHandlers.get(scheme);
  if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME: ${scheme}`);
  return handler(new Request(url, init));
}

// ---- windows ------------------------------------------------------------------------------
const windows = [];
class WebContents extends EventEmitter {
  constructor(win) {
    super();
    this.win = win;
    this.url = '';
    this.destroyed = false;
    this.session = defaultSession;
    this.sent = [];
  }
  send(channel, payload) {
    this.sent.push([channel, safe(payload)]);
    record('webContents.send', { channel, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
  setWindowOpenHandler() {
    record('webContents.setWindowOpenHandler');
  }
  replaceMisspelling(word) {
    record('webContents.replaceMisspelling', { word });
  }
}
class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return windows.filter((w) => !w.destroyed);
  }
  constructor(options = {}) {
    super();
    if (!ready) throw new Error('Cannot create BrowserWindow before app is ready');
    this.options = options;
    this.visible = false;
    this.focused = false;
    this.minimized = false;
    this.destroyed = false;
    this.loads = 0;
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.webContents = new WebContents(this);
    windows.push(this);
    record('BrowserWindow.new', {
      webPreferences: options.webPreferences,
      preloadExists: !!(
        options.webPreferences &&
        options.webPreferences.preload &&
        existsSync(options.webPreferences.preload)
      ),
      show: options.show,
    });
    appEvents.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    record('BrowserWindow.loadURL', { url });
    this.webContents.url = url;
    let res;
    try {
      res = await fetchOnScheme(url);
    } catch (err) {
      this.webContents.emit('did-fail-load', {}, -302, String(err.message), url, true);
      throw err;
    }
    const body = await res.text();
    if (res.status !== 200 || !/<div id="root"/.test(body)) {
      this.webContents.emit('did-fail-load', {}, -6, `status ${res.status}`, url, true);
      throw new Error(`ERR_FILE_NOT_FOUND (${res.status}) loading '${url}'`);
    }
    this.loads += 1;
    record('webContents.did-finish-load', { url, csp: res.headers.get('content-security-policy') });
    this.webContents.emit('did-finish-load');
    if (this.loads === 1) setImmediate(() => this.emit('ready-to-show'));
  }
  removeMenu() {
    record('BrowserWindow.removeMenu');
  }
  show() {
    this.visible = true;
    this.focus();
    record('BrowserWindow.show');
  }
  hide() {
    if (this.focused) {
      this.focused = false;
      this.emit('blur');
    }
    this.visible = false;
    record('BrowserWindow.hide');
  }
  focus() {
    if (!this.focused) {
      this.focused = true;
      this.emit('focus');
    }
  }
  restore() {
    this.minimized = false;
  }
  isVisible() {
    return this.visible;
  }
  isFocused() {
    return this.focused;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return false;
  }
  isFullScreen() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getBounds() {
    return { ...this.bounds };
  }
  setBounds(b) {
    this.bounds = { ...this.bounds, ...b };
    this.emit('resized');
  }
  setOverlayIcon(image, description) {
    record('BrowserWindow.setOverlayIcon', { image: image && image.path, description });
  }
  destroy() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  close() {
    const e = cancellable();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
}

// ---- tray, menus, images ------------------------------------------------------------------
const trays = [];
class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    this.title = '';
    this.tooltip = '';
    this.menu = null;
    trays.push(this);
    record('Tray.new', { image: image && image.path });
  }
  setImage(image) {
    this.image = image;
    record('Tray.setImage', { image: image && image.path });
  }
  setTitle(title) {
    this.title = title;
    record('Tray.setTitle', { title });
  }
  setToolTip(tooltip) {
    this.tooltip = tooltip;
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {
    record('Tray.destroy');
  }
}
const Menu = {
  buildFromTemplate(template) {
    return {
      items: template,
      popup() {
        record('Menu.popup', { labels: template.map((i) => i.label || i.role || i.type) });
      },
    };
  },
  setApplicationMenu(menu) {
    record('Menu.setApplicationMenu', { roles: menu ? menu.items.map((i) => i.role || i.label) : null });
  },
};
const nativeImage = {
  createFromPath(p) {
    return {
      path: p,
      isEmpty: () => !existsSync(p),
      template: false,
      setTemplateImage(t) {
        this.template = t;
      },
    };
  },
};

// ---- shortcut, notifications, the rest ------------------------------------------------------
const shortcuts = new Map();
const globalShortcut = {
  register(accelerator, callback) {
    if (!ready) throw new Error('globalShortcut cannot be used before the app is ready');
    shortcuts.set(accelerator, callback);
    record('globalShortcut.register', { accelerator });
    return true;
  },
  isRegistered(accelerator) {
    return shortcuts.has(accelerator);
  },
  unregister(accelerator) {
    shortcuts.delete(accelerator);
    record('globalShortcut.unregister', { accelerator });
  },
  unregisterAll() {
    shortcuts.clear();
    record('globalShortcut.unregisterAll');
  },
};
const notifications = [];
class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
    notifications.push(this);
  }
  show() {
    record('Notification.show', {
      index: notifications.indexOf(this),
      title: this.options.title,
      body: this.options.body,
      icon: this.options.icon,
      iconExists: !!this.options.icon && existsSync(this.options.icon),
    });
    setImmediate(() => this.emit('show', {}));
  }
  close() {
    record('Notification.close', { index: notifications.indexOf(this) });
    this.emit('close', {});
  }
}
const dialog = {
  showErrorBox(title, content) {
    record('dialog.showErrorBox', { title, content });
  },
  async showMessageBox(options) {
    record('dialog.showMessageBox', options);
    return { response: 0, checkboxChecked: false };
  },
};
const shell = {
  async openExternal(url) {
    record('shell.openExternal', { url });
  },
};
const clipboard = {
  writeText(text) {
    record('clipboard.writeText', { text });
  },
};
const ipcHandlers = new Map();
const ipcMain = {
  handle(channel, handler) {
    ipcHandlers.set(channel, handler);
  },
  removeHandler(channel) {
    ipcHandlers.delete(channel);
  },
};
const displays = [
  {
    id: 1,
    workArea: { x: 0, y: 0, width: 1920, height: 1080 },
    bounds: { x: 0, y: 0, width: 1920, height: 1080 },
    scaleFactor: 1,
  },
];
const screen = { getPrimaryDisplay: () => displays[0], getAllDisplays: () => displays };
const safeStorage = {
  // Linux without a keyring, as on a bare desktop: the shell keeps the session in memory only.
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: () => {
    throw new Error('Encryption is not available.');
  },
  decryptString: () => {
    throw new Error('Decryption is not available.');
  },
};
const powerMonitor = new EventEmitter();
const net = { isOnline: () => true };

// ---- utilityProcess -------------------------------------------------------------------------
class UtilityProcess extends EventEmitter {
  constructor(modulePath, args, options) {
    super();
    this.child = fork(modulePath, args, {
      env: options.env || process.env,
      execArgv: ['--import', SETUP_FOR_UTILITY],
      stdio:
        options.stdio === 'ignore' ? ['ignore', 'ignore', 'ignore', 'ipc'] : ['inherit', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.pid = this.child.pid;
    this.stdout = null;
    this.stderr = null;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (m) => {
      if (m && m.t === 'rec') {
        if (process.send) process.send(m);
      } else this.emit('message', m);
    });
    this.child.on('exit', (code, signal) => {
      record('utilityProcess.exit', { code, signal });
      this.emit('exit', code ?? 1);
    });
  }
  postMessage(message) {
    if (this.child.connected) this.child.send(message);
  }
  kill() {
    record('utilityProcess.kill');
    return this.child.kill();
  }
}
const utilityProcess = {
  fork(modulePath, args = [], options = {}) {
    if (!ready) throw new Error('utilityProcess.fork can only be called after the ready event');
    record('utilityProcess.fork', {
      modulePath,
      args,
      serviceName: options.serviceName,
      exists: existsSync(modulePath),
    });
    return new UtilityProcess(modulePath, args, options);
  },
};

// ---- the test's remote control --------------------------------------------------------------
const fakeEvent = (url) => ({ senderFrame: { url }, sender: windows[0] && windows[0].webContents });
const commands = {
  async invoke({ channel, args, url }) {
    const h = ipcHandlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(fakeEvent(url || 'app://converse/index.html'), args);
  },
  channels() {
    return [...ipcHandlers.keys()];
  },
  async fetch({ url, method }) {
    const res = await fetchOnScheme(url, { method: method || 'GET' });
    const body = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: body.slice(0, 500) };
  },
  window({ index }) {
    const w = windows[index || 0];
    if (!w) return null;
    return {
      visible: w.visible,
      focused: w.focused,
      destroyed: w.destroyed,
      url: w.webContents.url,
      loads: w.loads,
      webPreferences: safe(w.options.webPreferences),
    };
  },
  sent({ channel }) {
    const w = windows[0];
    return w ? w.webContents.sent.filter(([c]) => !channel || c === channel) : [];
  },
  clickNotification({ index }) {
    const n = notifications[index];
    if (!n) throw new Error(`no notification ${index}`);
    n.emit('click', {});
    return true;
  },
  pressShortcut({ accelerator }) {
    const cb = shortcuts.get(accelerator);
    if (!cb) throw new Error(`${accelerator} is not registered`);
    cb();
    return true;
  },
  shortcuts() {
    return [...shortcuts.keys()];
  },
  secondInstance({ argv }) {
    appEvents.emit('second-instance', {}, argv, process.cwd(), {});
    return true;
  },
  closeWindow() {
    const w = windows[0];
    const e = cancellable();
    w.emit('close', e);
    if (!e.defaultPrevented) w.destroy();
    return { prevented: e.defaultPrevented };
  },
  crashRenderer({ reason }) {
    const w = windows[0];
    w.webContents.emit('render-process-gone', {}, { reason: reason || 'crashed', exitCode: 139 });
    return true;
  },
  contextMenu({ params }) {
    windows[0].webContents.emit('context-menu', {}, params);
    return true;
  },
  tray() {
    const t = trays[0];
    return t
      ? {
          image: t.image && t.image.path,
          title: t.title,
          tooltip: t.tooltip,
          menu: t.menu && t.menu.items.map((i) => i.label || i.type),
        }
      : null;
  },
  trayMenuClick({ label }) {
    const item = trays[0].menu.items.find((i) => i.label && i.label.startsWith(label));
    item.click();
    return true;
  },
  quit() {
    setImmediate(() => app.quit());
    return true;
  },
};
process.on('message', (m) => {
  if (!m || m.t !== 'cmd') return;
  Promise.resolve()
    .then(() => commands[m.cmd](m.args || {}))
    .then((value) => process.send({ t: 'reply', id: m.id, ok: true, value: safe(value) }))
    .catch((err) => process.send({ t: 'reply', id: m.id, ok: false, error: String((err && err.stack) || err) }));
});

// 'ready' after the main module's first turn, as Electron does after the app's script ran.
setTimeout(() => {
  ready = true;
  record('app.ready');
  appEvents.emit('ready', {}, {});
  for (const r of readyListeners.splice(0)) r();
}, 20);

exports.app = app;
exports.protocol = protocol;
exports.session = session;
exports.BrowserWindow = BrowserWindow;
exports.Tray = Tray;
exports.Menu = Menu;
exports.nativeImage = nativeImage;
exports.globalShortcut = globalShortcut;
exports.Notification = Notification;
exports.dialog = dialog;
exports.shell = shell;
exports.clipboard = clipboard;
exports.ipcMain = ipcMain;
exports.screen = screen;
exports.safeStorage = safeStorage;
exports.powerMonitor = powerMonitor;
exports.net = net;
exports.utilityProcess = utilityProcess;
