// The browser shell's preload: gives the page the same `window.converse` (ConverseApi) the
// Electron preload gives, carried over a loopback WebSocket to the shell that served the page.
// Built as an IIFE (dist/renderer-bridge/web-bridge.js); the shell injects it before the app.
//
// The access token arrives in the URL fragment (never sent to any server), is kept in this
// tab's sessionStorage so a reload still works, and is removed from the address bar at once.
// If the socket drops, calls wait (bounded) and the bridge reconnects; a restarted shell has a
// new token, which the bridge notices (401 from the check endpoint) and says so plainly. What
// the page is told about the shell itself goes out as `notice` events of the kinds in
// SHELL_NOTICE: stopped (nothing answers on this address: start it again), restarted (a new
// token: open the new address) and back. Pasting the new address into the same tab changes only
// the fragment, which reloads nothing by itself, so the bridge reloads the page for it.
import {
  IpcEvents,
  type ConverseApi,
  type IpcArgs,
  type IpcCallName,
  type IpcError,
  type IpcEventName,
  type IpcEventPayload,
  type IpcResult,
} from '../shared/ipc';
import {
  BRIDGE_CHECK_PATH,
  BRIDGE_PROTOCOL,
  BRIDGE_SOCKET_PATH,
  CLOSE_SHUTTING_DOWN,
  ShellFrame,
  TOKEN_HEADER,
  TOKEN_PROTOCOL_PREFIX,
  bytesToBase64,
  encodeBytes,
} from './bridge-protocol';
import { SHELL_NOTICE } from '../shared/shell-notice';

const TOKEN_KEY = 'converse.bridgeToken';
const MAX_QUEUED_CALLS = 200;
const QUEUED_CALL_TIMEOUT_MS = 30_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

type Listener = (payload: unknown) => void;
interface Pending {
  name: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
interface Queued extends Pending {
  args: unknown;
  timer: ReturnType<typeof setTimeout>;
}

/** An Error with the IpcError code, as the Electron bridge gives (`err.code`, `err.message`). */
function bridgeError(e: IpcError): Error & { code: string } {
  const err = new Error(e.message) as Error & { code: string };
  err.name = 'IpcError';
  err.code = e.code;
  return err;
}

/** The token in an address's fragment (`#token=…`), if any. */
function tokenInHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}

