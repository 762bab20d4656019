// A Node client for the browser shell's bridge socket, speaking the same frames as
// preload/web-bridge.ts, so tests can knock on the door with the right or wrong keys.
import WebSocket from 'ws';
import { BRIDGE_PROTOCOL, BRIDGE_SOCKET_PATH, TOKEN_PROTOCOL_PREFIX } from '../../preload/bridge-protocol';

export interface BridgeClient {
  ws: WebSocket;
  call(name: string, args: unknown): Promise<{ ok: boolean; result?: any; error?: { code: string; message: string } }>;
  sendRaw(text: string): void;
  nextFrame(): Promise<any>;
  events: Array<{ event: string; payload: any }>;
  waitForEvent(name: string, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Open a socket; resolves with the client, or rejects with the HTTP status of a refused upgrade. */
export function connectBridge(
  origin: string,
  opts: { token: string | null; originHeader?: string; host?: string },
): Promise<BridgeClient> {
  const url = `${origin.replace('http', 'ws')}${BRIDGE_SOCKET_PATH}`;
  const protocols = [BRIDGE_PROTOCOL, ...(opts.token !== null ? [TOKEN_PROTOCOL_PREFIX + opts.token] : [])];
  const ws = new WebSocket(url, protocols, {
    origin: opts.originHeader ?? origin,
    headers: opts.host ? { host: opts.host } : {},
  });
  const frames: any[] = [];
  const waiters: Array<(f: any) => void> = [];
  const pending = new Map<number, (a: any) => void>();
  const events: Array<{ event: string; payload: any }> = [];
  const eventWaiters: Array<{ name: string; resolve: (p: any) => void }> = [];
  let nextId = 1;
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    if ('event' in f) {
      events.push(f);
      for (const w of eventWaiters.splice(0))
        if (w.name === f.event) w.resolve(f.payload);
        else eventWaiters.push(w);
      return;
    }
    if (typeof f.id === 'number' && pending.has(f.id)) {
      pending.get(f.id)!(f);
      pending.delete(f.id);
      return;
    }
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        events,
        call(name, args) {
          const id = nextId++;
          return new Promise((res) => {
            pending.set(id, res);
            ws.send(JSON.stringify({ id, call: name, args }));
          });
        },
        sendRaw: (text) => ws.send(text),
        nextFrame: () =>
          new Promise((res) => {
            const f = frames.shift();
            if (f) res(f);
            else waiters.push(res);
          }),
        waitForEvent(name, timeoutMs = 3000) {
          const seen = events.find((e) => e.event === name);
          if (seen) return Promise.resolve(seen.payload);
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
            eventWaiters.push({
              name,
              resolve: (p) => {
                clearTimeout(t);
                res(p);
              },
            });
          });
        },
        close: () => ws.close(),
      }),
    );
  });
}
