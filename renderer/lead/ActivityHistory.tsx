// The lead's Activity History: the conversation with the lead (each conversation started and
// each message, in and out, with channel, number and status) among the lead's other activities,
// newest first, a page at a time, from the server so every device and the CRM-side view agree.
// It reloads its first page whenever one of the lead's conversations changes (a message arrives,
// is sent or changes status), so it is live while it is open.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { conversationIdOf, type ActivityView } from '../../shared/domain';
import { converse, errorMessage, invoke } from '../converse';
import { formatDateTime } from '../i18n/format';

export const ACTIVITY_PAGE = 30;
/** Bursts of changes (a send's pending → sent → delivered) reload once. */
const RELOAD_AFTER_MS = 250;

/** The label of an activity: the conversation's own entries are worded from their fields; the
 * rep reads "Lead assigned", not the server's `lead.assigned`; an unknown kind is still made readable. */
export function activityLabel(t: TFunction, a: ActivityView): string {
  const channel = a.channel ? t(`channel.${a.channel}`) : '';
  if (a.type === 'message.inbound') return t('activity.messageIn', { channel });
  if (a.type === 'message.outbound') return t('activity.messageOut', { channel });
  if (a.type === 'conversation.started' && a.channel) {
    return t(a.direction === 'inbound' ? 'activity.startedByLead' : 'activity.startedByRep', { channel });
  }
  const fallback = a.type.replace(/[._]+/g, ' ').trim();
  return t(`lead.activityTypes.${a.type.replace(/\./g, '_')}`, {
    defaultValue: fallback.charAt(0).toUpperCase() + fallback.slice(1),
  });
}

export function ActivityHistory({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<ActivityView[] | null>(null);
  const [before, setBefore] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fromThisDevice, setFromThisDevice] = useState(false);
  const generation = useRef(0);
  const shownFromThisDevice = useRef(false);

  const loadFirst = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const page = await invoke('leads.activity', { leadId, before: null, limit: ACTIVITY_PAGE });
      if (mine !== generation.current) return;
      // What this desktop showed offline is replaced whole by the server's history.
      const replace = page.fromThisDevice || shownFromThisDevice.current;
      shownFromThisDevice.current = !!page.fromThisDevice;
      setFromThisDevice(!!page.fromThisDevice);
      // Older pages already shown stay: the first page is merged in front of them.
      setItems((shown) => {
        if (!shown || replace) return page.activity;
        const fresh = new Set(page.activity.map((a) => a.id));
        const oldest = page.activity.at(-1)?.at;
        const kept = oldest ? shown.filter((a) => !fresh.has(a.id) && a.at <= oldest) : [];
        return [...page.activity, ...kept];
      });
      setBefore((b) => (replace || b === null || page.before === null ? page.before : b));
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(errorMessage(e));
    }
  }, [leadId]);

  useEffect(() => {
    setItems(null);
    setBefore(null);
    shownFromThisDevice.current = false;
    void loadFirst();
    const ids = new Set([conversationIdOf(leadId, 'sms'), conversationIdOf(leadId, 'whatsapp')]);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void loadFirst();
      }, RELOAD_AFTER_MS);
    };
    const api = converse();
    const offs = [
      api.on('conversations.changed', (e) => {
        if (e.conversationIds.some((id) => ids.has(id))) soon();
      }),
      api.on('messages.changed', (e) => {
        if (ids.has(e.conversationId)) soon();
      }),
      // Back online (or the server back up): what happened meanwhile shows.
      api.on('connection.changed', (c) => {
        if (c.status === 'connected') soon();
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
      generation.current++;
    };
  }, [leadId, loadFirst]);

  const loadOlder = async () => {
    if (!before) return;
    setLoadingOlder(true);
    try {
      const page = await invoke('leads.activity', { leadId, before, limit: ACTIVITY_PAGE });
      setItems((shown) => {
        const have = new Set((shown ?? []).map((a) => a.id));
        return [...(shown ?? []), ...page.activity.filter((a) => !have.has(a.id))];
      });
      setBefore(page.before);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <section className="activity-history" aria-labelledby={`activity-${leadId}`}>
      <h3 id={`activity-${leadId}`}>{t('lead.activity')}</h3>
      {error && (
        <p role="alert" className="error-text">
          {t('activity.loadFailed', { message: error })}
        </p>
      )}
      {fromThisDevice && (
        <p role="status" className="hint activity-offline">
          {t('activity.fromThisDevice')}
        </p>
      )}
      {!items && !error && <p className="hint">{t('app.loading')}</p>}
      {items && items.length === 0 && <p className="hint">{t('lead.noActivity')}</p>}
      {items && items.length > 0 && (
        <ol className="activity">
          {items.map((a) => (
            <ActivityItem key={a.id} a={a} />
          ))}
        </ol>
      )}
      {before && (
        <button
          type="button"
          className="text-button activity-older"
          disabled={loadingOlder}
          onClick={() => void loadOlder()}
        >
          {loadingOlder ? t('app.loading') : t('activity.older')}
        </button>
      )}
    </section>
  );
}

function ActivityItem({ a }: { a: ActivityView }) {
  const { t } = useTranslation();
  const isMessage = a.type === 'message.inbound' || a.type === 'message.outbound';
  const details = [
    a.phone
      ? a.direction === 'inbound'
        ? t('activity.from', { number: a.phone })
        : t('activity.to', { number: a.phone })
      : null,
    // An inbound message is simply received; a rep's message shows how far it got.
    isMessage && a.direction === 'outbound' && a.status ? t(`activity.status.${a.status}`) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <li
      className={`activity-item${a.channel ? ` channel-${a.channel}` : ''}${a.direction ? ` ${a.direction}` : ''}`}
      data-activity-type={a.type}
    >
      <span className="activity-type">{activityLabel(t, a)}</span>
      <time dateTime={a.at}>{formatDateTime(a.at)}</time>
      {details && (
        <span className="activity-meta hint" dir="auto">
          {details}
        </span>
      )}
      {(isMessage || a.type !== 'conversation.started') && a.summary && (
        <span className="activity-summary" dir="auto">
          {a.summary}
        </span>
      )}
    </li>
  );
}
