// The desktop core against the real Converse server (server/app.ts, demo workspace) on
// 127.0.0.1, through a TCP proxy that cuts and freezes the link the way networks and sleep do.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startRealServer, type RealServer } from './support/real-server';
import { makeCore, type Harness } from './support/core-harness';
import { MemoryCredentials } from './support/fixtures';
import { eventually, until } from '../support/eventually';
import { sendsDrained, settled } from './support/settled';
import type { ConversationSummary, ConnectionState, Session } from '../../shared/ipc';
import { conversationIdOf, type MessageView } from '../../shared/domain';
import { HttpApi } from '../../main/core/http-api';

let rs: RealServer;
const harnesses: Harness[] = [];
const track = (h: Harness) => {
  harnesses.push(h);
  return h;
};

beforeEach(async () => {
  rs = await startRealServer();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.core.stop().catch(() => {});
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  await rs.stop();
});

const signedInCore = (o: Parameters<typeof makeCore>[0] = {}) =>
  track(makeCore({ serverUrl: rs.url, token: rs.token, ...o }));
const connected = (h: Harness) =>
  eventually(() => h.of('connection.changed').at(-1)?.status === 'connected', { timeoutMs: 10_000, what: 'connected' });

/** Every stored message of Maria's SMS conversation, walking all pages. */
async function allMessages(h: Harness): Promise<MessageView[]> {
  const out: MessageView[] = [];
  let before: string | null = null;
  do {
    const page: { messages: MessageView[]; before: string | null } = await h.call('messages.page', {
      conversationId: `${rs.maria.id}:sms`,
      before,
      limit: 500,
    });
    out.unshift(...page.messages);
    before = page.before;
  } while (before);
  return out;
}
const bodiesWith = async (h: Harness, prefix: string) =>
  (await allMessages(h)).map((m) => m.body).filter((b) => b.startsWith(prefix));
const committedSeq = (dataDir: string) => {
  const db = new Database(path.join(dataDir, 'converse.db'), { readonly: true });
  try {
    return (db.prepare('SELECT seq FROM sync_cursor').get() as { seq: number }).seq;
  } finally {
    db.close();
  }
};

