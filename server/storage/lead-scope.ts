// The visibility rule, stated once: an admin sees every lead; anyone else sees the leads they
// own and those with a conversation assigned to them. Here as a scope (what server/domain/access.ts
// and the reports hand the store) and as the SQL every lead query filters by, with its reverse
// (who sees one lead). Nothing else in the server decides who sees a lead.
import type { Role } from '../../shared/domain';

/** Which leads a read may return: the whole workspace, or what one user owns or is assigned. */
export type LeadScope = { readonly kind: 'workspace' } | { readonly kind: 'user'; readonly userId: string };

const WORKSPACE: LeadScope = { kind: 'workspace' };

export function leadScope(viewer: { id: string; role: Role }): LeadScope {
  return viewer.role === 'admin' ? WORKSPACE : { kind: 'user', userId: viewer.id };
}

/** Every lead: for admin screens and the operator CLI, which are admin by construction. */
export const wholeWorkspace = (): LeadScope => WORKSPACE;

/** The rule as a WHERE fragment over a lead aliased `l`, with the arguments it binds. */
export function leadScopeSql(scope: LeadScope): { sql: string; args: string[] } {
  if (scope.kind === 'workspace') return { sql: '1', args: [] };
  return {
    sql: '(l.owner_id = ? OR EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.assignee_id = ?))',
    args: [scope.userId, scope.userId],
  };
}

/** The rule read backwards: the active users who see lead `?` (binds the lead id twice). Three indexed lookups rather than a scan of every user. */
export const LEAD_AUDIENCE_SQL = `SELECT id FROM users WHERE role = 'admin' AND active = 1
      UNION SELECT u.id FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = ? AND u.active = 1
      UNION SELECT u.id FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.lead_id = ? AND u.active = 1`;
