// Leads and templates in the local store, with lead search by name or email.
import type Database from 'better-sqlite3';
import type { LeadView, TemplateView, Channel } from '../../../shared/domain';
import { ftsQuery } from './fts-query';
import { nameKey } from './migrations';

export class LeadRows {
  private readonly upsertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly searchStmt: Database.Statement;
  private readonly upsertTemplateStmt: Database.Statement;
  private readonly byFirstKey: Database.Statement;
  private readonly byLastKey: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsertStmt =
      db.prepare(`INSERT INTO leads (id, first_name, last_name, email, updated_ms, data, first_key, last_key)
      VALUES (@id, @first_name, @last_name, @email, @updated_ms, @data, @first_key, @last_key)
      ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
        email = excluded.email, updated_ms = excluded.updated_ms, data = excluded.data,
        first_key = excluded.first_key, last_key = excluded.last_key`);
    this.byFirstKey = db.prepare(
      'SELECT data, first_key AS k FROM leads WHERE first_key >= ? AND first_key < ? ORDER BY first_key, last_key LIMIT ?',
    );
    this.byLastKey = db.prepare(
      'SELECT data, last_key AS k FROM leads WHERE last_key >= ? AND last_key < ? ORDER BY last_key, first_key LIMIT ?',
    );
    this.getStmt = db.prepare('SELECT data FROM leads WHERE id = ?');
    // bm25 weights: a name match ranks above an email match.
    this.searchStmt = db.prepare(`SELECT l.data FROM leads_fts f JOIN leads l ON l.seq = f.rowid
      WHERE leads_fts MATCH ? ORDER BY bm25(leads_fts, 10.0, 10.0, 1.0) LIMIT ?`);
    this.upsertTemplateStmt = db.prepare(`INSERT INTO templates (id, channel, data) VALUES (?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET channel = excluded.channel, data = excluded.data`);
  }

  upsert(lead: LeadView): void {
    this.upsertStmt.run({
      id: lead.id,
      first_name: lead.firstName,
      last_name: lead.lastName,
      email: lead.email,
      updated_ms: Date.parse(lead.updatedAt),
      data: JSON.stringify(lead),
      first_key: nameKey(lead.firstName),
      last_key: nameKey(lead.lastName),
    });
  }

  remove(leadId: string): void {
    // A lead no longer visible takes its conversations and messages with it: the rep may not see them.
    this.db
      .prepare(
        'DELETE FROM messages WHERE lead_id = ? AND (client_id IS NULL OR client_id NOT IN (SELECT client_id FROM outbox))',
      )
      .run(leadId);
    this.db
      .prepare('DELETE FROM read_state WHERE conversation_id IN (SELECT id FROM conversations WHERE lead_id = ?)')
      .run(leadId);
    this.db.prepare('DELETE FROM conversations WHERE lead_id = ?').run(leadId);
    this.db.prepare('DELETE FROM leads WHERE id = ?').run(leadId);
    // Row ids are max + 1: with the newest messages gone, the next ones would reuse ids at or
    // below the search watermark and never be indexed (and a later delete of one would corrupt
    // the index). Every row up to the new top is indexed, so the watermark may come down to it.
    this.db
      .prepare('UPDATE search_watermark SET seq = min(seq, coalesce((SELECT max(seq) FROM messages), 0)) WHERE id = 1')
      .run();
  }

  get(leadId: string): LeadView | null {
    const row = this.getStmt.get(leadId) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as LeadView) : null;
  }

  search(query: string, limit: number): LeadView[] {
    const key = nameKey(query);
    // Marks count as letters: a Devanagari vowel sign is part of the word, not a separator.
    if (key && /^[\p{L}\p{M}\p{N}'-]+$/u.test(key)) return this.searchOneName(key, limit);
    // Names are what reps type; the email column joins only when the input looks like an
    // address, which also keeps common first names from matching every "maria.…@" twice.
    const q = ftsQuery(query, /[@.]/.test(query) ? undefined : ['first_name', 'last_name']);
    if (!q) {
      return (
        this.db.prepare('SELECT data FROM leads ORDER BY first_name, last_name LIMIT ?').all(limit) as {
          data: string;
        }[]
      ).map((r) => JSON.parse(r.data) as LeadView);
    }
    return (this.searchStmt.all(q, limit) as { data: string }[]).map((r) => JSON.parse(r.data) as LeadView);
  }

  /**
   * One word typed: leads whose first or last name starts with it, exact names first, then
   * alphabetical. Two index range scans with LIMIT, merged here.
   */
  private searchOneName(key: string, limit: number): LeadView[] {
    const upper = key.slice(0, -1) + String.fromCodePoint(key.codePointAt(key.length - 1)! + 1);
    const rows = [
      ...(this.byFirstKey.all(key, upper, limit) as { data: string; k: string }[]),
      ...(this.byLastKey.all(key, upper, limit) as { data: string; k: string }[]),
    ];
    rows.sort((a, b) => Number(b.k === key) - Number(a.k === key) || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    const seen = new Set<string>();
    const out: LeadView[] = [];
    for (const r of rows) {
      const lead = JSON.parse(r.data) as LeadView;
      if (seen.has(lead.id)) continue;
      seen.add(lead.id);
      out.push(lead);
      if (out.length === limit) break;
    }
    return out;
  }

  upsertTemplate(t: TemplateView): void {
    this.upsertTemplateStmt.run(t.id, t.channel, JSON.stringify(t));
  }

  removeTemplate(id: string): void {
    this.db.prepare('DELETE FROM templates WHERE id = ?').run(id);
  }

  /** Replace a channel's templates with a fresh copy from the server. */
  replaceTemplates(channel: Channel, templates: TemplateView[]): void {
    // IMMEDIATE like every write transaction here (see LocalStore.transaction).
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM templates WHERE channel = ?').run(channel);
        for (const t of templates) this.upsertTemplate(t);
      })
      .immediate();
  }

  templates(channel: Channel): TemplateView[] {
    return (
      this.db
        .prepare("SELECT data FROM templates WHERE channel = ? ORDER BY json_extract(data, '$.name')")
        .all(channel) as { data: string }[]
    ).map((r) => JSON.parse(r.data) as TemplateView);
  }
}
