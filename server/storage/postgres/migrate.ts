// Migrations on PostgreSQL: the schema's version in a `schema_version` row, each step in its own
// transaction with its version bump, all under a session advisory lock so that nodes starting at
// once migrate once (the others wait, then find the work done). A schema written by a newer
// server is refused with the same words as SQLite's (shared/migrations.ts), changing nothing.
import type pg from 'pg';
import { DatabaseTooNewError, type DatabaseOwner } from '../../../shared/migrations';

/** The server's words for a database written by a newer server. */
const SERVER_DATABASE: DatabaseOwner = {
  database: 'The database',
  writer: 'a newer Converse server',
  reader: 'this server',
  remedy: 'Upgrade the server, or point it at another database or schema.',
};

/** Where the database is, for the refusal's words (never the password). */
export function describeDatabase(url: string, schema: string | undefined): string {
  let where = url;
  try {
    const u = new URL(url);
    u.password = '';
    where = u.toString();
  } catch {}
  return schema ? `${where} (schema ${schema})` : where;
}

/**
 * Brings the schema up to the last of `steps`; returns its version. Throws DatabaseTooNewError
 * when the schema is past the last step.
 */
export async function migrate(
  pool: pg.Pool,
  steps: readonly string[],
  o: { schema?: string; where: string; log?: (m: string) => void },
): Promise<number> {
  const client = await pool.connect();
  // One lock per schema: two nodes on one schema serialise; tests on other schemas do not wait.
  const key = `converse-migrations:${o.schema ?? 'public'}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      // Under the lock: two concurrent CREATE SCHEMA IF NOT EXISTS can still collide.
      if (o.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${o.schema}`);
      return await migrateLocked(client, steps, o);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(
  client: pg.PoolClient,
  steps: readonly string[],
  o: { where: string; log?: (m: string) => void },
): Promise<number> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)',
  );
  await client.query('INSERT INTO schema_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
  const current = Number((await client.query('SELECT version FROM schema_version WHERE id = 1')).rows[0].version);
  const latest = steps.length;
  if (current > latest) throw new DatabaseTooNewError(o.where, current, latest, SERVER_DATABASE);
  for (let version = current + 1; version <= latest; version++) {
    await client.query('BEGIN');
    try {
      await client.query(steps[version - 1]!);
      await client.query('UPDATE schema_version SET version = $1 WHERE id = 1', [version]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
    o.log?.(`PostgreSQL schema migrated to version ${version}`);
  }
  return latest;
}
