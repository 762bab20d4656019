// The raw `ws` baseline printed beside the server's figures: one client, one echo server on
// 127.0.0.1, a window of messages in flight, for a fixed time.
import { WebSocketServer, WebSocket } from 'ws';

export async function wsEchoRate(durationMs = 2000, window = 64, payload = '{"type":"ping","t":1}'): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d, { binary: false })));
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  await new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  let received = 0;
  const started = performance.now();
  let done = false;
  await new Promise<void>((resolve) => {
    ws.on('message', () => {
      received++;
      if (performance.now() - started >= durationMs) {
        if (!done) {
          done = true;
          resolve();
        }
        return;
      }
      ws.send(payload);
    });
    for (let i = 0; i < window; i++) ws.send(payload);
  });
  const rate = received / ((performance.now() - started) / 1000);
  ws.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  return rate;
}
