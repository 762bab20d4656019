// The real Converse Desktop under Playwright's _electron, for tests/electron/*.e2e.ts: this
// checkout's build started as `electron .` with a fresh data folder, the embedded demo server on
// a free port and the shell's read-only probes on (CONVERSE_E2E=1, see main/electron-main.ts).
// Before any test runs, shell.openExternal in the main process is replaced by a recorder: no
// test ever opens the OS browser, and a test can see what would have been opened.
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { Notification as ElectronNotification } from 'electron';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { ShortcutStatus } from '../../../shared/ipc';
import type { TrayIcon } from '../../../main/tray-icon';
import { REPO_ROOT } from '../../e2e/support/chat';
import { screenshot } from '../../e2e/support/chromium';
import { until as waitUntil } from '../../support/eventually';

/**
 * CONVERSE_E2E_NO_SANDBOX=1 turns Chromium's own OS sandbox off (--no-sandbox), for Linux
 * machines where it cannot start: run as root (CI containers), or without unprivileged user
 * namespaces and without a setuid chrome-sandbox helper. Off by default, because the app turns
 * the sandbox on (app.enableSandbox) and security.e2e.ts checks that the renderer really runs in
 * it. Playwright itself adds --no-sandbox on Linux unless `chromiumSandbox: true`, so both follow
 * this one flag. The renderer's other protections (no Node, isolated preload) apply either way.
 */
export const NO_OS_SANDBOX = process.env.CONVERSE_E2E_NO_SANDBOX === '1';

const SANDBOX_ARGS = NO_OS_SANDBOX ? ['--no-sandbox'] : [];
const START_WITHIN_MS = 60_000;
const SECOND_INSTANCE_EXITS_WITHIN_MS = 20_000;
const OUTPUT_LINES_KEPT = 300;

/** The probes electron-main.ts puts on globalThis.__converseShell when CONVERSE_E2E=1. */
export interface ShellProbe {
  tray(): ReturnType<TrayIcon['state']> | undefined;
  shortcut(): ShortcutStatus | undefined;
  chat(): { expanded?: boolean; visible?: boolean; focused?: boolean };
  toggleChat(): void;
  webPreferences(): Record<string, unknown>;
  serverUrl(): string;
  sqliteBinding(): string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The Electron binary (run.mjs passes it; in Node, require('electron') is its path). */
export function electronBinary(): string {
  let found: unknown = process.env.CONVERSE_ELECTRON_PATH;
  if (!found) {
    try {
      found = createRequire(import.meta.url)('electron');
    } catch {
      found = null;
    }
  }
  if (typeof found !== 'string' || !existsSync(found)) {
    throw new Error(
      'No Electron binary on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD?): run `node tests/electron/run.mjs`, which says so.',
    );
  }
  return found;
}

/** What a child process's exit looks like once it has happened (at once if it already has). */
function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Keeps the last lines a process wrote, to show with a failure. */
class OutputTail {
  private lines: string[] = [];
  attach(child: ChildProcess): void {
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      // No setEncoding: Playwright reads the same streams for its own lines.
      stream?.on('data', (chunk: Buffer | string) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        this.lines.push(...parts);
        if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.splice(0, this.lines.length - OUTPUT_LINES_KEPT);
      });
    }
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** The env every instance of the app gets; inherited variables that would change how it starts are dropped. */
function appEnv(dataDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // ELECTRON_RUN_AS_NODE would start plain Node, CONVERSE_SERVER_URL would skip the embedded
  // server, and the test runner's NODE_OPTIONS are not the app's (Playwright drops them too).
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.CONVERSE_SERVER_URL;
  delete env.NODE_OPTIONS;
  return {
    ...env,
    CONVERSE_E2E: '1',
    CONVERSE_DATA_DIR: dataDir,
    CONVERSE_EMBEDDED_PORT: '0',
    ELECTRON_ENABLE_LOGGING: '1',
  };
}

export class DesktopApp {
  private constructor(
    readonly app: ElectronApplication,
    readonly page: Page,
    readonly dataDir: string,
    private readonly electron: string,
    private readonly env: Record<string, string>,
    private readonly output: OutputTail,
  ) {}

