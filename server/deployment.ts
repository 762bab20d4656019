// Which deployment this server runs in, from its settings: one node on the embedded SQLite file
// (CONVERSE_DATABASE_URL unset), or one of many nodes over one PostgreSQL (CONVERSE_DATABASE_URL)
// and, to reach the sockets other nodes hold, one Redis (CONVERSE_REDIS_URL). A single node on
// PostgreSQL without Redis works too. Read once at start; a setting that cannot work stops
// start-up with its name.
import type { Store } from './storage/store';
import { openStore, StoreSettingError, storeEngineOf, type StoreEngine } from './storage/open-store';
import type { Hub } from './stream/hub';
import { startClusterRuntime, type ClusterRuntime } from './cluster/runtime';
import type { ClusterLog } from './cluster/bus';
import { SettingsError } from './settings';
import type { SignInLimitOptions } from './auth/sign-in-limits';

export interface DeploymentSettings {
  engine: StoreEngine;
  /** CONVERSE_REDIS_URL, or null: this node's sockets are the only ones. */
  redisUrl: string | null;
  /** CONVERSE_REDIS_PREFIX: nodes of one cluster share it (several clusters may share a Redis). */
  redisPrefix: string | undefined;
}

export function deploymentFrom(env: Record<string, string | undefined>): DeploymentSettings {
  let engine: StoreEngine;
  try {
    engine = storeEngineOf(env);
  } catch (err) {
    throw err instanceof StoreSettingError ? new SettingsError(err.message) : err;
  }
  const redisUrl = env.CONVERSE_REDIS_URL?.trim() || null;
  if (redisUrl && !/^rediss?:\/\//i.test(redisUrl))
    throw new SettingsError(`CONVERSE_REDIS_URL must be a redis:// (or rediss://) URL.`);
  if (redisUrl && engine === 'sqlite')
    throw new SettingsError(
      'CONVERSE_REDIS_URL is set but CONVERSE_DATABASE_URL is not: nodes that share work need one PostgreSQL database (set CONVERSE_DATABASE_URL, or unset CONVERSE_REDIS_URL for one node on SQLite).',
    );
  return { engine, redisUrl, redisPrefix: env.CONVERSE_REDIS_PREFIX?.trim() || undefined };
}

/** The store of this deployment (SQLite in the data directory, or PostgreSQL migrated under its lock). */
export async function openDeploymentStore(
  env: Record<string, string | undefined>,
  o: { dataDir: string; sqliteBinding?: string; log: (m: string) => void },
): Promise<Store> {
  try {
    return await openStore(env, o);
  } catch (err) {
    throw err instanceof StoreSettingError ? new SettingsError(err.message) : err;
  }
}

/**
 * Many nodes: events reach the sockets other nodes hold through Redis, which is only a doorbell —
 * the database is the log, and a lost doorbell is caught from it. Null for one node.
 */
export function joinCluster(
  d: DeploymentSettings,
  o: { nodeId: string; hub: Hub; store: Store; log: ClusterLog },
): Promise<ClusterRuntime | null> {
  if (!d.redisUrl) return Promise.resolve(null);
  return startClusterRuntime({ redisUrl: d.redisUrl, prefix: d.redisPrefix, ...o });
}

/**
 * What changes with the deployment for sessions: a revoked session's streams close on every node
 * (its desktop may be connected to any of them), and sign-in failures are counted where every
 * node sees them.
 */
export function sessionHooks(
  cluster: ClusterRuntime | null,
  hub: Hub,
  signInLimits: Partial<Omit<SignInLimitOptions, 'now'>> | undefined,
): {
  revokeSessions: (ids: string[]) => void;
  signInLimits: Partial<Omit<SignInLimitOptions, 'now'>> | undefined;
} {
  if (!cluster) return { revokeSessions: (ids) => hub.closeRevokedSessions(ids), signInLimits };
  return {
    revokeSessions: (ids) => cluster.revokeSessions(ids),
    signInLimits: { ...signInLimits, attempts: cluster.signInAttempts },
  };
}
