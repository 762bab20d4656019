// The SQLite connection every part of the embedded store shares: opening and migrating the file,
// the statement cache, and the transaction helper. The parts share ONE connection so a method
// that spans aggregates (an inbound message that creates its lead) is still one transaction.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseTooNewError, runMigrations, type DatabaseOwner } from '../../../shared/migrations';
import { foldName } from '../../../shared/name-fold';
import { MIGRATIONS } from '../migrations';
import { startCheckpoints, type Checkpoints } from './checkpoints';
import { TurnCommit } from './turn-commit';

export { DatabaseTooNewError };

/** The server's words for a database written by a newer server. */
const SERVER_DATABASE: DatabaseOwner = {
  database: 'The database',
  writer: 'a newer Converse server',
  reader: 'this server',
  remedy: 'Upgrade the server, or point CONVERSE_DATA_DIR at another folder.',
};

/** Open (and migrate) the database file; refuses a database newer than this code. */
export function openDatabase(
  file: string,
  migrations: string[] = MIGRATIONS,
  nativeBinding?: string,
): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  // nativeBinding: the embedded server in the Electron shell loads Electron's build of the module.
  const db = new Database(file, nativeBinding ? { nativeBinding } : undefined);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A grouped write is a savepoint (turn-commit.ts), which keeps the pages it changes in a
  // sub-journal: a temp file by default (250,000 writes to such files in a 10 s bench run).
  db.pragma('temp_store = MEMORY');
  // The WAL is copied back off the event loop (checkpoints.ts); SQLite's own checkpoint stays only
  // as the bound on the WAL when those cannot keep up, and the file shrinks back after it.
  db.pragma(`wal_autocheckpoint = ${WAL_BOUND_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_BOUND_PAGES * 4096}`);
  // The shared name-folding rule, for migrations that rebuild the stored name keys.
  db.function('fold_name', { deterministic: true }, (name: unknown) => foldName(String(name ?? '')));
  try {
    runMigrations(
      db,
      migrations.map((sql, i) => ({ version: i + 1, apply: () => db.exec(sql) })),
      { file, owner: SERVER_DATABASE },
    );
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * How often the WAL is copied back into the database (checkpoints.ts). SQLite's own checkpoint,
 * every 100 pages, ran about 200 times a second under 500 inbound messages/s on the event loop,
 * and one node fell seconds behind (cluster bench, SQLite node: p99 webhook → event 5.1 s); on a
 * thread of its own, it is the size of each copy that counts. A checkpoint ends in an fsync, and
 * while the file system commits it, this connection's commits wait in their WAL writes: every
 * 250 ms, a commit every ~600 ms stalled 10–26 ms (seen in a CPU profile of the node; gone with
 * synchronous = OFF). Copying every 50 ms keeps each fsync small: the SQLite node's fan-out p99
 * went from 25–34 ms to 20–21 ms (three runs each, scratch A/B of the cluster bench's fan-out).
 */
const CHECKPOINT_EVERY_MS = 50;
/** Between checkpoints when the last found nothing to copy: an idle server's thread wakes 4 times a second. */
const CHECKPOINT_QUIET_MS = 250;
/** Pages (40 MB) after which a commit checkpoints on its own: reached only when the timer falls behind. */
const WAL_BOUND_PAGES = 10_000;

export { json, newId } from '../rows';

/** Bound parameters up to which a statement with a varying IN list is still cached. */
const CACHED_LIST_MOST = 8;

/** `?, ?, ?` for an IN list of `n` values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Runs `read` over `ids` in chunks that stay under SQLite's bound-parameter limit. */
export function inChunks<T>(ids: string[], read: (chunk: string[]) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...read(ids.slice(i, i + 500)));
  return out;
}

/** One open database with its cached statements. Rows come back as the caller's row interface. */
export class SqliteConnection {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly checkpoints: Checkpoints;
  private readonly turn: TurnCommit;
  /**
   * `fn` in a transaction (a savepoint when already inside one). Made once: better-sqlite3 builds
   * four wrappers for every `db.transaction(fn)`, 3% of a node's time when made per call.
   */
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(
    readonly db: Database.Database,
    o: { nativeBinding?: string } = {},
  ) {
    this.checkpoints = startCheckpoints(db, {
      file: db.name,
      everyMs: CHECKPOINT_EVERY_MS,
      quietMs: CHECKPOINT_QUIET_MS,
      nativeBinding: o.nativeBinding,
    });
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.turn = new TurnCommit(db, this.inTransaction);
  }

  /** A statement, prepared once per SQL text (fixed SQL only: an IN list of varying length uses `once`). */
  private st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
  get<T>(sql: string, ...args: unknown[]): T | undefined {
    return this.st(sql).get(...args) as T | undefined;
  }
  all<T>(sql: string, ...args: unknown[]): T[] {
    return this.st(sql).all(...args) as T[];
  }
  run(sql: string, ...args: unknown[]): Database.RunResult {
    return this.st(sql).run(...args);
  }
  /** Rows one at a time, so a caller can stop before loading them all. */
  iterate<T>(sql: string, ...args: unknown[]): IterableIterator<T> {
    return this.st(sql).iterate(...args) as IterableIterator<T>;
  }
  /**
   * A statement whose text varies (an IN list): cached only while its list is short, so the cache
   * stays bounded (a few texts per caller) and the common one-lead read is not compiled anew on
   * every inbound message (preparing was 3% of a node's time under load).
   */
  allOnce<T>(sql: string, ...args: unknown[]): T[] {
    if (args.length <= CACHED_LIST_MOST) return this.all<T>(sql, ...args);
    return this.db.prepare(sql).all(...args) as T[];
  }
  runOnce(sql: string, ...args: unknown[]): Database.RunResult {
    return this.db.prepare(sql).run(...args);
  }
  /** One transaction (a savepoint when already inside one). */
  tx<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }
  /**
   * One transaction that takes the write lock before it reads: a claim (read, then mark) made by a
   * second process on the same file waits here and then sees the first one's mark.
   */
  txImmediate<T>(fn: () => T): T {
    return this.inTransaction.immediate(fn) as T;
  }
  /**
   * One transaction (its own savepoint) in the group committed at the end of this turn of the
   * event loop (turn-commit.ts): for the writes every inbound message makes.
   */
  grouped<T>(fn: () => T): Promise<T> {
    return this.turn.submit(fn);
  }
  async close(): Promise<void> {
    // What was asked before the close is committed, not dropped.
    this.turn.commit();
    await this.checkpoints.stop();
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {}
    this.db.close();
  }
}
