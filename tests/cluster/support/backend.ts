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
  drop(): Promise<void>;
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
    async tableCount() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        const r = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1',
          [fresh.schema],
        );
        return Number(r.rows[0].n);
      } finally {
        await c.end();
      }
    },
    async drop() {
      await fresh.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
