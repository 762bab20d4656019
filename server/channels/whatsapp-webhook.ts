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
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

const MessagesValue = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
  contacts: z
    .array(z.object({ profile: z.object({ name: z.string() }).partial().optional(), wa_id: z.string() }))
    .optional(),
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
  interactive: z
    .object({
      button_reply: z.object({ title: z.string() }).partial().optional(),
      list_reply: z.object({ title: z.string() }).partial().optional(),
    })
    .partial()
    .optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string(), address: z.string() })
    .partial()
    .optional(),
  // A shared contact card: only what the rep needs to read it is kept.
  contacts: z
    .array(
      z.object({
        name: z.object({ formatted_name: z.string() }).partial().optional(),
        phones: z.array(z.object({ phone: z.string() }).partial()).optional(),
      }),
    )
    .optional(),
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
type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (type: string): type is MediaType => (MEDIA_TYPES as readonly string[]).includes(type);
type MessagesValue = z.infer<typeof MessagesValue>;

function locationBody(m: Message): string | null {
  if (!m.location) return null;
  const where = [m.location.name, m.location.address].filter(Boolean).join(', ');
  return `📍 ${where ? `${where} ` : ''}(${m.location.latitude}, ${m.location.longitude})`;
}

function contactsBody(m: Message): string | null {
  if (!m.contacts?.length) return null;
  return m.contacts
    .map((c) => `👤 ${[c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' ')}`)
    .join('\n');
}

/** The text of each message type Converse reads; null: the type's object is missing. A file's text is
 * its caption, kept on the media. */
const BODY_OF: Record<string, (m: Message) => string | null> = {
  text: (m) => m.text?.body ?? '',
  button: (m) => m.button?.text ?? '',
  interactive: (m) => m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '',
  location: locationBody,
  contacts: contactsBody,
  ...Object.fromEntries(MEDIA_TYPES.map((type) => [type, () => ''])),
};

/** Text for message kinds Converse has no special view for, so the rep still sees that the lead wrote. */
function bodyOf(m: Message): string {
  const body = Object.hasOwn(BODY_OF, m.type) ? BODY_OF[m.type](m) : null;
  if (body !== null) return body;
  const why = m.errors?.[0]?.title;
  return `[${m.type} message${why ? `: ${why}` : ''}]`;
}

/** The file of an image, video, audio, document or sticker message, fetched from WhatsApp on demand. */
function mediaOf(
  media: z.infer<typeof Media> | undefined,
  connector: Pick<WhatsAppCloudConnector, 'fetchMedia'>,
): InboundMessage['media'] {
  if (!media) return null;
  return {
    mimeType: media.mime_type.split(';')[0].trim(),
    fileName: media.filename ?? null,
    caption: media.caption ?? null,
    ref: media.id,
    fetch: async () => (await connector.fetchMedia(media.id)).bytes,
  };
}

interface ChangeContext {
  events: WebhookEvents;
  value: MessagesValue;
  connector: Pick<WhatsAppCloudConnector, 'fetchMedia'>;
  receivedAt: Date;
}

/** One message of a change: an inbound message, nothing (reactions, system notices) or a problem. */
function readMessage(raw: unknown, i: number, c: ChangeContext): void {
  const parsed = Message.safeParse(raw);
  if (!parsed.success) {
    c.events.problems.push(`message ${i}: ${describeIssues(parsed.error.issues)}`);
    return;
  }
  const m = parsed.data;
  // A reaction is not a message to show, and system notices are not from the lead.
  if (m.type === 'reaction' || m.type === 'system') return;
  const media = isMediaType(m.type) ? m[m.type] : undefined;
  if (isMediaType(m.type) && !media) {
    c.events.problems.push(`message ${m.id}: type ${m.type} without its ${m.type} object`);
    return;
  }
  const v = c.value;
  const profile = v.contacts?.find((p) => p.wa_id === m.from) ?? v.contacts?.[0];
  c.events.inbound.push({
    provider: 'whatsapp',
    channel: 'whatsapp',
    providerMessageId: m.id,
    from: fromWhatsAppId(m.from),
    to: fromWhatsAppId(v.metadata.display_phone_number),
    body: bodyOf(m),
    profileName: profile?.profile?.name?.trim() || null,
    receivedAt: fromUnixSeconds(m.timestamp) ?? c.receivedAt,
    media: mediaOf(media, c.connector),
  });
}

/** Why WhatsApp could not deliver, in the product's codes. */
function failureOf(errors: z.infer<typeof WaError>[] | undefined): StatusUpdate['error'] {
  const e = errors?.[0];
  return {
    code: whatsAppErrorCode(e?.code),
    ...(e ? { providerCode: String(e.code) } : {}),
    message: e?.error_data?.details ?? e?.message ?? e?.title ?? 'WhatsApp could not deliver this message.',
  };
}

/** One status of a change: a status update, nothing (a status outside the model) or a problem. */
function readStatus(raw: unknown, i: number, c: ChangeContext): void {
  const parsed = Status.safeParse(raw);
  if (!parsed.success) {
    c.events.problems.push(`status ${i}: ${describeIssues(parsed.error.issues)}`);
    return;
  }
  const s = parsed.data;
  // Statuses outside the model (e.g. "deleted", "warning") move nothing; they are not errors.
  const status = KNOWN_STATUSES.find((k) => k === s.status);
  if (!status) return;
  const update: StatusUpdate = {
    provider: 'whatsapp',
    providerMessageId: s.id,
    status,
    at: fromUnixSeconds(s.timestamp) ?? c.receivedAt,
  };
  if (s.status === 'failed') update.error = failureOf(s.errors);
  c.events.statuses.push(update);
}

/** Events of one WhatsApp webhook body. Messages for another phone number of the same account are skipped. */
export function whatsAppEvents(
  json: unknown,
  phoneNumberId: string,
  connector: Pick<WhatsAppCloudConnector, 'fetchMedia'>,
  receivedAt: Date,
): WebhookEvents {
  const events = noEvents();
  const env = Envelope.safeParse(json);
  if (!env.success) {
    events.problems.push(`not a WhatsApp webhook (${describeIssues(env.error.issues)})`);
    return events;
  }

  for (const entry of env.data.entry) {
    for (const change of entry.changes) {
      // Template status updates, account alerts and the like carry nothing for a conversation.
      if (change.field !== 'messages') continue;
      const value = MessagesValue.safeParse(change.value);
      if (!value.success) {
        events.problems.push(`entry ${entry.id}: ${describeIssues(value.error.issues)}`);
        continue;
      }
      if (value.data.metadata.phone_number_id !== phoneNumberId) continue;
      const c: ChangeContext = { events, value: value.data, connector, receivedAt };
      (value.data.messages ?? []).forEach((raw, i) => readMessage(raw, i, c));
      (value.data.statuses ?? []).forEach((raw, i) => readStatus(raw, i, c));
    }
  }
  return events;
}
