// The PostgreSQL store where it differs from SQLite: several nodes (here, several pools) on one
// database. Migrations run once under the advisory lock, per-user sequences stay contiguous and in
// commit order under concurrent appends, one new number makes one lead, webhook claims are never
// shared, a reminder fires once, and a resume reads fast. Behaviour shared with SQLite is in
// tests/store-conformance/.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openPostgresStore, type PostgresStore } from '../../server/storage/postgres';
import { Db, openPool } from '../../server/storage/postgres/db';
import { userStore, workspaceStore } from '../../server/storage/postgres/users';
import { describeDatabase, migrate } from '../../server/storage/postgres/migrate';
import { PG_MIGRATIONS } from '../../server/storage/postgres/schema';
import type { InboundReceipt, NudgeRecord, UserRecord } from '../../server/storage/store';
import type { StreamEvent } from '../../shared/stream-protocol';
import { freshSchema, pgUp, TEST_DATABASE_URL } from '../support/services';
import { arrivalFrom, receive } from '../store-conformance/fixtures';

/** The text of every statement the pool's connections are asked for from now on. */
function countStatements(pool: pg.Pool): string[] {
  const statements: string[] = [];
  const counted = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client);
    client.query = ((q: string | { text: string }, ...rest: unknown[]) => {
      statements.push(typeof q === 'string' ? q : q.text);
      return (query as (...a: unknown[]) => unknown)(q, ...rest);
    }) as typeof client.query;
  });
  return statements;
}

/** Runs `fn` with a pool of its own on `schemaName` (`size` connections), ended after. */
async function withPool(schemaName: string, size: number, fn: (pool: pg.Pool, db: Db) => Promise<void>): Promise<void> {
  const pool = openPool({ url: TEST_DATABASE_URL, schema: schemaName, poolSize: size });
  try {
    await fn(pool, new Db(pool));
  } finally {
    await pool.end();
  }
}

const NODES = 3;
const AT = '2030-03-04T05:06:07.000Z';
const later = (seconds: number) => new Date(Date.parse(AT) + seconds * 1000).toISOString();
const removed = (leadId: string): StreamEvent => ({ type: 'lead.removed', leadId });
const nudgeEvent = (n: NudgeRecord): StreamEvent => {
  const { userId: _userId, ...view } = n;
  return { type: 'nudge', nudge: view };
};

async function sql<T extends pg.QueryResultRow = Record<string, any>>(
  schema: string,
  text: string,
  args: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return (await c.query<T>(text, args)).rows;
  } finally {
    await c.end();
  }
}

