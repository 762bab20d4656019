// The same promises read straight from PostgreSQL's tables (server/storage/postgres/schema.ts),
// not through a node: each user's log has sequences 1..head with no hole, as many as the desktop
// holds; each inbound webhook is one message under its provider id; the inbox holds nothing
// unprocessed.
import pg from 'pg';
import type { Backend } from './backend';

export async function postgresLogViolations(
  backend: Backend,
  heads: { userId: string; name: string; lastSeq: number }[],
  inboundKeys: string[],
): Promise<string[]> {
  if (backend.kind !== 'postgres') return [];
  const c = new pg.Client({ connectionString: backend.databaseUrl! });
  await c.connect();
  const out: string[] = [];
  try {
    await c.query(`SET search_path TO "${backend.schema}"`);
    for (const h of heads) {
      const r = await c.query<{ n: string; lo: string | null; hi: string | null }>(
        'SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events WHERE user_id = $1',
        [h.userId],
      );
      const { n, lo, hi } = r.rows[0];
      const [count, min, max] = [Number(n), Number(lo ?? 0), Number(hi ?? 0)];
      if (count !== max || (count > 0 && min !== 1) || max !== h.lastSeq)
        out.push(`${h.name}: log has ${count} events, seq ${min}..${max}; the desktop is at ${h.lastSeq}`);
    }
    const m = await c.query<{ id: string; n: string }>(
      `SELECT provider_message_id AS id, count(*) AS n FROM messages
        WHERE provider = 'whatsapp' AND direction = 'inbound' AND provider_message_id = ANY($1::text[])
        GROUP BY provider_message_id`,
      [inboundKeys],
    );
    const counts = new Map(m.rows.map((x) => [x.id, Number(x.n)]));
    for (const k of inboundKeys)
      if (counts.get(k) !== 1) out.push(`${k}: ${counts.get(k) ?? 0} messages in PostgreSQL`);
    const pending = await c.query<{ n: string }>('SELECT count(*) AS n FROM webhook_inbox WHERE processed_at IS NULL');
    if (Number(pending.rows[0].n) > 0) out.push(`${pending.rows[0].n} webhooks still unprocessed in webhook_inbox`);
  } finally {
    await c.end();
  }
  return out;
}
