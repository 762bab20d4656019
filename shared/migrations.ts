// The one migration runner of the server's database and the desktop's local store. A schema's
// history is an ordered list of versions, the applied one kept in `PRAGMA user_version`; each
// version runs in its own transaction with the version bump, so a crash leaves the database at
// the last whole version. A database written by newer code is refused, never migrated down or
// opened half-understood. shared/ cannot load better-sqlite3: each side hands in its connection,
// which this module reads through the few methods below (better-sqlite3's own, structurally).
import { CallErrorCode } from './error-codes';

/** What the runner needs of an SQLite connection. */
export interface VersionedDatabase {
  pragma(source: string, options: { simple: true }): unknown;
  pragma(source: string): unknown;
  transaction(fn: () => void): () => void;
}

/** One step of a schema's history: `apply` brings the schema from `version - 1` to `version`. */
export interface MigrationStep {
  version: number;
  apply(): void;
}

/** Who wrote the database and what to do about a newer one, for the refusal's words. */
export interface DatabaseOwner {
  /** "The database" / "The local database". */
  database: string;
  /** "a newer Converse server". */
  writer: string;
  /** "this server". */
  reader: string;
  /** What to do next, one sentence. */
  remedy: string;
}

export class DatabaseTooNewError extends Error {
  readonly code = CallErrorCode.DATABASE_TOO_NEW;
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
    owner: DatabaseOwner,
  ) {
    super(
      `${owner.database} ${file} was written by ${owner.writer} (schema version ${found}; ${owner.reader} knows up to ${supported}). ${owner.remedy}`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export const userVersion = (db: VersionedDatabase): number => db.pragma('user_version', { simple: true }) as number;

/**
 * Brings `db` up to `target` (default: the last step), each step in its own transaction with
 * its version bump; returns the version the database is at. Throws DatabaseTooNewError, changing
 * nothing, when the database is past the last step.
 */
export function runMigrations(
  db: VersionedDatabase,
  steps: readonly MigrationStep[],
  o: { file: string; owner: DatabaseOwner; target?: number },
): number {
  const latest = steps.length > 0 ? steps[steps.length - 1]!.version : 0;
  const current = userVersion(db);
  if (current > latest) throw new DatabaseTooNewError(o.file, current, latest, o.owner);
  const target = o.target ?? latest;
  for (const step of steps) {
    if (step.version <= current || step.version > target) continue;
    db.transaction(() => {
      step.apply();
      // A PRAGMA takes no bound parameters; the version is an integer from the list, not input.
      db.pragma(`user_version = ${Math.trunc(step.version)}`);
    })();
  }
  return userVersion(db);
}
