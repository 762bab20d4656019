// Fan-out: BENCH_FANOUT_CLIENTS (default 2000) connected desktops, inbound messages at
// BENCH_FANOUT_RATE (default 500/s) for BENCH_FANOUT_SECONDS (default 10), each to a lead owned by
// one of the connected users. Latency is from the webhook being accepted (saved durably through the
// sink) to the message event arriving at its user's client. Server and clients share this process,
// so the RSS figure is an upper bound for the server alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from '../server/app';
import { hashToken } from '../server/auth/sessions';
import { hashPassword } from '../server/auth/passwords';
import { percentile, type Benchmark, type Figure } from './figures';
import { wsEchoRate } from './ws-echo';

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 2000);
const RATE = Number(process.env.BENCH_FANOUT_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);

const bench: Benchmark = {
  name: `fan-out (${CLIENTS} clients, ${RATE} inbound/s)`,
  async run(): Promise<Figure[]> {
    const echo = await wsEchoRate();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-bench-'));
    const server = await startServer({
      dataDir,
      port: 0,
      demo: false,
      log: 'warn',
      env: { SANDBOX_AUTO_REPLY: 'off' },
      stream: { heartbeatMs: 60_000 },
    });
    const { store, sink } = server.internals;
    try {
      // Users, one lead each, and a session token each — straight into storage (scrypt per user would take minutes).
      const hash = await hashPassword('bench-password');
      const users: { id: string; token: string; phone: string }[] = [];
      const expires = new Date(Date.now() + 3600_000).toISOString();
      for (let i = 0; i < CLIENTS; i++) {
        const u = await store.createUser({
          email: `rep${i}@bench.test`,
          name: `Rep ${i}`,
          role: 'sales',
          passwordHash: hash,
        });
        const phone = `+1212${String(2000000 + i).padStart(7, '0')}`;
        await store.createLead(
          { firstName: `Lead${i}`, lastName: 'Bench', ownerId: u.id, phones: [{ e164: phone }] },
          new Date().toISOString(),
        );
        const token = randomBytes(32).toString('base64url');
        await store.createSession(u.id, hashToken(token), expires);
        users.push({ id: u.id, token, phone });
      }

      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      const sockets: WebSocket[] = [];
      const wsUrl = `${server.url.replace(/^http/, 'ws')}/api/v1/stream`;
      // Connect in waves so the accept queue is not flooded.
      for (let i = 0; i < users.length; i += 100) {
        await Promise.all(
          users.slice(i, i + 100).map(
            (u) =>
              new Promise<void>((resolve, reject) => {
                const ws = new WebSocket(wsUrl, {
                  headers: { authorization: `Bearer ${u.token}` },
                  perMessageDeflate: false,
                });
                ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: 0, deviceId: 'bench' })));
                ws.on('message', (data) => {
                  const text = data.toString();
                  if (text.startsWith('{"type":"welcome"')) {
                    resolve();
                    return;
                  }
                  if (!text.includes('"message.upserted"')) return;
                  const m = /"body":"(fan-[0-9]+)"/.exec(text);
                  const t0 = m && sentAt.get(m[1]);
                  if (t0 !== undefined && t0 !== null) {
                    latencies.push(performance.now() - t0);
                    sentAt.delete(m![1]);
                  }
                });
                ws.once('error', reject);
                sockets.push(ws);
              }),
          ),
        );
      }

      const total = RATE * SECONDS;
      const started = performance.now();
      let peakRss = process.memoryUsage().rss;
      const inflight: Promise<unknown>[] = [];
      for (let n = 0; n < total; n++) {
        const due = started + (n * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const u = users[n % users.length];
        const id = `fan-${n}`;
        const t0 = performance.now();
        // The webhook's durable write, then processing, as a provider webhook would go.
        const saved = await sink.saveWebhook('sandbox', Buffer.from(JSON.stringify({ id, from: u.phone })), {
          'content-type': 'application/json',
        });
        sentAt.set(id, t0);
        inflight.push(
          sink
            .inbound({
              provider: 'sandbox',
              channel: 'sms',
              providerMessageId: id,
              from: u.phone,
              to: null,
              body: id,
              profileName: null,
              receivedAt: new Date(),
              media: null,
            })
            .then(() => sink.markWebhookProcessed(saved.id)),
        );
        if (n % RATE === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      await Promise.all(inflight);
      const deadline = Date.now() + 10_000;
      while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const achieved = total / ((performance.now() - started) / 1000);
      for (const ws of sockets) ws.terminate();
      return [
        { name: 'fanout.clients', value: sockets.length, unit: 'clients', target: null },
        { name: 'fanout.inbound_rate', value: achieved, unit: 'msg/s', target: `>= ${RATE * 0.95}` },
        { name: 'fanout.delivered', value: latencies.length, unit: 'events', target: `>= ${total}` },
        { name: 'fanout.latency_p50', value: percentile(latencies, 50), unit: 'ms', target: null },
        { name: 'fanout.latency_p99', value: percentile(latencies, 99), unit: 'ms', target: '< 50' },
        { name: 'fanout.rss_peak', value: peakRss / 1024 / 1024, unit: 'MB', target: '< 500' },
        { name: 'fanout.raw_ws_echo', value: echo, unit: 'msg/s', target: null },
      ];
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