describe('desktop core with the real Converse server', () => {
  it('signs in as a rep and shows the demo conversations with unread counts', async () => {
    const h = track(makeCore({ credentials: new MemoryCredentials() }));
    await h.core.start();
    const session = await h.call<Session>('session.signIn', {
      serverUrl: rs.url,
      email: 'rita@converse.demo',
      password: 'converse-demo',
    });
    expect(session).toMatchObject({ signedIn: true, user: { name: 'Rita Rep' } });
    expect(h.credentials.value?.serverUrl).toBe(rs.url);
    const list = await eventually(
      async () => {
        const l = await h.call<ConversationSummary[]>('conversations.list', {});
        return l.some((c) => c.leadName === 'Maria Garcia') ? l : null;
      },
      { timeoutMs: 10_000, what: 'Maria in the list' },
    );
    const total = list.reduce((n, c) => n + c.unreadCount, 0);
    await eventually(() => h.shell.unread.at(-1) === total, { timeoutMs: 5_000, what: 'tray count' });
    await expect(
      h.call('session.signIn', { serverUrl: rs.url, email: 'rita@converse.demo', password: 'wrong' }),
    ).rejects.toMatchObject({ code: expect.any(String) });
  });

  it('stores every message exactly once when the link is cut again and again mid-burst', async () => {
    const h = signedInCore();
    await h.core.start();
    await connected(h);
    const rounds = 6,
      perRound = 40;
    for (let r = 0; r < rounds; r++) {
      const logged = await rs.headSeq();
      const writes = Array.from({ length: perRound }, (_, i) => rs.mariaWrites(`burst ${r}-${i}`));
      // Cut mid-burst: once the server has logged part of it, with the rest still in flight.
      await until(async () => (await rs.headSeq()) > logged, { timeoutMs: 10_000, what: `part of burst ${r} logged` });
      rs.proxy.cut();
      await Promise.all(writes);
      await eventually(() => rs.proxy.open > 0 && h.of('connection.changed').at(-1)?.status === 'connected', {
        timeoutMs: 10_000,
        what: 'reconnected',
      });
    }
    await eventually(async () => (await bodiesWith(h, 'burst ')).length >= rounds * perRound, {
      timeoutMs: 15_000,
      what: 'whole burst stored',
    });
    expect(rs.proxy.hellos.length).toBeGreaterThanOrEqual(rounds + 1);
    // A late duplicate from a replay would be committed before the desktop acks the head.
    await settled(h, rs);
    const bodies = await bodiesWith(h, 'burst ');
    expect(bodies).toHaveLength(rounds * perRound);
    expect(new Set(bodies).size).toBe(rounds * perRound);
  });

  it('resumes from its committed sequence when restarted in the middle of a backlog', async () => {
    const first = signedInCore();
    await first.core.start();
    await connected(first);
    await first.core.stop();
    const sms = rs.server.internals.sandbox.sms!;
    const backlog = 1_200;
    for (let i = 0; i < backlog; i++) await sms.inbound('+14155550134', `backlog ${i}`);

    // Small transactions, so the stop lands between two commits of the backlog.
    const second = track(makeCore({ dataDir: first.dataDir, serverUrl: rs.url, token: rs.token, syncChunkSize: 50 }));
    // Stop as soon as the first batch of the backlog is committed (the writer is a thread of its
    // own, so waiting for a poll would let it finish the whole backlog first).
    let stopping: Promise<void> | null = null;
    second.core.on('messages.changed', (e) => {
      if (!stopping && e.messages.some((m) => m.body.startsWith('backlog '))) stopping = second.core.stop();
    });
    await second.core.start();
    // The rep has Maria's conversation open (a window read a page of it): its synced messages are handed over.
    await second.call('messages.page', { conversationId: conversationIdOf(rs.maria.id, 'sms') });
    await eventually(() => stopping !== null, { timeoutMs: 10_000, what: 'first batch' });
    await stopping;
    const stored = (await bodiesWithDir(first.dataDir)).length;
    const seq = committedSeq(first.dataDir);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(backlog);

    // The window reads Maria's conversation before the link is up: were it read after, a fast
    // machine could have synced the whole rest of the backlog first, and the messages handed over
    // (what `replayed` counts) would be none.
    rs.proxy.setAccepting(false);
    const third = track(makeCore({ dataDir: first.dataDir, serverUrl: rs.url, token: rs.token }));
    await third.core.start();
    await third.call('messages.page', { conversationId: conversationIdOf(rs.maria.id, 'sms') });
    rs.proxy.setAccepting(true);
    await eventually(async () => (await bodiesWith(third, 'backlog ')).length === backlog, {
      timeoutMs: 20_000,
      what: 'backlog complete',
    });
    // Stored is not yet announced: the writer thread commits, and its report of the batch reaches
    // the core a moment later (a window can read the rows in between). The core acknowledges a batch
    // in the same turn as it emits the batch's messages, so the head acknowledged means all were emitted.
    await settled(third, rs);
    // The hello after the restart carried exactly what had been committed, and nothing committed came again.
    expect(rs.proxy.hellos.at(-1)?.lastSeq).toBe(seq);
    const replayed = third
      .of('messages.changed')
      .flatMap((e) => e.messages)
      .filter((m) => m.body.startsWith('backlog '));
    expect(replayed).toHaveLength(backlog - stored);
    expect(new Set(await bodiesWith(third, 'backlog ')).size).toBe(backlog);
  });

  it('keeps sends made offline through a restart and delivers each to the provider exactly once', async () => {
    rs.proxy.setAccepting(false);
    const h = signedInCore();
    await h.core.start();
    const sent: MessageView[] = [];
    for (let i = 1; i <= 3; i++) {
      sent.push(
        await h.call<MessageView>('messages.send', {
          clientId: `offline-send-000${i}`,
          leadId: rs.maria.id,
          channel: 'sms',
          to: null,
          body: `offline ${i}`,
        }),
      );
    }
    expect(sent.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    expect((await h.call<ConnectionState>('connection.get')).outboxSize).toBe(3);
    await h.core.stop();

    rs.proxy.setAccepting(true);
    const again = track(makeCore({ dataDir: h.dataDir, serverUrl: rs.url, token: rs.token }));
    await again.core.start();
    expect((await again.call<ConnectionState>('connection.get')).outboxSize).toBe(3);
    await connected(again);
    // one more, cut before the server can answer: it goes again with the same client id
    await again.call('messages.send', {
      clientId: 'cut-send-0004',
      leadId: rs.maria.id,
      channel: 'sms',
      to: null,
      body: 'offline 4',
    });
    rs.proxy.cut();
    await eventually(
      async () => {
        const mine = (await allMessages(again)).filter((m) => m.body.startsWith('offline '));
        return mine.length === 4 && mine.every((m) => m.status === 'sent' || m.status === 'delivered');
      },
      { timeoutMs: 15_000, what: 'all four sent' },
    );
    expect((await again.call<ConnectionState>('connection.get')).outboxSize).toBe(0);
    await sendsDrained(again, rs, rs.providerSends);
    expect(rs.providerSends.filter((b) => b.startsWith('offline ')).sort()).toEqual([
      'offline 1',
      'offline 2',
      'offline 3',
      'offline 4',
    ]);
    // the rep still sees each once, under the id the screen had from the start
    const mine = (await allMessages(again)).filter((m) => m.body.startsWith('offline '));
    expect(mine.map((m) => m.id).sort()).toEqual([
      'local:cut-send-0004',
      'local:offline-send-0001',
      'local:offline-send-0002',
      'local:offline-send-0003',
    ]);
  });

  it("clears unread on the rep's other device when one reads the conversation", async () => {
    const laptop = signedInCore();
    const desktop = signedInCore();
    await laptop.core.start();
    await desktop.core.start();
    await connected(laptop);
    await connected(desktop);
    await rs.mariaWrites('Did you get my last message?');
    const conv = `${rs.maria.id}:sms`;
    await eventually(() => (desktop.of('unread.changed').at(-1)?.byConversation[conv] ?? 0) > 0, {
      timeoutMs: 10_000,
      what: 'unread on the desktop',
    });
    await eventually(() => (laptop.of('unread.changed').at(-1)?.byConversation[conv] ?? 0) > 0, {
      timeoutMs: 10_000,
      what: 'unread on the laptop',
    });
    await laptop.call('conversations.markRead', { conversationId: conv });
    expect(laptop.of('unread.changed').at(-1)?.byConversation[conv]).toBeUndefined();
    await eventually(() => desktop.of('unread.changed').at(-1)?.byConversation[conv] === undefined, {
      timeoutMs: 10_000,
      what: 'cleared on the desktop',
    });
  });

  it('reconnects at once when the link freezes (heartbeat stalls) or the shell says it woke', async () => {
    const h = signedInCore({ heartbeatMs: 100, heartbeatTimeoutMs: 400 });
    await h.core.start();
    await connected(h);
    const before = rs.proxy.hellos.length;
    rs.proxy.freeze();
    await eventually(() => rs.proxy.hellos.length > before, { timeoutMs: 5_000, what: 'a new hello after the freeze' });
    await connected(h);
    const beforeWake = rs.proxy.hellos.length;
    h.core.wake('resume');
    await eventually(() => rs.proxy.hellos.length > beforeWake, { timeoutMs: 3_000, what: 'a new hello after wake' });
  });

  it('fetches what only the server knows: lead details, fresh templates, usage, attachments', async () => {
    const h = signedInCore();
    await h.core.start();
    await connected(h);
    const details = await h.call<{ lead: { firstName: string }; conversations: unknown[] }>('leads.details', {
      leadId: rs.maria.id,
    });
    expect(details.lead.firstName).toBe('Maria');
    const templates = await h.call<{ preview: string }[]>('templates.list', { channel: 'sms', leadId: rs.maria.id });
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.some((t) => t.preview.includes('Maria'))).toBe(true);
    const usage = await h.call<{ months: unknown[] }>('reports.usage', {
      range: 'last12',
      month: new Date().toISOString().slice(0, 7),
    });
    expect(usage.months.length).toBeGreaterThan(0);
    // a real PNG header is enough for the server's type sniffing
    const png = new Uint8Array(200_000);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const uploaded = await h.call<{ id: string; kind: string; size: number }>('attachments.upload', {
      uploadId: 'up-1',
      channel: 'sms',
      fileName: 'floor plan.png',
      bytes: png,
    });
    expect(uploaded).toMatchObject({ kind: 'image', size: png.byteLength });
    const progress = h.of('attachment.progress').filter((p) => p.uploadId === 'up-1');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ uploadId: 'up-1', loaded: png.byteLength, total: png.byteLength });
    const download = await h.call<{ url: string | null; savedTo: string | null }>('attachments.download', {
      attachmentId: uploaded.id,
    });
    expect(download.url?.startsWith('data:image/png;base64,')).toBe(true);
    // Previews: a data: URL from a shell without its own file URL, the shell's URL otherwise.
    const preview = await h.call<{ url: string }>('attachments.preview', { attachmentId: uploaded.id });
    expect(preview.url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(preview.url.slice(preview.url.indexOf(',') + 1), 'base64').equals(Buffer.from(png))).toBe(true);
    h.shell.previewUrl = (id) => `app://converse/attachments/${encodeURIComponent(id)}`;
    expect(await h.call('attachments.preview', { attachmentId: uploaded.id })).toEqual({
      url: `app://converse/attachments/${encodeURIComponent(uploaded.id)}`,
    });
    // What such a shell serves under that URL: the bytes through the server, with the session's token.
    const fetched = await h.core.fetchAttachment(uploaded.id);
    expect(fetched.mimeType).toBe('image/png');
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(png))).toBe(true);
    await expect(h.core.fetchAttachment('no-such-attachment')).rejects.toMatchObject({ code: 'not_found' });
    // Above a limit the file is refused without being read whole.
    await expect(new HttpApi(rs.url, rs.token).download(uploaded.id, 1_000)).rejects.toMatchObject({
      code: 'attachment_too_large',
    });
    // cancelled at once: the call fails with "cancelled" and nothing is left running
    const pending = h.call('attachments.upload', { uploadId: 'up-2', channel: 'sms', fileName: 'big.png', bytes: png });
    await h.call('attachments.cancel', { uploadId: 'up-2' });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('asks the rep to sign in again when the session is signed out elsewhere, and stops retrying', async () => {
    const h = signedInCore();
    await h.core.start();
    await connected(h);
    const res = await fetch(`${rs.server.url}/api/v1/auth/sign-out`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${rs.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.ok).toBe(true);
    await eventually(() => h.of('session.changed').some((s) => !s.signedIn), { timeoutMs: 10_000, what: 'signed out' });
    expect((await h.call<ConnectionState>('connection.get')).status).toBe('signed-out');
    expect(h.of('notice').some((n) => n.kind === 'signed-out')).toBe(true);
    // Stopped retrying: no reconnect is scheduled, and a wake (which reconnects at once when retrying) does not start one.
    const hellos = rs.proxy.hellos.length;
    expect((await h.call<ConnectionState>('connection.get')).retryAt ?? null).toBeNull();
    h.core.wake('resume');
    expect(await h.call<ConnectionState>('connection.get')).toMatchObject({ status: 'signed-out' });
    expect((await h.call<ConnectionState>('connection.get')).retryAt ?? null).toBeNull();
    expect(rs.proxy.hellos.length).toBe(hellos);
  });
});

async function bodiesWithDir(dataDir: string): Promise<string[]> {
  const db = new Database(path.join(dataDir, 'converse.db'), { readonly: true });
  try {
    return (db.prepare("SELECT body FROM messages WHERE body LIKE 'backlog %'").all() as { body: string }[]).map(
      (r) => r.body,
    );
  } finally {
    db.close();
  }
}
