// The local store's schema history: an ordered list, the applied version kept in
// `PRAGMA user_version`. A migration is never edited once released; change the schema by
// appending one. Each has its own test in tests/core/migrations.test.ts.
import type Database from 'better-sqlite3';
import { foldName } from '../../../shared/name-fold';
import { DatabaseTooNewError, runMigrations, type DatabaseOwner } from '../../../shared/migrations';

export interface Migration {
  version: number;
  /** What the migration is for, shown in errors. */
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tables for leads, conversations, messages, templates, nudges, outbox, sync cursor, settings',
    up(db) {
      db.exec(`
        -- Every view arrives from the server as a whole; it is kept as JSON in "data" beside the
        -- columns the app filters, sorts and searches on.
        CREATE TABLE leads (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          first_name TEXT NOT NULL,
          last_name TEXT NOT NULL,
          email TEXT,
          updated_ms INTEGER NOT NULL,
          data TEXT NOT NULL
        );
        CREATE TABLE conversations (
          id TEXT PRIMARY KEY,
          lead_id TEXT NOT NULL,
          channel TEXT NOT NULL,
          last_message_ms INTEGER,
          data TEXT NOT NULL
        );
        CREATE INDEX conversations_recent ON conversations(last_message_ms DESC);
        CREATE INDEX conversations_lead ON conversations(lead_id);
        -- "id" is what the renderer sees and never changes: a message this device sent keeps its
        -- local id after the server accepts it, so no screen ever shows it twice.
        CREATE TABLE messages (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          server_id TEXT UNIQUE,
          client_id TEXT UNIQUE,
          conversation_id TEXT NOT NULL,
          lead_id TEXT NOT NULL,
          direction TEXT NOT NULL,
          status TEXT NOT NULL,
          body TEXT NOT NULL,
          created_ms INTEGER NOT NULL,
          data TEXT NOT NULL,
          -- The rep's own sends keep the request, so a failed one can be retried as it was written.
          send_request TEXT
        );
        CREATE INDEX messages_conversation ON messages(conversation_id, created_ms, seq);
        CREATE TABLE templates (
          id TEXT PRIMARY KEY,
          channel TEXT NOT NULL,
          data TEXT NOT NULL
        );
        CREATE TABLE nudges (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          lead_id TEXT,
          conversation_id TEXT,
          created_ms INTEGER NOT NULL,
          data TEXT NOT NULL
        );
        CREATE INDEX nudges_recent ON nudges(created_ms DESC);
        -- Written in the same transaction as its pending message; removed when the server
        -- accepts or rejects the send.
        CREATE TABLE outbox (
          client_id TEXT PRIMARY KEY,
          message_id TEXT NOT NULL,
          request TEXT NOT NULL,
          created_ms INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE sync_cursor (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          seq INTEGER NOT NULL,
          user_id TEXT,
          server_url TEXT
        );
        INSERT INTO sync_cursor (id, seq) VALUES (1, 0);
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'full-text search over messages and leads',
    up(db) {
      db.exec(`
        CREATE VIRTUAL TABLE messages_fts USING fts5(
          body, content='messages', content_rowid='seq', tokenize='unicode61 remove_diacritics 2', prefix='2'
        );
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
          INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body);
        END;
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
          INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body);
        END;
        CREATE VIRTUAL TABLE leads_fts USING fts5(
          first_name, last_name, email, content='leads', content_rowid='seq', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
        );
        CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
          INSERT INTO leads_fts(rowid, first_name, last_name, email) VALUES (new.seq, new.first_name, new.last_name, new.email);
        END;
        CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
          INSERT INTO leads_fts(leads_fts, rowid, first_name, last_name, email) VALUES ('delete', old.seq, old.first_name, old.last_name, old.email);
        END;
        CREATE TRIGGER leads_fts_update AFTER UPDATE OF first_name, last_name, email ON leads BEGIN
          INSERT INTO leads_fts(leads_fts, rowid, first_name, last_name, email) VALUES ('delete', old.seq, old.first_name, old.last_name, old.email);
          INSERT INTO leads_fts(rowid, first_name, last_name, email) VALUES (new.seq, new.first_name, new.last_name, new.email);
        END;
        -- Index what a version-1 database already holds.
        INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
        INSERT INTO leads_fts(leads_fts) VALUES ('rebuild');
      `);
    },
  },
  {
    version: 3,
    name: 'read state and unread counts',
    up(db) {
      db.exec(`
        -- How far the rep has read each conversation (synced across devices). "pending" marks a
        -- read made offline that still has to reach the server.
        CREATE TABLE read_state (
          conversation_id TEXT PRIMARY KEY,
          read_up_to TEXT NOT NULL,
          read_up_to_ms INTEGER NOT NULL,
          pending INTEGER NOT NULL DEFAULT 0
        );
        -- Unread counts scan only inbound messages newer than the read mark.
        CREATE INDEX messages_inbound ON messages(conversation_id, created_ms) WHERE direction = 'inbound';
      `);
      // Conversations of a version-2 store carry readUpTo inside their JSON: lift it out.
      const rows = db
        .prepare(
          `SELECT id, json_extract(data, '$.readUpTo') AS r FROM conversations WHERE json_extract(data, '$.readUpTo') IS NOT NULL`,
        )
        .all() as { id: string; r: string }[];
      const insert = db.prepare('INSERT INTO read_state (conversation_id, read_up_to, read_up_to_ms) VALUES (?, ?, ?)');
      for (const row of rows) {
        const ms = Date.parse(row.r);
        if (Number.isFinite(ms)) insert.run(row.id, new Date(ms).toISOString(), ms);
      }
    },
  },
  {
    version: 4,
    name: 'name keys for instant lead search as the rep types',
    up(db) {
      // Typing "M" or "Gar" over 100,000 leads: an index range scan on a folded name answers
      // in well under a millisecond, where FTS5 would expand and rank thousands of terms.
      db.exec(`
        ALTER TABLE leads ADD COLUMN first_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE leads ADD COLUMN last_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX leads_first_key ON leads(first_key);
        CREATE INDEX leads_last_key ON leads(last_key);
      `);
      const rows = db.prepare('SELECT seq, first_name, last_name FROM leads').all() as {
        seq: number;
        first_name: string;
        last_name: string;
      }[];
      const update = db.prepare('UPDATE leads SET first_key = ?, last_key = ? WHERE seq = ?');
      for (const r of rows) update.run(nameKey(r.first_name), nameKey(r.last_name), r.seq);
    },
  },
  {
    version: 5,
    name: 'index message search per batch instead of per row',
    up(db) {
      // One INSERT … SELECT per applied batch indexes its messages about three times faster
      // than a trigger per row (measured: 100-message batches, 50,000 messages), which is most
      // of what a backlog sync costs. MessageRows.indexPending does it in the batch's transaction.
      // Rows above the watermark are not indexed yet: the delete and update triggers leave them
      // alone, and they enter the index with their final text when the batch commits.
      db.exec(`
        DROP TRIGGER messages_fts_insert;
        DROP TRIGGER messages_fts_delete;
        DROP TRIGGER messages_fts_update;
        CREATE TABLE search_watermark (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
        INSERT INTO search_watermark (id, seq) VALUES (1, coalesce((SELECT max(seq) FROM messages), 0));
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
          WHEN old.seq <= (SELECT seq FROM search_watermark WHERE id = 1) BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
          WHEN old.body IS NOT new.body AND old.seq <= (SELECT seq FROM search_watermark WHERE id = 1) BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
          INSERT INTO messages_fts(rowid, body) VALUES (new.seq, new.body);
        END;
      `);
    },
  },
  {
    version: 6,
    name: 'name keys folded by the rule the server uses',
    up(db) {
      // Keys written before this version stripped every mark, so "पुरी" was stored as "पर" and
      // found Priya and Paras. Every key is rebuilt with the shared rule.
      const rows = db.prepare('SELECT seq, first_name, last_name FROM leads').all() as {
        seq: number;
        first_name: string;
        last_name: string;
      }[];
      const update = db.prepare('UPDATE leads SET first_key = ?, last_key = ? WHERE seq = ?');
      for (const r of rows) update.run(foldName(r.first_name), foldName(r.last_name), r.seq);
    },
  },
  {
    version: 7,
    name: 'files chosen offline wait in the outbox with their message',
    up(db) {
      // Keyed by the message id, which a retry keeps (the client id changes). A wipe for another
      // rep leaves these rows: the parked sends they belong to come back with their rep.
      db.exec(`
        CREATE TABLE outbox_files (
          message_id TEXT PRIMARY KEY,
          file_name TEXT NOT NULL,
          mime_type TEXT NOT NULL,
          bytes BLOB NOT NULL
        );
      `);
    },
  },
];

/** A name as search compares it: the one folding rule shared with the server (shared/name-fold.ts). */
export const nameKey = foldName;

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export { DatabaseTooNewError };

/** The desktop's words for a local database written by a newer app. */
const LOCAL_DATABASE: DatabaseOwner = {
  database: 'The local database',
  writer: 'a newer Converse Desktop',
  reader: 'this app',
  remedy: 'Update the app, or remove that file to start fresh.',
};

/** Bring a database up to `target` (default: the latest), each migration in its own transaction (shared/migrations.ts). */
export function migrate(db: Database.Database, file: string, target: number = LATEST_VERSION): number {
  return runMigrations(
    db,
    MIGRATIONS.map((m) => ({ version: m.version, apply: () => m.up(db) })),
    { file, owner: LOCAL_DATABASE, target },
  );
}