/** A promise and the function that resolves it (Promise.withResolvers is Node 22). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const makeUser = (store: PostgresStore, role: 'admin' | 'sales' = 'sales') =>
  store.createUser({
    email: `${randomBytes(6).toString('hex')}@converse.test`,
    name: 'Rita Rep',
    role,
    passwordHash: 'h',
  });

describe.skipIf(!pgUp)('PostgreSQL store on many nodes', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let nodes: PostgresStore[] = [];

  beforeAll(async () => {
    schema = await freshSchema('pg_store');
    // The nodes start at once: the advisory lock lets one migrate while the others wait.
    nodes = await Promise.all(
      Array.from({ length: NODES }, () =>
        openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.schema, poolSize: 4 }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await schema?.drop();
  });

  it('migrates once when nodes start at once, into a schema it creates', async () => {
    const name = `${schema.schema}_new`;
    try {
      const racing = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStore({ url: TEST_DATABASE_URL, schema: name, poolSize: 2 })),
      );
      await Promise.all(racing.map((s) => s.close()));
      expect(await sql(name, 'SELECT version FROM schema_version')).toEqual([{ version: PG_MIGRATIONS.length }]);
      expect(await sql(name, 'SELECT id FROM workspace')).toEqual([{ id: 1 }]);
    } finally {
      await sql(schema.schema, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  });

  it('refuses a schema written by a newer server, in the server’s words, and changes nothing', async () => {
    const name = `${schema.schema}_newer`;
    try {
      await (await openPostgresStore({ url: TEST_DATABASE_URL, schema: name })).close();
      await sql(name, 'UPDATE schema_version SET version = 99');
      const opening = openPostgresStore({ url: TEST_DATABASE_URL, schema: name });
      await expect(opening).rejects.toBeInstanceOf(DatabaseTooNewError);
      await expect(opening).rejects.toThrow(
        new RegExp(
          `^The database postgres://postgres@.* \\(schema \\S+\\) was written by a newer Converse server \\(schema version 99; this server knows up to ${PG_MIGRATIONS.length}\\)\\.`,
        ),
      );
      expect(await sql(name, 'SELECT version FROM schema_version')).toEqual([{ version: 99 }]);
    } finally {
      await sql(schema.schema, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  });

  it('keeps the usage counts through the migration that shards them, and adds up bumps from every node', async () => {
    const name = `${schema.schema}_usage`;
    try {
      // A schema as version 1 left it, with a count in it.
      const pool = openPool({ url: TEST_DATABASE_URL, schema: name });
      await migrate(pool, PG_MIGRATIONS.slice(0, 1), {
        schema: name,
        where: describeDatabase(TEST_DATABASE_URL, name),
      });
      await pool.query(
        `INSERT INTO usage_counters (month, user_id, provider, channel, direction, count) VALUES ('2030-03', '', 'whatsapp', 'whatsapp', 'inbound', 7)`,
      );
      await pool.end();
      const stores = await Promise.all(
        Array.from({ length: NODES }, () => openPostgresStore({ url: TEST_DATABASE_URL, schema: name, poolSize: 4 })),
      );
      try {
        const row = {
          month: '2030-03',
          userId: '',
          provider: 'whatsapp',
          channel: 'whatsapp',
          direction: 'inbound',
        } as const;
        // 60 bumps at once from three nodes, spread over the shards.
        await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % NODES]!.bumpUsage(row)));
        expect(await stores[0]!.usage(['2030-03'], null)).toEqual([
          { month: '2030-03', userId: '', provider: 'whatsapp', channel: 'whatsapp', direction: 'inbound', count: 67 },
        ]);
        const shards = await sql(name, 'SELECT count(*)::int AS n FROM usage_counters');
        expect(shards[0]!.n).toBeGreaterThan(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    } finally {
      await sql(schema.schema, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  });

  it('rejects a schema name it cannot use safely', async () => {
    await expect(openPostgresStore({ url: TEST_DATABASE_URL, schema: 'x; DROP TABLE users' })).rejects.toThrow(
      /Invalid PostgreSQL schema name/,
    );
  });

  it('runs a transaction PostgreSQL aborted for a deadlock again, whole', async () => {
    await sql(schema.schema, 'CREATE TABLE pair (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await sql(schema.schema, 'INSERT INTO pair VALUES (1, 0), (2, 0)');
    const db = new Db(openPool({ url: TEST_DATABASE_URL, schema: schema.schema, poolSize: 2 }));
    try {
      const holds = [deferred(), deferred()];
      const done = [deferred(), deferred()];
      const tries = [0, 0];
      let attempts = 0;
      // Each takes its own row, waits until the other holds its row, then takes the other's: a deadlock.
      const crossing = (mine: number) =>
        db
          .tx(async (s) => {
            attempts++;
            // The aborted one runs again once the other has committed: started at once, it could
            // take its row back before the other's waiting lock was granted and deadlock a second
            // time (seen once in CI: 4 attempts).
            if (++tries[mine - 1]! > 1) await done[2 - mine]!.promise;
            await s.run('UPDATE pair SET n = n + 1 WHERE id = $1', [mine]);
            holds[mine - 1]!.resolve();
            await holds[2 - mine]!.promise;
            await s.run('UPDATE pair SET n = n + 1 WHERE id = $1', [3 - mine]);
          })
          .then(() => done[mine - 1]!.resolve());
      await Promise.all([crossing(1), crossing(2)]);
      expect(attempts).toBe(3);
      // Both committed once: the aborted attempt left nothing behind.
      expect(await sql(schema.schema, 'SELECT id, n FROM pair ORDER BY id')).toEqual([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);
    } finally {
      await db.pool.end();
    }
  });

  it('prepares each statement once per connection, and runs it again by name', async () => {
    const db = new Db(openPool({ url: TEST_DATABASE_URL, schema: schema.schema, poolSize: 1 }));
    try {
      const prepared = await db.tx(async (s) => {
        for (let i = 0; i < 3; i++) expect(await s.one('SELECT $1::int + 1 AS n', [i])).toEqual({ n: i + 1 });
        return s.rows<{ name: string; statement: string }>(
          `SELECT name, statement FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1 AS n'`,
        );
      });
      // One prepared statement for the three calls, under the store's name for that text.
      expect(prepared).toHaveLength(1);
      expect(prepared[0]!.name).toMatch(/^converse_\d+$/);
    } finally {
      await db.pool.end();
    }
  });

  it('says a taken number or template in the words the workspace and admin API turn into 409s', async () => {
    const e164 = `+1416${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
    const lead = { firstName: 'Maria', lastName: 'Garcia', ownerId: null, phones: [{ e164 }] };
    await nodes[0]!.createLead(lead, AT);
    // server/domain/workspace.ts and server/http/routes-admin.ts match /UNIQUE/ (SQLite's words).
    await expect(nodes[1]!.createLead(lead, AT)).rejects.toThrow(/^UNIQUE constraint failed: lead_phones/);
    const template = {
      channel: 'whatsapp' as const,
      name: `greeting_${randomBytes(3).toString('hex')}`,
      body: 'Hi {{1}}',
      params: ['name'],
      category: null,
      language: 'en',
      status: null,
      availableInConverse: true,
    };
    await nodes[0]!.upsertTemplate(template, AT);
    await expect(nodes[2]!.upsertTemplate(template, AT)).rejects.toThrow(/^UNIQUE constraint failed: templates/);
    expect(await nodes[0]!.leadByPhone(e164)).toEqual(expect.objectContaining({ firstName: 'Maria' }));
  });

  it('keeps each user’s sequence contiguous and in commit order under concurrent appends from every node', async () => {
    const users: UserRecord[] = [];
    for (let i = 0; i < 4; i++) users.push(await makeUser(nodes[0]!));
    const ids = users.map((u) => u.id);
    let appending = true;
    let reads = 0;
    // A reader on another pool: what it sees of a log is always 1..n, never a later seq before an earlier one.
    const reader = (async () => {
      while (appending) {
        for (const id of ids) {
          const seqs = (await nodes[2]!.eventsAfter(id, 0, 100_000)).map((e) => e.seq);
          expect(seqs).toEqual(seqs.map((_, i) => i + 1));
          reads++;
        }
      }
    })();
    const BATCHES = 40;
    // Each batch names the users in a different order, and some twice: locks still taken in one order.
    const writers = nodes.map((node, n) =>
      (async () => {
        for (let b = 0; b < BATCHES; b++) {
          const order = b % 2 ? [...ids].reverse() : ids;
          const items = [...order, order[(b + n) % order.length]!].map((userId) => ({
            userId,
            event: removed(`n${n}b${b}`),
          }));
          await node.appendEvents(items, AT);
        }
      })(),
    );
    await Promise.all(writers);
    appending = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const heads = await nodes[1]!.headSeqs(ids);
    let total = 0;
    for (const id of ids) {
      const seqs = (await nodes[1]!.eventsAfter(id, 0, 100_000)).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(heads.get(id)).toBe(seqs.length);
      total += seqs.length;
    }
    expect(total).toBe(NODES * BATCHES * (ids.length + 1));
  });

  it('creates one lead when two nodes receive from one new number at once', async () => {
    const from = `+1415${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
    const arrival = (n: number) =>
      arrivalFrom(from, { body: `hello ${n}`, providerMessageId: `pm-${from}-${n}`, at: later(n) });
    // Each message arrives twice (a provider's retry), on two different nodes.
    const receipts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => receive(nodes[i % NODES]!, arrival(Math.floor(i / 2)))),
    );
    expect(new Set(receipts.map((r) => r.lead.id)).size).toBe(1);
    expect(receipts.filter((r) => r.leadCreated && !r.duplicate)).toHaveLength(1);
    expect(receipts.filter((r) => !r.duplicate)).toHaveLength(6);
    expect(await sql(schema.schema, 'SELECT count(*)::int AS n FROM lead_phones WHERE e164 = $1', [from])).toEqual([
      { n: 1 },
    ]);
    const conversation = receipts[0]!.message.conversationId;
    expect(await nodes[0]!.messagesPage(conversation, null, 50)).toHaveLength(6);
  });

  it('receives a burst from many numbers in groups: a receipt each, in order, and a bad arrival fails alone', async () => {
    const node = nodes[0]!;
    const owner = await makeUser(node);
    const tag = randomBytes(3).toString('hex');
    const number = (i: number) => `+1646${tag.replace(/\D/g, '').padEnd(3, '7').slice(0, 3)}${String(1000 + i)}`;
    // Ten numbers already have leads; twenty are new.
    for (let i = 0; i < 10; i++)
      await node.createLead(
        { firstName: `Known${i}`, lastName: 'Lead', ownerId: owner.id, phones: [{ e164: number(i) }] },
        AT,
      );
    const arrival = (i: number, providerMessageId = `pm-${tag}-${i}`) =>
      arrivalFrom(number(i), {
        channel: 'whatsapp',
        body: `burst ${i}`,
        provider: 'whatsapp',
        providerMessageId,
        at: later(i),
        newLead: () => ({ firstName: 'New', lastName: String(i), ownerId: owner.id, phones: [{ e164: number(i) }] }),
      });
    const settled = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) => receive(node, arrival(i))),
      // A new number whose lead would take a number another lead has: refused on its own.
      receive(node, {
        ...arrival(30),
        newLead: () => ({
          firstName: 'Bad',
          lastName: 'Lead',
          ownerId: owner.id,
          phones: [{ e164: number(30) }, { e164: number(1) }],
        }),
      }),
      // Another number's provider id in the same group (a provider's bug): the group is written
      // again one by one, and it is the message stored under that id, a duplicate.
      receive(node, arrival(31, `pm-${tag}-2`)),
    ]);
    expect(settled[30]!.status).toBe('rejected');
    expect((settled[30] as PromiseRejectedResult).reason.message).toMatch(/UNIQUE constraint failed/);
    const sameId = (settled[31] as PromiseFulfilledResult<InboundReceipt>).value;
    expect([sameId.message.body, sameId.duplicate]).toEqual(['burst 2', true]);
    const receipts = settled.slice(0, 30).map((r) => (r as PromiseFulfilledResult<InboundReceipt>).value);
    receipts.forEach((r, i) => {
      expect(r.message.body).toBe(`burst ${i}`);
      expect(r.lead.phones.map((p) => p.e164)).toEqual([number(i)]);
      expect([r.leadCreated, r.conversationStarted, r.duplicate, r.applied]).toEqual([i >= 10, true, false, false]);
    });
    // Stored, and numbered, in the order they arrived.
    const seqs = receipts.map((r) => r.message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Delivered again: the same messages, as duplicates.
    const again = await Promise.all(Array.from({ length: 30 }, (_, i) => receive(node, arrival(i))));
    expect(again.map((r) => [r.message.id, r.duplicate])).toEqual(receipts.map((r) => [r.message.id, true]));
    expect(await sql(schema.schema, 'SELECT count(*)::int AS n FROM leads WHERE owner_id = $1', [owner.id])).toEqual([
      { n: 30 },
    ]);
  });

  it('applies a burst of outcomes in groups: once each, every user’s events contiguous, usage exact', async () => {
    const node = nodes[1]!;
    const users = [await makeUser(node), await makeUser(node)];
    const tag = randomBytes(3).toString('hex');
    const number = (i: number) => `+1718${tag.replace(/\D/g, '').padEnd(3, '5').slice(0, 3)}${String(1000 + i)}`;
    const receipts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        receive(
          node,
          arrivalFrom(number(i), {
            body: `outcome ${i}`,
            providerMessageId: `po-${tag}-${i}`,
            at: later(i),
            newLead: () => ({
              firstName: 'O',
              lastName: String(i),
              ownerId: users[i % 2]!.id,
              phones: [{ e164: number(i) }],
            }),
          }),
        ),
      ),
    );
    const month = `2031-${tag.slice(0, 2)}`;
    const outcome = (i: number) => ({
      activities: [
        {
          leadId: receipts[i]!.lead.id,
          type: 'conversation.started' as const,
          summary: `started ${i}`,
          at: later(i),
          messageId: receipts[i]!.message.id,
        },
      ],
      usage: [{ month, userId: '', provider: 'sandbox', channel: 'sms' as const, direction: 'inbound' as const }],
      events: users.map((u) => ({ userId: u.id, event: removed(`lead-${i}`) })),
      nudges: [
        {
          month,
          nudge: {
            userId: users[i % 2]!.id,
            kind: 'message' as const,
            entityType: 'lead' as const,
            leadId: receipts[i]!.lead.id,
            conversationId: receipts[i]!.message.conversationId,
            taskId: null,
            title: 'New message',
            body: `outcome ${i}`,
            createdAt: later(i),
          },
        },
      ],
      nudgeEvent,
    });
    // Every outcome twice (a redelivery racing the first), from two nodes.
    const applied = await Promise.all(
      Array.from({ length: 80 }, (_, n) =>
        nodes[n < 40 ? 1 : 2]!.applyInboundOutcome(receipts[n % 40]!.message.id, outcome(n % 40), later(n % 40)),
      ),
    );
    expect(applied.filter((a) => a !== null)).toHaveLength(40);
    // Each applied outcome's events: one per user and its nudge's.
    for (const events of applied) if (events) expect(events).toHaveLength(3);
    for (const u of users) {
      const log = await node.eventsAfter(u.id, 0, 1000);
      // Two events per outcome for each user, and a nudge for every other outcome.
      expect(log).toHaveLength(40 + 20);
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, k) => k + 1));
    }
    expect(await node.usage([month], null)).toEqual([
      { month, userId: '', provider: 'sandbox', channel: 'sms', direction: 'inbound', count: 40 },
    ]);
    expect(
      await sql(schema.schema, 'SELECT count(*)::int AS n FROM activities WHERE summary LIKE $1', ['started %']),
    ).toEqual([{ n: 40 }]);
  });

  it('answers reads made at once with one statement each, every caller its own answer', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => makeUser(nodes[0]!)));
    await withPool(schema.schema, 2, async (pool, db) => {
      const statements = countStatements(pool);
      const store = { ...userStore(db), ...workspaceStore(db) };
      const read = await Promise.all([
        ...users.map((u) => store.getUser(u.id)),
        store.getUser('usr_nobody'),
        store.getUser(users[0]!.id),
      ]);
      expect(read.map((u) => u?.id ?? null)).toEqual([...users.map((u) => u.id), null, users[0]!.id]);
      expect(await Promise.all([store.workspaceTimeZone(), store.workspaceTimeZone()])).toEqual(['UTC', 'UTC']);
      expect(statements).toHaveLength(2);
    });
  });

  it('plans generically and keeps to its schema on every connection, set by its first statement', async () => {
    await withPool(schema.schema, 2, async (pool, db) => {
      const ask = `SELECT current_setting('plan_cache_mode') AS mode, current_setting('random_page_cost') AS cost,
        current_setting('search_path') AS path`;
      // Two connections: one in a transaction, one outside.
      const [inTx, outside] = await Promise.all([db.tx((s) => s.one(ask)), db.one(ask)]);
      const expected = { mode: 'force_generic_plan', cost: '1.1', path: schema.schema };
      expect(inTx).toEqual(expected);
      expect(outside).toEqual(expected);
      expect(pool.totalCount).toBe(2);
      // No startup options: PgBouncer refuses those it does not know ('unsupported startup parameter: options').
      expect((pool.options as { options?: string }).options).toBeUndefined();
    });
  });

  it('sends statements asked for at once on one connection, each answered, or failing, alone', async () => {
    await withPool(schema.schema, 4, async (pool, db) => {
      let taken = 0;
      pool.on('acquire', () => taken++);
      const statements = countStatements(pool);
      const answers = await Promise.allSettled([
        db.one<{ n: number }>('SELECT 1 AS n'),
        db.one('SELECT no_such_column FROM users'),
        db.rows<{ n: number }>('SELECT generate_series(1, $1::int) AS n', [3]),
        db.run('UPDATE users SET name = name WHERE id = $1', ['usr_nobody']),
      ]);
      expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((answers[0] as PromiseFulfilledResult<{ n: number }>).value.n).toBe(1);
      expect(String((answers[1] as PromiseRejectedResult).reason)).toMatch(/no_such_column/);
      expect((answers[2] as PromiseFulfilledResult<{ n: number }[]>).value.map((r) => r.n)).toEqual([1, 2, 3]);
      expect(statements).toHaveLength(4);
      expect(taken).toBe(1);
      // Asked for after that: the connection went back to the pool and is taken again, whole.
      expect((await db.one<{ n: number }>('SELECT 2 AS n'))?.n).toBe(2);
      expect(taken).toBe(2);
      expect(pool.totalCount).toBe(1);
    });
  });

  it('never gives two sweeping nodes the same webhook', async () => {
    const saved = new Set<string>();
    // Kept by a node that died: its leases ran out at AT.
    for (let i = 0; i < 60; i++)
      saved.add(
        (
          await nodes[0]!.saveWebhook('sandbox', Buffer.from(`{"n":${i}}`), {}, later(-60 + i / 100), {
            owner: 'dead',
            until: AT,
          })
        ).id,
      );
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      nodes.map(async (node, n) => {
        const owner = `node-${n}`;
        const mine: string[] = [];
        claimedBy.set(owner, mine);
        for (;;) {
          const got = await node.claimPendingWebhooks(later(1), { owner, until: later(600) }, 4);
          if (got.length === 0) break;
          mine.push(...got.map((w) => w.id));
        }
      }),
    );
    const all = [...claimedBy.values()].flat();
    expect(all).toHaveLength(saved.size);
    expect(new Set(all)).toEqual(saved);
    // Every one is now held: a sweep before the new leases run out finds nothing.
    expect(await nodes[1]!.claimPendingWebhooks(later(2), { owner: 'late', until: later(600) }, 100)).toEqual([]);
  });

  it('fires a reminder once when every node fires it at once: one nudge, one event', async () => {
    const user = await makeUser(nodes[0]!);
    const task = await nodes[0]!.createTask({
      title: 'Call Maria',
      leadId: null,
      ownerId: user.id,
      dueAt: later(900),
      reminderMinutes: 15,
    });
    const reminder = await nodes[0]!.reminders.upsert({
      taskId: task.id,
      userId: user.id,
      title: task.title,
      dueAt: new Date(task.dueAt),
      reminderMinutes: 15,
    });
    const fireAt = reminder.fireAt.toISOString();
    const nudge = {
      nudge: {
        userId: user.id,
        kind: 'task' as const,
        entityType: 'task' as const,
        leadId: null,
        conversationId: null,
        taskId: task.id,
        title: 'Call Maria',
        body: 'Due in 15 minutes',
        createdAt: fireAt,
      },
      month: '2030-03',
    };
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => nodes[i % NODES]!.fireReminder(task.id, fireAt, fireAt, nudge, nudgeEvent)),
    );
    const fired = outcomes.filter((o) => o !== null);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toEqual([expect.objectContaining({ userId: user.id, seq: 1 })]);
    expect(await nodes[1]!.listNudges(user.id, 10)).toHaveLength(1);
    expect(await nodes[1]!.headSeq(user.id)).toBe(1);
    expect(await nodes[2]!.reminders.due(new Date(later(3600)), 100)).not.toContainEqual(
      expect.objectContaining({ taskId: task.id }),
    );
  });

  // The speed of this (≥ 100,000 events/s) is a figure of `npm run bench -- cluster`, not a timed
  // assertion here: a shared machine would make it flaky. This checks what a resume returns.
  it('resumes 50,000 events in order, whole, in one read', async () => {
    const user = await makeUser(nodes[0]!);
    const TOTAL = 50_000;
    const event = removed('lead_0123456789abcdef0123456789abcdef');
    for (let i = 0; i < TOTAL; i += 5_000)
      await nodes[0]!.appendEvents(
        Array.from({ length: 5_000 }, () => ({ userId: user.id, event })),
        AT,
      );
    const frames = await nodes[1]!.eventsAfterJson(user.id, 0, TOTAL);
    expect(frames).toHaveLength(TOTAL);
    expect(frames.every((f, i) => f.seq === i + 1)).toBe(true);
    expect(JSON.parse(frames[0]!.json)).toEqual({ seq: 1, at: AT, event });
    expect(JSON.parse(frames[TOTAL - 1]!.json)).toEqual({ seq: TOTAL, at: AT, event });
  });
});
