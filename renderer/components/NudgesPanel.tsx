// Recent nudges (messages, assignments, task reminders); each opens what it is about.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseConversationId, type NudgeView } from '../../shared/domain';
import { converse, errorMessage, invoke } from '../converse';
import { navigateTo } from '../state/bootstrap';
import { useApp } from '../state/appStore';
import { formatDateTime, formatWhen } from '../i18n/format';
import { CloseIcon } from './icons';

/** The channel a message nudge is about, so "José Núñez" on SMS and on WhatsApp can be told apart. */
const channelOf = (n: NudgeView) =>
  n.conversationId ? (parseConversationId(n.conversationId)?.channel ?? null) : null;

export function NudgesPanel() {
  const { t } = useTranslation();
  const [nudges, setNudges] = useState<NudgeView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    invoke('nudges.list', { limit: 50 })
      .then((n) => {
        if (live) setNudges(n);
      })
      .catch((e) => {
        if (live) setError(errorMessage(e));
      });
    const off = converse().on('nudges.changed', ({ nudge }) =>
      setNudges((list) => [nudge, ...(list ?? []).filter((x) => x.id !== nudge.id)].slice(0, 50)),
    );
    return () => {
      live = false;
      off();
    };
  }, []);

  return (
    <section className="panel nudges" aria-label={t('nudges.heading')}>
      <header className="panel-header">
        <h2>{t('nudges.heading')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('app.close')}
          onClick={() => useApp.getState().setOverlay(null)}
        >
          <CloseIcon />
        </button>
      </header>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {nudges === null && !error && <p className="hint">{t('app.loading')}</p>}
      {nudges?.length === 0 && <p className="hint">{t('nudges.empty')}</p>}
      <ul className="nudge-list">
        {nudges?.map((n) => (
          <li key={n.id}>
            <button
              type="button"
              className="nudge"
              disabled={!n.conversationId && !n.leadId}
              onClick={() => void navigateTo({ conversationId: n.conversationId, leadId: n.leadId })}
            >
              <span className="nudge-kind">
                {t(`nudges.kind_${n.kind}`)}
                {channelOf(n) && <span className="channel-tag">{t(`channel.${channelOf(n)!}`)}</span>}
              </span>
              <span className="nudge-title" dir="auto">
                {n.title}
              </span>
              <time className="hint" dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                {formatWhen(n.createdAt)}
              </time>
              <span className="nudge-body" dir="auto">
                {n.body}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
