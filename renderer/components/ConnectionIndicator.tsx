// A quiet word on the link to the server: connected, reconnecting in N s, or offline with the
// promise that what the rep sends waits in the outbox.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const c = useApp((s) => s.connection);
  // Re-render each second while counting down; the time itself is read fresh on each render.
  const [, setTick] = useState(0);
  const now = Date.now();
  const counting = (c.status === 'connecting' || c.status === 'offline') && !!c.retryAt;
  useEffect(() => {
    if (!counting) return;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [counting]);

  let label: string;
  if (c.status === 'connected') label = t('connection.connected');
  else if (c.status === 'signed-out') label = t('connection.signedOut');
  else if (c.status === 'offline') label = t('connection.offline');
  else if (c.retryAt) label = t('connection.reconnectingIn', { seconds: Math.max(0, Math.ceil((Date.parse(c.retryAt) - now) / 1000)) });
  else label = t('connection.connecting');

  return (
    <div className={`connection connection-${c.status}`} role="status" title={c.reason ?? undefined}>
      <span className="dot" aria-hidden="true" />
      <span className={c.status === 'connected' ? 'connection-text quiet' : 'connection-text'}>{label}</span>
      {c.outboxSize > 0 && <span className="hint"> · {t('connection.waiting', { count: c.outboxSize })}</span>}
    </div>
  );
}
