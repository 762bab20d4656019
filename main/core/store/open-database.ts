// Opening the local database: WAL, migrations, and what to do when the file is damaged.
// A corrupt store must never stop the app: everything in it can be fetched again from the
// server, so the file is moved aside (kept for a bug report), a fresh one is created and the
// caller resyncs from sequence 0 and tells the rep.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { migrate, DatabaseTooNewError } from './migrations';

export interface OpenedDatabase {
  db: Database.Database;
  /** Set when a damaged file was moved aside: where it went. */
  recoveredFrom: string | null;
}

const CORRUPT_CODES = new Set([
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT_VTAB',
  'SQLITE_CORRUPT_INDEX',
  'SQLITE_CORRUPT_SEQUENCE',
]);

/** True for the errors SQLite raises on a damaged file (as opposed to a locked or full disk). */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

function openAndMigrate(file: string, cacheKb: number, nativeBinding: string | undefined): Database.Database {
  // The Electron shell names the Electron-ABI build of better-sqlite3 (main/native-sqlite.ts);
  // under Node the build in node_modules is found as usual.
  const db = new Database(file, nativeBinding ? { nativeBinding } : undefined);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across app crashes in WAL mode; a power cut may lose the last commit,
    // which the server replays because the cursor moved back with it.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    // 16 MB of page cache: search and unread counts over a million messages stay in memory
    // without pushing the process past its memory budget.
    db.pragma(`cache_size = -${cacheKb}`);
    // A backlog sync commits often; checkpointing every 1,000 pages (the default) would copy the
    // WAL back on the sync's own commits. The core checkpoints when the sync goes idle instead.
    db.pragma('wal_autocheckpoint = 20000');
    migrate(db, file);
    // Touch every table once so a damaged page in the schema or a root page shows up now,
    // not in the middle of the rep's work. Cheap: one row each.
    for (const t of [
      'leads',
      'conversations',
      'messages',
      'templates',
      'nudges',
      'outbox',
      'sync_cursor',
      'settings',
      'read_state',
    ]) {
      db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Move a damaged database (and its WAL files) aside as `<file>.corrupt-<time>`. */
export function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

export interface OpenOptions {
  /** Move a damaged file aside and start fresh (default). The sync writer's second connection
   * sets false: only the core's own connection decides about the file. */
  recover?: boolean;
  /** Page cache in KB (default 16,000). */
  cacheKb?: number;
  /** Path of the better-sqlite3 native module to load (the Electron shell's own build). */
  nativeBinding?: string;
}

export function openDatabase(file: string, now: () => Date = () => new Date(), o: OpenOptions = {}): OpenedDatabase {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const cacheKb = o.cacheKb ?? 16_000;
  try {
    return { db: openAndMigrate(file, cacheKb, o.nativeBinding), recoveredFrom: null };
  } catch (err) {
    if (err instanceof DatabaseTooNewError) throw err;
    if (!isCorruptionError(err) || o.recover === false) throw err;
    const movedTo = moveAside(file, now());
    return { db: openAndMigrate(file, cacheKb, o.nativeBinding), recoveredFrom: movedTo };
  }
}
