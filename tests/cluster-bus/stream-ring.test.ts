// A doorbell without events (another node appended them, or a head check found the log ahead)
// makes a real StreamConnection read its log, over a real WebSocket on 127.0.0.1: the desktop
// receives the events once, and a ring at or below what it has changes nothing.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STREAM_PATH } from '../../shared/stream-protocol';
import { SqliteStore } from '../../server/storage/sqlite';
import { Hub } from '../../server/stream/hub';
import { AckRecorder } from '../../server/stream/ack-recorder';
import { StreamConnection } from '../../server/stream/stream-connection';
import { Publisher } from '../../server/domain/publisher';
import { SendPipeline } from '../../server/messaging/send-pipeline';
import { StreamClient } from '../server/support';
import { until } from '../support/eventually';
import { readEvent } from './harness';

describe('StreamConnection.ring', () => {
  let dir: string;
  let store: SqliteStore;
  let hub: Hub;
  let server: http.Server;
  let wss: WebSocketServer;
  let url: string;
  let userId: string;
  const clients: StreamClient[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'converse-ring-'));
    store = new SqliteStore(path.join(dir, 'converse.db'));
    const user = await store.createUser({ email: 'rita@example.test', name: 'Rita', role: 'sales', passwordHash: 'x' });
    userId = user.id;
    hub = new Hub();
    const now = () => new Date();
    const publisher = new Publisher(store, hub, now);
    const sends = new SendPipeline({
      store,
      publisher,
      connectors: { forChannel: () => null, all: () => [] },
      now,
      node: { id: 'node-test', sendLeaseMs: 60_000, renewEveryMs: 20_000, sweepEveryMs: 5000 },
    });
    server = http.createServer();
    const acks = new AckRecorder(store);
    wss = new WebSocketServer({ server, path: STREAM_PATH });
    wss.on('connection', (ws) => {
      const conn = new StreamConnection(ws, user, 'ses_1', { store, hub, sends, publisher, now, acks });
      ws.on('close', () => conn.dispose());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function desktop() {
    const c = new StreamClient(url, null);
    clients.push(c);
    await c.opened;
    c.hello(0, 'dev-1');
    await c.frame('welcome');
    await until(() => hub.size === 1, { what: 'the connection in the hub' });
    return c;
  }

  it('reads the log when rung past what it sent, once', async () => {
    const c = await desktop();
    // Appended elsewhere: committed to the log, never offered to this node's hub.
    const appended = await store.appendEvents(
      [1, 2, 3].map((n) => ({ userId, event: readEvent(n) })),
      new Date().toISOString(),
    );
    expect(hub.ring(userId, appended[2].seq)).toBe(1);
    await until(() => c.events.length === 3, { what: 'the three events' });
    expect(c.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(c.events.map((e) => e.event)).toEqual([readEvent(1), readEvent(2), readEvent(3)]);

    // A ring it already has (a late or doubled doorbell) reads nothing and sends nothing.
    expect(hub.ring(userId, 3)).toBe(0);
    expect(hub.ring('usr_nobody', 9)).toBe(0);
    const [fourth] = await store.appendEvents([{ userId, event: readEvent(4) }], new Date().toISOString());
    hub.deliver([fourth]); // the next live event follows straight on
    await until(() => c.events.length === 4, { what: 'the fourth event' });
    expect(c.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});
