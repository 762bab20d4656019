// The browser shell: the desktop core in plain Node, the renderer served to a browser tab, and
// the preload API over a loopback WebSocket (bridge-server.ts). It is the development loop and
// the end-to-end test target on machines without Electron. With no server URL it starts the
// embedded Converse server with the demo workspace, so a new user sees the product at once.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialStore, Notifier, ShellPort } from '../core/ports';
import { IpcCalls, type IpcEventName } from '../../shared/ipc';
import { startBridgeServer, type BridgeCore, type BridgeServer } from './bridge-server';
import { createTabShell, type TabShell } from './tab-shell';
import { REPO_ROOT, loadWebBridgeScript } from './bridge-script';
import { createPreviewCapability } from './preview-capability';
import { listenWithFallback } from '../shell-policy/port-fallback';

/** What the shell needs of the desktop core (createDesktopCore's DesktopCore satisfies it). */
export interface BrowserShellCore extends BridgeCore {
  start(): Promise<void>;
  stop(): Promise<void>;
  setWindowFocused(focused: boolean): void;
}

export interface CoreDeps {
  dataDir: string;
  notifier: Notifier;
  credentials: CredentialStore;
  shell: ShellPort;
  defaultServerUrl: string;
}

export interface BrowserShellOptions {
  dataDir: string;
  /** Port of the page and bridge on 127.0.0.1; 0 or absent: a free one. */
  port?: number;
  /** A Converse server to use; absent or null: start the embedded demo server. */
  serverUrl?: string | null;
  /**
   * The embedded demo server's port; 0 or absent: a free one. The saved session names the
   * server's address, so `npm run web` asks for the same port every time (a free one only when
   * something else holds it), as the Electron shell does: on a new port every start, a rep
   * signed in before was left with "server unreachable".
   */
  embeddedPort?: number;
  /** The built renderer (default dist/renderer). */
  rendererDir?: string;
  notifier?: Notifier;
  /** Where the session token is kept (default: a user-only file in the data dir). */
  credentials?: CredentialStore;
  /** Tests: build the core another way (a fake) instead of createDesktopCore. */
  createCore?: (deps: CoreDeps) => BrowserShellCore | Promise<BrowserShellCore>;
}

export interface BrowserShell {
  /** The page to open, with the bridge token in its fragment. */
  url: string;
  serverUrl: string;
  close(): Promise<void>;
  /** Handy for tests and the start banner. */
  origin: string;
  token: string;
  shell: TabShell;
  /** Path of the desktop core's data. */
  desktopDataDir: string;
}

export async function startBrowserShell(opts: BrowserShellOptions): Promise<BrowserShell> {
  const dataDir = path.resolve(opts.dataDir);
  const desktopDataDir = path.join(dataDir, 'desktop');
  await mkdir(desktopDataDir, { recursive: true, mode: 0o700 });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        console.error('browser shell: cleanup failed:', err);
      }
    }
  };

  try {
    let serverUrl: string;
    if (opts.serverUrl) {
      serverUrl = normaliseServerUrl(opts.serverUrl);
    } else {
      const { startServer } = await import('../../server/app');
      // Warnings only: the terminal shows the URL to open and the demo sign-in, not a line per request.
      const { server: embedded, fellBack } = await listenWithFallback(
        (port) => startServer({ demo: true, port, dataDir: path.join(dataDir, 'server'), log: 'warn' }),
        opts.embeddedPort ?? 0,
      );
      cleanups.push(() => embedded.close());
      serverUrl = embedded.url;
      if (fellBack)
        console.warn(
          `browser shell: port ${opts.embeddedPort} is taken; the embedded server listens on ${embedded.port} (sign in again)`,
        );
    }

    // The core needs the ShellPort at construction and the bridge needs the core: the tab shell
    // pushes through this late-bound function, which is live once the bridge listens.
    let bridge: BridgeServer | null = null;
    const push = (event: IpcEventName, payload: unknown) => bridge?.broadcast(event, payload);
    // Previews are loopback URLs with a per-start capability, served by the bridge server.
    const previews = createPreviewCapability();
    const shell = createTabShell(push, process.platform, { previewUrl: previews.urlFor });

    const notifier = opts.notifier ?? (await defaultNotifier());
    const credentials = opts.credentials ?? (await defaultCredentials(desktopDataDir));
    const deps: CoreDeps = { dataDir: desktopDataDir, notifier, credentials, shell, defaultServerUrl: serverUrl };
    const core = opts.createCore ? await opts.createCore(deps) : await createRealCore(deps);
    await core.start();
    cleanups.push(() => core.stop());

    bridge = await startBridgeServer({
      core,
      port: opts.port ?? 0,
      rendererDir: opts.rendererDir ?? path.join(REPO_ROOT, 'dist/renderer'),
      bridgeScript: await loadWebBridgeScript(),
      extraOrigins: [new URL(serverUrl).origin],
      faviconFile: path.join(REPO_ROOT, 'assets/icons/32x32.png'),
      previews,
      observeCall: (name, args) => {
        if (name === 'conversations.focus') {
          // Already validated; parsed again for its type rather than cast.
          const focused = IpcCalls['conversations.focus'].args.parse(args).windowFocused;
          shell.setFocused(focused);
          core.setWindowFocused(focused);
        }
      },
    });
    const b = bridge;
    cleanups.push(() => b.close());

    return {
      url: b.url,
      origin: b.origin,
      token: b.token,
      serverUrl,
      shell,
      desktopDataDir,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function normaliseServerUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`The server URL "${raw}" is not a valid URL (expected http://host:port).`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`The server URL must be http or https, not ${u.protocol}`);
  return u.toString().replace(/\/+$/, '');
}

async function createRealCore(deps: CoreDeps): Promise<BrowserShellCore> {
  const { createDesktopCore } = await import('../core/index');
  return createDesktopCore(deps);
}

async function defaultNotifier(): Promise<Notifier> {
  const { createNodeNotifier } = await import('../core/notifiers/node-notifier');
  return createNodeNotifier({ icon: path.join(REPO_ROOT, 'assets/icons/256x256.png') });
}

async function defaultCredentials(desktopDataDir: string): Promise<CredentialStore> {
  const { createFileCredentialStore } = await import('../core/credentials/file-store');
  return createFileCredentialStore(desktopDataDir);
}
