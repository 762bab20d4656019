// The engines every conformance suite runs on: the embedded SQLite store on a temp file, and the
// PostgreSQL store in a schema of its own per test file (dropped after). PostgreSQL runs only where
// the test database answers (tests/support/services.ts) and its store module exists: that module
// is imported by path at run time, so this suite loads and runs on SQLite before it is written.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { SqliteStore } from '../../server/storage/sqlite';
import type { Store } from '../../server/storage/store';
import { freshSchema, pgUp, TEST_DATABASE_URL } from '../support/services';

export type EngineName = 'sqlite' | 'postgres';

interface OpenStore {
  store: Store;
  dispose(): Promise<void>;
}

interface Engine {
  name: EngineName;
  /** Why this engine is skipped here, or null when it runs. */
  skipped: string | null;
  open(label: string): Promise<OpenStore>;
}

/** What server/storage/postgres/index.ts exports, as far as the suite needs it. */
interface PostgresModule {
  openPostgresStore(options: { url: string; schema: string }): Promise<Store> | Store;
}

const POSTGRES_MODULE = fileURLToPath(new URL('../../server/storage/postgres/index.ts', import.meta.url));

const sqlite: Engine = {
  name: 'sqlite',
  skipped: null,
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'converse-conformance-'));
    const store = new SqliteStore(path.join(dir, 'converse.db'));
    return {
      store,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: Engine = {
  name: 'postgres',
  skipped: !pgUp
    ? `no PostgreSQL at ${TEST_DATABASE_URL}`
    : !existsSync(POSTGRES_MODULE)
      ? 'server/storage/postgres/index.ts does not exist yet'
      : null,
  async open(label) {
    const { openPostgresStore } = (await import(/* @vite-ignore */ POSTGRES_MODULE)) as PostgresModule;
    const schema = await freshSchema(`conf_${label}`);
    try {
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.schema });
      return {
        store,
        async dispose() {
          await store.close();
          await schema.drop();
        },
      };
    } catch (err) {
      await schema.drop();
      throw err;
    }
  },
};

export const ENGINES: readonly Engine[] = [sqlite, postgres];

export interface StoreUnderTest {
  engine: EngineName;
  /** The test file's store on this engine: shared by its tests, so each test makes its own rows. */
  store(): Store;
  /** A new, empty store, disposed after the test: for reads over the whole store (lists, sweeps, claims). */
  freshStore(): Promise<Store>;
}

/**
 * Declare one aggregate's behaviour once; it runs on every engine:
 * `forEachStore('webhook inbox', (s) => { it('…', async () => { await s.store().saveWebhook(…) }) })`.
 */
export function forEachStore(aggregate: string, body: (s: StoreUnderTest) => void): void {
  for (const engine of ENGINES) {
    const title = engine.skipped
      ? `${aggregate} on ${engine.name} (skipped: ${engine.skipped})`
      : `${aggregate} on ${engine.name}`;
    describe.skipIf(engine.skipped !== null)(title, () => {
      let shared: OpenStore | null = null;
      const fresh: OpenStore[] = [];
      const label = aggregate.replace(/[^a-z0-9]+/gi, '_');
      beforeAll(async () => {
        shared = await engine.open(label);
      });
      afterEach(async () => {
        for (const f of fresh.splice(0)) await f.dispose();
      });
      afterAll(async () => {
        await shared?.dispose();
      });
      body({
        engine: engine.name,
        store() {
          if (!shared) throw new Error(`The ${engine.name} store for "${aggregate}" did not open.`);
          return shared.store;
        },
        async freshStore() {
          const opened = await engine.open(`${label}_fresh`);
          fresh.push(opened);
          return opened.store;
        },
      });
    });
  }
}
