// Each user's event log on SQLite (what the stream replays) and the desktops' acknowledgements.
// A user's seq is bumped on the user's row inside the appending transaction, so seqs are
// contiguous and in commit order. `appendSync` is for the other parts' transactions.
import type { LeadView } from '../../../shared/domain';
import type { SequencedEvent, StreamEvent } from '../../../shared/stream-protocol';
import type { DeviceAck, EventLogStore } from '../event-log-store';
import type { AppendedEvent } from '../records';
import { inChunks, placeholders, type SqliteConnection } from './connection';

interface EventRow {
  user_id: string;
  seq: number;
  at: string;
  /** JSON of StreamEvent. */
  payload: string;
}

const EVENTS_AFTER_SQL = 'SELECT seq, at, payload FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?';

export class SqliteEventLog implements EventLogStore {
  constructor(private readonly c: SqliteConnection) {}

  async appendEvents(items: { userId: string; event: StreamEvent }[], at: string): Promise<AppendedEvent[]> {
    if (items.length === 0) return [];
    return this.c.tx(() => items.map(({ userId, event }) => this.appendSync(userId, event, at)));
  }
  /** Append one event to a user's log inside the caller's transaction. */
  appendSync(userId: string, event: StreamEvent, at: string): AppendedEvent {
    const seq = this.c.get<{ s: number }>(
      'UPDATE users SET head_seq = head_seq + 1 WHERE id = ? RETURNING head_seq AS s',
      userId,
    )!.s;
    this.c.run(
      'INSERT INTO events (user_id, seq, at, payload) VALUES (?, ?, ?, ?)',
      userId,
      seq,
      at,
      JSON.stringify(event),
    );
    return { userId, seq, at, event };
  }
  async eventsAfter(userId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]> {
    return this.c
      .all<Omit<EventRow, 'user_id'>>(EVENTS_AFTER_SQL, userId, afterSeq, limit)
      .map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.payload) as StreamEvent }));
  }
  /** Raw JSON of the events, for the gateway's replay without a parse/serialise round trip. */
  async eventsAfterJson(
    userId: string,
    afterSeq: number,
    limit: number,
    maxChars = Infinity,
  ): Promise<{ seq: number; json: string }[]> {
    const out: { seq: number; json: string }[] = [];
    let chars = 0;
    // Rows are read one at a time, so a run of large events is never loaded past the budget.
    for (const r of this.c.iterate<Omit<EventRow, 'user_id'>>(EVENTS_AFTER_SQL, userId, afterSeq, limit)) {
      const json = `{"seq":${r.seq},"at":${JSON.stringify(r.at)},"event":${r.payload}}`;
      chars += json.length + 1;
      if (out.length > 0 && chars > maxChars) break;
      out.push({ seq: r.seq, json });
    }
    return out;
  }
  async leadIdsInLog(userId: string) {
    const ids = new Set<string>();
    for (const r of this.c.all<{ payload: string }>(
      `SELECT payload FROM events WHERE user_id = ? AND payload LIKE '{"type":"lead.upserted"%'`,
      userId,
    )) {
      ids.add((JSON.parse(r.payload) as { lead: { id: string } }).lead.id);
    }
    return [...ids];
  }
  async rewriteLeadEvents(userId: string, views: Map<string, LeadView | null>) {
    return this.c.tx(() => {
      let n = 0;
      const rows = this.c.all<{ seq: number; payload: string }>(
        `SELECT seq, payload FROM events WHERE user_id = ?
        AND (payload LIKE '{"type":"lead.upserted"%' OR payload LIKE '{"type":"nudge"%')`,
        userId,
      );
      for (const r of rows) {
        const old = JSON.parse(r.payload) as StreamEvent;
        const id = old.type === 'lead.upserted' ? old.lead.id : old.type === 'nudge' ? old.nudge.leadId : null;
        if (!id || !views.has(id)) continue;
        // Nudges name the lead as it was shown then; they become the lead as it must be shown now.
        const view = views.get(id);
        const event: StreamEvent = view ? { type: 'lead.upserted', lead: view } : { type: 'lead.removed', leadId: id };
        this.c.run('UPDATE events SET payload = ? WHERE user_id = ? AND seq = ?', JSON.stringify(event), userId, r.seq);
        n++;
      }
      return n;
    });
  }
  async headSeq(userId: string) {
    return this.c.get<{ s: number }>('SELECT head_seq AS s FROM users WHERE id = ?', userId)?.s ?? 0;
  }
  async headSeqs(userIds: string[]) {
    const heads = new Map<string, number>(userIds.map((id) => [id, 0]));
    const rows = inChunks([...heads.keys()], (chunk) =>
      this.c.allOnce<{ id: string; s: number }>(
        `SELECT id, head_seq AS s FROM users WHERE id IN (${placeholders(chunk.length)})`,
        ...chunk,
      ),
    );
    for (const r of rows) heads.set(r.id, r.s);
    return heads;
  }
  async recordAcks(acks: readonly DeviceAck[]) {
    this.c.tx(() => {
      for (const a of acks)
        this.c.run(
          `INSERT INTO devices (user_id, device_id, acked_seq, last_seen_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (user_id, device_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq), last_seen_at = excluded.last_seen_at`,
          a.userId,
          a.deviceId,
          a.seq,
          a.at,
        );
    });
  }
}
