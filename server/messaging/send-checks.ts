// What the server checks before a rep's send is stored: one small pure function per rule, run in
// order over the facts the pipeline read (send-pipeline.ts); the first answer wins. The channel
// rules the composer and the desktop's outbox also apply live in shared/send-rules.ts and are the
// last check here.
import type { Channel, MessageError } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import type { PhoneCheck } from '../../shared/phone';
import { checkSmsNumber, normalisePhone } from '../../shared/phone';
import { cannotReach, refuseSend } from '../../shared/send-rules';
import type { SendRequest } from '../../shared/stream-protocol';
import { fillTemplate, templateOffered, whatsAppTemplateParams } from '../../shared/template-fill';
import type { Connector, OutboundMessage } from '../channels/connector';
import type {
  AttachmentRecord,
  LeadRecord,
  MessageRecord,
  PhoneRecord,
  TemplateRecord,
  UserRecord,
} from '../storage/store';
import { leadView, scrubNumber, templateView } from '../domain/views';

export type SendResult = { ok: true; messageId: string; duplicate: boolean } | { ok: false; error: MessageError };

/** Everything the checks decide on, read by the pipeline; null where it does not exist or was not read
 * because an earlier fact already decides the send. */
export interface SendFacts {
  user: UserRecord;
  req: SendRequest;
  /** A message stored earlier under the same client id (a resend after a reconnect). */
  earlier: MessageRecord | null;
  /** null: the lead does not exist or the sender may not see it. */
  lead: LeadRecord | null;
  phone: PhoneRecord | null;
  connector: Connector | null;
  /** The number as the channel accepts it; null when there is no number or no connector. */
  number: PhoneCheck | null;
  /** The template asked for, when one was. */
  template: TemplateRecord | null;
  /** The attachment asked for, when one was. */
  attachment: AttachmentRecord | null;
  /** WhatsApp: whether the lead wrote in the last 24 hours; undefined for SMS. */
  windowOpen: boolean | undefined;
  smsOptedOut: boolean;
}

/** What goes out when every check passes: the text (a template filled with the sender's own view of
 * the lead, so a masked field stays masked) and the WhatsApp template call. */
export interface SendContent {
  body: string;
  templateName: string | null;
  template: OutboundMessage['template'];
}

export type SendCheck = (f: SendFacts) => SendResult | null;

const refuse = (code: string, message: string): SendResult => ({ ok: false, error: { code, message } });
const channelWord = (channel: Channel): string => (channel === 'sms' ? 'SMS' : 'WhatsApp');

/** The number the send goes to: the one asked for, or the lead's primary (else first) number. */
export const pickPhone = (lead: LeadRecord, to: string | null): PhoneRecord | null =>
  (to === null ? (lead.phones.find((p) => p.primary) ?? lead.phones[0]) : lead.phones.find((p) => p.id === to)) ?? null;

/** SMS goes to US numbers only; WhatsApp to any valid number. */
export const numberFor = (channel: Channel, e164: string): PhoneCheck =>
  channel === 'sms' ? checkSmsNumber(e164) : normalisePhone(e164);

const templateUsable = (t: TemplateRecord | null, channel: Channel): t is TemplateRecord =>
  t !== null && t.channel === channel && templateOffered(templateView(t));

export function contentOf(f: Pick<SendFacts, 'user' | 'req' | 'template'>, lead: LeadRecord): SendContent {
  const t = f.template;
  if (!f.req.templateId || !templateUsable(t, f.req.channel))
    return { body: f.req.body, templateName: null, template: undefined };
  const senderView = leadView(lead, f.user, new Set());
  const view = templateView(t);
  return {
    body: fillTemplate(view, senderView),
    templateName: t.name,
    template:
      t.channel === 'whatsapp'
        ? { name: t.name, language: t.language ?? 'en_US', params: whatsAppTemplateParams(view, senderView) }
        : undefined,
  };
}

/** A resend after a reconnect is answered with the stored message; the provider is never called again. */
const resend: SendCheck = ({ earlier, user }) => {
  if (!earlier) return null;
  if (earlier.authorUserId !== user.id)
    return refuse(ErrorCode.CONFLICT, 'This client id was already used for another message.');
  return { ok: true, messageId: earlier.id, duplicate: true };
};

const leadVisible: SendCheck = ({ lead }) =>
  lead ? null : refuse(ErrorCode.NOT_FOUND, 'This lead does not exist or is not visible to you.');

const phoneKnown: SendCheck = ({ phone, req }) =>
  phone
    ? null
    : refuse(
        ErrorCode.NO_PHONE,
        req.to === null ? 'This lead has no phone number.' : "This phone number is not one of the lead's numbers.",
      );

const connectorConfigured: SendCheck = ({ connector, req }) =>
  connector
    ? null
    : refuse(
        ErrorCode.CHANNEL_NOT_CONFIGURED,
        `No ${channelWord(req.channel)} connector is configured for this workspace.`,
      );

/** A masked sender never reads the number back in the refusal. */
const numberValid: SendCheck = ({ number, phone, user }) => {
  if (!number || number.ok) return null;
  return refuse(
    number.code,
    user.maskedFields.includes('phones') && phone ? scrubNumber(number.message, phone.e164) : number.message,
  );
};

const templateAvailable: SendCheck = ({ req, template }) => {
  if (!req.templateId || templateUsable(template, req.channel)) return null;
  return refuse(
    ErrorCode.TEMPLATE_NOT_AVAILABLE,
    req.channel === 'whatsapp'
      ? 'This WhatsApp template is not approved or not marked "Available in Converse".'
      : 'This SMS template is not available.',
  );
};

const attachmentFound: SendCheck = ({ req, attachment }) =>
  req.attachmentId && !attachment
    ? refuse(ErrorCode.NOT_FOUND, 'The attachment was not found; upload it again.')
    : null;

const attachmentOwned: SendCheck = ({ attachment, user }) =>
  attachment && attachment.uploadedBy !== user.id
    ? refuse(ErrorCode.FORBIDDEN, 'You can only send attachments you uploaded.')
    : null;

/** Every channel rule, the same ones the composer and the desktop's outbox apply. */
const channelRules: SendCheck = (f) => {
  if (!f.lead || !f.number?.ok || !f.connector) return null;
  const { req, attachment } = f;
  const content = contentOf(f, f.lead);
  const refused = refuseSend({
    channel: req.channel,
    to: { cannotReach: cannotReach(f.number.e164), smsOptedOut: f.smsOptedOut },
    windowOpen: f.windowOpen,
    body: content.body,
    template: content.templateName !== null,
    attachment: attachment ? { kind: attachment.kind, mimeType: attachment.mimeType, size: attachment.size } : null,
    caption: req.caption,
    connector: f.connector.name,
  });
  return refused ? refuse(refused.code, refused.message) : null;
};

/** In order: the first check with an answer decides the send. */
export const SEND_CHECKS: readonly SendCheck[] = [
  resend,
  leadVisible,
  phoneKnown,
  connectorConfigured,
  numberValid,
  templateAvailable,
  attachmentFound,
  attachmentOwned,
  channelRules,
];

/** The answer of the first check that has one; null: the send may be stored and delivered. */
export function checkSend(f: SendFacts): SendResult | null {
  for (const check of SEND_CHECKS) {
    const answer = check(f);
    if (answer) return answer;
  }
  return null;
}
