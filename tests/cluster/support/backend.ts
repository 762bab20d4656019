// What the nodes of a cluster share: one SQLite file (a single node, restarted in place) or one
// PostgreSQL schema and one Redis prefix (N nodes). Everything else in tests/cluster is the same
// for both, so the harness proven on SQLite is the one that runs the cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freshSchema, redisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/services';

export type BackendKind = 'sqlite' | 'postgres';

export interface Backend {
  kind: BackendKind;
  /** Shared by every node: SQLite's database, or (PostgreSQL) the attachments everyone reads. */
  dataDir: string;
  databaseUrl: string | null;
  schema: string | null;
  redisUrl: string | null;
  redisPrefix: string | null;
  /** The environment that points a node (or the CLI) at this backend. */
  env(): Record<string, string>;
  /** PostgreSQL: how many tables the nodes made in the schema (0: the nodes did not use it). */
  tableCount(): Promise<number>;
  /**
   * PostgreSQL: refreshes the planner's statistics of the schema's tables, as autovacuum does
   * within its first minute (autovacuum_naptime) on a server that has been running; a benchmark's
   * schema is seconds old. (SQLite: nothing.)
   */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

/** Runs `fn` on a connection of its own to the test database. */
async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function openBackend(kind: BackendKind, label: string): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `converse-cluster-${label}-`));
  if (kind === 'sqlite') {
    return {
      kind,
      dataDir,
      databaseUrl: null,
      schema: null,
      redisUrl: null,
      redisPrefix: null,
      env: () => ({ CONVERSE_DATA_DIR: dataDir }),
      tableCount: async () => 0,
      analyze: async () => undefined,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const fresh = await freshSchema(`cluster_${label}`);
  const prefix = redisPrefix(`cluster-${label}`);
  return {
    kind,
    dataDir,
    databaseUrl: TEST_DATABASE_URL,
    schema: fresh.schema,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    env: () => ({
      CONVERSE_DATA_DIR: dataDir,
      CONVERSE_DATABASE_URL: TEST_DATABASE_URL,
      CONVERSE_DATABASE_SCHEMA: fresh.schema,
      CONVERSE_REDIS_URL: TEST_REDIS_URL,
      CONVERSE_REDIS_PREFIX: prefix,
    }),
    tableCount: () =>
      withClient(async (c) => {
        const r = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1',
          [fresh.schema],
        );
        return Number(r.rows[0].n);
      }),
    analyze: () =>
      withClient(async (c) => {
        const r = await c.query<{ name: string }>(
          `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
          WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
          [fresh.schema],
        );
        if (r.rows.length > 0) await c.query(`ANALYZE ${r.rows.map((t) => t.name).join(', ')}`);
      }),
    async drop() {
      await fresh.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
