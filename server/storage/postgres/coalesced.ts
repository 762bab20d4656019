// Reads coalesced: the calls of one read made in the same turn of the event loop go to
// PostgreSQL as one statement (DataLoader, without its cache: every call reads afresh, after it
// was made). Inbound messages leave their group commit together and then read the same things
// for each message — its conversation, who sees its lead, each viewer — so under load a node
// pays one round trip per read for the whole group instead of one per message.
import DataLoader from 'dataloader';
import type { Row, Sql } from './db';

/** The most keys in one statement. */
const MOST_KEYS = 500;

/** `readMany` answers one value per key, in the keys' order (a key may come twice). */
export function coalesced<K, V>(readMany: (keys: readonly K[]) => Promise<V[]>): (key: K) => Promise<V> {
  // DataLoader's own schedule: the calls made before the microtasks of this turn run out form one
  // statement. Enough here: a group commit resolves its callers together, and Promise.all asks
  // at once. (Waiting for the next loop turn to gather more was measured: no better.)
  const loader = new DataLoader<K, V>(readMany, { cache: false, maxBatchSize: MOST_KEYS });
  return (key) => loader.load(key);
}

/** A record read by id, coalesced: `sql` selects rows `WHERE id = ANY($1)`; an id not found reads null. */
export function coalescedById<V>(db: Sql, sql: string, from: (r: Row) => V): (id: string) => Promise<V | null> {
  return coalesced(async (ids: readonly string[]) => {
    const rows = await db.rows(sql, [ids]);
    return byKey(ids, new Map(rows.map((r) => [r.id as string, from(r)])), null);
  });
}

/** The value of each key from rows found by key (absent: `missing`). */
export function byKey<K, V>(keys: readonly K[], found: Map<K, V>, missing: V): V[] {
  return keys.map((k) => (found.has(k) ? found.get(k)! : missing));
}
