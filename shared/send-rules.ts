// What may be sent, decided once for the composer (Send disabled, the reason shown before the rep
// types further), the desktop core's outbox (nothing doomed is queued) and the server's send
// pipeline (the rule that counts). Each side passes the facts it knows; a fact it does not know
// (undefined) is left to the server, which knows them all.
import type { AttachmentKind, Channel } from './domain';
import { checkAttachment, captionAllowed, type ConnectorName } from './attachment-policy';
import { ErrorCode } from './error-codes';
import { checkSmsNumber, normalisePhone } from './phone';

/** RingCentral caps a text at 1,000 characters and CTM at 800 in segments; 1,000 is the product's limit. */
export const SMS_MAX_CHARS = 1000;
/** WhatsApp Cloud API: a text body holds at most 4,096 characters. */
export const WHATSAPP_MAX_CHARS = 4096;
/** WhatsApp's caption limit, applied to every channel. */
export const CAPTION_MAX_CHARS = 1024;

export const maxBodyChars = (channel: Channel): number => (channel === 'sms' ? SMS_MAX_CHARS : WHATSAPP_MAX_CHARS);

export type SendRefusalCode =
  | typeof ErrorCode.NO_PHONE
  | typeof ErrorCode.NOT_US_NUMBER
  | typeof ErrorCode.INVALID_NUMBER
  | typeof ErrorCode.OPTED_OUT
  | typeof ErrorCode.WHATSAPP_WINDOW_CLOSED
  | typeof ErrorCode.INVALID_REQUEST
  | typeof ErrorCode.CAPTION_NOT_ALLOWED
  | typeof ErrorCode.EMPTY_MESSAGE
  | typeof ErrorCode.BODY_TOO_LONG
  | typeof ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED
  | typeof ErrorCode.ATTACHMENT_TOO_LARGE;

/** Why a send is refused: the code (the renderer's words are keyed by it), English for logs and
 * older clients, and the numbers a sentence needs (e.g. `{ max: 1000, length: 1005 }`). */
export interface SendRefusal {
  code: SendRefusalCode;
  message: string;
  values?: Record<string, number>;
}

/** A lead number as far as the rules care. */
export interface SendNumber {
  /** Channels that cannot reach it (see cannotReach); undefined: not known here. */
  cannotReach?: readonly Channel[];
  smsOptedOut?: boolean;
}

export interface SendDraft {
  channel: Channel;
  /** null: the lead has no number. */
  to: SendNumber | null;
  /** WhatsApp: whether the 24-hour service window is open; undefined: not known here. */
  windowOpen?: boolean;
  body: string;
  /** An approved template is sent (WhatsApp), or the text came from one (SMS). */
  template: boolean;
  attachment: { kind: AttachmentKind; mimeType?: string; size?: number } | null;
  caption?: string | null;
  /** The connector the attachment is checked against; undefined: type and size are not checked here. */
  connector?: ConnectorName;
}

/** Channels that cannot reach a number: SMS goes to US numbers only, WhatsApp to any valid number. */
export function cannotReach(e164: string): Channel[] {
  const out: Channel[] = [];
  if (!checkSmsNumber(e164).ok) out.push('sms');
  if (!normalisePhone(e164).ok) out.push('whatsapp');
  return out;
}

export const canReach = (n: SendNumber, channel: Channel): boolean => !(n.cannotReach ?? []).includes(channel);

/** The number to preselect for a channel: the primary if the channel reaches it, else the first it
 * reaches (an SMS to a lead whose primary number is in the UK goes to their US number), else the primary. */
export function preferredNumber<P extends SendNumber & { primary: boolean }>(
  numbers: readonly P[],
  channel: Channel,
): P | null {
  const ordered = [...numbers.filter((p) => p.primary), ...numbers.filter((p) => !p.primary)];
  return (
    ordered.find((p) => canReach(p, channel) && !(channel === 'sms' && p.smsOptedOut)) ??
    ordered.find((p) => canReach(p, channel)) ??
    ordered[0] ??
    null
  );
}

const refusal = (code: SendRefusalCode, message: string, values?: Record<string, number>): SendRefusal => ({
  code,
  message,
  ...(values ? { values } : {}),
});

