// Messages in the local store: upserts from the stream, the rep's own pending sends, pages of
// a conversation and full-text search.
import type Database from 'better-sqlite3';
import { statementCache } from './statements';
import type { MessageView } from '../../../shared/domain';
import type { SendRequest } from '../../../shared/stream-protocol';
import { ftsQuery } from './fts-query';
import { searchableText, type PreparedMessage } from './prepared';
import { CallErrorCode } from '../../../shared/error-codes';

const ms = (iso: string): number => Date.parse(iso);

interface MessageRow {
  seq: number;
  id: string;
  server_id: string | null;
  client_id: string | null;
  data: string;
}

export class MessageRows {
  private readonly byServerId: Database.Statement;
  private readonly byClientId: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly insertLocalStmt: Database.Statement;
  private readonly insertNew: Database.Statement;
  private readonly pageStmt: Database.Statement;
  private readonly pageBeforeStmt: Database.Statement;
  private readonly searchStmt: Database.Statement;
  private readonly maxSeqStmt: Database.Statement;
  private readonly indexStmt: Database.Statement;
  private readonly watermarkStmt: Database.Statement;
  private readonly setWatermarkStmt: Database.Statement;

  private readonly q: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.q = statementCache(db);
    this.maxSeqStmt = db.prepare('SELECT max(seq) AS s FROM messages');
    this.indexStmt = db.prepare(
      'INSERT INTO messages_fts(rowid, body) SELECT seq, body FROM messages WHERE seq > ? AND seq <= ?',
    );
    this.watermarkStmt = db.prepare('SELECT seq FROM search_watermark WHERE id = 1');
    this.setWatermarkStmt = db.prepare('UPDATE search_watermark SET seq = ? WHERE id = 1');
    this.byServerId = db.prepare('SELECT seq, id, server_id, client_id, data FROM messages WHERE server_id = ?');
    this.byClientId = db.prepare('SELECT seq, id, server_id, client_id, data FROM messages WHERE client_id = ?');
    this.byId = db.prepare('SELECT seq, id, server_id, client_id, data FROM messages WHERE id = ?');
    this.insert =
      db.prepare(`INSERT INTO messages (id, server_id, client_id, conversation_id, lead_id, direction, status, body, created_ms, data)
      VALUES (@id, @server_id, @client_id, @conversation_id, @lead_id, @direction, @status, @body, @created_ms, @data)`);
    // Positional parameters: binding by name costs a property lookup each, on the hottest path of a sync.
    this.insertNew =
      db.prepare(`INSERT INTO messages (id, server_id, client_id, conversation_id, lead_id, direction, status, body, created_ms, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.insertLocalStmt =
      db.prepare(`INSERT INTO messages (id, server_id, client_id, conversation_id, lead_id, direction, status, body, created_ms, data, send_request)
      VALUES (@id, @server_id, @client_id, @conversation_id, @lead_id, @direction, @status, @body, @created_ms, @data, @send_request)`);
    this.update =
      db.prepare(`UPDATE messages SET server_id = @server_id, client_id = @client_id, conversation_id = @conversation_id, lead_id = @lead_id,
      direction = @direction, status = @status, body = @body, created_ms = @created_ms, data = @data WHERE seq = @seq`);
    // Pages are read newest-first through the index, then returned oldest-first.
    this.pageStmt = db.prepare(
      'SELECT seq, created_ms, data FROM messages WHERE conversation_id = ? ORDER BY created_ms DESC, seq DESC LIMIT ?',
    );
    this.pageBeforeStmt = db.prepare(`SELECT seq, created_ms, data FROM messages WHERE conversation_id = ?
      AND (created_ms < ? OR (created_ms = ? AND seq < ?)) ORDER BY created_ms DESC, seq DESC LIMIT ?`);
    // Newest matches first: FTS5 walks its doclists backwards for ORDER BY rowid DESC, so a
    // common word over a million messages still costs only `limit` rows.
    this.searchStmt = db.prepare(`SELECT m.data FROM messages_fts f JOIN messages m ON m.seq = f.rowid
      WHERE messages_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?`);
  }

  /**
   * Put rows above the watermark into the search index, at most `maxRows` of them, and move the
   * watermark; returns how many rows still wait. Call inside a writing transaction.
   */
  indexPending(maxRows = Number.POSITIVE_INFINITY): number {
    const top = (this.maxSeqStmt.get() as { s: number | null }).s ?? 0;
    const mark = (this.watermarkStmt.get() as { seq: number }).seq;
    if (top <= mark) return 0;
    const upTo = Math.min(top, mark + maxRows);
    this.indexStmt.run(mark, upTo);
    this.setWatermarkStmt.run(upTo);
    return top - upTo;
  }

  /** Rows not yet in the search index (approximately: sequence gaps count too). */
  unindexed(): number {
    const top = (this.maxSeqStmt.get() as { s: number | null }).s ?? 0;
    return Math.max(0, top - (this.watermarkStmt.get() as { seq: number }).seq);
  }

  /** Store the server's current version of a message; a local send found by client id keeps its id. */
  upsertFromServer(m: MessageView): MessageView {
    return this.upsertFromServerAsJson(m).view;
  }

  /** A prepared message from the sync (see prepared.ts): the stored view's id and JSON. */
  upsertPrepared(p: PreparedMessage): { id: string; json: string } {
    if (this.insertNew.run(p[2], p[2], p[3], p[4], p[5], p[7], p[8], p[9], p[10], p[13]).changes > 0)
      return { id: p[2], json: p[13] };
    // Already here (a replay, a status change, this device's own send): the general path.
    const { view, json } = this.upsertFromServerAsJson(JSON.parse(p[13]) as MessageView);
    return { id: view.id, json };
  }

  /** upsertFromServer, also returning the stored view as JSON (what the sync hands across threads). */
  upsertFromServerAsJson(m: MessageView): { view: MessageView; json: string } {
    // Most synced messages are new: try the insert first, look up only when something conflicts.
    const json = JSON.stringify(m);
    if (
      this.insertNew.run(
        m.id,
        m.id,
        m.clientId,
        m.conversationId,
        m.leadId,
        m.direction,
        m.status,
        searchableText(m),
        ms(m.createdAt),
        json,
      ).changes > 0
    ) {
      return { view: m, json };
    }
    const existing =
      (this.byServerId.get(m.id) as MessageRow | undefined) ??
      (m.clientId ? (this.byClientId.get(m.clientId) as MessageRow | undefined) : undefined);
    const view: MessageView = existing ? { ...m, id: existing.id } : m;
    const row = {
      id: view.id,
      server_id: m.id,
      client_id: m.clientId,
      conversation_id: m.conversationId,
      lead_id: m.leadId,
      direction: m.direction,
      status: m.status,
      body: searchableText(m),
      created_ms: ms(m.createdAt),
      data: JSON.stringify(view),
    };
    if (existing) this.update.run({ ...row, seq: existing.seq });
    else this.insert.run(row);
    return { view, json: row.data };
  }

  /** The rep's own send, before the server has seen it. */
  insertLocal(m: MessageView, request: SendRequest): void {
    this.insertLocalStmt.run({
      send_request: JSON.stringify(request),
      id: m.id,
      server_id: null,
      client_id: m.clientId,
      conversation_id: m.conversationId,
      lead_id: m.leadId,
      direction: m.direction,
      status: m.status,
      body: searchableText(m),
      created_ms: ms(m.createdAt),
      data: JSON.stringify(m),
    });
    this.indexPending();
  }

  /** Replace a local message's state (failed, retried with a new client id…). */
  replaceLocal(m: MessageView, serverId: string | null): void {
    const row = this.byId.get(m.id) as MessageRow | undefined;
    if (!row) throw new Error(`No message ${m.id} in the local store.`);
    this.update.run({
      seq: row.seq,
      server_id: serverId,
      client_id: m.clientId,
      conversation_id: m.conversationId,
      lead_id: m.leadId,
      direction: m.direction,
      status: m.status,
      body: searchableText(m),
      created_ms: ms(m.createdAt),
      data: JSON.stringify(m),
    });
  }

  /** Record the server's id for an accepted send, so its events find the local row. */
  setServerId(clientId: string, serverId: string): void {
    this.q('UPDATE messages SET server_id = ? WHERE client_id = ? AND (server_id IS NULL OR server_id = ?)').run(
      serverId,
      clientId,
      serverId,
    );
  }

  get(id: string): MessageView | null {
    const row = this.byId.get(id) as MessageRow | undefined;
    return row ? (JSON.parse(row.data) as MessageView) : null;
  }

  getByClientId(clientId: string): MessageView | null {
    const row = this.byClientId.get(clientId) as MessageRow | undefined;
    return row ? (JSON.parse(row.data) as MessageView) : null;
  }

  /** The request a local send was made with (null for messages from the server). */
  sendRequestOf(id: string): SendRequest | null {
    const row = this.q('SELECT send_request FROM messages WHERE id = ?').get(id) as
      { send_request: string | null } | undefined;
    return row?.send_request ? (JSON.parse(row.send_request) as SendRequest) : null;
  }

  serverIdOf(id: string): string | null {
    return (this.byId.get(id) as MessageRow | undefined)?.server_id ?? null;
  }

  /** One page of a conversation, oldest first; `before` is the cursor the previous page returned. */
  page(
    conversationId: string,
    before: string | null,
    limit: number,
  ): { messages: MessageView[]; before: string | null } {
    let rows: { seq: number; created_ms: number; data: string }[];
    if (before) {
      const m = /^(-?\d+):(\d+)$/.exec(before);
      if (!m)
        throw Object.assign(new Error(`"${before}" is not a page cursor returned by messages.page.`), {
          code: CallErrorCode.INVALID_ARGUMENTS,
        });
      const t = Number(m[1]);
      rows = this.pageBeforeStmt.all(conversationId, t, t, Number(m[2]), limit + 1) as typeof rows;
    } else {
      rows = this.pageStmt.all(conversationId, limit + 1) as typeof rows;
    }
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit).reverse();
    const oldest = pageRows[0];
    return {
      messages: pageRows.map((r) => JSON.parse(r.data) as MessageView),
      before: more && oldest ? `${oldest.created_ms}:${oldest.seq}` : null,
    };
  }

  search(query: string, limit: number): MessageView[] {
    const q = ftsQuery(query);
    if (!q) return [];
    return (this.searchStmt.all(q, limit) as { data: string }[]).map((r) => JSON.parse(r.data) as MessageView);
  }

  /** Newest message time of a conversation (what "read up to" means when the rep opens it). */
  newestAt(conversationId: string): number | null {
    const row = this.q('SELECT max(created_ms) AS t FROM messages WHERE conversation_id = ?').get(conversationId) as {
      t: number | null;
    };
    return row.t;
  }
}
