// The link to the server, said quietly: a dot in the header (its state in words for screen
// readers and on hover), and — only while the link is down or messages wait in the outbox — a
// full-width line under the header with the countdown and the promise that what the rep sends
// goes out when back online. A sentence that long never fits beside the header's buttons at
// pop-up width, so it does not live there.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../shared/ipc';
import { networkOnline } from '../errors/error-words';
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

/** Whether this machine has a network at all; the link being down says only that the server is not answering. */
export function useNetworkOnline(): boolean {
  const [online, setOnline] = useState(networkOnline);
  useEffect(() => {
    const update = () => setOnline(networkOnline());
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const c = useApp((s) => s.connection);
  const online = useNetworkOnline();
  let label: string;
  if (c.status === 'connected') label = t('connection.connected');
  else if (c.status === 'signed-out') label = t('connection.signedOut');
  else if (!online) label = t('connection.offlineShort');
  else if (c.status === 'offline') label = t('connection.serverUnreachableShort');
  else if (c.retryAt) label = t('connection.reconnectingShort');
  else label = t('connection.connecting');
  // The link's technical reason (ECONNREFUSED, a URL) is for the log and the banner's "Details".
  return (
    <div className={`connection connection-${c.status}`} role="status" title={label}>
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
  const online = useNetworkOnline();
  const down = c.status === 'offline' || (c.status === 'connecting' && !!c.retryAt);
  if (!down && c.outboxSize === 0) return null;
  if (c.status === 'signed-out') return null;
  // "You are offline" only when the machine has no network; otherwise it is the server.
  let text: string;
  if (!online) text = t('connection.networkOffline');
  else if (seconds !== null) text = t('connection.serverUnreachableIn', { seconds });
  else if (c.status === 'offline') text = t('connection.serverUnreachable');
  else text = t('connection.connecting');
  const waiting = c.outboxSize > 0 ? t('connection.waiting', { count: c.outboxSize }) : null;
  // One sentence, so a narrow window wraps words rather than parts.
  return (
    <div className={`banner connection-banner connection-banner-${c.status}`}>
      <span>{[down ? text : null, waiting].filter(Boolean).join(' · ')}</span>
      {down && c.reason && (
        <details className="error-details">
          <summary>{t('errors.details')}</summary>
          <code>{c.reason}</code>
        </details>
      )}
    </div>
  );
}
