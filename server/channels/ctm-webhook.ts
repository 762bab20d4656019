// CTM webhook body (shapes ASSUMED, see ctm-shapes.ts) to provider-neutral events.
import type { InboundMessage } from './connector';
import type { CtmConnector } from './ctm';
import { CtmWebhookBody, ctmStatusUpdate } from './ctm-shapes';
import { describeIssues, noEvents, type WebhookEvents } from './events';
import { normalisePhone } from '../../shared/phone';

const e164 = (raw: string): string => {
  const n = normalisePhone(raw);
  return n.ok ? n.e164 : raw;
};

export function ctmEvents(json: unknown, connector: Pick<CtmConnector, 'fetchAttachment'>): WebhookEvents {
  const events = noEvents();
  const parsed = CtmWebhookBody.safeParse(json);
  if (!parsed.success) {
    events.problems.push(`not a CTM texting event (${describeIssues(parsed.error.issues)})`);
    return events;
  }
  for (const e of parsed.data) {
    if (e.type === 'text.status') {
      events.statuses.push(ctmStatusUpdate(e));
      continue;
    }
    const base: Omit<InboundMessage, 'providerMessageId' | 'body' | 'media'> = {
      provider: 'ctm',
      channel: 'sms',
      from: e164(e.from),
      to: e164(e.to),
      profileName: null,
      receivedAt: new Date(e.created_at),
    };
    if (e.media.length === 0) {
      events.inbound.push({ ...base, providerMessageId: e.id, body: e.body, media: null });
      continue;
    }
    // One file per Converse message, as for RingCentral MMS.
    e.media.forEach((m, i) =>
      events.inbound.push({
        ...base,
        providerMessageId: i === 0 ? e.id : `${e.id}#${i + 1}`,
        body: i === 0 ? e.body : '',
        media: {
          mimeType: m.content_type.split(';')[0].trim(),
          fileName: m.file_name ?? null,
          caption: null,
          ref: m.url,
          fetch: () => connector.fetchAttachment(m.url),
        },
      }),
    );
  }
  return events;
}
