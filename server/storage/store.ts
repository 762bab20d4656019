// The storage seam. Handlers, the gateway and the channel sink talk only to this interface, so
// a PostgreSQL implementation can follow without touching them. Every method is one unit of
// work (one transaction) and is async, although the embedded SQLite implementation finishes
// synchronously: atomicity lives inside each method, never across two calls.
import type { UserStore } from './user-store';
import type { LeadStore } from './lead-store';
import type { ActivityStore } from './activity-store';
import type { CrmEventStore } from './crm-event-store';
import type { MessageStore } from './message-store';
import type { TemplateStore } from './template-store';
import type { AttachmentStore } from './attachment-store';
import type { OptOutStore } from './opt-out-store';
import type { UsageStore } from './usage-store';
import type { EventLogStore } from './event-log-store';
import type { WebhookInboxStore } from './webhook-inbox-store';

// The records are the seam's vocabulary; callers import them from here.
export type * from './records';

/** The whole seam: the workspace settings, plus one interface per aggregate. */
export interface Store
  extends
    UserStore,
    LeadStore,
    ActivityStore,
    CrmEventStore,
    MessageStore,
    TemplateStore,
    AttachmentStore,
    OptOutStore,
    UsageStore,
    EventLogStore,
    WebhookInboxStore {
  close(): Promise<void>;
  // workspace
  workspaceTimeZone(): Promise<string>;
  setWorkspaceTimeZone(timeZone: string): Promise<void>;
  /** Atomically take the next round-robin turn among the given user ids (kept in the database). */
  takeRoundRobinTurn(candidateIds: string[]): Promise<string | null>;
  isEmpty(): Promise<boolean>;
}
