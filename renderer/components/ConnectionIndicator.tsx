// The link to the server, said quietly: a dot in the header (its state in words for screen
// readers and on hover), and — only while the link is down or messages wait in the outbox — a
// full-width line under the header with the countdown and the promise that what the rep sends
// goes out when back online. A sentence that long never fits beside the header's buttons at
// pop-up width, so it does not live there.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../shared/ipc';
import { useApp } from '../state/appStore';

/** Re-render each second while a retry is counted down; the time is read fresh on each render. */
function useCountdown(c: ConnectionState): number | null {
  const [, setTick] = useState(0);
  const counting = (c.status === 'connecting' || c.status === 'offline') && !!c.retryAt;
  useEffect(() => {
    if (!counting) return;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [counting]);
  return counting ? Math.max(0, Math.ceil((Date.parse(c.retryAt!) - Date.now()) / 1000)) : null;
}

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const c = useApp((s) => s.connection);
  let label: string;
  if (c.status === 'connected') label = t('connection.connected');
  else if (c.status === 'signed-out') label = t('connection.signedOut');
  else if (c.status === 'offline') label = t('connection.offlineShort');
  else if (c.retryAt) label = t('connection.reconnectingShort');
  else label = t('connection.connecting');
  return (
    <div className={`connection connection-${c.status}`} role="status" title={c.reason ? `${label} — ${c.reason}` : label}>
      <span className="dot" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </div>
  );
}

/** Shown under the header while the link is down or the outbox is not empty. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const c = useApp((s) => s.connection);
  const seconds = useCountdown(c);
  const down = c.status === 'offline' || (c.status === 'connecting' && !!c.retryAt);
  if (!down && c.outboxSize === 0) return null;
  if (c.status === 'signed-out') return null;
  let text: string;
  if (c.status === 'offline' && seconds === null) text = t('connection.offline');
  else if (seconds !== null) text = t('connection.reconnectingIn', { seconds });
  else text = t('connection.connecting');
  const waiting = c.outboxSize > 0 ? t('connection.waiting', { count: c.outboxSize }) : null;
  // One sentence, so a narrow window wraps words rather than parts.
  return (
    <div className={`banner connection-banner connection-banner-${c.status}`}>
      <span>{[down ? text : null, waiting].filter(Boolean).join(' · ')}</span>
    </div>
  );
}
