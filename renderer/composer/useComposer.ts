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

export function useComposer({ lead, channel, phone, windowClosesAt }: ComposerInput) {
  const now = useNow();
  const draftKey = `${lead.id}:${channel}`;
  // Unsent text is kept per conversation, so switching away and back loses nothing typed.
  const [text, setTextState] = useState(() => useChat.getState().drafts[draftKey] ?? '');
  const setText = (v: string) => {
    setTextState(v);
    useChat.getState().setDraft(draftKey, v);
  };
  const [template, setTemplate] = useState<PickedTemplate | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ code: string | null; detail: string } | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const attach = useAttachmentDraft(channel);
  const draft = attach.draft;

  const windowOpen = channel !== 'whatsapp' || isServiceWindowOpen(windowClosesAt, now);
  // A WhatsApp template is sent as itself; an SMS template simply becomes the text.
  const waTemplate = channel === 'whatsapp' ? template : null;
  const smsTemplateId = channel === 'sms' && template && template.text === text ? template.template.id : undefined;
  // One box: the message, or the caption of an image or video; a document goes without text.
  const captioned = draft !== null && captionAllowed(draft.kind);
  const body = waTemplate ? waTemplate.text : draft ? '' : text;
  const caption = captioned && text.trim() ? text.trim() : undefined;

  const refusal: SendRefusal | null = refuseSend({
    channel,
    to: phone ? { cannotReach: phone.cannotReach, smsOptedOut: phone.smsOptedOut } : null,
    windowOpen: channel === 'whatsapp' ? windowOpen : undefined,
    body,
    caption,
    template: waTemplate !== null || smsTemplateId !== undefined,
    attachment: draft ? { kind: draft.kind } : null,
  });
  const blocked = refusal !== null && NUMBER_CODES.includes(refusal.code) ? refusal : null;
  const fileGoes = draft === null || draft.phase === 'ready' || draft.phase === 'waiting';
  const canSend = !sending && refusal === null && fileGoes;
  const boxDisabled = blocked !== null || !windowOpen || waTemplate !== null || (draft !== null && !captioned);

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
