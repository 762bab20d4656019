// The real Converse server (server/app.ts) on 127.0.0.1 with the demo workspace, behind a TCP
// proxy the test can cut, plus what tests need to drive it: a rep's token, the demo lead Maria
// Garcia, her "replies", and a count of what reached the provider.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../../server/app';
import type { LeadView } from '../../../shared/domain';
import { TcpProxy } from './tcp-proxy';

export interface RealServer {
  server: RunningServer;
  proxy: TcpProxy;
  /** What the desktop connects to (through the proxy). */
  url: string;
  token: string;
  maria: LeadView;
  /** Bodies the SMS provider was asked to send, in order. */
  providerSends: string[];
  /** Maria writes an SMS. */
  mariaWrites(body: string): Promise<void>;
  /** The last sequence the server logged for this rep: what a synced device has committed. */
  headSeq(email?: string): Promise<number>;
  /** The highest sequence any device of this rep acknowledged (a desktop acks only what it committed). */
  ackedSeq(email?: string): number;
  stop(): Promise<void>;
}

export async function startRealServer(): Promise<RealServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'converse-server-'));
  const server = await startServer({
    dataDir,
    demo: true,
    port: 0,
    log: false,
    env: { SANDBOX_AUTO_REPLY: 'off', SANDBOX_SENT_MS: '20', SANDBOX_DELIVERED_MS: '40' },
  });
  const proxy = await new TcpProxy(server.port).start();
  const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'rita@converse.demo', password: 'converse-demo' }),
  });
  if (!signIn.ok) throw new Error(`demo sign-in failed: HTTP ${signIn.status} ${await signIn.text()}`);
  const { token } = (await signIn.json()) as { token: string };
  const found = await fetch(`${server.url}/api/v1/leads?q=Garcia&limit=5`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const maria = ((await found.json()) as { leads: LeadView[] }).leads.find((l) => l.firstName === 'Maria');
  if (!maria) throw new Error('the demo workspace has no Maria Garcia');
  const sms = server.internals.sandbox.sms;
  if (!sms) throw new Error('the demo server has no sandbox SMS connector');
  const providerSends: string[] = [];
  const send = sms.send.bind(sms);
  sms.send = (msg) => {
    providerSends.push(msg.body);
    return send(msg);
  };
  const userId = async (email: string) => {
    const user = await server.internals.store.getUserByEmail(email);
    if (!user) throw new Error(`the demo workspace has no ${email}`);
    return user.id;
  };
  return {
    server,
    proxy,
    url: proxy.url,
    token,
    maria,
    providerSends,
    async headSeq(email = 'rita@converse.demo') {
      return server.internals.store.headSeq(await userId(email));
    },
    ackedSeq(email = 'rita@converse.demo') {
      // Read from the server's own database (read-only, beside its connection): acks are not exposed over HTTP.
      const db = new Database(path.join(dataDir, 'converse.db'), { readonly: true });
      try {
        const row = db
          .prepare('SELECT max(d.acked_seq) AS seq FROM devices d JOIN users u ON u.id = d.user_id WHERE u.email = ?')
          .get(email) as { seq: number | null };
        return row.seq ?? 0;
      } finally {
        db.close();
      }
    },
    async mariaWrites(body) {
      const res = await fetch(`${server.url}/api/v1/sandbox/inbound`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ leadId: maria.id, channel: 'sms', body }),
      });
      if (!res.ok) throw new Error(`sandbox inbound failed: HTTP ${res.status} ${await res.text()}`);
    },
    async stop() {
      await proxy.stop();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
