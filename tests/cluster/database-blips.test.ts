// What the kill test's "PostgreSQL connections terminated" case found, one defect at a time: the
// database failing a statement for a moment must cost a retry, never the process, a desktop's
// link for good, a send, or a status the desktops are never told about.
//
// The pool's case runs on PostgreSQL with its own connections terminated. The others run one real
// server (SQLite) whose store fails a single chosen call, the way a terminated connection fails
// the statement under way; everything else is the real server over HTTP and WebSocket.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/stream-protocol';
import { Db, openPool } from '../../server/storage/postgres/db';
import type { Store } from '../../server/storage/store';
import { pgUp, TEST_DATABASE_URL } from '../support/services';
import { eventually } from '../support/eventually';
import { api, clientId, connect, signIn, startTestServer, StreamClient, type TestServer } from '../server/support';

describe.skipIf(!pgUp)('a PostgreSQL pool whose connections are terminated', () => {
  it('keeps the process alive and answers again, whatever each connection was doing', async () => {
    const app = `blips-${randomUUID().slice(0, 8)}`;
    const pool = openPool({ url: `${TEST_DATABASE_URL}?application_name=${app}`, poolSize: 8 });
    pool.on('error', () => undefined); // idle clients lost: the pool's own event, heard as the server does
    const db = new Db(pool);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    let stop = false;
    let done = 0;
    // Transactions that sit between statements, and single statements, on every connection.
    const work = async (i: number) => {
      while (!stop) {
        try {
          if (i % 2)
            await db.tx(async (s) => {
              await s.one('SELECT $1::int AS n', [i]);
              await new Promise((r) => setImmediate(r));
              await s.one('SELECT pg_sleep($1)', [0.002]);
            });
          else await db.arrays('SELECT pg_sleep($1), $2::text', [0.003, 'x']);
          done++;
        } catch {
          // The statement under way fails with the termination: expected, retried by the loop.
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => work(i));
    try {
      let terminated = 0;
      for (let round = 0; round < 8; round++) {
        const before = done;
        await eventually(() => done > before + 50, { what: 'work going through between terminations' });
        const r = await admin.query<{ n: string }>(
          'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
          [app],
        );
        terminated += Number(r.rows[0].n);
      }
      expect(terminated).toBeGreaterThan(8);
    } finally {
      stop = true;
      await Promise.all(workers);
      await admin.end();
    }
    // An unheard client 'error' would have ended this process (the test run) before here.
    expect(await db.one<{ n: number }>('SELECT $1::int AS n', [7])).toEqual({ n: 7 });
    await pool.end();
  }, 60_000);
});

/** Make the next call of `method` (once `armed()` says so) fail the way a terminated connection does. */
function failOnce<K extends keyof Store>(store: Store, method: K, armed: () => boolean = () => true) {
  const original = store[method] as (...args: unknown[]) => Promise<unknown>;
  let failed = false;
  (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    if (!failed && armed()) {
      failed = true;
      return Promise.reject(new Error('terminating connection due to administrator command'));
    }
    return original.apply(store, args);
  };
  return {
    get failed() {
      return failed;
    },
    restore: () => ((store as unknown as Record<string, unknown>)[method] = original),
  };
}

describe('one server whose database fails one statement', () => {
  let server: TestServer;
  let rita: string;
  let mariaId: string;
  const opened: StreamClient[] = [];
  const restores: (() => void)[] = [];
  const open = async () => {
    const c = await connect(server, rita, 0, `blips-${randomUUID()}`);
    opened.push(c);
    return c;
  };
  const statusOf = (c: StreamClient, messageId: string) =>
    [...c.events].reverse().find((e) => e.event.type === 'message.upserted' && e.event.message.id === messageId)?.event;

  beforeAll(async () => {
    server = await startTestServer({
      env: { SANDBOX_AUTO_REPLY: 'off', SANDBOX_SENT_MS: '20', SANDBOX_DELIVERED_MS: '40' },
    });
    rita = await signIn(server, 'rita@converse.demo');
    mariaId = (await api(server, 'GET', '/leads?q=maria', rita)).body.leads[0].id;
  });
  afterEach(() => {
    for (const r of restores.splice(0)) r();
    for (const c of opened.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a send frame that fails closes the link GOING_AWAY; the resend under its client id is accepted once', async () => {
    const store = server.internals.store;
    const fault = failOnce(store, 'messageByClientId');
    restores.push(fault.restore);
    const c = await open();
    const send = { clientId: clientId(), leadId: mariaId, channel: 'sms', to: null, body: 'through a blip' };
    c.send({ type: 'send', send });
    // Left open, the desktop would wait for an answer it never gets: it resends only on a new link.
    expect((await c.waitClose()).code).toBe(CloseCode.GOING_AWAY);
    expect(fault.failed).toBe(true);
    expect(c.frames.some((f) => f.type === 'error' && f.message.includes(send.clientId))).toBe(true);

    const again = await open();
    again.send({ type: 'send', send });
    const accepted = await again.frame('send.accepted', (f) => f.clientId === send.clientId);
    await again.until(() => {
      const e = statusOf(again, accepted.messageId);
      return e?.type === 'message.upserted' && e.message.status === 'delivered';
    });
    expect((await store.messageByClientId(send.clientId))?.id).toBe(accepted.messageId);
  });

  it('a hello that fails closes the link GOING_AWAY instead of leaving the desktop without a welcome', async () => {
    const fault = failOnce(server.internals.store, 'headSeq');
    restores.push(fault.restore);
    const c = new StreamClient(server.url, rita);
    opened.push(c);
    await c.opened;
    c.hello(0, 'blips-hello');
    expect((await c.waitClose()).code).toBe(CloseCode.GOING_AWAY);
    expect(fault.failed).toBe(true);
    // The next attempt is welcomed.
    await open();
  });

  it('a sign-in that cannot be checked closes GOING_AWAY, not UNAUTHORIZED (which signs the rep out)', async () => {
    const fault = failOnce(server.internals.store, 'sessionByTokenHash');
    restores.push(fault.restore);
    const c = new StreamClient(server.url, rita);
    opened.push(c);
    expect((await c.waitClose()).code).toBe(CloseCode.GOING_AWAY);
    expect(fault.failed).toBe(true);
    await open();
  });

  it('a send whose events could not be appended once is still published, sent and reported', async () => {
    const store = server.internals.store;
    let stored = false;
    const createOutbound = store.createOutbound.bind(store);
    store.createOutbound = async (m) => {
      const r = await createOutbound(m);
      stored = true;
      return r;
    };
    restores.push(() => (store.createOutbound = createOutbound));
    const fault = failOnce(store, 'appendEvents', () => stored);
    restores.push(fault.restore);
    const c = await open();
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: mariaId, channel: 'sms', to: null, body: 'appended late' } });
    const accepted = await c.frame('send.accepted', (f) => f.clientId === id);
    expect(fault.failed).toBe(true);
    await c.until(() => {
      const e = statusOf(c, accepted.messageId);
      return e?.type === 'message.upserted' && e.message.status === 'delivered';
    });
  });

  it('a view published late (after a newer status) is followed by the current one', async () => {
    const store = server.internals.store;
    const appendEvents = store.appendEvents.bind(store);
    let newerAppended!: () => void;
    const newer = new Promise<void>((r) => (newerAppended = r));
    const statusIn = (items: Parameters<Store['appendEvents']>[0]) =>
      items.map((i) => (i.event.type === 'message.upserted' ? i.event.message.status : null));
    // The provider's answer ("queued") is appended only after its "delivered" status was: the
    // order two nodes can append them in.
    store.appendEvents = async (items, at) => {
      const statuses = statusIn(items);
      if (statuses.includes('queued')) await newer;
      const out = await appendEvents(items, at);
      if (statuses.includes('delivered')) newerAppended();
      return out;
    };
    restores.push(() => (store.appendEvents = appendEvents));
    const c = await open();
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: mariaId, channel: 'sms', to: null, body: 'late view' } });
    const accepted = await c.frame('send.accepted', (f) => f.clientId === id);
    await c.until(() =>
      c.events.some(
        (e) =>
          e.event.type === 'message.upserted' &&
          e.event.message.id === accepted.messageId &&
          e.event.message.status === 'queued',
      ),
    );
    // The last event of the message is its state now, not the late view.
    await c.until(() => {
      const e = statusOf(c, accepted.messageId);
      return e?.type === 'message.upserted' && e.message.status === 'delivered';
    });
  });

  it('a status stored but not published once is published: the desktops learn it', async () => {
    const store = server.internals.store;
    let delivering = false;
    const applyProviderStatus = store.applyProviderStatus.bind(store);
    store.applyProviderStatus = async (...args) => {
      const r = await applyProviderStatus(...args);
      if (args[2] === 'delivered' && r?.changed) delivering = true;
      return r;
    };
    restores.push(() => (store.applyProviderStatus = applyProviderStatus));
    const fault = failOnce(store, 'appendEvents', () => delivering);
    restores.push(fault.restore);
    const c = await open();
    const id = clientId();
    c.send({ type: 'send', send: { clientId: id, leadId: mariaId, channel: 'sms', to: null, body: 'told late' } });
    const accepted = await c.frame('send.accepted', (f) => f.clientId === id);
    // Applied once: a redelivery of the status would change nothing, so this is its only publication.
    await c.until(() => {
      const e = statusOf(c, accepted.messageId);
      return e?.type === 'message.upserted' && e.message.status === 'delivered';
    });
    expect(fault.failed).toBe(true);
  });
});
