// Signing out and in as another rep on one data folder (the browser shell's case): the local
// store is wiped for the new rep while the sync's writer thread has it open, and must stay sound.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { MemoryCredentials } from './support/fixtures';
import { eventually } from '../support/eventually';
import { sendsDrained, settled } from './support/settled';
import type { ConnectionState, ConversationSummary, Session } from '../../shared/ipc';
import type { MessageView } from '../../shared/domain';

let rs: RealServer;
let h: Harness | null = null;

beforeEach(async () => {
  rs = await startRealServer();
});
afterEach(async () => {
  if (h) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
    h = null;
  }
  await rs.stop();
});

const signIn = (who: string) =>
  h!.call<Session>('session.signIn', { serverUrl: rs.url, email: `${who}@converse.demo`, password: 'converse-demo' });
const synced = (label: string) =>
  eventually(
    async () => {
      const list = await h!.call<ConversationSummary[]>('conversations.list', {});
      return h!.of('connection.changed').at(-1)?.status === 'connected' && list.length > 0 ? list : null;
    },
    { timeoutMs: 10_000, what: label },
  );
const integrity = (dataDir: string) => {
  const db = new Database(path.join(dataDir, 'converse.db'));
  try {
    return {
      check: db.pragma('integrity_check', { simple: true }),
      fts: (() => {
        try {
          db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();
          return 'ok';
        } catch (err) {
          return (err as Error).message;
        }
      })(),
    };
  } finally {
    db.close();
  }
};

describe('switching reps on one data folder', () => {
  it('wipes the store for another rep and syncs, searches and switches back without a malformed database', async () => {
    h = makeCore({ credentials: new MemoryCredentials() });
    await h.core.start();
    for (const who of ['sam', 'admin', 'rita', 'sam', 'admin']) {
      await signIn(who);
      const list = await synced(`${who} synced`);
      // Search and page through the new rep's data: both read what the writer thread wrote.
      await h.call('messages.search', { query: 'hi' }).catch((err: Error & { code?: string }) => {
        if (!err.code || err.code === 'internal') throw err;
      });
      await h.call('messages.page', { conversationId: list[0].id, before: null, limit: 50 });
      await h.call('session.signOut', {});
    }
    const notices = h.of('notice').filter((n) => n.kind === 'database-recovered');
    expect(notices).toEqual([]);
    await h.core.stop();
    expect(integrity(h.dataDir)).toEqual({ check: 'ok', fts: 'ok' });
  });

  it("keeps a rep's unsent message through another rep's wipe and sends it, once, when that rep is back", async () => {
    h = makeCore({ credentials: new MemoryCredentials() });
    await h.core.start();
    await signIn('rita');
    await synced('rita synced');
    // Offline: the send stays in the outbox, and Rita signs out with it unsent.
    rs.proxy.setAccepting(false);
    rs.proxy.cut();
    await eventually(() => h!.of('connection.changed').at(-1)?.status !== 'connected', {
      timeoutMs: 5_000,
      what: 'link down',
    });
    const pending = await h.call<MessageView>('messages.send', {
      clientId: 'parked-send-0001',
      leadId: rs.maria.id,
      channel: 'sms',
      to: null,
      body: 'parked across reps',
    });
    expect(pending.status).toBe('pending');
    await h.call('session.signOut', {});
    rs.proxy.setAccepting(true);

    // Sam on the same folder: Rita's data (her unsent message included) is gone from his view.
    await signIn('sam');
    await synced('sam synced');
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
    expect(await h.call<MessageView[]>('messages.search', { query: 'parked' })).toEqual([]);
    // Sam's desktop has nothing left to send and has committed all the server has for him.
    await settled(h, rs, 'sam@converse.demo');
    expect(rs.providerSends).not.toContain('parked across reps');
    await h.call('session.signOut', {});

    // Rita again: the message is back in her outbox and reaches the provider exactly once.
    await signIn('rita');
    await eventually(
      async () => {
        const page = await h!.call<{ messages: MessageView[] }>('messages.page', {
          conversationId: `${rs.maria.id}:sms`,
          before: null,
          limit: 50,
        });
        const m = page.messages.find((x) => x.clientId === 'parked-send-0001');
        return m && (m.status === 'sent' || m.status === 'delivered') ? m : null;
      },
      { timeoutMs: 10_000, what: 'parked message sent' },
    );
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
    await sendsDrained(h, rs, rs.providerSends);
    expect(rs.providerSends.filter((b) => b === 'parked across reps')).toHaveLength(1);
    const found = await h.call<MessageView[]>('messages.search', { query: 'parked' });
    expect(found.map((m) => m.id)).toEqual(['local:parked-send-0001']);
  });
});
