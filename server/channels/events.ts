// What one webhook delivery means, provider-neutral: the messages leads sent, the status
// changes of messages we sent, and what in the payload could not be understood (kept as the
// webhook's processing error; the rest of a batch is still applied).
import type { InboundMessage, StatusUpdate } from './connector';

export interface WebhookEvents {
  inbound: InboundMessage[];
  statuses: StatusUpdate[];
  problems: string[];
}

export const noEvents = (): WebhookEvents => ({ inbound: [], statuses: [], problems: [] });

/** A zod issue list in one short line, for a processing error. */
export const describeIssues = (issues: { path: PropertyKey[]; message: string }[]): string =>
  issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