  /** Starts the app and waits until its shell is up (window loaded, probes in place). */
  static async launch(): Promise<DesktopApp> {
    const electron = electronBinary();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-electron-'));
    const env = appEnv(dataDir);
    let app: ElectronApplication;
    try {
      app = await _electron.launch({
        executablePath: electron,
        args: [...SANDBOX_ARGS, '.'],
        cwd: REPO_ROOT,
        env,
        chromiumSandbox: !NO_OS_SANDBOX,
        locale: 'en-US',
        timeout: START_WITHIN_MS,
      });
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      const asRoot = process.platform === 'linux' && process.getuid?.() === 0 && !NO_OS_SANDBOX;
      throw new Error(
        `Electron did not start: ${(err as Error).message}${asRoot ? '\nRunning as root: Chromium refuses its OS sandbox as root; set CONVERSE_E2E_NO_SANDBOX=1.' : ''}`,
      );
    }
    const tail = new OutputTail();
    tail.attach(app.process());
    try {
      await app.evaluate(({ shell }) => {
        const opened: string[] = [];
        (globalThis as Record<string, unknown>).__e2eOpenedExternally = opened;
        shell.openExternal = async (url: string) => {
          opened.push(url);
        };
      });
      const page = await app.firstWindow({ timeout: START_WITHIN_MS });
      page.on('pageerror', (e) => console.error('page error:', e.message));
      const desktop = new DesktopApp(app, page, dataDir, electron, env, tail);
      await desktop.until(
        () => app.evaluate(() => '__converseShell' in globalThis),
        'the shell to finish starting',
        START_WITHIN_MS,
      );
      await page.waitForLoadState('domcontentloaded');
      return desktop;
    } catch (err) {
      const exit = app.process().exitCode;
      await within(app.close(), 15_000, () => 'close timed out').catch(() => app.process().kill('SIGKILL'));
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(
        `The app did not start${exit !== null ? ` (it exited with code ${exit})` : ''}: ${(err as Error).message}\n--- its output ---\n${tail.text()}`,
      );
    }
  }

  get running(): boolean {
    const p = this.app.process();
    return p.exitCode === null && p.signalCode === null;
  }

  /** Waits on a fact of the running app; fails at once, with its output, when the app has exited. */
  async until(fact: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    await waitUntil(fact, {
      timeoutMs,
      what,
      failFast: () =>
        this.running
          ? null
          : `The app exited (code ${this.app.process().exitCode}) while waiting for ${what}.\n--- its output ---\n${this.output.text()}`,
    });
  }

  probe<K extends keyof ShellProbe>(name: K): Promise<ReturnType<ShellProbe[K]>> {
    return this.app.evaluate(
      (_electron, n) => ((globalThis as Record<string, unknown>).__converseShell as Record<string, () => unknown>)[n](),
      name,
    ) as Promise<ReturnType<ShellProbe[K]>>;
  }

  chat(): Promise<ReturnType<ShellProbe['chat']>> {
    return this.probe('chat');
  }

