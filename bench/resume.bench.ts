// Resume: a desktop that missed BENCH_RESUME_EVENTS (default 50,000) events reconnects with its
// last sequence and catches up; figure is events per second from hello to the last event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from '../server/app';
import { hashToken } from '../server/auth/sessions';
import { seedLog } from './cluster-store';
import type { Benchmark, Figure } from './figures';
import { wsEchoRate } from './ws-echo';

const EVENTS = Number(process.env.BENCH_RESUME_EVENTS ?? 50_000);

const bench: Benchmark = {
  name: `resume (${EVENTS} missed events)`,
  async run(): Promise<Figure[]> {
    const echo = await wsEchoRate();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-bench-'));
    const server = await startServer({
      dataDir,
      port: 0,
      demo: false,
      log: 'warn',
      env: { SANDBOX_AUTO_REPLY: 'off' },
    });
    const { store } = server.internals;
    try {
      const u = await store.createUser({ email: 'rep@bench.test', name: 'Rep', role: 'sales', passwordHash: 'x' });
      const token = randomBytes(32).toString('base64url');
      await store.createSession(u.id, hashToken(token), new Date(Date.now() + 3600_000).toISOString());
      // Realistic events: full messages, as a busy day of conversations would log them (shared with the cluster bench).
      await seedLog(store, u.id, EVENTS);
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/stream`, {
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      await new Promise<void>((r, j) => {
        ws.once('open', () => r());
        ws.once('error', j);
      });
      let last = 0;
      let count = 0;
      const started = performance.now();
      await new Promise<void>((resolve) => {
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          if (frame.type !== 'events') return;
          count += frame.events.length;
          last = frame.events[frame.events.length - 1].seq;
          // Acknowledge as a desktop would after committing.
          ws.send(JSON.stringify({ type: 'ack', seq: last }));
          if (last >= EVENTS) resolve();
        });
        ws.send(JSON.stringify({ type: 'hello', lastSeq: 0, deviceId: 'bench' }));
      });
      const seconds = (performance.now() - started) / 1000;
      ws.terminate();
      return [
        { name: 'resume.events', value: count, unit: 'events', target: `>= ${EVENTS}` },
        { name: 'resume.rate', value: count / seconds, unit: 'events/s', target: '>= 50000' },
        { name: 'resume.raw_ws_echo', value: echo, unit: 'msg/s', target: null },
      ];
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
