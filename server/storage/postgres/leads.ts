// Leads and their phone numbers on PostgreSQL: the LeadStore part of the seam, mirroring
// server/storage/sqlite.ts. Finding or creating the lead of an unknown number takes the number's
// advisory lock, so two nodes receiving from one new number create one lead.
import { foldName as normaliseName } from '../../../shared/name-fold';
import type { LeadRecord, NewLead, PhoneRecord } from '../store';
import type { LeadStore } from '../lead-store';
import { json, newId, type Db, type Row, type Sql } from './db';
import { leadScopeSql, leadsAudiencePostgresSql, POSTGRES_DIALECT } from '../lead-scope';
import { byKey, coalesced } from './coalesced';

/** Who sees a lead, in this engine's SQL (the rule lives in ../lead-scope.ts). */
const LEADS_AUDIENCE = leadsAudiencePostgresSql();

/** A lead with its owner's name and its phones (in order, as JSON): one statement per read, however many leads. */
export const LEAD_SQL = `SELECT l.*, o.name AS owner_name, (
    SELECT coalesce(json_agg(json_build_object('id', p.id, 'lead_id', p.lead_id, 'e164', p.e164, 'label', p.label,
    'is_primary', p.is_primary) ORDER BY p.position), '[]') FROM lead_phones p WHERE p.lead_id = l.id
  ) AS phones FROM leads l LEFT JOIN users o ON o.id = l.owner_id`;

const phoneFrom = (r: Row): PhoneRecord => ({
  id: r.id,
  leadId: r.lead_id,
  e164: r.e164,
  label: r.label ?? null,
  primary: !!r.is_primary,
});

/** Bound arguments numbered as they are added: `p.add(v)` is the `$n` to write in the SQL. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export function leadsFrom(rows: Row[]): LeadRecord[] {
  return rows.map((r) => ({
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email ?? null,
    ownerId: r.owner_id ?? null,
    ownerName: r.owner_name ?? null,
    customFields: json(r.custom_fields, {}),
    phones: (r.phones as Row[]).map(phoneFrom),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    externalId: r.external_id ?? null,
  }));
}

export async function leadIn(s: Sql, id: string): Promise<LeadRecord | null> {
  const r = await s.one(`${LEAD_SQL} WHERE l.id = $1`, [id]);
  return r ? leadsFrom([r])[0]! : null;
}

async function insertPhones(s: Sql, leadId: string, phones: NewLead['phones']) {
  const primaryIdx = Math.max(
    0,
    phones.findIndex((p) => p.primary),
  );
  for (const [i, p] of phones.entries())
    await s.run(
      'INSERT INTO lead_phones (id, lead_id, e164, label, is_primary, position) VALUES ($1, $2, $3, $4, $5, $6)',
      [newId('ph'), leadId, p.e164, p.label ?? null, i === primaryIdx ? 1 : 0, i],
    );
}

export async function createLeadIn(s: Sql, lead: NewLead, at: string): Promise<string> {
  const id = newId('lead');
  await s.run(
    `INSERT INTO leads (id, first_name, last_name, first_norm, last_norm, email, owner_id, custom_fields, created_at, updated_at, external_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
    [
      id,
      lead.firstName,
      lead.lastName,
      normaliseName(lead.firstName),
      normaliseName(lead.lastName),
      lead.email ?? null,
      lead.ownerId,
      JSON.stringify(lead.customFields ?? {}),
      at,
      lead.externalId ?? null,
    ],
  );
  await insertPhones(s, id, lead.phones);
  return id;
}

/** Serialises every transaction about one number (inbound ordering, one lead per new number) until it ends. */
export function lockNumber(s: Sql, e164: string): Promise<void> {
  return lockNumbers(s, [e164]);
}

/**
 * The numbers' advisory locks, taken in one order (their keys'), so two transactions that share
 * numbers wait for each other instead of deadlocking.
 */
export async function lockNumbers(s: Sql, numbers: string[]): Promise<void> {
  await s.rows(
    `SELECT pg_advisory_xact_lock(k) FROM (
      SELECT DISTINCT hashtext('number:' || n) AS k FROM unnest($1::text[]) AS n ORDER BY k
    ) AS keys`,
    [numbers],
  );
}

/** A lead's phones after an edit: numbers messages used stay, the new primary is marked. */
async function replacePhones(s: Sql, id: string, phones: NewLead['phones']) {
  await s.run(
    'DELETE FROM lead_phones WHERE lead_id = $1 AND id NOT IN (SELECT phone_id FROM messages WHERE lead_id = $1 AND phone_id IS NOT NULL)',
    [id],
  );
  const kept = new Set(
    (await s.rows<{ e164: string }>('SELECT e164 FROM lead_phones WHERE lead_id = $1', [id])).map((r) => r.e164),
  );
  const setPrimary = async (e164: string) => {
    await s.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = $1', [id]);
    await s.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = $1 AND e164 = $2', [id, e164]);
  };
  await s.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = $1', [id]);
  const primary = phones.find((p) => p.primary) ?? phones[0];
  if (primary)
    await s.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = $1 AND e164 = $2', [id, primary.e164]);
  await insertPhones(
    s,
    id,
    phones.filter((p) => !kept.has(p.e164)).map((p) => ({ ...p, primary: false })),
  );
  if (primary && !kept.has(primary.e164)) await setPrimary(primary.e164);
}

