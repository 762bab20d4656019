// One message. Lead content is rendered as text (React escapes it) with dir="auto", so any
// script — right-to-left ones too — shows the way its writer meant; never as HTML.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../shared/domain';
import { errorMessage, invoke } from '../converse';
import { formatDateTime, formatTime } from '../i18n/format';
import { useChat } from '../state/chatStore';
import { MessageAttachment } from './MessageAttachment';
import { StatusTick } from './StatusTick';

function RetryButton({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!message.clientId) return null;
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      const m = await invoke('messages.retry', { clientId: message.clientId! });
      useChat.getState().applyMessages({ conversationId: m.conversationId, messages: [m] });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="link-button danger" onClick={retry} disabled={busy}>{t('status.retry')}</button>
      {error && <span role="alert" className="error-text">{error}</span>}
    </>
  );
}

function failureReason(m: MessageView, t: (k: string) => string): string {
  if (!m.error) return '';
  const translated = t(`errors.${m.error.code}`);
  return translated === `errors.${m.error.code}` ? m.error.message : `${translated} (${m.error.message})`;
}

export const MessageBubble = memo(function MessageBubble({ message, leadName }: { message: MessageView; leadName: string }) {
  const { t } = useTranslation();
  const outbound = message.direction === 'outbound';
  const failed = message.status === 'failed';
  return (
    <article data-message-direction={message.direction} data-message-status={message.status} className={`bubble ${outbound ? 'out' : 'in'}${failed ? ' failed' : ''}`} aria-label={outbound ? t('conversation.outbound') : t('conversation.inbound', { name: leadName })}>
      {message.templateName && <div className="template-tag">{t('conversation.template', { name: message.templateName })}</div>}
      {message.attachment && <MessageAttachment attachment={message.attachment} />}
      {message.caption && <p className="caption" dir="auto">{message.caption}</p>}
      {message.body && <p className="body" dir="auto">{message.body}</p>}
      <footer className="meta">
        <time dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>{formatTime(message.createdAt)}</time>
        {outbound && <StatusTick status={message.status} />}
      </footer>
      {failed && (
        <div className="failure">
          <span className="error-text">{t('status.failedReason', { reason: failureReason(message, t) || t('status.failed') })}</span>
          <RetryButton message={message} />
        </div>
      )}
      {!failed && message.error && outbound && <div className="hint">{failureReason(message, t)}</div>}
    </article>
  );
});
