// RingCentral webhook notifications, parsed with zod. Two event filters matter:
//  - …/message-store/instant?type=SMS: an inbound SMS/MMS, pushed whole;
//  - …/message-store: "messages changed" (counts and, for new ones, ids). The status of an
//    outbound message is not in it, so it is read back from the message store.
import { z } from 'zod';
import type { InboundMessage, StatusUpdate } from './connector';
import type { RingCentralConnector } from './ringcentral';
import { RcId } from './ringcentral';
import { describeIssues, noEvents, type WebhookEvents } from './events';
import { normalisePhone } from '../../shared/phone';

const Envelope = z.object({
  uuid: z.string().optional(),
  event: z.string().min(1),
  timestamp: z.string().optional(),
  subscriptionId: z.string().optional(),
  body: z.unknown(),
});

const Party = z.object({ phoneNumber: z.string().min(1) }).loose();

const InstantSms = z.object({
  id: RcId,
  from: Party,
  to: z.array(Party).default([]),
  type: z.literal('SMS'),
  subject: z.string().default(''),
  creationTime: z.string().optional(),
  // Only the files are checked (FileAttachment): the "Text" part repeats the subject, and
  // RingCentral documents it with a relative uri.
  attachments: z.array(z.object({ type: z.string().optional() }).loose()).default([]),
  direction: z.literal('Inbound'),
  messageStatus: z.string().optional(),
});

/** An MMS file: fetched by its uri, so the uri must be absolute. */
const FileAttachment = z.object({ uri: z.string().url(), contentType: z.string().min(1), size: z.number().optional() });

const MessageEvent = z.object({
  lastUpdated: z.string().optional(),
  changes: z
    .array(
      z.object({
        type: z.string(),
        newCount: z.number().optional(),
        updatedCount: z.number().optional(),
        newMessageIds: z.array(RcId).optional(),
      }),
    )
    .default([]),
});

const isInstantSms = (event: string) => /\/message-store\/instant(\?|$)/.test(event);
const isMessageStore = (event: string) => /\/message-store(\?|$)/.test(event);

/** Clock skew between RingCentral and us: look a minute earlier than the event says. */
const CHANGE_MARGIN_MS = 60_000;

const e164 = (raw: string): string => {
  const n = normalisePhone(raw);
  return n.ok ? n.e164 : raw;
};

function inboundFrom(
  sms: z.infer<typeof InstantSms>,
  connector: Pick<RingCentralConnector, 'fetchAttachment'>,
  receivedAt: Date,
  problems: string[],
): InboundMessage[] {
  const created = sms.creationTime ? Date.parse(sms.creationTime) : NaN;
  const base = {
    provider: 'ringcentral' as const,
    channel: 'sms' as const,
    from: e164(sms.from.phoneNumber),
    to: sms.to[0] ? e164(sms.to[0].phoneNumber) : null,
    profileName: null,
    receivedAt: Number.isFinite(created) ? new Date(created) : receivedAt,
  };
  // The "Text" attachment repeats the subject; the others are the MMS files.
  const files: z.infer<typeof FileAttachment>[] = [];
  for (const [i, raw] of sms.attachments.entries()) {
    if (raw.type === 'Text') continue;
    const file = FileAttachment.safeParse(raw);
    // The text still arrives; only the file that cannot be fetched is reported.
    if (file.success) files.push(file.data);
    else problems.push(`instant SMS ${sms.id} attachment ${i}: ${describeIssues(file.error.issues)}`);
  }
  const mediaOf = (a: (typeof files)[number]) => ({
    mimeType: a.contentType.split(';')[0].trim(),
    fileName: null,
    caption: null,
    ref: a.uri,
    fetch: () => connector.fetchAttachment(a.uri),
  });
  if (files.length === 0) return [{ ...base, providerMessageId: sms.id, body: sms.subject, media: null }];
  // Converse carries one file per message: an MMS with several becomes several messages, the
  // text with the first; each gets its own stable id so a repeated webhook dedupes.
  return files.map((a, i) => ({
    ...base,
    providerMessageId: i === 0 ? sms.id : `${sms.id}#${i + 1}`,
    body: i === 0 ? sms.subject : '',
    media: mediaOf(a),
  }));
}

/** Events of one RingCentral notification; status changes are read back through the connector. */
export async function ringCentralEvents(
  json: unknown,
  connector: Pick<RingCentralConnector, 'fetchAttachment' | 'fetchStatus' | 'changedSince'>,
  receivedAt: Date,
): Promise<WebhookEvents> {
  const events = noEvents();
  const env = Envelope.safeParse(json);
  if (!env.success) {
    events.problems.push(`not a RingCentral notification (${describeIssues(env.error.issues)})`);
    return events;
  }
  const { event, body } = env.data;

  if (isInstantSms(event)) {
    const sms = InstantSms.safeParse(body);
    if (!sms.success) {
      events.problems.push(`instant SMS: ${describeIssues(sms.error.issues)}`);
      return events;
    }
    events.inbound.push(...inboundFrom(sms.data, connector, receivedAt, events.problems));
    return events;
  }

  if (isMessageStore(event)) {
    const change = MessageEvent.safeParse(body);
    if (!change.success) {
      events.problems.push(`message event: ${describeIssues(change.error.issues)}`);
      return events;
    }
    const sms = change.data.changes.filter((c) => c.type === 'SMS');
    const ids = [...new Set(sms.flatMap((c) => c.newMessageIds ?? []))];
    const updated = sms.some((c) => (c.updatedCount ?? 0) > 0 || ((c.newCount ?? 0) > 0 && !c.newMessageIds));
    const seen = new Set<string>();
    const add = (u: StatusUpdate | null) => {
      if (u && !seen.has(`${u.providerMessageId}:${u.status}`)) {
        seen.add(`${u.providerMessageId}:${u.status}`);
        events.statuses.push(u);
      }
    };
    for (const id of ids) {
      try {
        add(await connector.fetchStatus(id));
      } catch (err) {
        events.problems.push(`reading message ${id}: ${(err as Error).message}`);
      }
    }
    if (updated) {
      const last = change.data.lastUpdated ? Date.parse(change.data.lastUpdated) : NaN;
      const since = new Date((Number.isFinite(last) ? last : receivedAt.getTime()) - CHANGE_MARGIN_MS);
      try {
        for (const u of await connector.changedSince(since)) add(u);
      } catch (err) {
        events.problems.push(`reading changed messages: ${(err as Error).message}`);
      }
    }
    return events;
  }
  // Subscription renewals and other filters carry nothing for a conversation.
  return events;
}
