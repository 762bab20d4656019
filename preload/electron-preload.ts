// The Electron preload (sandboxed, context-isolated): exposes exactly `window.converse`, a
// ConverseApi over ipcRenderer. The page never touches ipcRenderer; it can only reach the
// channels named in shared/ipc.ts (IpcCalls for invoke, IpcEvents for on) and nothing else.
//
// Main answers each call with {ok, result} or {ok:false, error}: an Error thrown in main would
// lose its code crossing IPC and the context bridge, so failures travel as data, and the page
// receives a plain {name:'IpcError', code, message} object (the bridge copies Errors without
// their own fields).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_EVENT_CHANNEL_PREFIX,
  IpcCalls,
  IpcEvents,
  type ConverseApi,
  type IpcArgs,
  type IpcCallName,
  type IpcEventName,
  type IpcEventPayload,
  type IpcResult,
} from '../shared/ipc';

const CALLS: ReadonlySet<string> = new Set(Object.keys(IpcCalls));
const EVENTS: ReadonlySet<string> = new Set(Object.keys(IpcEvents));

const ipcError = (code: string, message: string) => ({ name: 'IpcError', code, message });

// Notices (shortcut unavailable, database recovered) can arrive between the page's load and the
// moment React subscribes; each must reach the rep once, so they wait here for the first listener.
const NOTICE_CHANNEL = `${IPC_EVENT_CHANNEL_PREFIX}notice`;
const earlyNotices: unknown[] = [];
let noticeListeners = 0;
const keepEarlyNotice = (_e: IpcRendererEvent, payload: unknown) => {
  if (noticeListeners === 0 && earlyNotices.length < 20) earlyNotices.push(payload);
};
ipcRenderer.on(NOTICE_CHANNEL, keepEarlyNotice);

const api: ConverseApi = {
  invoke<N extends IpcCallName>(name: N, args: IpcArgs<N>): Promise<IpcResult<N>> {
    if (typeof name !== 'string' || !CALLS.has(name))
      return Promise.reject(ipcError('unknown_call', `Unknown call "${String(name)}".`));
    return ipcRenderer.invoke(name, args).then((answer: unknown) => {
      const a = answer as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
      if (a && a.ok === true) return a.result as IpcResult<N>;
      const code = typeof a?.error?.code === 'string' ? a.error.code : 'internal';
      const message = typeof a?.error?.message === 'string' ? a.error.message : `The app could not answer ${name}.`;
      throw ipcError(code, message);
    });
  },
  on<N extends IpcEventName>(name: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
    if (typeof name !== 'string' || !EVENTS.has(name)) throw new Error(`Unknown event "${String(name)}".`);
    if (typeof listener !== 'function') throw new Error('A listener must be a function.');
    const channel = IPC_EVENT_CHANNEL_PREFIX + name;
    // Never hand the IpcRendererEvent (it carries `sender`) to the page: payload only.
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as IpcEventPayload<N>);
    ipcRenderer.on(channel, wrapped);
    if (channel === NOTICE_CHANNEL) {
      noticeListeners += 1;
      for (const payload of earlyNotices.splice(0)) listener(payload as IpcEventPayload<N>);
      return () => {
        noticeListeners -= 1;
        ipcRenderer.removeListener(channel, wrapped);
      };
    }
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
  platform: process.platform,
  shell: 'electron',
};

contextBridge.exposeInMainWorld('converse', api);
