// Writing to a lead, with the channel's rules applied before anything is sent: a closed
// WhatsApp window allows templates only (no attachments, no emoji), an opted-out number cannot
// be texted, attachments are checked against the connector's policy, captions go with images
// and videos only. The server enforces the same rules; checking here tells the rep early.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel, LeadView, PhoneView } from '../../shared/domain';
import { acceptAttribute, captionAllowed } from '../../shared/attachment-policy';
import { isServiceWindowOpen } from '../../shared/service-window';
import { errorCode, errorMessage, invoke, newClientId } from '../converse';
import { useChat } from '../state/chatStore';
import { EmojiButton } from './EmojiButton';
import { ServiceWindowBanner, useNow } from './ServiceWindowBanner';
import { SmsCounter } from './SmsCounter';
import { TemplatePicker, type PickedTemplate } from './TemplatePicker';
import { connectorFor, useAttachmentDraft } from './useAttachmentDraft';
import { CloseIcon } from '../components/icons';

export interface ComposerProps {
  lead: LeadView;
  channel: Channel;
  /** The number this conversation goes to; null when the lead has none. */
  phone: PhoneView | null;
  /** WhatsApp: when the 24-hour window closes (null: closed). */
  windowClosesAt: string | null | undefined;
  dark?: boolean;
}

/** Why nothing at all can be sent, if so. */
function blockedReason(channel: Channel, phone: PhoneView | null): 'noPhone' | 'optedOut' | null {
  if (!phone) return 'noPhone';
  if (channel === 'sms' && phone.smsOptedOut) return 'optedOut';
  return null;
}