  /** Every window the app has, as the main process sees it. */
  windows(): Promise<Array<{ destroyed: boolean; visible: boolean }>> {
    return this.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })),
    );
  }

  /** Shows and focuses the chat window, as a click on it would, and waits until the OS says so. */
  async showFocused(): Promise<void> {
    await this.app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      w.show();
      w.focus();
    });
    await expect.poll(() => this.chat(), { timeout: 10_000 }).toMatchObject({ visible: true, focused: true });
  }

  /** The URLs the app asked the OS browser to open (recorded instead, see launch). */
  openedExternally(): Promise<string[]> {
    return this.app.evaluate(() => [...((globalThis as Record<string, unknown>).__e2eOpenedExternally as string[])]);
  }

  notificationsSupported(): Promise<boolean> {
    return this.app.evaluate(({ Notification }) => Notification.isSupported());
  }

  /**
   * From now on, every Electron Notification shown is also kept here (it still goes to the OS):
   * Electron does not enumerate notifications, and a test must click the one the app raised.
   */
  async captureNudges(): Promise<void> {
    await this.app.evaluate(({ Notification }) => {
      const g = globalThis as { __e2eNudges?: ElectronNotification[] };
      if (g.__e2eNudges) return;
      const nudges: ElectronNotification[] = [];
      g.__e2eNudges = nudges;
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: ElectronNotification) {
        nudges.push(this);
        return show.call(this);
      };
    });
  }

  /** The captured notifications whose body contains `text`. */
  nudges(text: string): Promise<Array<{ title: string; body: string }>> {
    return this.app.evaluate(
      (_electron, t) =>
        ((globalThis as { __e2eNudges?: ElectronNotification[] }).__e2eNudges ?? [])
          .filter((n) => n.body.includes(t))
          .map((n) => ({ title: n.title, body: n.body })),
      text,
    );
  }

  /** Clicks the first captured notification whose body contains `text`: Electron emits 'click' on it. */
  clickNudge(text: string): Promise<boolean> {
    return this.app.evaluate((_electron, t) => {
      const note = ((globalThis as { __e2eNudges?: ElectronNotification[] }).__e2eNudges ?? []).find((n) =>
        n.body.includes(t),
      );
      return note ? note.emit('click', {}) : false;
    }, text);
  }

  /**
   * Whether the chat window's renderer runs in Chromium's OS sandbox. macOS and Windows report
   * it (app.getAppMetrics); on Linux Electron does not, so the renderer's seccomp-bpf filters are
   * counted instead: Chromium's sandbox adds its own to those inherited from the main process.
   */
  async rendererInOsSandbox(): Promise<boolean> {
    const { pid, sandboxed } = await this.app.evaluate(({ app, BrowserWindow }) => {
      const rendererPid = BrowserWindow.getAllWindows()[0].webContents.getOSProcessId();
      return { pid: rendererPid, sandboxed: app.getAppMetrics().find((m) => m.pid === rendererPid)?.sandboxed ?? null };
    });
    if (process.platform !== 'linux') {
      if (sandboxed === null) throw new Error(`Electron reported no sandbox state for the renderer (pid ${pid}).`);
      return sandboxed;
    }
    const filters = (p: number) => {
      const m = /^Seccomp_filters:\s*(\d+)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (!m) throw new Error('This kernel does not report Seccomp_filters (Linux 5.9 or later does).');
      return Number(m[1]);
    };
    return filters(pid) > filters(this.app.process().pid!);
  }

  /**
   * Starts a second instance exactly as the first was started (binary, data folder, env) plus
   * `extraArgs`, and waits for it to exit by itself.
   */
  secondInstance(extraArgs: string[]): Promise<Exit & { output: string }> {
    const tail = new OutputTail();
    const child = spawn(this.electron, [...SANDBOX_ARGS, '.', ...extraArgs], {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tail.attach(child);
    const exited = new Promise<Exit>((resolve, reject) => {
      child.once('error', reject);
      void exitOf(child).then(resolve);
    });
    return within(exited, SECOND_INSTANCE_EXITS_WITHIN_MS, () => {
      child.kill('SIGKILL');
      return `The second instance (${extraArgs.join(' ') || 'no arguments'}) did not exit within ${SECOND_INSTANCE_EXITS_WITHIN_MS / 1000} s.\n--- its output ---\n${tail.text()}`;
    }).then((exit) => ({ ...exit, output: tail.text() }));
  }

  /** Quits as the tray's Quit does (app.quit) and waits for the process to end. */
  async quit(withinMs: number): Promise<Exit> {
    const exited = exitOf(this.app.process());
    // Quit after this call has answered, so the answer is not lost with the process.
    await this.app.evaluate(({ app }) => {
      setImmediate(() => app.quit());
    });
    return within(
      exited,
      withinMs,
      () =>
        `The app did not exit within ${withinMs / 1000} s of app.quit().\n--- its output ---\n${this.output.text()}`,
    );
  }

  /** For a failed test: the app's last output, and a picture of the window when it has one. */
  async explainFailure(testName: string): Promise<void> {
    console.error(`--- Converse Desktop's last output (${testName}) ---\n${this.output.text()}`);
    if (this.running) {
      await within(
        screenshot(this.page, `electron-failed-${testName.replace(/\W+/g, '-').slice(0, 40)}`),
        5_000,
        () => 'no screenshot',
      ).catch(() => undefined);
    }
  }

  /** Ends the app if it still runs (Playwright's close, which quits it), and removes its data folder. */
  async close(): Promise<void> {
    const child = this.app.process();
    if (this.running) {
      await within(this.app.close(), 15_000, () => 'close timed out').catch(() => undefined);
      if (this.running) child.kill('SIGKILL');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
