// The Store on PostgreSQL, for the server on many nodes (../shared/design/scale-out.md): one pool,
// the schema migrated under an advisory lock, one module per aggregate. Every method is one
// transaction, as the seam requires (server/storage/store.ts).
import type { Store } from '../store';
import { PG_MIGRATIONS } from './schema';
import { Db, assertSchemaName, openPool } from './db';
import { describeDatabase, migrate } from './migrate';
import { workspaceStore, userStore } from './users';
import { leadStore } from './leads';
import { activityStore } from './activity';
import { crmEventStore } from './crm-events';
import { messageStore } from './messages';
import { inboundStore } from './inbound';
import { templateStore } from './templates';
import { attachmentStore } from './attachments';
import { usageStore } from './usage';
import { eventLogStore } from './events';
import { webhookInboxStore } from './webhooks';

export { DatabaseTooNewError } from '../../../shared/migrations';

export type PostgresStore = Store;

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The schema to keep the tables in (created when missing); the connection's default otherwise. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  log?: (m: string) => void;
}

/**
 * Open the pool, migrate (once, whichever node starts first) and return the store. Refuses a
 * schema written by a newer server with DatabaseTooNewError, leaving it untouched.
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  if (opts.schema !== undefined) assertSchemaName(opts.schema);
  const pool = openPool(opts);
  // An idle client that loses its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', (err) => opts.log?.(`PostgreSQL connection lost: ${err.message}`));
  try {
    await migrate(pool, PG_MIGRATIONS, {
      schema: opts.schema,
      where: describeDatabase(opts.url, opts.schema),
      log: opts.log,
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = new Db(pool);
  let closed: Promise<void> | null = null;
  return {
    ...workspaceStore(db),
    ...userStore(db),
    ...leadStore(db),
    ...activityStore(db),
    ...crmEventStore(db),
    ...messageStore(db),
    ...inboundStore(db),
    ...templateStore(db),
    ...attachmentStore(db),
    ...usageStore(db),
    ...eventLogStore(db),
    ...webhookInboxStore(db),
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
