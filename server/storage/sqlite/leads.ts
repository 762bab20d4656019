// Leads and their phone numbers on SQLite, read by visibility (lead-scope.ts). `createLeadSync`
// and `leadSync` are for the other parts' transactions (an inbound message creates its lead).
import { foldName } from '../../../shared/name-fold';
import { leadAudienceSql, leadScopeSql, type LeadScope } from '../lead-scope';
import type { LeadStore } from '../lead-store';
import type { LeadRecord, NewLead, PhoneRecord } from '../records';
import { inChunks, json, newId, placeholders, type SqliteConnection } from './connection';

/** Who sees a lead, in this engine's SQL (the rule lives in ../lead-scope.ts). */
const LEAD_AUDIENCE = leadAudienceSql();

/** A `leads` row joined with its owner's name. */
interface LeadRow {
  id: string;
  first_name: string;
  last_name: string;
  first_norm: string;
  last_norm: string;
  email: string | null;
  owner_id: string | null;
  custom_fields: string;
  created_at: string;
  updated_at: string;
  external_id: string | null;
  owner_name: string | null;
}

interface LeadPhoneRow {
  id: string;
  lead_id: string;
  e164: string;
  label: string | null;
  is_primary: number;
  position: number;
}

const LEAD_SQL = 'SELECT l.*, o.name AS owner_name FROM leads l LEFT JOIN users o ON o.id = l.owner_id';

const phoneFrom = (r: LeadPhoneRow): PhoneRecord => ({
  id: r.id,
  leadId: r.lead_id,
  e164: r.e164,
  label: r.label,
  primary: !!r.is_primary,
});

export class SqliteLeads implements LeadStore {
  constructor(private readonly c: SqliteConnection) {}

