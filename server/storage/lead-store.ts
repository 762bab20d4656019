// Leads and their phone numbers, read by visibility (a LeadScope): one part of the storage seam
// (server/storage/store.ts).
import type { LeadRecord, NewLead, PhoneRecord } from './records';
import type { LeadScope } from './lead-scope';

export interface LeadStore {
  createLead(lead: NewLead, at: string): Promise<LeadRecord>;
  updateLead(id: string, patch: Partial<NewLead>, at: string): Promise<LeadRecord | null>;
  getLead(id: string): Promise<LeadRecord | null>;
  leadByPhone(e164: string): Promise<LeadRecord | null>;
  leadByExternalId(externalId: string): Promise<LeadRecord | null>;
  getPhone(id: string): Promise<PhoneRecord | null>;
  // Lead reads by visibility take a LeadScope (storage/lead-scope.ts); callers get it from server/domain/access.ts.
  /** Leads in scope whose first or last name matches every token (exact or prefix, normalised). */
  searchLeads(q: {
    tokens: string[];
    scope: LeadScope;
    fields: ('first' | 'last')[];
    limit: number;
  }): Promise<LeadRecord[]>;
  listLeads(q: { scope: LeadScope; limit: number; offset: number }): Promise<LeadRecord[]>;
  /** Whether the lead exists and is in scope. */
  leadInScope(scope: LeadScope, leadId: string): Promise<boolean>;
  /** Users who may see a lead (the rule read backwards): active admins, the owner, assignees of its conversations. */
  leadAudience(leadId: string): Promise<string[]>;
  /** Find or create the lead for an unknown number, unique on the number, in one transaction. */
  findOrCreateLeadByPhone(
    e164: string,
    make: () => { lead: NewLead },
    at: string,
  ): Promise<{ lead: LeadRecord; created: boolean }>;
}
