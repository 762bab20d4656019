// The lead's details in the app (when no CRM page is configured): fields, numbers and the
// Activity History, which includes the conversation.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeadDetails } from '../../shared/domain';
import { errorMessage, invoke } from '../converse';
import { formatDateTime } from '../i18n/format';
import { useChat } from '../state/chatStore';
import { useApp } from '../state/appStore';
import { CloseIcon } from '../components/icons';
import { ActivityHistory } from './ActivityHistory';

export function LeadDetailsView({ leadId, onClose }: { leadId: string; onClose?: () => void }) {
  const { t } = useTranslation();
  const [details, setDetails] = useState<LeadDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Refresh when this lead's conversation changes, so the activity history stays current.
  const lastMessage = useChat((s) => {
    const a = s.active;
    return a && a.leadId === leadId ? s.threads[`${a.leadId}:${a.channel}`]?.messages.at(-1)?.updatedAt : undefined;
  });
  useEffect(() => {
    let live = true;
    invoke('leads.details', { leadId })
      .then((d) => {
        if (live) {
          setDetails(d);
          setError(null);
        }
      })
      .catch((e) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [leadId, lastMessage]);

  const lead = details?.lead;
  return (
    <section className="panel lead-details" aria-label={t('lead.heading')}>
      <header className="panel-header">
        <h2 tabIndex={-1}>{t('lead.heading')}</h2>
        {onClose && (
          <button type="button" className="icon-button" aria-label={t('app.close')} onClick={onClose}>
            <CloseIcon />
          </button>
        )}
      </header>
      {error && (
        <p role="alert" className="error-text">
          {t('lead.loadFailed', { message: error })}
        </p>
      )}
      {!details && !error && <p className="hint">{t('app.loading')}</p>}
      {lead && (
        <>
          <dl className="fields">
            <dt>{t('lead.name')}</dt>
            <dd dir="auto">
              {lead.firstName} {lead.lastName}
            </dd>
            <dt>{t('lead.email')}</dt>
            <dd className="email">{lead.email ? <EmailAddress email={lead.email} /> : '—'}</dd>
            <dt>{t('lead.phones')}</dt>
            <dd>
              <ul className="plain">
                {lead.phones.map((p) => (
                  <li key={p.handle}>
                    {p.display}
                    {p.label ? ` (${p.label})` : ''}
                    {p.primary ? ` · ${t('lead.primary')}` : ''}
                    {p.smsOptedOut ? ` · ${t('lead.optedOut')}` : ''}
                  </li>
                ))}
              </ul>
            </dd>
            {lead.ownerName && (
              <>
                <dt>{t('lead.owner')}</dt>
                <dd>{lead.ownerName}</dd>
              </>
            )}
            {Object.entries(lead.customFields).map(([k, v]) => (
              <div key={k} className="field-pair">
                <dt>{k}</dt>
                <dd dir="auto">{v}</dd>
              </div>
            ))}
          </dl>
          {details.conversations.length > 0 && (
            <>
              <h3>{t('conversations.heading')}</h3>
              <ul className="plain lead-conversations">
                {details.conversations.map((c) => (
                  <li key={c.id}>
                    <button
                      type="button"
                      className="conversation-item"
                      onClick={() => {
                        useApp.getState().setOverlay(null);
                        void useChat.getState().open(c.leadId, c.channel);
                      }}
                    >
                      <span className="conversation-line">
                        <span className="channel-tag">{t(`channel.${c.channel}`)}</span>
                        {c.lastMessageAt && (
                          <time className="hint" dateTime={c.lastMessageAt}>
                            {formatDateTime(c.lastMessageAt)}
                          </time>
                        )}
                      </span>
                      <span className="conversation-preview" dir="auto">
                        {c.lastMessagePreview ?? t('conversations.noMessages')}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          <ActivityHistory leadId={leadId} />
        </>
      )}
    </section>
  );
}

/** An email that wraps only where a reader expects it — before the @ and before a dot
 * ("maria.garcia" / "@example" / ".com") — never mid-word as a narrow pane would break it. */
export function EmailAddress({ email }: { email: string }) {
  const parts = email.split(/(?=[@.])/);
  return (
    <span dir="ltr">
      {parts.map((p, i) =>
        i === 0 ? (
          p
        ) : (
          <span key={i}>
            <wbr />
            {p}
          </span>
        ),
      )}
    </span>
  );
}