  private phonesOf(leadIds: string[]): Map<string, PhoneRecord[]> {
    const out = new Map<string, PhoneRecord[]>();
    const rows = inChunks(leadIds, (chunk) =>
      this.c.allOnce<LeadPhoneRow>(
        `SELECT * FROM lead_phones WHERE lead_id IN (${placeholders(chunk.length)}) ORDER BY position`,
        ...chunk,
      ),
    );
    for (const r of rows) {
      const list = out.get(r.lead_id) ?? [];
      list.push(phoneFrom(r));
      out.set(r.lead_id, list);
    }
    return out;
  }
  private leadsFrom(rows: LeadRow[]): LeadRecord[] {
    const phones = this.phonesOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      customFields: json<Record<string, string>>(r.custom_fields, {}),
      phones: phones.get(r.id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      externalId: r.external_id,
    }));
  }
  /** The lead with its phones, inside the caller's transaction. */
  leadSync(id: string): LeadRecord | null {
    const r = this.c.get<LeadRow>(`${LEAD_SQL} WHERE l.id = ?`, id);
    return r ? this.leadsFrom([r])[0] : null;
  }

  private insertPhones(leadId: string, phones: NewLead['phones']) {
    const primaryIdx = Math.max(
      0,
      phones.findIndex((p) => p.primary),
    );
    phones.forEach((p, i) =>
      this.c.run(
        'INSERT INTO lead_phones (id, lead_id, e164, label, is_primary, position) VALUES (?, ?, ?, ?, ?, ?)',
        newId('ph'),
        leadId,
        p.e164,
        p.label ?? null,
        i === primaryIdx ? 1 : 0,
        i,
      ),
    );
  }
  /** Insert a lead and its phones inside the caller's transaction; returns its id. */
  createLeadSync(lead: NewLead, at: string): string {
    const id = newId('lead');
    this.c.run(
      'INSERT INTO leads (id, first_name, last_name, first_norm, last_norm, email, owner_id, custom_fields, created_at, updated_at, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      lead.firstName,
      lead.lastName,
      foldName(lead.firstName),
      foldName(lead.lastName),
      lead.email ?? null,
      lead.ownerId,
      JSON.stringify(lead.customFields ?? {}),
      at,
      at,
      lead.externalId ?? null,
    );
    this.insertPhones(id, lead.phones);
    return id;
  }
  /** The id of the lead that has this number, if any. */
  leadIdByPhoneSync(e164: string): string | null {
    return this.c.get<{ lead_id: string }>('SELECT lead_id FROM lead_phones WHERE e164 = ?', e164)?.lead_id ?? null;
  }
  async createLead(lead: NewLead, at: string) {
    const id = this.c.tx(() => this.createLeadSync(lead, at));
    return this.leadSync(id)!;
  }
  async updateLead(id: string, patch: Partial<NewLead>, at: string) {
    const ok = this.c.tx(() => {
      const cur = this.c.get<LeadRow>('SELECT * FROM leads WHERE id = ?', id);
      if (!cur) return false;
      const first = patch.firstName ?? cur.first_name;
      const last = patch.lastName ?? cur.last_name;
      this.c.run(
        'UPDATE leads SET first_name = ?, last_name = ?, first_norm = ?, last_norm = ?, email = ?, owner_id = ?, custom_fields = ?, updated_at = ? WHERE id = ?',
        first,
        last,
        foldName(first),
        foldName(last),
        patch.email !== undefined ? patch.email : cur.email,
        patch.ownerId !== undefined ? patch.ownerId : cur.owner_id,
        patch.customFields !== undefined ? JSON.stringify(patch.customFields) : cur.custom_fields,
        at,
        id,
      );
      if (patch.phones) this.replacePhones(id, patch.phones);
      return true;
    });
    return ok ? this.leadSync(id) : null;
  }
  /** A lead's new phone list: numbers a message used are kept, the rest replaced; one primary. */
  private replacePhones(id: string, phones: NewLead['phones']) {
    this.c.run(
      'DELETE FROM lead_phones WHERE lead_id = ? AND id NOT IN (SELECT phone_id FROM messages WHERE lead_id = ? AND phone_id IS NOT NULL)',
      id,
      id,
    );
    const kept = new Set(
      this.c.all<{ e164: string }>('SELECT e164 FROM lead_phones WHERE lead_id = ?', id).map((r) => r.e164),
    );
    this.c.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = ?', id);
    const primary = phones.find((p) => p.primary) ?? phones[0];
    if (primary) this.c.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = ? AND e164 = ?', id, primary.e164);
    this.insertPhones(
      id,
      phones.filter((p) => !kept.has(p.e164)).map((p) => ({ ...p, primary: false })),
    );
    if (primary && !kept.has(primary.e164)) {
      this.c.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = ?', id);
      this.c.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = ? AND e164 = ?', id, primary.e164);
    }
  }
  async getLead(id: string) {
    return this.leadSync(id);
  }
  async leadByPhone(e164: string) {
    const r = this.c.get<LeadRow>(`${LEAD_SQL} WHERE l.id = (SELECT lead_id FROM lead_phones WHERE e164 = ?)`, e164);
    return r ? this.leadsFrom([r])[0] : null;
  }
  async leadByExternalId(externalId: string) {
    const r = this.c.get<LeadRow>(`${LEAD_SQL} WHERE l.external_id = ?`, externalId);
    return r ? this.leadsFrom([r])[0] : null;
  }
  async getPhone(id: string) {
    const r = this.c.get<LeadPhoneRow>('SELECT * FROM lead_phones WHERE id = ?', id);
    return r ? phoneFrom(r) : null;
  }
  async searchLeads(q: { tokens: string[]; scope: LeadScope; fields: ('first' | 'last')[]; limit: number }) {
    if (q.tokens.length === 0 || q.fields.length === 0) return [];
    const cols = q.fields.map((f) => (f === 'first' ? 'l.first_norm' : 'l.last_norm'));
    // Prefix match as an index range on the normalised (lower-case, accent-free) columns;
    // LIKE would not use the index (SQLite's LIKE is case-insensitive, the index is binary).
    const conds = q.tokens.map(() => `(${cols.map((c) => `(${c} >= ? AND ${c} < ?)`).join(' OR ')})`);
    const likeArgs = q.tokens.flatMap((t) => cols.flatMap(() => [t, `${t}\uffff`]));
    // Names typed in full rank before prefixes of longer names.
    const exact = q.tokens.map(() => `(${cols.map((c) => `${c} = ?`).join(' OR ')})`).join(' + ');
    const exactArgs = q.tokens.flatMap((t) => cols.map(() => t));
    const visible = leadScopeSql(q.scope);
    const sql = `${LEAD_SQL} WHERE ${visible.sql} AND ${conds.join(' AND ')}
      ORDER BY (${exact}) DESC, l.last_norm, l.first_norm, l.id LIMIT ?`;
    return this.leadsFrom(this.c.all<LeadRow>(sql, ...visible.args, ...likeArgs, ...exactArgs, q.limit));
  }
  async listLeads(q: { scope: LeadScope; limit: number; offset: number }) {
    const visible = leadScopeSql(q.scope);
    const rows = this.c.all<LeadRow>(
      `${LEAD_SQL} WHERE ${visible.sql}
      ORDER BY l.last_norm, l.first_norm, l.id LIMIT ? OFFSET ?`,
      ...visible.args,
      q.limit,
      q.offset,
    );
    return this.leadsFrom(rows);
  }
  async leadInScope(scope: LeadScope, leadId: string) {
    const visible = leadScopeSql(scope);
    return !!this.c.get<{ 1: number }>(
      `SELECT 1 FROM leads l WHERE l.id = ? AND ${visible.sql}`,
      leadId,
      ...visible.args,
    );
  }
  async leadAudience(leadId: string) {
    return this.c.all<{ id: string }>(LEAD_AUDIENCE.sql, ...LEAD_AUDIENCE.args(leadId)).map((r) => r.id);
  }
  async findOrCreateLeadByPhone(e164: string, make: () => { lead: NewLead }, at: string) {
    const res = this.c.tx(() => {
      const existing = this.leadIdByPhoneSync(e164);
      if (existing) return { id: existing, created: false };
      return { id: this.createLeadSync(make().lead, at), created: true };
    });
    return { lead: this.leadSync(res.id)!, created: res.created };
  }
}
