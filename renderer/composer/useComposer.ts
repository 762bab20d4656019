// The composer's state and the one question asked of it: may this be sent now, and if not, why
// (shared/send-rules.ts, the rules the core and the server apply too).
import { useRef, useState } from 'react';
import type { Channel, LeadView, PhoneView } from '../../shared/domain';
import { captionAllowed } from '../../shared/attachment-policy';
import { isServiceWindowOpen } from '../../shared/service-window';
import { refuseSend, type SendRefusal } from '../../shared/send-rules';
import { useChat } from '../state/chatStore';
import { useNow } from './ServiceWindowBanner';
import type { PickedTemplate } from './TemplatePicker';
import { useAttachmentDraft } from './useAttachmentDraft';

export interface ComposerInput {
  lead: LeadView;
  channel: Channel;
  phone: PhoneView | null;
  windowClosesAt: string | null | undefined;
}

/** Refusals about the number or the channel: nothing at all can be sent, so the box is closed. */
const NUMBER_CODES: readonly string[] = ['no_phone', 'not_us_number', 'invalid_number', 'opted_out'];

/** The conversation's unsent text: kept per conversation, so switching away and back loses nothing typed. */
function useDraftText(draftKey: string) {
  const [text, setTextState] = useState(() => useChat.getState().drafts[draftKey] ?? '');
  const setText = (v: string) => {
    setTextState(v);
    useChat.getState().setDraft(draftKey, v);
  };
  return [text, setText] as const;
}

type AttachmentDraft = ReturnType<typeof useAttachmentDraft>['draft'];

/** What the box holds becomes what is sent. A WhatsApp template is sent as itself; an SMS template
 * simply becomes the text. One box: the message, or the caption of an image or video; a document
 * goes without text. */
function composedMessage(channel: Channel, template: PickedTemplate | null, text: string, draft: AttachmentDraft) {
  const waTemplate = channel === 'whatsapp' ? template : null;
  const smsTemplateId = channel === 'sms' && template && template.text === text ? template.template.id : undefined;
  const captioned = draft !== null && captionAllowed(draft.kind);
  const body = waTemplate ? waTemplate.text : draft ? '' : text;
  const caption = captioned && text.trim() ? text.trim() : undefined;
  return { waTemplate, smsTemplateId, captioned, body, caption };
}
type ComposedMessage = ReturnType<typeof composedMessage>;

/** The composed message asked of the shared send rules. */
const composedRefusal = (
  { channel, phone }: Pick<ComposerInput, 'channel' | 'phone'>,
  windowOpen: boolean,
  m: ComposedMessage,
  draft: AttachmentDraft,
): SendRefusal | null =>
  refuseSend({
    channel,
    to: phone ? { cannotReach: phone.cannotReach, smsOptedOut: phone.smsOptedOut } : null,
    windowOpen: channel === 'whatsapp' ? windowOpen : undefined,
    body: m.body,
    caption: m.caption,
    template: m.waTemplate !== null || m.smsTemplateId !== undefined,
    attachment: draft ? { kind: draft.kind } : null,
  });

/** What the refusal means for the controls: the box closed, Send off. */
function controls(
  refusal: SendRefusal | null,
  m: ComposedMessage,
  draft: AttachmentDraft,
  windowOpen: boolean,
  sending: boolean,
) {
  const blocked = refusal !== null && NUMBER_CODES.includes(refusal.code) ? refusal : null;
  const fileGoes = draft === null || draft.phase === 'ready' || draft.phase === 'waiting';
  const canSend = !sending && refusal === null && fileGoes;
  const boxDisabled = blocked !== null || !windowOpen || m.waTemplate !== null || (draft !== null && !m.captioned);
  return { blocked, canSend, boxDisabled };
}

export function useComposer({ lead, channel, phone, windowClosesAt }: ComposerInput) {
  const now = useNow();
  const [text, setText] = useDraftText(`${lead.id}:${channel}`);
  const [template, setTemplate] = useState<PickedTemplate | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ code: string | null; detail: string } | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const attach = useAttachmentDraft(channel);
  const draft = attach.draft;

  const windowOpen = channel !== 'whatsapp' || isServiceWindowOpen(windowClosesAt, now);
  const composed = composedMessage(channel, template, text, draft);
  const { waTemplate, smsTemplateId, captioned, body, caption } = composed;
  const refusal = composedRefusal({ channel, phone }, windowOpen, composed, draft);
  const { blocked, canSend, boxDisabled } = controls(refusal, composed, draft, windowOpen, sending);

  return {
    now,
    text,
    setText,
    template,
    setTemplate,
    sending,
    setSending,
    error,
    setError,
    textRef,
    attach,
    draft,
    windowOpen,
    waTemplate,
    smsTemplateId,
    captioned,
    body,
    caption,
    refusal,
    blocked,
    canSend,
    boxDisabled,
  };
}
export type ComposerState = ReturnType<typeof useComposer>;
