// Which database the server keeps its data in, decided once from the settings: CONVERSE_DATABASE_URL
// set to postgres://… → PostgreSQL (the server on many nodes; CONVERSE_DATABASE_SCHEMA names the
// schema, else the connection's default); unset → the embedded SQLite file in the data directory.
import path from 'node:path';
import type { Store } from './store';
import { SqliteStore } from './sqlite';
import { openPostgresStore } from './postgres/index';

export interface StoreSettings {
  CONVERSE_DATABASE_URL?: string;
  CONVERSE_DATABASE_SCHEMA?: string;
  CONVERSE_DATABASE_POOL?: string;
}

/** A setting that cannot work; the server's start-up turns it into its settings error. */
export class StoreSettingError extends Error {}

export type StoreEngine = 'sqlite' | 'postgres';

export function storeEngineOf(env: StoreSettings): StoreEngine {
  const url = env.CONVERSE_DATABASE_URL?.trim();
  if (!url) return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  throw new StoreSettingError(
    `CONVERSE_DATABASE_URL must be a postgres:// (or postgresql://) URL, or unset for the embedded SQLite database; it starts with "${url.slice(0, 12)}…".`,
  );
}

export async function openStore(
  env: StoreSettings,
  o: { dataDir: string; sqliteBinding?: string; log?: (m: string) => void },
): Promise<Store> {
  if (storeEngineOf(env) === 'sqlite')
    return new SqliteStore(path.join(o.dataDir, 'converse.db'), { nativeBinding: o.sqliteBinding });
  const pool = env.CONVERSE_DATABASE_POOL?.trim();
  const poolSize = pool ? Number(pool) : undefined;
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 200))
    throw new StoreSettingError(`CONVERSE_DATABASE_POOL is "${pool}"; it must be a whole number from 1 to 200.`);
  return openPostgresStore({
    url: env.CONVERSE_DATABASE_URL!.trim(),
    schema: env.CONVERSE_DATABASE_SCHEMA?.trim() || undefined,
    poolSize,
    log: o.log,
  });
}
