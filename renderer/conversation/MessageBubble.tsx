// One message. Lead content is rendered as text (React escapes it) with dir="auto", so any
// script — right-to-left ones too — shows the way its writer meant; never as HTML.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../shared/domain';
import { errorCode, errorMessage, invoke } from '../converse';
import { ErrorText } from '../errors/ErrorText';
import { formatDateTime, formatTime } from '../i18n/format';
import { useChat } from '../state/chatStore';
import { MessageAttachment } from './MessageAttachment';
import { StatusTick } from './StatusTick';

function RetryButton({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string | null; detail: string } | null>(null);
  if (!message.clientId) return null;
  // Shows its own failure beside the button, so the click handler need not await it.
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      const m = await invoke('messages.retry', { clientId: message.clientId! });
      useChat.getState().applyMessages({ conversationId: m.conversationId, messages: [m] });
    } catch (e) {
      setError({ code: errorCode(e), detail: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="link-button danger" onClick={() => void retry()} disabled={busy}>
        {t('status.retry')}
      </button>
      {error && (
        <span role="alert">
          <ErrorText code={error.code} detail={error.detail} />
        </span>
      )}
    </>
  );
}

/** Under the text: the lead's number, the time and, for what the rep sent, its status tick. */
function MessageMeta({ message, number }: { message: MessageView; number: string | null }) {
  const { t } = useTranslation();
  const outbound = message.direction === 'outbound';
  return (
    <footer className="meta">
      {number && (
        <span className="bubble-number" dir="ltr">
          {t(outbound ? 'conversation.toNumber' : 'conversation.fromNumber', { number })}
        </span>
      )}
      <time dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>
        {formatTime(message.createdAt)}
      </time>
      {outbound && <StatusTick status={message.status} />}
    </footer>
  );
}

/** Why a message failed, and the way to send it again. */
function MessageFailure({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  return (
    <div className="failure">
      {message.error ? (
        <ErrorText
          code={message.error.code}
          detail={message.error.message}
          frame={(reason) => t('status.failedReason', { reason })}
        />
      ) : (
        <span className="error-text">{t('status.failed')}</span>
      )}
      <RetryButton message={message} />
    </div>
  );
}

/** `number`: the lead's number it went to or came from, when the lead has several. */
export const MessageBubble = memo(function MessageBubble({
  message,
  leadName,
  number = null,
}: {
  message: MessageView;
  leadName: string;
  number?: string | null;
}) {
  const { t } = useTranslation();
  const outbound = message.direction === 'outbound';
  const failed = message.status === 'failed';
  return (
    <article
      data-message-direction={message.direction}
      data-message-status={message.status}
      className={`bubble ${outbound ? 'out' : 'in'}${failed ? ' failed' : ''}`}
      aria-label={outbound ? t('conversation.outbound') : t('conversation.inbound', { name: leadName })}
    >
      {message.templateName && (
        <div className="template-tag">{t('conversation.template', { name: message.templateName })}</div>
      )}
      {message.attachment && <MessageAttachment attachment={message.attachment} />}
      {message.caption && (
        <p className="caption" dir="auto">
          {message.caption}
        </p>
      )}
      {message.body && (
        <p className="body" dir="auto">
          {message.body}
        </p>
      )}
      <MessageMeta message={message} number={number} />
      {failed && <MessageFailure message={message} />}
      {!failed && message.error && outbound && (
        <div className="hint">
          <ErrorText code={message.error.code} detail={message.error.message} className="" />
        </div>
      )}
    </article>
  );
});