export function Composer({ lead, channel, phone, windowClosesAt, dark = false }: ComposerProps) {
  const { t } = useTranslation();
  const now = useNow();
  const draftKey = `${lead.id}:${channel}`;
  // Unsent text is kept per conversation, so switching away and back loses nothing typed.
  const [text, setTextState] = useState(() => useChat.getState().drafts[draftKey] ?? '');
  const setText = (v: string) => { setTextState(v); useChat.getState().setDraft(draftKey, v); };
  const [caption, setCaption] = useState('');
  const [template, setTemplate] = useState<PickedTemplate | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const attach = useAttachmentDraft(channel);

  const blocked = blockedReason(channel, phone);
  const windowOpen = channel !== 'whatsapp' || isServiceWindowOpen(windowClosesAt, now);
  const templatesOnly = !windowOpen;
  // A WhatsApp template is sent as itself; an SMS template simply becomes the text.
  const waTemplate = channel === 'whatsapp' ? template : null;
  const draft = attach.draft;
  const freeTextDisabled = blocked !== null || templatesOnly || waTemplate !== null || draft !== null;

  const canSend = !sending && blocked === null && (
    waTemplate !== null
    || (!templatesOnly && draft?.phase === 'ready')
    || (!templatesOnly && draft === null && text.trim().length > 0)
  );

  const pickTemplate = (p: PickedTemplate) => {
    setError(null);
    if (p.template.channel === 'whatsapp') { setTemplate(p); return; }
    setTemplate(p);
    setText(p.text);
    textRef.current?.focus();
  };

  const insertEmoji = (emoji: string) => {
    const el = textRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    setText(next);
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(start + emoji.length, start + emoji.length); });
  };

  const send = async () => {
    if (!canSend || !phone) return;
    setSending(true);
    setError(null);
    const smsTemplateId = channel === 'sms' && template && template.text === text ? template.template.id : undefined;
    try {
      const m = await invoke('messages.send', {
        clientId: newClientId(),
        leadId: lead.id,
        channel,
        to: phone.handle,
        body: waTemplate ? waTemplate.text : draft ? '' : text,
        templateId: waTemplate?.template.id ?? smsTemplateId,
        attachment: draft?.phase === 'ready' ? draft.attachment : undefined,
        caption: draft?.phase === 'ready' && captionAllowed(draft.kind) && caption.trim() ? caption.trim() : undefined,
      });
      useChat.getState().applyMessages({ conversationId: m.conversationId, messages: [m] });
      setText('');
      setCaption('');
      setTemplate(null);
      attach.clear();
      textRef.current?.focus();
    } catch (e) {
      const code = errorCode(e);
      const known = code ? t(`errors.${code}`, { defaultValue: '' }) : '';
      setError(t('composer.sendFailed', { message: known || errorMessage(e) }));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  // A box nobody can type in should not invite typing; the banner above says why.
  const placeholder = blocked ? '' : templatesOnly ? t('composer.placeholderClosed') : draft ? t('composer.placeholderAttachment') : t('composer.placeholder');

  return (
    <section className="composer" aria-label={t('composer.message')}>
      {channel === 'whatsapp' && blocked === null && <ServiceWindowBanner closesAt={windowClosesAt} now={now} />}
      {blocked === 'optedOut' && (
        <div className="banner banner-warn" role="note">
          {t('composer.optedOut')}
          {lead.phones.some((p) => p.handle !== phone?.handle && !p.smsOptedOut) ? ` ${t('composer.optedOutOtherNumber')}` : ''}
        </div>
      )}
      {blocked === 'noPhone' && <div className="banner banner-warn" role="note">{t('composer.noPhone')}</div>}

      {waTemplate && (
        <div className="draft-chip" role="group" aria-label={t('templates.selected', { name: waTemplate.template.name })}>
          <div>
            <strong>{waTemplate.template.name}</strong>
            <p className="template-preview" dir="auto">{waTemplate.text}</p>
          </div>
          <button type="button" className="icon-button" aria-label={t('templates.remove')} onClick={() => setTemplate(null)}><CloseIcon /></button>
        </div>
      )}

      {draft && (
        <div className="draft-chip" role="group" aria-label={t('composer.attached', { name: draft.fileName })}>
          <div className="draft-body">
            <span dir="auto">{draft.fileName}</span>
            {draft.phase === 'uploading' && (
              <progress aria-label={t('composer.uploadProgress')} max={draft.total || 1} value={draft.loaded} />
            )}
            {draft.phase === 'failed' && <span role="alert" className="error-text">{t('composer.uploadFailed', { message: draft.message })}</span>}
            {draft.phase === 'ready' && captionAllowed(draft.kind) && (
              <input type="text" className="caption-input" aria-label={t('composer.caption')} placeholder={t('composer.caption')} maxLength={1024} value={caption}
                onChange={(e) => setCaption(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void send(); } }} />
            )}
            {draft.phase === 'ready' && !captionAllowed(draft.kind) && <span className="hint">{t('composer.captionOnlyMedia')}</span>}
          </div>
          <button type="button" className="icon-button" aria-label={draft.phase === 'uploading' ? t('composer.cancelUpload') : t('composer.removeAttachment')} onClick={attach.discard}><CloseIcon /></button>
        </div>
      )}

      {attach.rejection && (
        <div role="alert" className="error-banner">
          {attach.rejection}
          <button type="button" className="icon-button" aria-label={t('app.dismiss')} onClick={attach.dismissRejection}><CloseIcon /></button>
        </div>
      )}
      {error && <div role="alert" className="error-banner">{error}</div>}

      <textarea
        ref={textRef}
        className="message-input"
        aria-label={t('composer.message')}
        placeholder={placeholder}
        dir="auto"
        rows={2}
        maxLength={4096}
        value={waTemplate || draft ? '' : text}
        disabled={freeTextDisabled}
        onChange={(e) => { setText(e.target.value); setError(null); }}
        onKeyDown={onKeyDown}
      />

      <div className="composer-actions">
        {blocked === null && <TemplatePicker channel={channel} lead={lead} onPick={pickTemplate} />}
        {blocked === null && !templatesOnly && !waTemplate && (
          <label className={`text-button attach-label${draft ? ' disabled' : ''}`}>
            <input
              type="file"
              className="visually-hidden"
              aria-label={t('composer.attach')}
              accept={acceptAttribute(connectorFor(channel))}
              disabled={draft !== null}
              onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void attach.choose(f); }}
            />
            <span aria-hidden="true">{t('composer.attach')}</span>
          </label>
        )}
        {blocked === null && !templatesOnly && !freeTextDisabled && <EmojiButton onPick={insertEmoji} dark={dark} />}
        <span className="spacer" />
        {channel === 'sms' && blocked === null && !draft && <SmsCounter body={text} />}
        <button type="button" className="primary-button" onClick={() => void send()} disabled={!canSend} aria-busy={sending}>
          {t('composer.send')}
        </button>
      </div>
    </section>
  );
}
