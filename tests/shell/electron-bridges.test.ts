// The Electron preload and the ipcMain handlers with Electron replaced by a recording fake:
// the page gets exactly window.converse, only contract channels are reachable, failures keep
// their code, and main refuses calls from anything but the app's own page.
import { IpcCalls } from '../../shared/ipc';

const h = vi.hoisted(() => ({
  exposed: {} as Record<string, any>,
  invoked: [] as Array<[string, unknown]>,
  answer: { ok: true, result: { signedIn: false } } as unknown,
  rendererListeners: new Map<string, Array<(...a: unknown[]) => void>>(),
  handlers: new Map<string, (event: unknown, args: unknown) => Promise<unknown>>(),
  registered: [] as string[],
  registerResult: true as boolean | 'throw',
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      h.exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke: async (channel: string, args: unknown) => {
      h.invoked.push([channel, args]);
      return h.answer;
    },
    on: (channel: string, l: (...a: unknown[]) => void) => {
      h.rendererListeners.set(channel, [...(h.rendererListeners.get(channel) ?? []), l]);
    },
    removeListener: (channel: string, l: (...a: unknown[]) => void) => {
      h.rendererListeners.set(
        channel,
        (h.rendererListeners.get(channel) ?? []).filter((x) => x !== l),
      );
    },
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => {
      h.handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => {
      h.handlers.delete(channel);
    },
  },
  globalShortcut: {
    register: (acc: string) => {
      if (h.registerResult === 'throw') throw new Error('Accelerator is invalid');
      if (h.registerResult) h.registered.push(acc);
      return h.registerResult;
    },
    unregister: (acc: string) => {
      h.registered = h.registered.filter((a) => a !== acc);
    },
  },
}));

describe('electron preload', () => {
  beforeAll(async () => {
    await import('../../preload/electron-preload');
  });
  const api = () => h.exposed.converse;

  it('exposes window.converse and nothing else', () => {
    expect(Object.keys(h.exposed)).toEqual(['converse']);
    expect(Object.keys(api()).sort()).toEqual(['invoke', 'on', 'platform', 'shell']);
    expect(api().shell).toBe('electron');
  });

  it('sends a contract call on its own channel and unwraps the answer', async () => {
    h.answer = { ok: true, result: { signedIn: false } };
    expect(await api().invoke('session.get', {})).toEqual({ signedIn: false });
    expect(h.invoked.at(-1)).toEqual(['session.get', {}]);
  });

  it('refuses a channel outside the contract without touching IPC', async () => {
    const before = h.invoked.length;
    await expect(api().invoke('ELECTRON_BROWSER_REQUIRE', {})).rejects.toEqual({
      name: 'IpcError',
      code: 'unknown_call',
      message: 'Unknown call "ELECTRON_BROWSER_REQUIRE".',
    });
    expect(h.invoked.length).toBe(before);
    expect(() => api().on('ipc-message', () => {})).toThrow(/Unknown event/);
  });

  it('turns a failure answer into {code, message} the renderer can read', async () => {
    h.answer = {
      ok: false,
      error: { code: 'invalid_arguments', message: 'Invalid arguments for leads.search (query).' },
    };
    await expect(api().invoke('leads.search', { query: 1 })).rejects.toMatchObject({
      code: 'invalid_arguments',
      message: 'Invalid arguments for leads.search (query).',
    });
  });

  it('delivers event payloads without the IPC event object, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api().on('unread.changed', (p: unknown) => got.push(p));
    const [listener] = h.rendererListeners.get('converse:event:unread.changed')!;
    listener({ sender: 'secret' }, { total: 1, byConversation: {} });
    expect(got).toEqual([{ total: 1, byConversation: {} }]);
    off();
    expect(h.rendererListeners.get('converse:event:unread.changed')).toEqual([]);
  });
});

describe('electron ipcMain handlers', () => {
  const core = {
    calls: [] as Array<[string, unknown]>,
    async handle(n: string, a: unknown) {
      this.calls.push([n, a]);
      return { fine: true };
    },
  };
  beforeAll(async () => {
    const { registerIpcHandlers } = await import('../../main/ipc-handlers');
    registerIpcHandlers(core);
  });
  const from = (url: string) => ({ senderFrame: { url } });

  it('handles every contract call, each on its own channel', () => {
    expect([...h.handlers.keys()].sort()).toEqual(Object.keys(IpcCalls).sort());
  });

  it('validates, then routes to the core', async () => {
    expect(await h.handlers.get('leads.search')!(from('app://converse/index.html'), { query: 'maria' })).toEqual({
      ok: true,
      result: { fine: true },
    });
    expect(core.calls.at(-1)).toEqual(['leads.search', { query: 'maria', limit: 20 }]);
    expect(await h.handlers.get('leads.search')!(from('app://converse/index.html'), { query: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_arguments' },
    });
  });

  it('refuses a call from a page that is not the app', async () => {
    const before = core.calls.length;
    expect(await h.handlers.get('session.get')!(from('https://evil.example/'), {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await h.handlers.get('session.get')!({ senderFrame: null }, {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(core.calls.length).toBe(before);
  });
});

describe('global shortcut registration', () => {
  it('registers Alt+M and releases it', async () => {
    const { registerChatShortcut } = await import('../../main/global-shortcut');
    h.registerResult = true;
    const failures: unknown[] = [];
    const s = registerChatShortcut(
      () => {},
      (st) => failures.push(st),
      'linux',
    );
    expect(s.status()).toEqual({ accelerator: 'Alt+M', registered: true, error: null });
    expect(h.registered).toEqual(['Alt+M']);
    s.unregister();
    expect(h.registered).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('reports a taken or invalid shortcut with its reason, once', async () => {
    const { registerChatShortcut } = await import('../../main/global-shortcut');
    for (const outcome of [false, 'throw'] as const) {
      h.registerResult = outcome;
      const failures: Array<{ registered: boolean; error: string | null }> = [];
      const s = registerChatShortcut(
        () => {},
        (st) => failures.push(st),
        'darwin',
      );
      expect(s.status()).toMatchObject({ accelerator: 'Option+M', registered: false });
      expect(failures).toHaveLength(1);
      expect(failures[0].error).toMatch(/Option\+M could not be registered/);
    }
  });
});
