// The embedded Store: better-sqlite3 in WAL mode. Each method is one transaction.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { applyStatus as rankStatus } from '../../shared/message-status';
import type {
  Channel,
  LeadView,
  MaskableLeadField,
  MessageError,
  MessageStatus,
  NudgeEntity,
  Role,
} from '../../shared/domain';
import type { StreamEvent, SequencedEvent } from '../../shared/stream-protocol';
import type { ProviderName, SavedWebhook } from './saved-webhooks';
import { MIGRATIONS } from './migrations';
import { DatabaseTooNewError, runMigrations, type DatabaseOwner } from '../../shared/migrations';
import { SqliteReminderStore } from './reminders';
import { LEAD_AUDIENCE_SQL, leadScopeSql, type LeadScope } from './lead-scope';
import { foldName as normaliseName } from '../../shared/name-fold';
import type {
  ActivityRecord,
  AppendedEvent,
  AttachmentRecord,
  ConversationRecord,
  HistoryCursor,
  HistoryEntry,
  InboundArrival,
  InboundOutcome,
  InboundReceipt,
  LeadRecord,
  MessageRecord,
  NewInbound,
  NewLead,
  NewOutbound,
  NudgeRecord,
  PermissionTemplateRecord,
  PhoneRecord,
  SessionRecord,
  StatusApplyResult,
  Store,
  TaskRecord,
  TemplateRecord,
  UnfetchedMedia,
  UsageCounterRow,
  UserRecord,
} from './store';

export { DatabaseTooNewError };

/** The server's words for a database written by a newer server. */
const SERVER_DATABASE: DatabaseOwner = {
  database: 'The database',
  writer: 'a newer Converse server',
  reader: 'this server',
  remedy: 'Upgrade the server, or point CONVERSE_DATA_DIR at another folder.',
};

