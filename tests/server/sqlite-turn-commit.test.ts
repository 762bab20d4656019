// Group commit on the server's SQLite file (server/storage/sqlite/turn-commit.ts): the writes
// asked for in one turn of the event loop share one transaction, each in a savepoint of its own.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/sqlite';
import { SqliteConnection } from '../../server/storage/sqlite/connection';
import { TurnCommit } from '../../server/storage/sqlite/turn-commit';

const dir = mkdtempSync(path.join(tmpdir(), 'converse-turn-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A database with a `notes` table, its group commit, and how many transactions that began. */
function opened(o: { busyTimeoutMs?: number } = {}) {
  const file = path.join(dir, `turn-${++files}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${o.busyTimeoutMs ?? 5000}`);
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)');
  const tx = db.transaction((fn: () => unknown) => fn());
  const counted = { transactions: 0 };
  const inTransaction = Object.assign((fn: () => unknown) => tx(fn), {
    immediate: (fn: () => unknown) => {
      counted.transactions++;
      return tx.immediate(fn);
    },
  }) as unknown as typeof tx;
  const add = (body: string) => () =>
    Number(db.prepare('INSERT INTO notes (body) VALUES (?)').run(body).lastInsertRowid);
  /** What another connection to the file sees: only what was committed. */
  const committed = () => {
    const reader = new Database(file, { readonly: true });
    try {
      return reader
        .prepare('SELECT body FROM notes ORDER BY id')
        .all()
        .map((r) => (r as { body: string }).body);
    } finally {
      reader.close();
    }
  };
  return { file, db, commit: new TurnCommit(db, inTransaction), counted, add, committed };
}

describe('SQLite group commit', () => {
  it('commits the writes asked for in one turn in one transaction, each answered with its own result', async () => {
    const { db, commit, counted, add, committed } = opened();
    const asked = ['a', 'b', 'c'].map((body) => commit.submit(add(body)));
    // Nothing is committed before the turn ends.
    expect(committed()).toEqual([]);
    expect(await Promise.all(asked)).toEqual([1, 2, 3]);
    expect(counted.transactions).toBe(1);
    expect(committed()).toEqual(['a', 'b', 'c']);
    // A write asked in a later turn goes in a transaction of its own.
    expect(await commit.submit(add('d'))).toBe(4);
    expect(counted.transactions).toBe(2);
    db.close();
  });

  it('rolls back a write that throws on its own: its caller hears why, the others are stored', async () => {
    const { db, commit, add, committed } = opened();
    const failing = () => {
      add('half-written')();
      add('a')(); // UNIQUE: 'a' is the first write's
    };
    const settled = await Promise.allSettled([
      commit.submit(add('a')),
      commit.submit(failing),
      commit.submit(add('b')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((settled[1] as PromiseRejectedResult).reason as Error).message).toMatch(/UNIQUE constraint failed/);
    expect(committed()).toEqual(['a', 'b']);
    db.close();
  });

  it('fails the whole group when an error ends its transaction, storing none of it', async () => {
    const { db, commit, add, committed } = opened();
    const endsTheTransaction = () => {
      db.exec('ROLLBACK');
      throw new Error('the disk is full');
    };
    const settled = await Promise.allSettled([
      commit.submit(add('a')),
      commit.submit(endsTheTransaction),
      commit.submit(add('c')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(committed()).toEqual([]);
    // The next turn's group is not affected.
    await commit.submit(add('b'));
    expect(committed()).toEqual(['b']);
    db.close();
  });

  it('tells every caller when the group cannot commit (the file locked by another writer)', async () => {
    const { file, db, commit, add, committed } = opened({ busyTimeoutMs: 0 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const settled = await Promise.allSettled([commit.submit(add('a')), commit.submit(add('b'))]);
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as { code?: string }).code : 'stored'))).toEqual([
      'SQLITE_BUSY',
      'SQLITE_BUSY',
    ]);
    other.exec('ROLLBACK');
    other.close();
    expect(committed()).toEqual([]);
    db.close();
  });

  it('commits what was asked before the connection closes', async () => {
    const file = path.join(dir, `turn-${++files}.db`);
    const c = new SqliteConnection(openDatabase(file));
    c.db.exec('CREATE TABLE notes (body TEXT NOT NULL)');
    const stored = c.grouped(() => c.run('INSERT INTO notes (body) VALUES (?)', 'last words'));
    await c.close();
    await expect(stored).resolves.toMatchObject({ changes: 1 });
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'last words' }]);
    reopened.close();
  });
});
