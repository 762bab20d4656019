// The users, their sessions and the permission templates that mask lead fields for them: one part
// of the storage seam (server/storage/store.ts).
import type { MaskableLeadField, Role } from '../../shared/domain';
import type { PermissionTemplateRecord, SessionRecord, UserRecord } from './records';

export interface UserStore {
  createUser(u: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    permissionTemplateId?: string | null;
  }): Promise<UserRecord>;
  updateUser(
    id: string,
    patch: Partial<{
      name: string;
      role: Role;
      active: boolean;
      passwordHash: string;
      permissionTemplateId: string | null;
    }>,
  ): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  createSession(userId: string, tokenHash: string, expiresAt: string): Promise<SessionRecord>;
  sessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  getSession(id: string): Promise<SessionRecord | null>;
  revokeSession(id: string, at: string): Promise<void>;
  revokeUserSessions(userId: string, at: string): Promise<string[]>;
  createPermissionTemplate(name: string, maskedFields: MaskableLeadField[]): Promise<PermissionTemplateRecord>;
  updatePermissionTemplate(
    id: string,
    patch: Partial<{ name: string; maskedFields: MaskableLeadField[] }>,
  ): Promise<PermissionTemplateRecord | null>;
  listPermissionTemplates(): Promise<PermissionTemplateRecord[]>;
}
