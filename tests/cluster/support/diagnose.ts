// Why a run did not settle, in words, so a failure explains itself: for each send not reported,
// the desktop that sent it, what the admin's desktop holds of it and, on PostgreSQL, what the
// tables say (its status and history, early statuses kept for its provider id, its lease, the
// admin's events about it); and each desktop behind its user's head, with the node it is on.
import pg from 'pg';
import type { SequencedEvent } from '../../../shared/stream-protocol';
import type { Backend } from './backend';
import type { ClusterClient } from './clients';

export interface Unsettled {
  /** Every desktop, with its user. */
  clients: { userId: string; client: ClusterClient }[];
  /** The desktop whose view the settle check reads (the admin's). */
  viewer: { userId: string; client: ClusterClient };
  /** Client ids of sends accepted whose final status the viewer does not hold. */
  unreported: string[];
  /** Client ids of sends neither accepted nor rejected. */
  unanswered: string[];
}

const FIELD = 600;

/** Lines that explain what is still unsettled (best effort: a query that fails says so). */
export async function explainUnsettled(backend: Backend, u: Unsettled): Promise<string[]> {
  const lines: string[] = [];
  const sender = (clientId: string) => u.clients.find((c) => c.client.sends.has(clientId))?.client;
  const heldByViewer = (clientId: string) =>
    u.viewer.client
      .events()
      .filter((e) => e.event.type === 'message.upserted' && e.event.message.clientId === clientId)
      .map((e) => `${e.seq}:${e.event.type === 'message.upserted' ? e.event.message.status : '?'}`);
  for (const id of u.unreported)
    lines.push(
      `send ${id} from ${sender(id)?.name ?? '?'} (on ${sender(id)?.nodeUrl ?? 'no node'}) not reported; ` +
        `${u.viewer.client.name} holds [${heldByViewer(id).join(', ')}]`,
    );
  for (const id of u.unanswered) {
    const c = sender(id);
    lines.push(
      `send ${id} from ${c?.name ?? '?'} unanswered; its desktop is ${c?.connected ? 'connected to ' + c.nodeUrl : 'not connected'}`,
    );
  }
  if (backend.kind !== 'postgres') return lines;
  const db = new pg.Client({ connectionString: backend.databaseUrl! });
  try {
    await db.connect();
    await db.query(`SET search_path TO "${backend.schema}"`);
    for (const id of [...u.unreported, ...u.unanswered]) lines.push(...(await sendInPostgres(db, id, u.viewer.userId)));
    const heads = await db.query<{ user_id: string; head_seq: number }>('SELECT user_id, head_seq FROM user_heads');
    const headOf = new Map(heads.rows.map((r) => [r.user_id, Number(r.head_seq)]));
    for (const { userId, client } of u.clients) {
      const head = headOf.get(userId) ?? 0;
      if (client.lastSeq !== head)
        lines.push(
          `${client.name} at seq ${client.lastSeq}, its user's head is ${head} ` +
            `(${client.connected ? `connected to ${client.nodeUrl}` : 'not connected'}, ${client.connections} connections)`,
        );
    }
  } catch (err) {
    lines.push(`PostgreSQL could not be read for the diagnosis: ${(err as Error).message}`);
  } finally {
    await db.end().catch(() => undefined);
  }
  return lines;
}

async function sendInPostgres(db: pg.Client, clientId: string, viewerId: string): Promise<string[]> {
  const m = await db.query<Record<string, string | null>>(
    `SELECT id, status, provider_message_id, send_owner, send_lease_until, created_at, updated_at
      FROM messages WHERE client_id = $1`,
    [clientId],
  );
  const row = m.rows[0];
  if (!row) return [`  ${clientId}: no message in PostgreSQL`];
  const history = await db.query<{ status: string; at: string }>(
    'SELECT status, at FROM message_status_history WHERE message_id = $1 ORDER BY n',
    [row.id],
  );
  const early = row.provider_message_id
    ? await db.query<{ status: string }>(
        'SELECT status FROM early_statuses WHERE provider_message_id = $1 ORDER BY n',
        [row.provider_message_id],
      )
    : { rows: [] };
  const events = await db.query<{ seq: number; payload: string }>(
    'SELECT seq, payload FROM events WHERE user_id = $1 AND payload LIKE $2 ORDER BY seq',
    [viewerId, `%${row.id}%`],
  );
  const statuses = events.rows.map((e) => {
    const ev = JSON.parse(e.payload) as SequencedEvent['event'];
    return `${e.seq}:${ev.type === 'message.upserted' ? ev.message.status : ev.type}`;
  });
  const line =
    `  ${clientId}: message ${row.id} ${row.status}, provider id ${row.provider_message_id ?? 'none'}, ` +
    `lease ${row.send_owner ?? '-'} until ${row.send_lease_until ?? '-'}; history ` +
    `[${history.rows.map((h) => `${h.status}@${h.at}`).join(', ')}]; early [${early.rows.map((e) => e.status).join(', ')}]; ` +
    `viewer's events [${statuses.join(', ')}]`;
  return [line.slice(0, FIELD)];
}
