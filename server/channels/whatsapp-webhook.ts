// The WhatsApp Cloud API webhook payload (providers.md), parsed with zod: every entry, every
// change, every message and every status of a batch. One malformed item is reported and
// skipped; the others still count.
import { z } from 'zod';
import type { InboundMessage, StatusUpdate } from './connector';
import type { WhatsAppCloudConnector } from './whatsapp';
import { whatsAppErrorCode } from './whatsapp';
import { fromUnixSeconds } from './http';
import { describeIssues, noEvents, type WebhookEvents } from './events';
import { fromWhatsAppId } from '../../shared/phone';

const Envelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({
    id: z.string(),
    changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
  })),
});

const MessagesValue = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
  contacts: z.array(z.object({ profile: z.object({ name: z.string() }).partial().optional(), wa_id: z.string() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

const Media = z.object({
  id: z.string().min(1),
  mime_type: z.string().min(1),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const WaError = z.object({
  code: z.coerce.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string() }).partial().optional(),
});

const Message = z.object({
  from: z.string().regex(/^\d{6,15}$/, 'must be the sender number in digits'),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, 'must be unix seconds'),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  image: Media.optional(),
  video: Media.optional(),
  audio: Media.optional(),
  document: Media.optional(),
  sticker: Media.optional(),
  button: z.object({ text: z.string() }).partial().optional(),
  interactive: z.object({
    button_reply: z.object({ title: z.string() }).partial().optional(),
    list_reply: z.object({ title: z.string() }).partial().optional(),
  }).partial().optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string(), address: z.string() }).partial().optional(),
  // A shared contact card: only what the rep needs to read it is kept.
  contacts: z.array(z.object({
    name: z.object({ formatted_name: z.string() }).partial().optional(),
    phones: z.array(z.object({ phone: z.string() }).partial()).optional(),
  })).optional(),
  errors: z.array(WaError).optional(),
});
type Message = z.infer<typeof Message>;

const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
const Status = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, 'must be unix seconds'),
  recipient_id: z.string(),
  errors: z.array(WaError).optional(),
});

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

/** Text for message kinds Converse has no special view for, so the rep still sees that the lead wrote. */
function bodyOf(m: Message): string {
  if (m.type === 'text') return m.text?.body ?? '';
  if (m.type === 'button') return m.button?.text ?? '';
  if (m.type === 'interactive') return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '';
  if (m.type === 'location' && m.location) {
    const where = [m.location.name, m.location.address].filter(Boolean).join(', ');
    return `📍 ${where ? `${where} ` : ''}(${m.location.latitude}, ${m.location.longitude})`;
  }
  if (m.type === 'contacts' && m.contacts?.length) {
    return m.contacts.map((c) => `👤 ${[c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' ')}`).join('\n');
  }
  if ((MEDIA_TYPES as readonly string[]).includes(m.type)) return '';
  const why = m.errors?.[0]?.title;
  return `[${m.type} message${why ? `: ${why}` : ''}]`;
}

/** Events of one WhatsApp webhook body. Messages for another phone number of the same account are skipped. */
export function whatsAppEvents(json: unknown, phoneNumberId: string, connector: Pick<WhatsAppCloudConnector, 'fetchMedia'>, receivedAt: Date): WebhookEvents {
  const events = noEvents();
  const env = Envelope.safeParse(json);
  if (!env.success) { events.problems.push(`not a WhatsApp webhook (${describeIssues(env.error.issues)})`); return events; }

  for (const entry of env.data.entry) {
    for (const change of entry.changes) {
      // Template status updates, account alerts and the like carry nothing for a conversation.
      if (change.field !== 'messages') continue;
      const value = MessagesValue.safeParse(change.value);
      if (!value.success) { events.problems.push(`entry ${entry.id}: ${describeIssues(value.error.issues)}`); continue; }
      const v = value.data;
      if (v.metadata.phone_number_id !== phoneNumberId) continue;
      const to = fromWhatsAppId(v.metadata.display_phone_number);

      for (const [i, raw] of (v.messages ?? []).entries()) {
        const parsed = Message.safeParse(raw);
        if (!parsed.success) { events.problems.push(`message ${i}: ${describeIssues(parsed.error.issues)}`); continue; }
        const m = parsed.data;
        // A reaction is not a message to show, and system notices are not from the lead.
        if (m.type === 'reaction' || m.type === 'system') continue;
        const media = (MEDIA_TYPES as readonly string[]).includes(m.type) ? m[m.type as (typeof MEDIA_TYPES)[number]] : undefined;
        if ((MEDIA_TYPES as readonly string[]).includes(m.type) && !media) { events.problems.push(`message ${m.id}: type ${m.type} without its ${m.type} object`); continue; }
        const profile = v.contacts?.find((c) => c.wa_id === m.from) ?? v.contacts?.[0];
        const msg: InboundMessage = {
          provider: 'whatsapp',
          channel: 'whatsapp',
          providerMessageId: m.id,
          from: fromWhatsAppId(m.from),
          to,
          body: bodyOf(m),
          profileName: profile?.profile?.name?.trim() || null,
          receivedAt: fromUnixSeconds(m.timestamp) ?? receivedAt,
          media: media
            ? {
                mimeType: media.mime_type.split(';')[0].trim(),
                fileName: media.filename ?? null,
                caption: media.caption ?? null,
                ref: media.id,
                fetch: async () => (await connector.fetchMedia(media.id)).bytes,
              }
            : null,
        };
        events.inbound.push(msg);
      }

      for (const [i, raw] of (v.statuses ?? []).entries()) {
        const parsed = Status.safeParse(raw);
        if (!parsed.success) { events.problems.push(`status ${i}: ${describeIssues(parsed.error.issues)}`); continue; }
        const s = parsed.data;
        // Statuses outside the model (e.g. "deleted", "warning") move nothing; they are not errors.
        const status = KNOWN_STATUSES.find((k) => k === s.status);
        if (!status) continue;
        const update: StatusUpdate = { provider: 'whatsapp', providerMessageId: s.id, status, at: fromUnixSeconds(s.timestamp) ?? receivedAt };
        if (s.status === 'failed') {
          const e = s.errors?.[0];
          update.error = {
            code: whatsAppErrorCode(e?.code),
            ...(e ? { providerCode: String(e.code) } : {}),
            message: e?.error_data?.details ?? e?.message ?? e?.title ?? 'WhatsApp could not deliver this message.',
          };
        }
        events.statuses.push(update);
      }
    }
  }
  return events;
}