function takeToken(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = tokenInHash(location.hash);
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {}
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function installWebBridge(): void {
  // A new address pasted into this tab (the restarted shell's) changes only the fragment: keep
  // its token and load the page afresh, so the app starts against the new shell.
  window.addEventListener('hashchange', () => {
    const next = tokenInHash(location.hash);
    if (!next) return;
    try {
      sessionStorage.setItem(TOKEN_KEY, next);
    } catch {}
    location.reload();
  });
  const token = takeToken();
  const listeners = new Map<string, Set<Listener>>();
  const inFlight = new Map<number, Pending>();
  const queue: Queued[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempts = 0;
  let everConnected = false;
  let stoppedSaid = false;
  let lastConnection: { outboxSize?: number } | null = null;
  let fatal: IpcError | null = token
    ? null
    : {
        code: 'bridge_unauthorized',
        message: 'This page has no access token. Open the address printed by `npm run web` (it ends with #token=…).',
      };

  const emit = (name: string, payload: unknown) => {
    if (name === 'connection.changed') lastConnection = payload as { outboxSize?: number };
    for (const l of listeners.get(name) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(`converse: a listener for ${name} failed`, err);
      }
    }
  };

  const send = (id: number, name: string, args: unknown) => {
    socket!.send(JSON.stringify({ id, call: name, args: encodeBytes(args, bytesToBase64) }));
  };

  const flushQueue = () => {
    while (queue.length && socket?.readyState === WebSocket.OPEN) {
      const q = queue.shift()!;
      clearTimeout(q.timer);
      const id = nextId++;
      inFlight.set(id, q);
      try {
        send(id, q.name, q.args);
      } catch (err) {
        inFlight.delete(id);
        q.reject(bridgeError({ code: 'invalid_arguments', message: String(err) }));
      }
    }
  };

  const failAll = (e: IpcError, includeQueued: boolean) => {
    for (const p of inFlight.values()) p.reject(bridgeError(e));
    inFlight.clear();
    if (includeQueued)
      for (const q of queue.splice(0)) {
        clearTimeout(q.timer);
        q.reject(bridgeError(e));
      }
  };

  // After a reconnect the page may have missed events: re-announce the state it depends on.
  const resync = async () => {
    for (const [call, event] of [
      ['session.get', 'session.changed'],
      ['connection.get', 'connection.changed'],
      ['settings.get', 'settings.changed'],
    ] as const) {
      try {
        emit(event, await api.invoke(call, {}));
      } catch {}
    }
  };

  // Nothing answers on this address: the shell has stopped. Say so once, with how to start it,
  // and replace the core's last link state (its countdown would otherwise sit at "0 s": the core
  // that counted is gone). Retries go on, so a shell that was only slow is found again.
  const shellStopped = () => {
    if (stoppedSaid || fatal) return;
    stoppedSaid = true;
    emit('connection.changed', {
      status: 'connecting',
      retryAt: null,
      reason: 'The Converse browser shell has stopped.',
      outboxSize: lastConnection?.outboxSize ?? 0,
    });
    emit('notice', {
      kind: SHELL_NOTICE.stopped,
      message:
        'The Converse browser shell has stopped. Start it again with `npm run web`, then open the address it prints in this tab.',
    });
  };

  const scheduleRetry = () => {
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempts, 5)) * (0.75 + Math.random() * 0.5);
    attempts++;
    // connect() handles its own failures (it schedules the next retry), so nothing awaits it.
    setTimeout(() => void connect(), delay);
  };

  async function connect(): Promise<void> {
    if (fatal || !token) return;
    // A plain request first: unlike a refused WebSocket, it tells "token refused" from "shell down".
    let status: number;
    try {
      status = (await fetch(BRIDGE_CHECK_PATH, { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' })).status;
    } catch {
      shellStopped();
      scheduleRetry();
      return;
    }
    if (status === 401 || status === 403) {
      fatal = {
        code: 'bridge_unauthorized',
        message: 'The Converse browser shell was restarted with a new access token. Open the new address it printed.',
      };
      failAll(fatal, true);
      emit('notice', { kind: SHELL_NOTICE.restarted, message: fatal.message });
      return;
    }
    if (status !== 204) {
      scheduleRetry();
      return;
    }

    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_SOCKET_PATH}`,
      [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token],
    );
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      const reconnected = everConnected;
      everConnected = true;
      flushQueue();
      if (stoppedSaid) {
        stoppedSaid = false;
        emit('notice', { kind: SHELL_NOTICE.back, message: 'Connected to the Converse app again.' });
      }
      if (reconnected) void resync();
    };
    ws.onmessage = (ev) => {
      let frame: ShellFrame;
      try {
        const parsed = ShellFrame.safeParse(JSON.parse(String(ev.data)));
        if (!parsed.success) {
          console.warn('converse: ignored a malformed frame from the shell');
          return;
        }
        frame = parsed.data;
      } catch {
        console.warn('converse: ignored a frame that is not JSON');
        return;
      }
      if ('event' in frame) {
        emit(frame.event, frame.payload);
        return;
      }
      if (!frame.ok && frame.id === null) {
        console.warn(`converse: the shell refused a frame: ${frame.error.message}`);
        return;
      }
      if (frame.id === null) return;
      const p = inFlight.get(frame.id);
      if (!p) return;
      inFlight.delete(frame.id);
      if (frame.ok) p.resolve(frame.result);
      else p.reject(bridgeError(frame.error));
    };
    ws.onclose = (ev) => {
      if (socket === ws) socket = null;
      failAll(
        {
          code: 'bridge_disconnected',
          message:
            ev.code === CLOSE_SHUTTING_DOWN
              ? 'The Converse app is shutting down.'
              : 'The connection to the Converse app was lost; try again.',
        },
        false,
      );
      if (ev.code === CLOSE_SHUTTING_DOWN) shellStopped();
      scheduleRetry();
    };
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
  }

  const api: ConverseApi = {
    invoke<N extends IpcCallName>(name: N, args: IpcArgs<N>): Promise<IpcResult<N>> {
      return new Promise<unknown>((resolve, reject) => {
        if (fatal) {
          reject(bridgeError(fatal));
          return;
        }
        if (socket?.readyState === WebSocket.OPEN) {
          const id = nextId++;
          inFlight.set(id, { name, resolve, reject });
          try {
            send(id, name, args);
          } catch (err) {
            inFlight.delete(id);
            reject(bridgeError({ code: 'invalid_arguments', message: `Cannot send ${name}: ${String(err)}` }));
          }
          return;
        }
        if (queue.length >= MAX_QUEUED_CALLS) {
          reject(
            bridgeError({
              code: 'bridge_unavailable',
              message: 'The Converse app is not reachable; too many calls are waiting.',
            }),
          );
          return;
        }
        const q: Queued = {
          name,
          args,
          resolve,
          reject,
          timer: setTimeout(() => {
            const i = queue.indexOf(q);
            if (i >= 0) queue.splice(i, 1);
            reject(
              bridgeError({
                code: 'bridge_unavailable',
                message: 'The Converse app did not answer in time; is `npm run web` still running?',
              }),
            );
          }, QUEUED_CALL_TIMEOUT_MS),
        };
        queue.push(q);
      }) as Promise<IpcResult<N>>;
    },
    on<N extends IpcEventName>(name: N, listener: (payload: IpcEventPayload<N>) => void): () => void {
      if (!Object.prototype.hasOwnProperty.call(IpcEvents, name)) throw new Error(`Unknown event "${String(name)}".`);
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      const l = listener as Listener;
      set.add(l);
      return () => {
        set!.delete(l);
      };
    },
    platform: 'web',
    shell: 'web',
  };

  Object.defineProperty(window, 'converse', {
    value: Object.freeze(api),
    writable: false,
    configurable: false,
    enumerable: true,
  });
  void connect();
}

installWebBridge();
