// Users, sessions and permission templates, and the workspace settings, on PostgreSQL: the
// UserStore part of the seam and Store's workspace methods, mirroring server/storage/sqlite.ts.
import type { MaskableLeadField, Role } from '../../../shared/domain';
import type { PermissionTemplateRecord, SessionRecord, Store, UserRecord } from '../store';
import type { UserStore } from '../user-store';
import { coalesced, coalescedById } from './coalesced';
import { json, newId, type Db, type Row } from './db';

type Workspace = Pick<Store, 'workspaceTimeZone' | 'setWorkspaceTimeZone' | 'takeRoundRobinTurn' | 'isEmpty'>;

const userFrom = (r: Row): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  active: !!r.active,
  passwordHash: r.password_hash,
  permissionTemplateId: r.permission_template_id ?? null,
  maskedFields: json<MaskableLeadField[]>(r.masked_fields ?? null, []),
  createdAt: r.created_at,
});
const sessionFrom = (r: Row): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at ?? null,
});
const ptFrom = (r: Row): PermissionTemplateRecord => ({
  id: r.id,
  name: r.name,
  maskedFields: json(r.masked_fields, []),
});

const USER_SQL =
  'SELECT u.*, p.masked_fields FROM users u LEFT JOIN permission_templates p ON p.id = u.permission_template_id';

/** The columns a user patch may set, as SQL column → value. */
function userColumns(patch: Parameters<UserStore['updateUser']>[1]): [string, unknown][] {
  const cols: [string, unknown][] = [];
  if (patch.name !== undefined) cols.push(['name', patch.name]);
  if (patch.role !== undefined) cols.push(['role', patch.role]);
  if (patch.active !== undefined) cols.push(['active', patch.active ? 1 : 0]);
  if (patch.passwordHash !== undefined) cols.push(['password_hash', patch.passwordHash]);
  if (patch.permissionTemplateId !== undefined) cols.push(['permission_template_id', patch.permissionTemplateId]);
  return cols;
}

export function workspaceStore(db: Db): Workspace {
  // Every inbound message reads it (the month its usage counts in).
  const timeZone = coalesced(async (keys: readonly 'workspace'[]) => {
    const { time_zone } = (await db.one<{ time_zone: string }>('SELECT time_zone FROM workspace WHERE id = 1'))!;
    return keys.map(() => time_zone);
  });
  return {
    workspaceTimeZone: () => timeZone('workspace'),
    async setWorkspaceTimeZone(timeZone) {
      await db.run('UPDATE workspace SET time_zone = $1 WHERE id = 1', [timeZone]);
    },
    async takeRoundRobinTurn(candidateIds) {
      if (candidateIds.length === 0) return null;
      // One statement: the row lock makes the turn atomic across nodes.
      const r = await db.one<{ t: number }>(
        'UPDATE workspace SET round_robin_turn = round_robin_turn + 1 WHERE id = 1 RETURNING round_robin_turn - 1 AS t',
      );
      return candidateIds[r!.t % candidateIds.length]!;
    },
    async isEmpty() {
      return !(await db.one('SELECT 1 FROM users LIMIT 1'));
    },
  };
}

export function userStore(db: Db): UserStore {
  const getUser = coalescedById(db, `${USER_SQL} WHERE u.id = ANY($1)`, userFrom);
  // Every open stream's session is checked at each heartbeat (server/stream/gateway.ts).
  const getSession = coalescedById(db, 'SELECT * FROM sessions WHERE id = ANY($1)', sessionFrom);
  return {
    async createUser(u) {
      const id = newId('usr');
      await db.run(
        'INSERT INTO users (id, email, name, role, password_hash, permission_template_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [
          id,
          u.email.trim().toLowerCase(),
          u.name,
          u.role,
          u.passwordHash,
          u.permissionTemplateId ?? null,
          new Date().toISOString(),
        ],
      );
      return (await getUser(id))!;
    },
    async updateUser(id, patch) {
      const cols = userColumns(patch);
      if (cols.length)
        await db.run(
          `UPDATE users SET ${cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')} WHERE id = $${cols.length + 1}`,
          [...cols.map(([, v]) => v), id],
        );
      return getUser(id);
    },
    getUser,
    async getUserByEmail(email) {
      const r = await db.one(`${USER_SQL} WHERE lower(u.email) = $1`, [email.trim().toLowerCase()]);
      return r ? userFrom(r) : null;
    },
    async listUsers() {
      return (await db.rows(`${USER_SQL} ORDER BY u.created_at, u.id`)).map(userFrom);
    },
    async createSession(userId, tokenHash, expiresAt) {
      const id = newId('ses');
      await db.run(
        'INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [id, userId, tokenHash, new Date().toISOString(), expiresAt],
      );
      return { id, userId, expiresAt, revokedAt: null };
    },
    async sessionByTokenHash(tokenHash) {
      const r = await db.one('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]);
      return r ? sessionFrom(r) : null;
    },
    getSession,
    async revokeSession(id, at) {
      await db.run('UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    },
    async revokeUserSessions(userId, at) {
      const rows = await db.rows<{ id: string }>(
        'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL RETURNING id',
        [at, userId],
      );
      return rows.map((r) => r.id);
    },
    async createPermissionTemplate(name, maskedFields) {
      const id = newId('pt');
      await db.run('INSERT INTO permission_templates (id, name, masked_fields) VALUES ($1, $2, $3)', [
        id,
        name,
        JSON.stringify(maskedFields),
      ]);
      return { id, name, maskedFields };
    },
    async updatePermissionTemplate(id, patch) {
      const r = await db.one(
        `UPDATE permission_templates SET name = coalesce($2, name), masked_fields = coalesce($3, masked_fields)
        WHERE id = $1 RETURNING *`,
        [id, patch.name ?? null, patch.maskedFields !== undefined ? JSON.stringify(patch.maskedFields) : null],
      );
      return r ? ptFrom(r) : null;
    },
    async listPermissionTemplates() {
      return (await db.rows('SELECT * FROM permission_templates ORDER BY name')).map(ptFrom);
    },
  };
}
