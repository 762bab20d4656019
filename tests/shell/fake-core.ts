// A stand-in desktop core for shell tests: records what reaches it, answers a few calls the
// way the contract says, and lets a test emit events. The shell under test is real.
import { IpcEvents, parseIpcCall, type IpcEventName } from '../../shared/ipc';
import {
  startBrowserShell,
  type BrowserShell,
  type CoreDeps,
  type BrowserShellCore,
} from '../../main/browser-shell/index';

export interface FakeCore extends BrowserShellCore {
  calls: Array<{ name: string; args: unknown }>;
  /** Files fetchAttachment serves, by attachment id (absent id: not_found, as the core says). */
  files: Map<string, { bytes: Uint8Array; mimeType: string; fileName: string }>;
  fetchAttachment(attachmentId: string): Promise<{ bytes: Uint8Array; mimeType: string; fileName: string }>;
  emit(event: IpcEventName, payload: unknown): void;
  focused: boolean[];
  started: boolean;
  stopped: boolean;
  deps?: CoreDeps;
}

export function createFakeCore(deps?: CoreDeps): FakeCore {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const core: FakeCore = {
    calls: [],
    files: new Map(),
    async fetchAttachment(attachmentId) {
      const f = core.files.get(attachmentId);
      if (!f) throw Object.assign(new Error('No such attachment.'), { code: 'not_found' });
      return f;
    },
    focused: [],
    started: false,
    stopped: false,
    deps,
    async start() {
      core.started = true;
    },
    async stop() {
      core.stopped = true;
    },
    setWindowFocused(f) {
      core.focused.push(f);
    },
    on(event, listener) {
      if (!(event in IpcEvents)) throw new Error(`unknown event ${event}`);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    async handle(name, args) {
      const parsed = parseIpcCall(name, args);
      if (!parsed.ok) throw Object.assign(new Error(parsed.error.message), { code: parsed.error.code });
      core.calls.push({ name, args: parsed.args });
      // A fake: the calls a test needs answer here, every other one answers {}.
      // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
      switch (parsed.name) {
        case 'session.get':
          return { signedIn: false, user: null, serverUrl: deps?.defaultServerUrl ?? null };
        case 'window.toggle': {
          // As the real core does: ask the shell, then announce.
          const expanded = await deps!.shell.toggle();
          core.emit('window.changed', { expanded, focused: false });
          return { expanded };
        }
        case 'shell.openExternal':
          return { opened: await deps!.shell.openExternal((parsed.args as { url: string }).url) };
        case 'shortcut.status':
          return deps!.shell.shortcutStatus();
        case 'attachments.upload': {
          const a = parsed.args as { fileName: string; bytes: Uint8Array };
          let sum = 0;
          for (const b of a.bytes) sum = (sum + b) % 65536;
          return {
            id: `att-${sum}`,
            fileName: a.fileName,
            mimeType: 'image/png',
            size: a.bytes.byteLength,
            kind: 'image',
          };
        }
        case 'attachments.preview': {
          // As the real core does when the shell has file URLs.
          const id = (parsed.args as { attachmentId: string }).attachmentId;
          if (!deps?.shell.previewUrl) throw Object.assign(new Error('no preview URLs'), { code: 'internal' });
          return { url: deps.shell.previewUrl(id) };
        }
        case 'messages.retry':
          throw Object.assign(new Error('Nothing to retry with that id.'), { code: 'not_found' });
        default:
          return {};
      }
    },
  };
  return core;
}

/** A started browser shell over a fake core, with no server behind it: the bridge and HTTP
 * surface alone. `rendererDir` holds whatever page the test serves. */
export async function startShellWithFakeCore(
  rendererDir: string,
  dataDir: string,
): Promise<{ shell: BrowserShell; core: FakeCore }> {
  let core!: FakeCore;
  const shell = await startBrowserShell({
    dataDir,
    serverUrl: 'http://127.0.0.1:9',
    rendererDir,
    notifier: { show: async () => ({ status: 'shown' }) },
    credentials: { load: async () => null, save: async () => {}, clear: async () => {} },
    createCore: (deps) => (core = createFakeCore(deps)),
  });
  return { shell, core };
}
