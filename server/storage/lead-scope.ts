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

/**
 * How an engine writes the rule's SQL: SQLite binds each `?` in turn and reads `1` as true;
 * PostgreSQL numbers its parameters (`$1`, used as often as needed) and wants TRUE.
 */
export interface SqlDialect {
  /** The placeholder of parameter `n` (1-based); `?` ignores it. */
  param(n: number): string;
  readonly true: string;
  /** Whether one numbered parameter may appear twice (else the value is bound once per use). */
  readonly numbered: boolean;
}
export const SQLITE_DIALECT: SqlDialect = { param: () => '?', true: '1', numbered: false };
export const POSTGRES_DIALECT: SqlDialect = { param: (n) => `$${n}`, true: 'TRUE', numbered: true };

/** The rule as a WHERE fragment over a lead aliased `l`, with the arguments it binds (from parameter `first`). */
export function leadScopeSql(
  scope: LeadScope,
  dialect: SqlDialect = SQLITE_DIALECT,
  first = 1,
): { sql: string; args: string[] } {
  if (scope.kind === 'workspace') return { sql: dialect.true, args: [] };
  const p = dialect.param(first);
  return {
    sql: `(l.owner_id = ${p} OR EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.assignee_id = ${p}))`,
    args: dialect.numbered ? [scope.userId] : [scope.userId, scope.userId],
  };
}

/**
 * The rule read backwards: the active users who see one lead (bound as parameter 1: once with
 * numbered parameters, twice with `?`). Three indexed lookups rather than a scan of every user.
 */
export function leadAudienceSql(dialect: SqlDialect = SQLITE_DIALECT): {
  sql: string;
  args: (leadId: string) => string[];
} {
  const p = dialect.param(1);
  return {
    sql: `SELECT id FROM users WHERE role = 'admin' AND active = 1
      UNION SELECT u.id FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = ${p} AND u.active = 1
      UNION SELECT u.id FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.lead_id = ${p} AND u.active = 1`,
    args: (leadId) => (dialect.numbered ? [leadId] : [leadId, leadId]),
  };
}

/**
 * The same rule for many leads in one statement (PostgreSQL): rows of (lead_id, id) for the lead
 * ids bound as a text[] in parameter 1. The rule's text is leadAudienceSql's, read per lead.
 */
export function leadsAudiencePostgresSql(): string {
  const perLead = leadAudienceSql({ ...POSTGRES_DIALECT, param: () => 'k.lead_id' }).sql;
  return `SELECT k.lead_id, a.id FROM unnest($1::text[]) AS k(lead_id) CROSS JOIN LATERAL (${perLead}) AS a`;
}