async function updateLeadIn(s: Sql, id: string, patch: Partial<NewLead>, at: string): Promise<boolean> {
  const cur = await s.one('SELECT * FROM leads WHERE id = $1 FOR UPDATE', [id]);
  if (!cur) return false;
  const first = patch.firstName ?? cur.first_name;
  const last = patch.lastName ?? cur.last_name;
  await s.run(
    `UPDATE leads SET first_name = $1, last_name = $2, first_norm = $3, last_norm = $4, email = $5, owner_id = $6,
    custom_fields = $7, updated_at = $8 WHERE id = $9`,
    [
      first,
      last,
      normaliseName(first),
      normaliseName(last),
      patch.email !== undefined ? patch.email : cur.email,
      patch.ownerId !== undefined ? patch.ownerId : cur.owner_id,
      patch.customFields !== undefined ? JSON.stringify(patch.customFields) : cur.custom_fields,
      at,
      id,
    ],
  );
  if (patch.phones) await replacePhones(s, id, patch.phones);
  return true;
}

/** The lead of each number that has one, with the phone's id, by number. */
export async function leadsByPhoneIn(
  s: Sql,
  numbers: string[],
): Promise<Map<string, { lead: LeadRecord; phoneId: string }>> {
  const rows = await s.rows(
    `SELECT asked.e164 AS asked_e164, asked.id AS asked_phone_id, lead.* FROM lead_phones asked
    JOIN (${LEAD_SQL}) AS lead ON lead.id = asked.lead_id WHERE asked.e164 = ANY($1)`,
    [numbers],
  );
  const leads = leadsFrom(rows);
  return new Map(
    rows.map((r, i) => [r.asked_e164 as string, { lead: leads[i]!, phoneId: r.asked_phone_id as string }]),
  );
}

export function leadStore(db: Db): LeadStore {
  const byWhere = async (where: string, arg: string) => {
    const r = await db.one(`${LEAD_SQL} WHERE ${where}`, [arg]);
    return r ? leadsFrom([r])[0]! : null;
  };
  // Read for every inbound message: coalesced (coalesced.ts).
  const leadAudience = coalesced(async (leadIds: readonly string[]) => {
    const audiences = new Map<string, string[]>();
    for (const r of await db.rows<{ lead_id: string; id: string }>(LEADS_AUDIENCE, [[...new Set(leadIds)]])) {
      const audience = audiences.get(r.lead_id);
      if (audience) audience.push(r.id);
      else audiences.set(r.lead_id, [r.id]);
    }
    return byKey(leadIds, audiences, []);
  });
  const leadByPhone = coalesced(async (numbers: readonly string[]) => {
    const found = await leadsByPhoneIn(db, [...new Set(numbers)]);
    return byKey(numbers, new Map([...found].map(([e164, { lead }]) => [e164, lead])), null);
  });
  return {
    async createLead(lead, at) {
      const id = await db.tx((s) => createLeadIn(s, lead, at));
      return (await leadIn(db, id))!;
    },
    async updateLead(id, patch, at) {
      const ok = await db.tx((s) => updateLeadIn(s, id, patch, at));
      return ok ? leadIn(db, id) : null;
    },
    getLead: (id) => leadIn(db, id),
    leadByPhone,
    leadByExternalId: (externalId) => byWhere('l.external_id = $1', externalId),
    async getPhone(id) {
      const r = await db.one('SELECT * FROM lead_phones WHERE id = $1', [id]);
      return r ? phoneFrom(r) : null;
    },
    async searchLeads(q) {
      if (q.tokens.length === 0 || q.fields.length === 0) return [];
      const p = new Params();
      const visible = leadScopeSql(q.scope, POSTGRES_DIALECT, 1);
      visible.args.forEach((a) => p.add(a));
      const cols = q.fields.map((f) => (f === 'first' ? 'l.first_norm' : 'l.last_norm'));
      // Prefix match as an index range on the folded columns (binary order, as in SQLite).
      const conds = q.tokens.map(
        (t) => `(${cols.map((c) => `(${c} >= ${p.add(t)} AND ${c} < ${p.add(`${t}\uffff`)})`).join(' OR ')})`,
      );
      // Names typed in full rank before prefixes of longer names.
      const exact = q.tokens.map((t) => `(${cols.map((c) => `${c} = ${p.add(t)}`).join(' OR ')})::int`).join(' + ');
      const rows = await db.rows(
        `${LEAD_SQL} WHERE ${visible.sql} AND ${conds.join(' AND ')}
        ORDER BY (${exact}) DESC, l.last_norm, l.first_norm, l.id LIMIT ${p.add(q.limit)}`,
        p.values,
      );
      return leadsFrom(rows);
    },
    async listLeads(q) {
      const visible = leadScopeSql(q.scope, POSTGRES_DIALECT, 1);
      const n = visible.args.length;
      const rows = await db.rows(
        `${LEAD_SQL} WHERE ${visible.sql} ORDER BY l.last_norm, l.first_norm, l.id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...visible.args, q.limit, q.offset],
      );
      return leadsFrom(rows);
    },
    async leadInScope(scope, leadId) {
      const visible = leadScopeSql(scope, POSTGRES_DIALECT, 2);
      return !!(await db.one(`SELECT 1 FROM leads l WHERE l.id = $1 AND ${visible.sql}`, [leadId, ...visible.args]));
    },
    leadAudience,
    async findOrCreateLeadByPhone(e164, make, at) {
      const res = await db.tx(async (s) => {
        await lockNumber(s, e164);
        const existing = await s.one<{ lead_id: string }>('SELECT lead_id FROM lead_phones WHERE e164 = $1', [e164]);
        if (existing) return { id: existing.lead_id, created: false };
        return { id: await createLeadIn(s, make().lead, at), created: true };
      });
      return { lead: (await leadIn(db, res.id))!, created: res.created };
    },
  };
}