/** Open (and migrate) the database file; refuses a database newer than this code. */
export function openDatabase(
  file: string,
  migrations: string[] = MIGRATIONS,
  nativeBinding?: string,
): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  // nativeBinding: the embedded server in the Electron shell loads Electron's build of the module.
  const db = new Database(file, nativeBinding ? { nativeBinding } : undefined);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoints run on this thread and fsync: small and frequent (≈400 KB of WAL) keeps each
  // stall to a few milliseconds instead of one long pause every 4 MB (measured by the fan-out bench).
  db.pragma('wal_autocheckpoint = 100');
  // The shared name-folding rule, for migrations that rebuild the stored name keys.
  db.function('fold_name', { deterministic: true }, (name: unknown) => normaliseName(String(name ?? '')));
  try {
    runMigrations(
      db,
      migrations.map((sql, i) => ({ version: i + 1, apply: () => db.exec(sql) })),
      { file, owner: SERVER_DATABASE },
    );
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`;
const json = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);
/** An attachment's download state: null once its file is here. */
const unfetchedFrom = (
  source: string | null,
  attempts: number | null,
  nextFetchAt: string | null,
): UnfetchedMedia | null =>
  source
    ? {
        source: JSON.parse(source) as UnfetchedMedia['source'],
        attempts: attempts ?? 0,
        nextFetchAt: nextFetchAt ?? null,
      }
    : null;

type Row = Record<string, any>;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  readonly reminders: SqliteReminderStore;

  constructor(file: string, opts: { nativeBinding?: string } = {}) {
    this.db = openDatabase(file, MIGRATIONS, opts.nativeBinding);
    this.reminders = new SqliteReminderStore(this.db);
  }

  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
  private get<T = Row>(sql: string, ...args: unknown[]): T | undefined {
    return this.st(sql).get(...args) as T | undefined;
  }
  private all<T = Row>(sql: string, ...args: unknown[]): T[] {
    return this.st(sql).all(...args) as T[];
  }
  private run(sql: string, ...args: unknown[]) {
    return this.st(sql).run(...args);
  }
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async close() {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {}
    this.db.close();
  }

  // ---- workspace ---------------------------------------------------------------------------
  async workspaceTimeZone() {
    return this.get<{ time_zone: string }>('SELECT time_zone FROM workspace WHERE id = 1')!.time_zone;
  }
  async setWorkspaceTimeZone(timeZone: string) {
    this.run('UPDATE workspace SET time_zone = ? WHERE id = 1', timeZone);
  }
  async takeRoundRobinTurn(candidateIds: string[]) {
    if (candidateIds.length === 0) return null;
    return this.tx(() => {
      const turn = this.get<{ t: number }>('SELECT round_robin_turn AS t FROM workspace WHERE id = 1')!.t;
      this.run('UPDATE workspace SET round_robin_turn = round_robin_turn + 1 WHERE id = 1');
      return candidateIds[turn % candidateIds.length];
    });
  }
  async isEmpty() {
    return this.get<{ n: number }>('SELECT COUNT(*) AS n FROM users')!.n === 0;
  }

  // ---- users -------------------------------------------------------------------------------
  private userFrom(r: Row): UserRecord {
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role as Role,
      active: !!r.active,
      passwordHash: r.password_hash,
      permissionTemplateId: r.permission_template_id ?? null,
      maskedFields: json<MaskableLeadField[]>(r.masked_fields ?? null, []),
      createdAt: r.created_at,
    };
  }
  private readonly userSql =
    'SELECT u.*, p.masked_fields FROM users u LEFT JOIN permission_templates p ON p.id = u.permission_template_id';
  async createUser(u: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    permissionTemplateId?: string | null;
  }) {
    const id = newId('usr');
    this.run(
      'INSERT INTO users (id, email, name, role, password_hash, permission_template_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      u.email.trim().toLowerCase(),
      u.name,
      u.role,
      u.passwordHash,
      u.permissionTemplateId ?? null,
      new Date().toISOString(),
    );
    return (await this.getUser(id))!;
  }
  async updateUser(
    id: string,
    patch: Partial<{
      name: string;
      role: Role;
      active: boolean;
      passwordHash: string;
      permissionTemplateId: string | null;
    }>,
  ) {
    const cols: Record<string, unknown> = {};
    if (patch.name !== undefined) cols.name = patch.name;
    if (patch.role !== undefined) cols.role = patch.role;
    if (patch.active !== undefined) cols.active = patch.active ? 1 : 0;
    if (patch.passwordHash !== undefined) cols.password_hash = patch.passwordHash;
    if (patch.permissionTemplateId !== undefined) cols.permission_template_id = patch.permissionTemplateId;
    const keys = Object.keys(cols);
    if (keys.length)
      this.db
        .prepare(`UPDATE users SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`)
        .run(...keys.map((k) => cols[k]), id);
    return this.getUser(id);
  }
  async getUser(id: string) {
    const r = this.get(`${this.userSql} WHERE u.id = ?`, id);
    return r ? this.userFrom(r) : null;
  }
  async getUserByEmail(email: string) {
    const r = this.get(`${this.userSql} WHERE u.email = ?`, email.trim().toLowerCase());
    return r ? this.userFrom(r) : null;
  }
  async listUsers() {
    return this.all(`${this.userSql} ORDER BY u.created_at, u.id`).map((r) => this.userFrom(r));
  }

  async createSession(userId: string, tokenHash: string, expiresAt: string): Promise<SessionRecord> {
    const id = newId('ses');
    this.run(
      'INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      id,
      userId,
      tokenHash,
      new Date().toISOString(),
      expiresAt,
    );
    return { id, userId, expiresAt, revokedAt: null };
  }
  async sessionByTokenHash(tokenHash: string) {
    const r = this.get('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return r ? { id: r.id, userId: r.user_id, expiresAt: r.expires_at, revokedAt: r.revoked_at ?? null } : null;
  }
  async getSession(id: string) {
    const r = this.get('SELECT * FROM sessions WHERE id = ?', id);
    return r ? { id: r.id, userId: r.user_id, expiresAt: r.expires_at, revokedAt: r.revoked_at ?? null } : null;
  }
  async revokeSession(id: string, at: string) {
    this.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id);
  }
  async revokeUserSessions(userId: string, at: string) {
    return this.tx(() => {
      const ids = this.all<{ id: string }>(
        'SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL',
        userId,
      ).map((r) => r.id);
      this.run('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', at, userId);
      return ids;
    });
  }

  // ---- permission templates ------------------------------------------------------------------
  private ptFrom = (r: Row): PermissionTemplateRecord => ({
    id: r.id,
    name: r.name,
    maskedFields: json(r.masked_fields, []),
  });
  async createPermissionTemplate(name: string, maskedFields: MaskableLeadField[]) {
    const id = newId('pt');
    this.run(
      'INSERT INTO permission_templates (id, name, masked_fields) VALUES (?, ?, ?)',
      id,
      name,
      JSON.stringify(maskedFields),
    );
    return { id, name, maskedFields };
  }
  async updatePermissionTemplate(id: string, patch: Partial<{ name: string; maskedFields: MaskableLeadField[] }>) {
    if (patch.name !== undefined) this.run('UPDATE permission_templates SET name = ? WHERE id = ?', patch.name, id);
    if (patch.maskedFields !== undefined)
      this.run(
        'UPDATE permission_templates SET masked_fields = ? WHERE id = ?',
        JSON.stringify(patch.maskedFields),
        id,
      );
    const r = this.get('SELECT * FROM permission_templates WHERE id = ?', id);
    return r ? this.ptFrom(r) : null;
  }
  async listPermissionTemplates() {
    return this.all('SELECT * FROM permission_templates ORDER BY name').map(this.ptFrom);
  }

  // ---- leads -------------------------------------------------------------------------------
  private phonesOf(leadIds: string[]): Map<string, PhoneRecord[]> {
    const out = new Map<string, PhoneRecord[]>();
    if (leadIds.length === 0) return out;
    for (let i = 0; i < leadIds.length; i += 500) {
      const chunk = leadIds.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT * FROM lead_phones WHERE lead_id IN (${chunk.map(() => '?').join(',')}) ORDER BY position`)
        .all(...chunk) as Row[];
      for (const r of rows) {
        const list = out.get(r.lead_id) ?? [];
        list.push({ id: r.id, leadId: r.lead_id, e164: r.e164, label: r.label ?? null, primary: !!r.is_primary });
        out.set(r.lead_id, list);
      }
    }
    return out;
  }
  private leadsFrom(rows: Row[]): LeadRecord[] {
    const phones = this.phonesOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email ?? null,
      ownerId: r.owner_id ?? null,
      ownerName: r.owner_name ?? null,
      customFields: json(r.custom_fields, {}),
      phones: phones.get(r.id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      externalId: r.external_id ?? null,
    }));
  }
  private readonly leadSql = 'SELECT l.*, o.name AS owner_name FROM leads l LEFT JOIN users o ON o.id = l.owner_id';

  private insertPhones(leadId: string, phones: NewLead['phones']) {
    const primaryIdx = Math.max(
      0,
      phones.findIndex((p) => p.primary),
    );
    phones.forEach((p, i) =>
      this.run(
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
  private createLeadSync(lead: NewLead, at: string): string {
    const id = newId('lead');
    this.run(
      'INSERT INTO leads (id, first_name, last_name, first_norm, last_norm, email, owner_id, custom_fields, created_at, updated_at, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      lead.firstName,
      lead.lastName,
      normaliseName(lead.firstName),
      normaliseName(lead.lastName),
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
  async createLead(lead: NewLead, at: string) {
    const id = this.tx(() => this.createLeadSync(lead, at));
    return (await this.getLead(id))!;
  }
  async updateLead(id: string, patch: Partial<NewLead>, at: string) {
    const ok = this.tx(() => {
      const cur = this.get('SELECT * FROM leads WHERE id = ?', id);
      if (!cur) return false;
      const first = patch.firstName ?? cur.first_name;
      const last = patch.lastName ?? cur.last_name;
      this.run(
        'UPDATE leads SET first_name = ?, last_name = ?, first_norm = ?, last_norm = ?, email = ?, owner_id = ?, custom_fields = ?, updated_at = ? WHERE id = ?',
        first,
        last,
        normaliseName(first),
        normaliseName(last),
        patch.email !== undefined ? patch.email : cur.email,
        patch.ownerId !== undefined ? patch.ownerId : cur.owner_id,
        patch.customFields !== undefined ? JSON.stringify(patch.customFields) : cur.custom_fields,
        at,
        id,
      );
      if (patch.phones) {
        this.run(
          'DELETE FROM lead_phones WHERE lead_id = ? AND id NOT IN (SELECT phone_id FROM messages WHERE lead_id = ? AND phone_id IS NOT NULL)',
          id,
          id,
        );
        const kept = new Set(
          this.all<{ e164: string }>('SELECT e164 FROM lead_phones WHERE lead_id = ?', id).map((r) => r.e164),
        );
        this.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = ?', id);
        const primary = patch.phones.find((p) => p.primary) ?? patch.phones[0];
        if (primary) this.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = ? AND e164 = ?', id, primary.e164);
        this.insertPhones(
          id,
          patch.phones.filter((p) => !kept.has(p.e164)).map((p) => ({ ...p, primary: false })),
        );
        if (primary && !kept.has(primary.e164)) {
          this.run('UPDATE lead_phones SET is_primary = 0 WHERE lead_id = ?', id);
          this.run('UPDATE lead_phones SET is_primary = 1 WHERE lead_id = ? AND e164 = ?', id, primary.e164);
        }
      }
      return true;
    });
    return ok ? this.getLead(id) : null;
  }
  async getLead(id: string) {
    const r = this.get(`${this.leadSql} WHERE l.id = ?`, id);
    return r ? this.leadsFrom([r])[0] : null;
  }
  async leadByPhone(e164: string) {
    const r = this.get(`${this.leadSql} WHERE l.id = (SELECT lead_id FROM lead_phones WHERE e164 = ?)`, e164);
    return r ? this.leadsFrom([r])[0] : null;
  }
  async leadByExternalId(externalId: string) {
    const r = this.get(`${this.leadSql} WHERE l.external_id = ?`, externalId);
    return r ? this.leadsFrom([r])[0] : null;
  }
  async getPhone(id: string) {
    const r = this.get('SELECT * FROM lead_phones WHERE id = ?', id);
    return r ? { id: r.id, leadId: r.lead_id, e164: r.e164, label: r.label ?? null, primary: !!r.is_primary } : null;
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
    const sql = `${this.leadSql} WHERE ${visible.sql} AND ${conds.join(' AND ')}
      ORDER BY (${exact}) DESC, l.last_norm, l.first_norm, l.id LIMIT ?`;
    return this.leadsFrom(this.st(sql).all(...visible.args, ...likeArgs, ...exactArgs, q.limit) as Row[]);
  }
  async listLeads(q: { scope: LeadScope; limit: number; offset: number }) {
    const visible = leadScopeSql(q.scope);
    const rows = this.all(
      `${this.leadSql} WHERE ${visible.sql}
      ORDER BY l.last_norm, l.first_norm, l.id LIMIT ? OFFSET ?`,
      ...visible.args,
      q.limit,
      q.offset,
    );
    return this.leadsFrom(rows);
  }
  async leadInScope(scope: LeadScope, leadId: string) {
    const visible = leadScopeSql(scope);
    return !!this.get(`SELECT 1 FROM leads l WHERE l.id = ? AND ${visible.sql}`, leadId, ...visible.args);
  }
  async leadAudience(leadId: string) {
    return this.all<{ id: string }>(LEAD_AUDIENCE_SQL, leadId, leadId).map((r) => r.id);
  }
  async findOrCreateLeadByPhone(e164: string, make: () => { lead: NewLead }, at: string) {
    const res = this.tx(() => {
      const existing = this.get<{ lead_id: string }>('SELECT lead_id FROM lead_phones WHERE e164 = ?', e164);
      if (existing) return { id: existing.lead_id, created: false };
      return { id: this.createLeadSync(make().lead, at), created: true };
    });
    return { lead: (await this.getLead(res.id))!, created: res.created };
  }

  // ---- activity and tasks ------------------------------------------------------------------
  async addActivity(a: Omit<ActivityRecord, 'id'>) {
    return this.addActivitySync(a);
  }
  private addActivitySync(a: Omit<ActivityRecord, 'id'>): ActivityRecord {
    const id = newId('act');
    this.run(
      'INSERT INTO activities (id, lead_id, type, summary, at, message_id) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      a.leadId,
      a.type,
      a.summary,
      a.at,
      a.messageId,
    );
    return { id, ...a };
  }
  async listActivity(leadId: string, limit: number) {
    return this.all(
      'SELECT * FROM activities WHERE lead_id = ? ORDER BY at DESC, rowid DESC LIMIT ?',
      leadId,
      limit,
    ).map((r) => ({
      id: r.id,
      leadId: r.lead_id,
      type: r.type,
      summary: r.summary,
      at: r.at,
      messageId: r.message_id ?? null,
    }));
  }
  async activityHistory(
    leadId: string,
    conversationIds: string[],
    before: HistoryCursor | null,
    limit: number,
  ): Promise<HistoryEntry[]> {
    // Each source is read newest first from its own index, at most `limit` rows (a conversation's
    // start is one MIN() on its index), then merged: a page costs the same however long the
    // lead's history is. `at <= ?` lets each source seek to the cursor; the row value breaks ties.
    const rank = { activity: 'a', start: 'b', message: 'c' } as const;
    const c = before ? [before.at, rank[before.kind], before.id] : ['\uffff', 'z', ''];
    const parts = [
      `SELECT * FROM (SELECT 'a' AS src, id, at FROM activities
      WHERE lead_id = ? AND type <> 'conversation.started' AND at <= ? AND (at, 'a', id) < (?, ?, ?) ORDER BY at DESC, id DESC LIMIT ?)`,
    ];
    const args: unknown[] = [leadId, c[0], ...c, limit];
    for (const conversationId of conversationIds) {
      parts.push(`SELECT * FROM (SELECT 'b' AS src, ? AS id, (SELECT MIN(created_at) FROM messages WHERE conversation_id = ?) AS at)
        WHERE at IS NOT NULL AND (at, src, id) < (?, ?, ?)`);
      args.push(conversationId, conversationId, ...c);
      parts.push(`SELECT * FROM (SELECT 'c' AS src, id, created_at AS at FROM messages
        WHERE conversation_id = ? AND created_at <= ? AND (created_at, 'c', id) < (?, ?, ?) ORDER BY created_at DESC, id DESC LIMIT ?)`);
      args.push(conversationId, c[0], ...c, limit);
    }
    const rows = this.all<{ src: 'a' | 'b' | 'c'; id: string; at: string }>(
      `${parts.join(' UNION ALL ')} ORDER BY at DESC, src DESC, id DESC LIMIT ?`,
      ...args,
      limit,
    );
    const out: HistoryEntry[] = [];
    for (const r of rows) {
      if (r.src === 'a') {
        const a = this.get('SELECT * FROM activities WHERE id = ?', r.id)!;
        out.push({
          kind: 'activity',
          at: r.at,
          activity: {
            id: a.id,
            leadId: a.lead_id,
            type: a.type,
            summary: a.summary,
            at: a.at,
            messageId: a.message_id ?? null,
          },
        });
      } else if (r.src === 'b') {
        const first = this.get(
          `${this.messageSql} WHERE m.conversation_id = ? ORDER BY m.created_at, m.id LIMIT 1`,
          r.id,
        )!;
        out.push({ kind: 'start', at: r.at, conversationId: r.id, first: this.messageFrom(first) });
      } else {
        out.push({ kind: 'message', at: r.at, message: this.messageSync(r.id)! });
      }
    }
    return out;
  }

  async nudgeSettings(userId: string): Promise<unknown> {
    const row = this.get<{ nudge_settings: string }>(
      'SELECT nudge_settings FROM rep_settings WHERE user_id = ?',
      userId,
    );
    return row ? JSON.parse(row.nudge_settings) : null;
  }
  async saveNudgeSettings(userId: string, settings: unknown, at: string) {
    this.run(
      `INSERT INTO rep_settings (user_id, nudge_settings, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(user_id) DO UPDATE SET nudge_settings = excluded.nudge_settings, updated_at = excluded.updated_at`,
      userId,
      JSON.stringify(settings),
      at,
    );
  }

  private taskFrom = (r: Row): TaskRecord => ({
    id: r.id,
    title: r.title,
    leadId: r.lead_id ?? null,
    ownerId: r.owner_id,
    dueAt: r.due_at,
    reminderMinutes: r.reminder_minutes,
    externalId: r.external_id ?? null,
  });
  async createTask(t: Omit<TaskRecord, 'id'>) {
    const id = newId('task');
    this.run(
      'INSERT INTO tasks (id, title, lead_id, owner_id, due_at, reminder_minutes, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      t.title,
      t.leadId,
      t.ownerId,
      t.dueAt,
      t.reminderMinutes,
      t.externalId ?? null,
    );
    return { ...t, id, externalId: t.externalId ?? null };
  }
  async listTasks(ownerId: string | null) {
    return this.all('SELECT * FROM tasks WHERE (? IS NULL OR owner_id = ?) ORDER BY due_at', ownerId, ownerId).map(
      this.taskFrom,
    );
  }
  async getTask(id: string) {
    const r = this.get('SELECT * FROM tasks WHERE id = ?', id);
    return r ? this.taskFrom(r) : null;
  }
  async taskByExternalId(externalId: string) {
    const r = this.get('SELECT * FROM tasks WHERE external_id = ?', externalId);
    return r ? this.taskFrom(r) : null;
  }
  async updateTask(id: string, patch: Partial<Omit<TaskRecord, 'id' | 'externalId'>>) {
    const cur = await this.getTask(id);
    if (!cur) return null;
    const t = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as TaskRecord;
    this.run(
      'UPDATE tasks SET title = ?, lead_id = ?, owner_id = ?, due_at = ?, reminder_minutes = ? WHERE id = ?',
      t.title,
      t.leadId,
      t.ownerId,
      t.dueAt,
      t.reminderMinutes,
      id,
    );
    return t;
  }
  async deleteTask(id: string) {
    return this.run('DELETE FROM tasks WHERE id = ?', id).changes > 0;
  }

  // ---- workspace API keys and handled events -----------------------------------------------
  async apiKeyHashes() {
    return this.all<{ h: string }>('SELECT key_hash AS h FROM api_keys WHERE revoked_at IS NULL').map((r) => r.h);
  }
  async addApiKey(keyHash: string, label: string, at: string) {
    const existing = this.get<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = ?', keyHash);
    if (existing) return { id: existing.id, added: false };
    const id = newId('key');
    this.run('INSERT INTO api_keys (id, key_hash, label, created_at) VALUES (?, ?, ?, ?)', id, keyHash, label, at);
    return { id, added: true };
  }
  async claimEventLease(eventId: string, type: string, at: string, leaseUntil: string) {
    return this.tx((): 'claimed' | 'handled' | 'busy' => {
      const cur = this.get<{ handled_at: string | null; lease_until: string | null }>(
        'SELECT handled_at, lease_until FROM crm_events WHERE event_id = ?',
        eventId,
      );
      if (cur?.handled_at) return 'handled';
      if (cur && cur.lease_until && cur.lease_until > at) return 'busy';
      this.run(
        `INSERT INTO crm_events (event_id, type, received_at, lease_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (event_id) DO UPDATE SET lease_until = excluded.lease_until`,
        eventId,
        type,
        at,
        leaseUntil,
      );
      return 'claimed';
    });
  }
  async completeEvent(eventId: string, at: string) {
    this.run('UPDATE crm_events SET handled_at = ?, lease_until = NULL WHERE event_id = ?', at, eventId);
  }
  async releaseEvent(eventId: string) {
    this.run('DELETE FROM crm_events WHERE event_id = ?', eventId);
  }

  // ---- conversations and messages ----------------------------------------------------------
  private convFrom = (r: Row): ConversationRecord => ({
    id: r.id,
    leadId: r.lead_id,
    channel: r.channel as Channel,
    assigneeId: r.assignee_id ?? null,
    lastMessageAt: r.last_message_at ?? null,
    lastMessagePreview: r.last_message_preview ?? null,
    lastInboundAt: r.last_inbound_at ?? null,
  });
  async getConversation(id: string) {
    const r = this.get('SELECT * FROM conversations WHERE id = ?', id);
    return r ? this.convFrom(r) : null;
  }
  async listConversationsOfLead(leadId: string) {
    return this.all('SELECT * FROM conversations WHERE lead_id = ? ORDER BY channel', leadId).map(this.convFrom);
  }
  async assignConversation(id: string, assigneeId: string | null) {
    this.run('UPDATE conversations SET assignee_id = ? WHERE id = ?', assigneeId, id);
    return this.getConversation(id);
  }
  async readUpTo(conversationId: string, userId: string) {
    return (
      this.get<{ r: string }>(
        'SELECT read_up_to AS r FROM conversation_reads WHERE conversation_id = ? AND user_id = ?',
        conversationId,
        userId,
      )?.r ?? null
    );
  }
  async setReadUpTo(conversationId: string, userId: string, at: string) {
    // Read marks only move forward, whichever device sends them first.
    this.run(
      `INSERT INTO conversation_reads (conversation_id, user_id, read_up_to) VALUES (?, ?, ?)
      ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_up_to = max(read_up_to, excluded.read_up_to)`,
      conversationId,
      userId,
      at,
    );
    return (await this.readUpTo(conversationId, userId))!;
  }

  private ensureConversation(leadId: string, channel: Channel): string {
    const id = `${leadId}:${channel}`;
    this.run('INSERT OR IGNORE INTO conversations (id, lead_id, channel) VALUES (?, ?, ?)', id, leadId, channel);
    return id;
  }
  private messageFrom(r: Row): MessageRecord {
    const attachment: AttachmentRecord | null = r.a_id
      ? {
          id: r.a_id,
          fileName: r.a_file_name,
          mimeType: r.a_mime_type,
          size: r.a_size,
          kind: r.a_kind,
          path: r.a_path,
          uploadedBy: r.a_uploaded_by ?? null,
          createdAt: r.a_created_at,
          unfetched: unfetchedFrom(r.a_fetch_source, r.a_fetch_attempts, r.a_next_fetch_at),
          blocked: r.a_blocked ?? null,
        }
      : null;
    return {
      id: r.id,
      seq: r.seq,
      clientId: r.client_id ?? null,
      conversationId: r.conversation_id,
      leadId: r.lead_id,
      channel: r.channel,
      direction: r.direction,
      body: r.body,
      phoneId: r.phone_id ?? null,
      templateId: r.template_id ?? null,
      templateName: r.template_name ?? null,
      attachment,
      caption: r.caption ?? null,
      status: r.status,
      error: json<MessageError | null>(r.error, null),
      provider: r.provider ?? null,
      providerMessageId: r.provider_message_id ?? null,
      connector: r.connector ?? null,
      authorUserId: r.author_user_id ?? null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
  private readonly messageSql = `SELECT m.*, a.id AS a_id, a.file_name AS a_file_name, a.mime_type AS a_mime_type, a.size AS a_size, a.kind AS a_kind,
    a.path AS a_path, a.uploaded_by AS a_uploaded_by, a.created_at AS a_created_at, a.fetch_source AS a_fetch_source, a.fetch_attempts AS a_fetch_attempts,
    a.next_fetch_at AS a_next_fetch_at, a.blocked AS a_blocked FROM messages m LEFT JOIN attachments a ON a.id = m.attachment_id`;
  private messageSync(id: string) {
    const r = this.get(`${this.messageSql} WHERE m.id = ?`, id);
    return r ? this.messageFrom(r) : null;
  }
  async getMessage(id: string) {
    return this.messageSync(id);
  }
  async interruptedSends() {
    return this.all(
      `${this.messageSql} WHERE m.direction = 'outbound' AND m.status = 'pending' AND m.provider_message_id IS NULL ORDER BY m.seq`,
    ).map((r) => this.messageFrom(r));
  }
  async messageByClientId(clientId: string) {
    const r = this.get(`${this.messageSql} WHERE m.client_id = ?`, clientId);
    return r ? this.messageFrom(r) : null;
  }
  private preview(body: string, caption: string | null, attachment: string | null): string {
    const text = body || caption || (attachment ? '📎 Attachment' : '');
    return text.length > 140 ? `${text.slice(0, 139)}…` : text;
  }
  async createOutbound(m: NewOutbound) {
    return this.tx(() => {
      const existing = this.get<{ id: string }>('SELECT id FROM messages WHERE client_id = ?', m.clientId);
      if (existing) return { message: this.messageSync(existing.id)!, duplicate: true };
      const conversationId = this.ensureConversation(m.leadId, m.channel);
      const id = newId('msg');
      this.run(
        `INSERT INTO messages (id, client_id, conversation_id, lead_id, channel, direction, body, phone_id, template_id, template_name,
        attachment_id, caption, status, provider, connector, author_user_id, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 'outbound', ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
        id,
        m.clientId,
        conversationId,
        m.leadId,
        m.channel,
        m.body,
        m.phoneId,
        m.templateId,
        m.templateName,
        m.attachmentId,
        m.caption,
        m.provider,
        m.connector,
        m.authorUserId,
        m.at,
        m.at,
      );
      this.run('INSERT INTO message_status_history (message_id, status, at) VALUES (?, ?, ?)', id, 'pending', m.at);
      this.run(
        'UPDATE conversations SET last_message_at = ?, last_message_preview = ? WHERE id = ?',
        m.at,
        this.preview(m.body, m.caption, m.attachmentId),
        conversationId,
      );
      return { message: this.messageSync(id)!, duplicate: false };
    });
  }
  async createInbound(m: NewInbound) {
    return this.tx(() => {
      const existing = this.get<{ id: string }>(
        'SELECT id FROM messages WHERE provider = ? AND provider_message_id = ?',
        m.provider,
        m.providerMessageId,
      );
      if (existing) return { message: this.messageSync(existing.id)!, duplicate: true };
      return { message: this.messageSync(this.insertInboundSync(m))!, duplicate: false };
    });
  }
  private insertInboundSync(m: NewInbound): string {
    const conversationId = this.ensureConversation(m.leadId, m.channel);
    const id = newId('msg');
    this.run(
      `INSERT INTO messages (id, conversation_id, lead_id, channel, direction, body, phone_id, attachment_id, caption, status, provider,
      provider_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'inbound', ?, ?, ?, ?, 'received', ?, ?, ?, ?)`,
      id,
      conversationId,
      m.leadId,
      m.channel,
      m.body,
      m.phoneId,
      m.attachmentId,
      m.caption,
      m.provider,
      m.providerMessageId,
      m.at,
      m.at,
    );
    this.run(
      `UPDATE conversations SET last_message_at = max(coalesce(last_message_at, ''), ?), last_message_preview = ?,
      last_inbound_at = max(coalesce(last_inbound_at, ''), ?) WHERE id = ?`,
      m.at,
      this.preview(m.body, m.caption, m.attachmentId),
      m.at,
      conversationId,
    );
    return id;
  }

  // ---- inbound end to end: the message (with its lead and opt-out), then its outcome, once ----
  private receiptSync(provider: ProviderName, providerMessageId: string): InboundReceipt | null {
    const r = this.get<{
      id: string;
      lead_id: string;
      lead_created: number | null;
      conversation_started: number | null;
      applied_at: string | null;
      tracked: string | null;
    }>(
      `SELECT m.id, m.lead_id, o.lead_created, o.conversation_started, o.applied_at, o.message_id AS tracked FROM messages m
       LEFT JOIN inbound_outcomes o ON o.message_id = m.id WHERE m.provider = ? AND m.provider_message_id = ?`,
      provider,
      providerMessageId,
    );
    if (!r) return null;
    const lead = this.get(`${this.leadSql} WHERE l.id = ?`, r.lead_id);
    return {
      message: this.messageSync(r.id)!,
      lead: this.leadsFrom([lead!])[0],
      leadCreated: !!r.lead_created,
      conversationStarted: !!r.conversation_started,
      // A message stored before outcomes were tracked had its outcome applied the old way.
      duplicate: true,
      applied: !r.tracked || r.applied_at !== null,
    };
  }
  async inboundReceipt(provider: ProviderName, providerMessageId: string) {
    return this.receiptSync(provider, providerMessageId);
  }
  async receiveInbound(a: InboundArrival): Promise<InboundReceipt> {
    return this.tx(() => {
      const known = this.receiptSync(a.provider, a.providerMessageId);
      if (known) return known;
      const existing = this.get<{ lead_id: string }>('SELECT lead_id FROM lead_phones WHERE e164 = ?', a.from);
      const leadId = existing?.lead_id ?? this.createLeadSync(a.newLead(), a.at);
      const phoneId = this.get<{ id: string }>(
        'SELECT id FROM lead_phones WHERE lead_id = ? AND e164 = ?',
        leadId,
        a.from,
      )!.id;
      const conversationStarted = !this.get('SELECT 1 FROM conversations WHERE id = ?', `${leadId}:${a.channel}`);
      const id = this.insertInboundSync({
        leadId,
        channel: a.channel,
        body: a.body,
        phoneId,
        provider: a.provider,
        providerMessageId: a.providerMessageId,
        attachmentId: a.attachmentId,
        caption: a.caption,
        at: a.at,
      });
      if (a.optOut) this.setOptOutSync(a.optOut.businessNumber, a.from, a.optOut.optedOut, a.optOut.keyword, a.at);
      this.run(
        'INSERT INTO inbound_outcomes (message_id, lead_created, conversation_started) VALUES (?, ?, ?)',
        id,
        existing ? 0 : 1,
        conversationStarted ? 1 : 0,
      );
      const lead = this.leadsFrom([this.get(`${this.leadSql} WHERE l.id = ?`, leadId)!])[0];
      return {
        message: this.messageSync(id)!,
        lead,
        leadCreated: !existing,
        conversationStarted,
        duplicate: false,
        applied: false,
      };
    });
  }
  async applyInboundOutcome(messageId: string, outcome: InboundOutcome, at: string): Promise<AppendedEvent[] | null> {
    return this.tx(() => {
      const row = this.get<{ applied_at: string | null }>(
        'SELECT applied_at FROM inbound_outcomes WHERE message_id = ?',
        messageId,
      );
      if (!row || row.applied_at !== null) return null;
      for (const a of outcome.activities) this.addActivitySync(a);
      for (const u of outcome.usage) this.bumpUsageSync(u);
      const appended = outcome.events.map(({ userId, event }) => this.appendSync(userId, event, at));
      for (const { nudge, month } of outcome.nudges) {
        const rec = this.addNudgeSync(nudge, month);
        appended.push(this.appendSync(rec.userId, outcome.nudgeEvent(rec), at));
      }
      this.run('UPDATE inbound_outcomes SET applied_at = ? WHERE message_id = ?', at, messageId);
      return appended;
    });
  }
  async unappliedInbound() {
    return this.all<{ message_id: string }>('SELECT message_id FROM inbound_outcomes WHERE applied_at IS NULL').map(
      (r) => r.message_id,
    );
  }
  async messagesPage(conversationId: string, beforeSeq: number | null, limit: number) {
    const rows = this.all(
      `${this.messageSql} WHERE m.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
      conversationId,
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit,
    );
    return rows.reverse().map((r) => this.messageFrom(r));
  }
  private applyStatusSync(
    messageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ): StatusApplyResult | null {
    const cur = this.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ?', messageId);
    if (!cur) return null;
    const change = rankStatus(cur.status, status);
    if (change.ignored) return { message: this.messageSync(messageId)!, changed: false };
    this.run(
      'INSERT INTO message_status_history (message_id, status, at, error) VALUES (?, ?, ?, ?)',
      messageId,
      status,
      at,
      error ? JSON.stringify(error) : null,
    );
    if (change.recordError && error)
      this.run(
        'UPDATE messages SET status = ?, error = ?, updated_at = ? WHERE id = ?',
        change.status,
        JSON.stringify(error),
        at,
        messageId,
      );
    else if (change.status !== 'failed')
      this.run(
        'UPDATE messages SET status = ?, error = NULL, updated_at = ? WHERE id = ?',
        change.status,
        at,
        messageId,
      );
    else this.run('UPDATE messages SET status = ?, updated_at = ? WHERE id = ?', change.status, at, messageId);
    return { message: this.messageSync(messageId)!, changed: true };
  }
  async applyStatus(messageId: string, status: MessageStatus, at: string, error: MessageError | null) {
    return this.tx(() => this.applyStatusSync(messageId, status, at, error));
  }
  async applyProviderStatus(
    provider: ProviderName,
    providerMessageId: string,
    status: MessageStatus,
    at: string,
    error: MessageError | null,
  ) {
    return this.tx(() => {
      const m = this.get<{ id: string }>(
        'SELECT id FROM messages WHERE provider = ? AND provider_message_id = ?',
        provider,
        providerMessageId,
      );
      if (!m) {
        this.run(
          'INSERT INTO early_statuses (provider, provider_message_id, status, at, error) VALUES (?, ?, ?, ?, ?)',
          provider,
          providerMessageId,
          status,
          at,
          error ? JSON.stringify(error) : null,
        );
        return null;
      }
      return this.applyStatusSync(m.id, status, at, error);
    });
  }
  async setProviderId(messageId: string, providerMessageId: string) {
    this.run('UPDATE messages SET provider_message_id = ? WHERE id = ?', providerMessageId, messageId);
  }
  async takeEarlyStatuses(provider: ProviderName, providerMessageId: string) {
    return this.tx(() => {
      const rows = this.all(
        'SELECT * FROM early_statuses WHERE provider = ? AND provider_message_id = ? ORDER BY n',
        provider,
        providerMessageId,
      );
      this.run(
        'DELETE FROM early_statuses WHERE provider = ? AND provider_message_id = ?',
        provider,
        providerMessageId,
      );
      return rows.map((r) => ({
        status: r.status as MessageStatus,
        at: r.at as string,
        error: json<MessageError | null>(r.error, null),
      }));
    });
  }

  // ---- templates ---------------------------------------------------------------------------
  private templateFrom = (r: Row): TemplateRecord => ({
    id: r.id,
    channel: r.channel,
    name: r.name,
    body: r.body,
    params: json(r.params, []),
    category: r.category ?? null,
    language: r.language ?? null,
    status: r.status ?? null,
    availableInConverse: !!r.available,
    updatedAt: r.updated_at,
  });
  async upsertTemplate(t: Omit<TemplateRecord, 'id' | 'updatedAt'> & { id?: string }, at: string) {
    const id = t.id ?? newId('tpl');
    this.run(
      `INSERT INTO templates (id, channel, name, body, params, category, language, status, available, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, name = excluded.name, body = excluded.body, params = excluded.params,
      category = excluded.category, language = excluded.language, status = excluded.status, available = excluded.available, updated_at = excluded.updated_at`,
      id,
      t.channel,
      t.name,
      t.body,
      JSON.stringify(t.params),
      t.category,
      t.language,
      t.status,
      t.availableInConverse ? 1 : 0,
      at,
    );
    return (await this.getTemplate(id))!;
  }
  async deleteTemplate(id: string) {
    return this.run('DELETE FROM templates WHERE id = ?', id).changes > 0;
  }
  async listTemplates(channel: Channel | null) {
    return this.all(
      'SELECT * FROM templates WHERE (? IS NULL OR channel = ?) ORDER BY channel, name',
      channel,
      channel,
    ).map(this.templateFrom);
  }
  async getTemplate(id: string) {
    const r = this.get('SELECT * FROM templates WHERE id = ?', id);
    return r ? this.templateFrom(r) : null;
  }

  // ---- attachments -------------------------------------------------------------------------
  async createAttachment(a: Omit<AttachmentRecord, 'createdAt'>, at: string) {
    this.run(
      'INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, blocked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      a.id,
      a.fileName,
      a.mimeType,
      a.size,
      a.kind,
      a.path,
      a.uploadedBy,
      at,
      a.blocked ?? null,
    );
    return { ...a, createdAt: at };
  }
  async getAttachment(id: string) {
    const r = this.get('SELECT * FROM attachments WHERE id = ?', id);
    return r ? this.attachmentFrom(r) : null;
  }
  private attachmentFrom(r: Row): AttachmentRecord {
    return {
      id: r.id,
      fileName: r.file_name,
      mimeType: r.mime_type,
      size: r.size,
      kind: r.kind,
      path: r.path,
      uploadedBy: r.uploaded_by ?? null,
      createdAt: r.created_at,
      unfetched: unfetchedFrom(r.fetch_source, r.fetch_attempts, r.next_fetch_at),
      blocked: r.blocked ?? null,
    };
  }
  async createUnfetchedAttachment(
    a: Omit<AttachmentRecord, 'createdAt' | 'path' | 'size' | 'unfetched'>,
    source: UnfetchedMedia['source'],
    nextFetchAt: string | null,
    at: string,
  ) {
    this.run(
      `INSERT INTO attachments (id, file_name, mime_type, size, kind, path, uploaded_by, created_at, fetch_source, fetch_attempts, next_fetch_at)
      VALUES (?, ?, ?, 0, ?, '', ?, ?, ?, 1, ?)`,
      a.id,
      a.fileName,
      a.mimeType,
      a.kind,
      a.uploadedBy,
      at,
      JSON.stringify(source),
      nextFetchAt,
    );
    return (await this.getAttachment(a.id))!;
  }
  async recordFetchFailure(id: string, nextFetchAt: string | null) {
    return this.tx(() => {
      this.run(
        'UPDATE attachments SET fetch_attempts = fetch_attempts + 1, next_fetch_at = ? WHERE id = ? AND fetch_source IS NOT NULL',
        nextFetchAt,
        id,
      );
      return this.messagesWithAttachmentSync(id);
    });
  }
  private messagesWithAttachmentSync(id: string) {
    return this.all(`${this.messageSql} WHERE m.attachment_id = ? ORDER BY m.seq`, id).map((r) => this.messageFrom(r));
  }
  async completeFetch(
    id: string,
    file: {
      fileName: string;
      mimeType: string;
      size: number;
      kind: AttachmentRecord['kind'];
      path: string;
      blocked?: AttachmentRecord['blocked'];
    },
  ) {
    return this.tx(() => {
      this.run(
        `UPDATE attachments SET file_name = ?, mime_type = ?, size = ?, kind = ?, path = ?, blocked = ?, fetch_source = NULL, next_fetch_at = NULL
        WHERE id = ? AND fetch_source IS NOT NULL`,
        file.fileName,
        file.mimeType,
        file.size,
        file.kind,
        file.path,
        file.blocked ?? null,
        id,
      );
      return this.messagesWithAttachmentSync(id);
    });
  }
  async unfetchedAttachments() {
    return this.all(
      'SELECT * FROM attachments WHERE fetch_source IS NOT NULL AND next_fetch_at IS NOT NULL ORDER BY next_fetch_at',
    ).map((r) => this.attachmentFrom(r));
  }
  async attachmentLeadIds(id: string) {
    return this.all<{ lead_id: string }>('SELECT DISTINCT lead_id FROM messages WHERE attachment_id = ?', id).map(
      (r) => r.lead_id,
    );
  }
  async unsentUploads(userId: string) {
    const r = this.get<{ n: number; bytes: number }>(
      `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM attachments a
      WHERE a.uploaded_by = ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)`,
      userId,
    )!;
    return { count: r.n, bytes: r.bytes };
  }
  async deleteUnsentUploads(before: string, limit: number) {
    // One transaction: a message that takes the upload between the select and the delete cannot exist.
    return this.tx(() => {
      const gone = this.all<{ id: string; path: string }>(
        `SELECT id, path FROM attachments a
        WHERE a.uploaded_by IS NOT NULL AND a.created_at < ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)
        ORDER BY a.created_at LIMIT ?`,
        before,
        limit,
      );
      for (const g of gone) this.run('DELETE FROM attachments WHERE id = ?', g.id);
      return gone;
    });
  }

  // ---- opt-outs ----------------------------------------------------------------------------
  async setOptOut(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string) {
    this.setOptOutSync(businessNumber, leadNumber, optedOut, keyword, at);
  }
  private setOptOutSync(businessNumber: string, leadNumber: string, optedOut: boolean, keyword: string, at: string) {
    this.run(
      `INSERT INTO opt_outs (business_number, lead_number, opted_out, keyword, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (business_number, lead_number) DO UPDATE SET opted_out = excluded.opted_out, keyword = excluded.keyword, updated_at = excluded.updated_at`,
      businessNumber,
      leadNumber,
      optedOut ? 1 : 0,
      keyword,
      at,
    );
  }
  async isOptedOut(businessNumber: string, leadNumber: string) {
    return !!this.get<{ o: number }>(
      'SELECT opted_out AS o FROM opt_outs WHERE business_number = ? AND lead_number = ?',
      businessNumber,
      leadNumber,
    )?.o;
  }
  async optedOutNumbers(numbers: string[]) {
    if (numbers.length === 0) return new Set<string>();
    const rows = this.db
      .prepare(
        `SELECT DISTINCT lead_number FROM opt_outs WHERE opted_out = 1 AND lead_number IN (${numbers.map(() => '?').join(',')})`,
      )
      .all(...numbers) as Row[];
    return new Set(rows.map((r) => r.lead_number as string));
  }

  // ---- nudges and usage --------------------------------------------------------------------
  private nudgeFrom = (r: Row): NudgeRecord => ({
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    entityType: r.entity_type,
    leadId: r.lead_id ?? null,
    conversationId: r.conversation_id ?? null,
    taskId: r.task_id ?? null,
    title: r.title,
    body: r.body,
    createdAt: r.created_at,
  });
  async addNudge(n: Omit<NudgeRecord, 'id'>, month: string) {
    return this.addNudgeSync(n, month);
  }
  private addNudgeSync(n: Omit<NudgeRecord, 'id'>, month: string): NudgeRecord {
    const id = newId('ndg');
    this.run(
      'INSERT INTO nudges (id, user_id, kind, entity_type, lead_id, conversation_id, task_id, title, body, created_at, month) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      n.userId,
      n.kind,
      n.entityType,
      n.leadId,
      n.conversationId,
      n.taskId,
      n.title,
      n.body,
      n.createdAt,
      month,
    );
    return { id, ...n };
  }
  async listNudges(userId: string, limit: number) {
    return this.all(
      'SELECT * FROM nudges WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      userId,
      limit,
    ).map(this.nudgeFrom);
  }
  async countNudges(months: string[], userId: string | null) {
    if (months.length === 0) return [];
    return this.db
      .prepare(
        `SELECT month, entity_type, COUNT(*) AS n FROM nudges WHERE month IN (${months.map(() => '?').join(',')}) AND (? IS NULL OR user_id = ?) GROUP BY month, entity_type`,
      )
      .all(...months, userId, userId)
      .map((r: any) => ({ month: r.month as string, entityType: r.entity_type as NudgeEntity, count: r.n as number }));
  }
  async bumpUsage(row: Omit<UsageCounterRow, 'count'>) {
    this.bumpUsageSync(row);
  }
  private bumpUsageSync(row: Omit<UsageCounterRow, 'count'>) {
    this.run(
      `INSERT INTO usage_counters (month, user_id, provider, channel, direction, count) VALUES (?, ?, ?, ?, ?, 1)
      ON CONFLICT (month, user_id, provider, channel, direction) DO UPDATE SET count = count + 1`,
      row.month,
      row.userId,
      row.provider,
      row.channel,
      row.direction,
    );
  }
  async usage(months: string[], userId: string | null) {
    if (months.length === 0) return [];
    return this.db
      .prepare(`SELECT * FROM usage_counters WHERE month IN (${months.map(() => '?').join(',')}) AND user_id = ?`)
      .all(...months, userId ?? '')
      .map((r: any) => ({
        month: r.month,
        userId: r.user_id,
        provider: r.provider,
        channel: r.channel,
        direction: r.direction,
        count: r.count,
      }));
  }

  // ---- event log ---------------------------------------------------------------------------
  async appendEvents(items: { userId: string; event: StreamEvent }[], at: string): Promise<AppendedEvent[]> {
    if (items.length === 0) return [];
    return this.tx(() => items.map(({ userId, event }) => this.appendSync(userId, event, at)));
  }
  private appendSync(userId: string, event: StreamEvent, at: string): AppendedEvent {
    const seq = this.get<{ s: number }>(
      'UPDATE users SET head_seq = head_seq + 1 WHERE id = ? RETURNING head_seq AS s',
      userId,
    )!.s;
    this.run(
      'INSERT INTO events (user_id, seq, at, payload) VALUES (?, ?, ?, ?)',
      userId,
      seq,
      at,
      JSON.stringify(event),
    );
    return { userId, seq, at, event };
  }
  async eventsAfter(userId: string, afterSeq: number, limit: number): Promise<SequencedEvent[]> {
    return this.all<{ seq: number; at: string; payload: string }>(
      'SELECT seq, at, payload FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      userId,
      afterSeq,
      limit,
    ).map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.payload) as StreamEvent }));
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
    for (const r of this.st(
      'SELECT seq, at, payload FROM events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).iterate(userId, afterSeq, limit) as Iterable<{ seq: number; at: string; payload: string }>) {
      const json = `{"seq":${r.seq},"at":${JSON.stringify(r.at)},"event":${r.payload}}`;
      chars += json.length + 1;
      if (out.length > 0 && chars > maxChars) break;
      out.push({ seq: r.seq, json });
    }
    return out;
  }
  async leadIdsInLog(userId: string) {
    const ids = new Set<string>();
    for (const r of this.all<{ payload: string }>(
      `SELECT payload FROM events WHERE user_id = ? AND payload LIKE '{"type":"lead.upserted"%'`,
      userId,
    )) {
      ids.add((JSON.parse(r.payload) as { lead: { id: string } }).lead.id);
    }
    return [...ids];
  }
  async rewriteLeadEvents(userId: string, views: Map<string, LeadView | null>) {
    return this.tx(() => {
      let n = 0;
      const rows = this.all<{ seq: number; payload: string }>(
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
        this.run('UPDATE events SET payload = ? WHERE user_id = ? AND seq = ?', JSON.stringify(event), userId, r.seq);
        n++;
      }
      return n;
    });
  }
  async headSeq(userId: string) {
    return this.get<{ s: number }>('SELECT head_seq AS s FROM users WHERE id = ?', userId)?.s ?? 0;
  }
  async recordAck(userId: string, deviceId: string, seq: number, at: string) {
    this.run(
      `INSERT INTO devices (user_id, device_id, acked_seq, last_seen_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, device_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq), last_seen_at = excluded.last_seen_at`,
      userId,
      deviceId,
      seq,
      at,
    );
  }

  // ---- webhook inbox -----------------------------------------------------------------------
  saveWebhookSync(provider: ProviderName, body: Buffer, headers: Record<string, string>, at: string): SavedWebhook {
    const id = newId('wh');
    this.run(
      'INSERT INTO webhook_inbox (id, provider, body, headers, received_at) VALUES (?, ?, ?, ?, ?)',
      id,
      provider,
      body,
      JSON.stringify(headers),
      at,
    );
    return { id, provider, body, headers, receivedAt: new Date(at) };
  }
  pendingWebhooksSync(): SavedWebhook[] {
    return this.all('SELECT * FROM webhook_inbox WHERE processed_at IS NULL ORDER BY received_at, rowid').map((r) => ({
      id: r.id,
      provider: r.provider,
      body: r.body as Buffer,
      headers: json(r.headers, {}),
      receivedAt: new Date(r.received_at),
    }));
  }
  markWebhookProcessedSync(id: string, at: string, error?: string) {
    this.run('UPDATE webhook_inbox SET processed_at = ?, error = ? WHERE id = ?', at, error ?? null, id);
  }
}
