// What an inbound message changes besides itself, worked out before it is committed in one
// transaction: the lead's activities, the usage count, the live events and the nudges for the
// people who see the lead.
import type { InboundArrival, InboundOutcome, InboundReceipt, Store, UserRecord } from '../storage/store';
import type { Publisher } from '../domain/publisher';
import { leadName, nudgeView } from '../domain/views';
import { usageRowsOf } from '../reports/count-usage';
import { usageMonthOf } from '../reports/usage-month';

export interface OutcomeDeps {
  store: Store;
  publisher: Publisher;
  now: () => Date;
}

type Activity = InboundOutcome['activities'][number];
type Nudge = InboundOutcome['nudges'][number];

/** Everything an inbound message changes besides itself: activities, usage count, events, nudges. */
export async function inboundOutcome(
  { store, publisher, now }: OutcomeDeps,
  receipt: InboundReceipt,
  optOut: InboundArrival['optOut'],
): Promise<InboundOutcome> {
  const { message, lead, leadCreated } = receipt;

  // Asked together: on PostgreSQL, reads made at once share round trips (storage/postgres/coalesced.ts).
  const [tz, conv, owner] = await Promise.all([
    store.workspaceTimeZone(),
    store.getConversation(message.conversationId),
    leadCreated && lead.ownerId ? store.getUser(lead.ownerId) : null,
  ]);
  const activities = inboundActivities(receipt, owner, optOut);
  // Counted in the month the message arrived, whenever its outcome is committed.
  const usage = usageRowsOf(
    {
      at: new Date(message.createdAt),
      provider: message.provider ?? 'sandbox',
      channel: message.channel,
      direction: 'inbound',
      userId: lead.ownerId,
    },
    tz,
  );
  // The conversation is read once: the events and the nudges (its assignee) both need it. Those
  // nudged (the owner, the assignee) are among the lead's audience, read for the events.
  const [leadEvents, forMessage] = await Promise.all([
    leadCreated || optOut ? publisher.leadEvents(lead.id) : [],
    publisher.messageWithConversationFor(message, conv),
  ]);
  const events = [...leadEvents, ...forMessage.events];

  const nudgedAt = now();
  const month = usageMonthOf(nudgedAt, tz);
  const nudgedIds = new Set([lead.ownerId, conv?.assigneeId].filter((id): id is string => !!id));
  const viewers = new Map<string, UserRecord>();
  const nudges: Nudge[] = [];
  for (const viewer of forMessage.viewers) {
    if (!nudgedIds.has(viewer.id)) continue;
    viewers.set(viewer.id, viewer);
    nudges.push(...nudgesFor(viewer, receipt, nudgedAt).map((nudge) => ({ month, nudge })));
  }
  return {
    activities,
    usage,
    events,
    nudges,
    nudgeEvent: (n) => ({ type: 'nudge', nudge: nudgeView(n, viewers.get(n.userId)!) }),
  };
}

function channelNameOf(receipt: InboundReceipt): string {
  return receipt.message.channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
}

/** The lead's history lines: a lead created, a conversation started, an SMS opt-out or opt-in. */
function inboundActivities(
  receipt: InboundReceipt,
  owner: UserRecord | null,
  optOut: InboundArrival['optOut'],
): Activity[] {
  const { message, lead } = receipt;
  const channelName = channelNameOf(receipt);
  const line = (type: Activity['type'], summary: string): Activity => ({
    leadId: lead.id,
    type,
    summary,
    at: message.createdAt,
    messageId: message.id,
  });
  const activities: Activity[] = [];
  if (receipt.leadCreated)
    activities.push(
      line(
        'lead.created',
        `Lead created from a ${channelName} message from an unknown number${owner ? `; assigned to ${owner.name}` : ''}.`,
      ),
    );
  if (receipt.conversationStarted)
    activities.push(line('conversation.started', `${channelName} conversation started by the lead.`));
  if (optOut) {
    const phone = lead.phones.find((p) => p.id === message.phoneId);
    // The number itself never goes into activity text: it may be masked for some readers.
    const label = phone?.label ? `${phone.label} number` : 'number';
    activities.push(
      optOut.optedOut
        ? line('sms.opted_out', `The lead's ${label} opted out of SMS (replied ${optOut.keyword}).`)
        : line('sms.opted_in', `The lead's ${label} opted back in to SMS (replied ${optOut.keyword}).`),
    );
  }
  return activities;
}

/** One viewer's nudges: "new lead assigned" when the message created the lead, and the message itself. */
function nudgesFor(viewer: UserRecord, receipt: InboundReceipt, nudgedAt: Date): Nudge['nudge'][] {
  const { message, lead } = receipt;
  const name = leadName(lead, viewer);
  const base = {
    userId: viewer.id,
    entityType: 'lead' as const,
    leadId: lead.id,
    conversationId: message.conversationId,
    taskId: null,
    createdAt: nudgedAt.toISOString(),
  };
  const preview = message.body || message.caption || '📎 Attachment';
  return [
    ...(receipt.leadCreated
      ? [
          {
            ...base,
            kind: 'assignment' as const,
            title: 'New lead assigned to you',
            body: `${name} wrote on ${channelNameOf(receipt)}.`,
          },
        ]
      : []),
    {
      ...base,
      kind: 'message' as const,
      title: name,
      body: preview.length > 140 ? `${preview.slice(0, 139)}…` : preview,
    },
  ];
}
