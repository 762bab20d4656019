// The one access gate. Every route, the stream gateway, the reports and attachment downloads ask
// here whether a user may see a lead; the rule itself and its SQL are server/storage/lead-scope.ts.
// What a user may not see answers exactly like what does not exist (404 "not visible to you"),
// so probing ids tells a rep nothing.
import { parseConversationId, type Channel } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import { leadScope, wholeWorkspace, type LeadScope } from '../storage/lead-scope';
import type { AttachmentRecord, LeadRecord, Store, UserRecord } from '../storage/store';

export { leadScope, wholeWorkspace, type LeadScope };

type Viewer = Pick<UserRecord, 'id' | 'role'>;

export const notVisibleMessage = (what: string) => `${what} does not exist or is not visible to you.`;

/** A lead (conversation, attachment) the user may not see, or that does not exist: HTTP 404. */
export class NotVisibleError extends Error {
  readonly status = 404;
  readonly code = ErrorCode.NOT_FOUND;
  constructor(what: string) {
    super(notVisibleMessage(what));
    this.name = 'NotVisibleError';
  }
}

/** Whether the user sees the whole workspace (admins) rather than their own leads. */
export const seesWholeWorkspace = (viewer: Viewer) => leadScope(viewer).kind === 'workspace';

export function canSeeLead(store: Pick<Store, 'leadInScope'>, viewer: Viewer, leadId: string): Promise<boolean> {
  return store.leadInScope(leadScope(viewer), leadId);
}

/** The lead, if the user may see it; otherwise NotVisibleError naming `what`. */
export async function requireLeadAccess(
  store: Pick<Store, 'leadInScope' | 'getLead'>,
  viewer: Viewer,
  leadId: string,
  what = 'This lead',
): Promise<LeadRecord> {
  const lead = (await canSeeLead(store, viewer, leadId)) ? await store.getLead(leadId) : null;
  if (!lead) throw new NotVisibleError(what);
  return lead;
}

/** A conversation id the user may see, split into its lead and channel; otherwise NotVisibleError. */
export async function requireConversationAccess(
  store: Pick<Store, 'leadInScope'>,
  viewer: Viewer,
  conversationId: string,
): Promise<{ leadId: string; channel: Channel }> {
  const ids = parseConversationId(conversationId);
  if (!ids || !(await canSeeLead(store, viewer, ids.leadId))) throw new NotVisibleError('This conversation');
  return ids;
}

/** The leads the user may see: a page of all of them, or those whose names match `tokens`. */
export function visibleLeads(
  store: Pick<Store, 'listLeads' | 'searchLeads'>,
  viewer: Viewer,
  q: { tokens?: string[]; fields?: ('first' | 'last')[]; limit: number; offset?: number },
): Promise<LeadRecord[]> {
  const scope = leadScope(viewer);
  return q.tokens && q.tokens.length > 0
    ? store.searchLeads({ tokens: q.tokens, scope, fields: q.fields ?? ['first', 'last'], limit: q.limit })
    : store.listLeads({ scope, limit: q.limit, offset: q.offset ?? 0 });
}

/** An attachment is the uploader's, and belongs to every lead it was sent to or received from. */
export async function requireAttachmentAccess(
  store: Pick<Store, 'leadInScope' | 'attachmentLeadIds'>,
  viewer: Viewer,
  attachment: AttachmentRecord,
): Promise<void> {
  if (attachment.uploadedBy === viewer.id || seesWholeWorkspace(viewer)) return;
  for (const leadId of await store.attachmentLeadIds(attachment.id))
    if (await canSeeLead(store, viewer, leadId)) return;
  throw new NotVisibleError('This attachment');
}
