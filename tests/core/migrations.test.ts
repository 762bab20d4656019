// One test per migration: each starts from the schema before it, with data in it, and checks
// that the migration keeps the data and adds what it promises.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS, LATEST_VERSION, DatabaseTooNewError } from '../../main/core/store/migrations';
import { LocalStore } from '../../main/core/store/local-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'converse-mig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fresh = () => new Database(path.join(dir, 'db.sqlite'));
const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index','trigger')").all() as { name: string }[]
  ).map((r) => r.name);

describe('store migrations', () => {
  it('are an ordered list with consecutive versions', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('1 creates the tables and a sync cursor at sequence 0', () => {
    const db = fresh();
    expect(migrate(db, 'db', 1)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'leads',
        'conversations',
        'messages',
        'templates',
        'nudges',
        'outbox',
        'sync_cursor',
        'settings',
      ]),
    );
    expect(db.prepare('SELECT seq FROM sync_cursor').get()).toEqual({ seq: 0 });
    db.close();
  });

  it('2 adds full-text search and indexes what version 1 already held', () => {
    const db = fresh();
    migrate(db, 'db', 1);
    db.prepare(
      `INSERT INTO messages (id, conversation_id, lead_id, direction, status, body, created_ms, data) VALUES ('m1', 'l1:sms', 'l1', 'inbound', 'received', 'Can we meet on Thursday?', 1, '{}')`,
    ).run();
    db.prepare(
      `INSERT INTO leads (id, first_name, last_name, email, updated_ms, data) VALUES ('l1', 'José', 'Núñez', null, 1, '{}')`,
    ).run();
    expect(migrate(db, 'db', 2)).toBe(2);
    expect(db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'thursday'`).all()).toHaveLength(1);
    // diacritics folded: a rep typing "nunez" finds Núñez
    expect(db.prepare(`SELECT rowid FROM leads_fts WHERE leads_fts MATCH 'nunez'`).all()).toHaveLength(1);
    // and the triggers keep it current
    db.prepare(
      `INSERT INTO messages (id, conversation_id, lead_id, direction, status, body, created_ms, data) VALUES ('m2', 'l1:sms', 'l1', 'inbound', 'received', 'Friday works too', 2, '{}')`,
    ).run();
    expect(db.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'friday'`).all()).toHaveLength(1);
    db.close();
  });

  it('3 lifts read marks out of conversations into read_state', () => {
    const db = fresh();
    migrate(db, 'db', 2);
    db.prepare(
      `INSERT INTO conversations (id, lead_id, channel, last_message_ms, data) VALUES ('l1:sms', 'l1', 'sms', 5, ?)`,
    ).run(JSON.stringify({ id: 'l1:sms', readUpTo: '2026-11-24T10:00:00.000Z' }));
    expect(migrate(db, 'db', 3)).toBe(3);
    expect(db.prepare('SELECT conversation_id, read_up_to_ms, pending FROM read_state').all()).toEqual([
      { conversation_id: 'l1:sms', read_up_to_ms: Date.parse('2026-11-24T10:00:00.000Z'), pending: 0 },
    ]);
    expect(tables(db)).toContain('messages_inbound');
    db.close();
  });

  it('4 adds folded name keys for as-you-type lead search, filled in for existing leads', () => {
    const db = fresh();
    migrate(db, 'db', 3);
    db.prepare(
      `INSERT INTO leads (id, first_name, last_name, email, updated_ms, data) VALUES ('l1', 'José', 'Núñez', null, 1, '{}')`,
    ).run();
    expect(migrate(db, 'db', 4)).toBe(4);
    expect(db.prepare('SELECT first_key, last_key FROM leads').get()).toEqual({ first_key: 'jose', last_key: 'nunez' });
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT data FROM leads WHERE last_key >= 'nu' AND last_key < 'nv' ORDER BY last_key LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX leads_last_key/);
    db.close();
  });

  it('5 moves message indexing from a per-row trigger to the store, and search still finds new messages', () => {
    const db = fresh();
    migrate(db, 'db', 4);
    expect(migrate(db, 'db', 5)).toBe(5);
    expect(tables(db)).not.toContain('messages_fts_insert');
    db.close();
    const file = path.join(dir, 'converse.db');
    const s = LocalStore.open(file);
    s.applyEvents([
      {
        seq: 1,
        at: new Date().toISOString(),
        event: {
          type: 'message.upserted',
          message: {
            id: 'm1',
            clientId: null,
            conversationId: 'l1:sms',
            leadId: 'l1',
            channel: 'sms',
            direction: 'inbound',
            body: 'invoice attached',
            phoneHandle: null,
            status: 'received',
            createdAt: '2026-11-24T10:00:00.000Z',
            updatedAt: '2026-11-24T10:00:00.000Z',
          },
        },
      },
    ]);
    s.messages.insertLocal(
      {
        id: 'local:c1',
        clientId: 'c1-00000000',
        conversationId: 'l1:sms',
        leadId: 'l1',
        channel: 'sms',
        direction: 'outbound',
        body: 'invoice paid',
        phoneHandle: null,
        status: 'pending',
        createdAt: '2026-11-24T10:01:00.000Z',
        updatedAt: '2026-11-24T10:01:00.000Z',
      },
      { clientId: 'c1-00000000', leadId: 'l1', channel: 'sms', to: null, body: 'invoice paid' },
    );
    expect(s.messages.search('invoice', 10).map((m) => m.id)).toEqual(['local:c1', 'm1']);
    s.close();
  });

  it('refuses a database written by a newer app with a clear error, and leaves it untouched', () => {
    const file = path.join(dir, 'converse.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => LocalStore.open(file)).toThrow(DatabaseTooNewError);
    expect(() => LocalStore.open(file)).toThrow(/newer Converse Desktop.*Update the app/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    again.close();
  });

  it('is idempotent: opening a current database changes nothing', () => {
    const file = path.join(dir, 'converse.db');
    LocalStore.open(file).close();
    const s = LocalStore.open(file);
    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    s.close();
  });
});
