// Users, their sessions and the permission templates that mask lead fields for them, on SQLite.
import type { MaskableLeadField, Role } from '../../../shared/domain';
import type { PermissionTemplateRecord, SessionRecord, UserRecord } from '../records';
import type { UserStore } from '../user-store';
import { json, newId, type SqliteConnection } from './connection';

/** A `users` row joined with its permission template's masked fields. */
interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  active: number;
  permission_template_id: string | null;
  head_seq: number;
  created_at: string;
  masked_fields: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

interface PermissionTemplateRow {
  id: string;
  name: string;
  masked_fields: string;
}

const USER_SQL =
  'SELECT u.*, p.masked_fields FROM users u LEFT JOIN permission_templates p ON p.id = u.permission_template_id';

const userFrom = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  active: !!r.active,
  passwordHash: r.password_hash,
  permissionTemplateId: r.permission_template_id,
  maskedFields: json<MaskableLeadField[]>(r.masked_fields, []),
  createdAt: r.created_at,
});

const sessionFrom = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const templateFrom = (r: PermissionTemplateRow): PermissionTemplateRecord => ({
  id: r.id,
  name: r.name,
  maskedFields: json<MaskableLeadField[]>(r.masked_fields, []),
});

type UserPatch = Parameters<UserStore['updateUser']>[1];

/** The columns a user patch sets (active as 0/1). */
function userColumns(patch: UserPatch): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (patch.name !== undefined) cols.name = patch.name;
  if (patch.role !== undefined) cols.role = patch.role;
  if (patch.active !== undefined) cols.active = patch.active ? 1 : 0;
  if (patch.passwordHash !== undefined) cols.password_hash = patch.passwordHash;
  if (patch.permissionTemplateId !== undefined) cols.permission_template_id = patch.permissionTemplateId;
  return cols;
}

export class SqliteUsers implements UserStore {
  constructor(private readonly c: SqliteConnection) {}

  async createUser(u: Parameters<UserStore['createUser']>[0]) {
    const id = newId('usr');
    this.c.run(
      'INSERT INTO users (id, email, name, role, password_hash, permission_template_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      u.email.trim().toLowerCase(),
      u.name,
      u.role,
      u.passwordHash,
      u.permissionTemplateId ?? null,
      new Date().toISOString(),
    );
    return this.userSync(id)!;
  }
  async updateUser(id: string, patch: UserPatch) {
    const cols = userColumns(patch);
    const keys = Object.keys(cols);
    if (keys.length)
      this.c.runOnce(
        `UPDATE users SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`,
        ...keys.map((k) => cols[k]),
        id,
      );
    return this.userSync(id);
  }
  private userSync(id: string): UserRecord | null {
    const r = this.c.get<UserRow>(`${USER_SQL} WHERE u.id = ?`, id);
    return r ? userFrom(r) : null;
  }
  async getUser(id: string) {
    return this.userSync(id);
  }
  async getUserByEmail(email: string) {
    const r = this.c.get<UserRow>(`${USER_SQL} WHERE u.email = ?`, email.trim().toLowerCase());
    return r ? userFrom(r) : null;
  }
  async listUsers() {
    return this.c.all<UserRow>(`${USER_SQL} ORDER BY u.created_at, u.id`).map(userFrom);
  }

  async createSession(userId: string, tokenHash: string, expiresAt: string): Promise<SessionRecord> {
    const id = newId('ses');
    this.c.run(
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
    const r = this.c.get<SessionRow>('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return r ? sessionFrom(r) : null;
  }
  async getSession(id: string) {
    const r = this.c.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', id);
    return r ? sessionFrom(r) : null;
  }
  async revokeSession(id: string, at: string) {
    this.c.run('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id);
  }
  async revokeUserSessions(userId: string, at: string) {
    return this.c.tx(() => {
      const ids = this.c
        .all<{ id: string }>('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL', userId)
        .map((r) => r.id);
      this.c.run('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', at, userId);
      return ids;
    });
  }

  async createPermissionTemplate(name: string, maskedFields: MaskableLeadField[]) {
    const id = newId('pt');
    this.c.run(
      'INSERT INTO permission_templates (id, name, masked_fields) VALUES (?, ?, ?)',
      id,
      name,
      JSON.stringify(maskedFields),
    );
    return { id, name, maskedFields };
  }
  async updatePermissionTemplate(id: string, patch: Partial<{ name: string; maskedFields: MaskableLeadField[] }>) {
    if (patch.name !== undefined) this.c.run('UPDATE permission_templates SET name = ? WHERE id = ?', patch.name, id);
    if (patch.maskedFields !== undefined)
      this.c.run(
        'UPDATE permission_templates SET masked_fields = ? WHERE id = ?',
        JSON.stringify(patch.maskedFields),
        id,
      );
    const r = this.c.get<PermissionTemplateRow>('SELECT * FROM permission_templates WHERE id = ?', id);
    return r ? templateFrom(r) : null;
  }
  async listPermissionTemplates() {
    return this.c.all<PermissionTemplateRow>('SELECT * FROM permission_templates ORDER BY name').map(templateFrom);
  }
}
