// Recent conversations, newest first, each with its unread count.
import { useTranslation } from 'react-i18next';
import { useChat } from '../state/chatStore';
import { reportFocus } from '../state/bootstrap';
import { useApp } from '../state/appStore';
import { formatDateTime, formatWhen } from '../i18n/format';

export function ConversationList() {
  const { t } = useTranslation();
  const conversations = useChat((s) => s.conversations);
  const unread = useChat((s) => s.unread.byConversation);
  const active = useChat((s) => s.active);
  const list = Object.values(conversations).sort((a, b) =>
    (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''),
  );
  if (list.length === 0) return <p className="hint empty">{t('conversations.empty')}</p>;
  return (
    <nav aria-label={t('conversations.heading')}>
      <ul className="conversation-list">
        {list.map((c) => {
          const count = unread[c.id] ?? 0;
          const isActive = active !== null && active.leadId === c.leadId && active.channel === c.channel;
          return (
            <li key={c.id}>
              <button
                type="button"
                className={`conversation-item${isActive ? ' active' : ''}`}
                aria-current={isActive ? 'true' : undefined}
                onClick={() => {
                  useApp.getState().setOverlay(null);
                  void useChat.getState().open(c.leadId, c.channel).then(reportFocus);
                }}
              >
                <span className="conversation-line">
                  <span className="conversation-name" dir="auto">
                    {c.leadName}
                  </span>
                  {c.lastMessageAt && (
                    <time className="hint" dateTime={c.lastMessageAt} title={formatDateTime(c.lastMessageAt)}>
                      {formatWhen(c.lastMessageAt)}
                    </time>
                  )}
                </span>
                {/* The channel sits with the preview, so "WhatsApp Business" never squeezes the lead's name. */}
                <span className="conversation-line">
                  <span className="channel-tag">{t(`channel.${c.channel}`)}</span>
                  <span className="conversation-preview" dir="auto">
                    {c.lastMessagePreview ?? t('conversations.noMessages')}
                  </span>
                  {count > 0 && (
                    <span className="badge" aria-label={t('conversations.unread', { count })}>
                      {count}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