/** A draft with a number to send to: every rule after the first may rely on it. */
type AddressedDraft = SendDraft & { to: SendNumber };
type SendRule = (d: AddressedDraft) => SendRefusal | null;

const smsReachesNumber: SendRule = (d) =>
  d.channel === 'sms' && !canReach(d.to, 'sms')
    ? refusal(ErrorCode.NOT_US_NUMBER, 'SMS is available for US numbers only; this number is not a US number.')
    : null;

const whatsAppReachesNumber: SendRule = (d) =>
  d.channel === 'whatsapp' && !canReach(d.to, 'whatsapp')
    ? refusal(ErrorCode.INVALID_NUMBER, 'This is not a valid phone number.')
    : null;

const smsNotOptedOut: SendRule = (d) =>
  d.channel === 'sms' && d.to.smsOptedOut
    ? refusal(
        ErrorCode.OPTED_OUT,
        'This number has opted out of SMS from us (it replied STOP). It can opt back in by texting START.',
      )
    : null;

const isWhatsAppTemplate = (d: SendDraft): boolean => d.channel === 'whatsapp' && d.template;

/** Outside the 24-hour window only an approved template may go. */
const whatsAppWindowOpen: SendRule = (d) =>
  d.channel === 'whatsapp' && !isWhatsAppTemplate(d) && d.windowOpen === false
    ? refusal(
        ErrorCode.WHATSAPP_WINDOW_CLOSED,
        'The 24-hour WhatsApp window is closed: the lead has not written in the last 24 hours. Send an approved template instead.',
      )
    : null;

const templateAlone: SendRule = (d) =>
  isWhatsAppTemplate(d) && d.attachment
    ? refusal(ErrorCode.INVALID_REQUEST, 'A template is sent on its own, without an attachment.')
    : null;

/** Type and size, only where the connector and both facts are known. */
const attachmentAccepted: SendRule = ({ attachment, connector }) => {
  if (!attachment || !connector || attachment.mimeType === undefined || attachment.size === undefined) return null;
  const check = checkAttachment(connector, attachment.mimeType, attachment.size);
  return check.ok ? null : refusal(check.code, check.message);
};

const captionFits: SendRule = ({ caption, attachment }) => {
  if (!caption) return null;
  if (!attachment) return refusal(ErrorCode.CAPTION_NOT_ALLOWED, 'A caption needs an image or video.');
  if (!captionAllowed(attachment.kind))
    return refusal(ErrorCode.CAPTION_NOT_ALLOWED, 'Captions go with images and videos only.');
  if (caption.length > CAPTION_MAX_CHARS)
    return refusal(ErrorCode.BODY_TOO_LONG, `A caption can have at most ${CAPTION_MAX_CHARS} characters.`, {
      max: CAPTION_MAX_CHARS,
      length: caption.length,
    });
  return null;
};

const somethingToSend: SendRule = (d) =>
  !d.body.trim() && !d.attachment && !d.template
    ? refusal(ErrorCode.EMPTY_MESSAGE, 'Type a message, pick a template or attach a file.')
    : null;

const bodyFits: SendRule = (d) => {
  const max = maxBodyChars(d.channel);
  if (d.body.length <= max) return null;
  return refusal(
    ErrorCode.BODY_TOO_LONG,
    `${d.channel === 'sms' ? 'SMS' : 'WhatsApp'} messages can have at most ${max} characters; this one has ${d.body.length}.`,
    { max, length: d.body.length },
  );
};

/** The rules in the order they are told: the number first, then the channel, then the content. */
const SEND_RULES: readonly SendRule[] = [
  smsReachesNumber,
  whatsAppReachesNumber,
  smsNotOptedOut,
  whatsAppWindowOpen,
  templateAlone,
  attachmentAccepted,
  captionFits,
  somethingToSend,
  bodyFits,
];

/** The first rule this send breaks, or null when it may go. */
export function refuseSend(d: SendDraft): SendRefusal | null {
  if (!d.to) return refusal(ErrorCode.NO_PHONE, 'This lead has no phone number.');
  const addressed: AddressedDraft = { ...d, to: d.to };
  for (const rule of SEND_RULES) {
    const refused = rule(addressed);
    if (refused) return refused;
  }
  return null;
}
