// WhatsApp's 24-hour service window, as the rep needs to know it: how long is left, or that
// only templates may be sent now. Re-renders each minute so the countdown stays true.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isServiceWindowOpen, serviceWindowRemainingMs } from '../../shared/service-window';
import { formatRemaining } from '../i18n/format';

/** The current time, refreshed every `everyMs` (the window's countdown and its closing). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export function ServiceWindowBanner({ closesAt, now: ticked }: { closesAt: string | null | undefined; now: Date }) {
  const { t } = useTranslation();
  // `now` ticks every 30 s; a reply that just reopened the window re-renders between ticks, and a
  // stale clock would then say "24 h 1 min left". The render's own clock is never older.
  const now = new Date(Math.max(ticked.getTime(), Date.now()));
  if (!isServiceWindowOpen(closesAt, now)) {
    return (
      <div className="banner banner-warn" role="note">
        {t('composer.windowClosed')}
      </div>
    );
  }
  return (
    <div className="banner banner-info" role="note">
      {t('composer.windowOpen', { time: formatRemaining(serviceWindowRemainingMs(closesAt, now), t) })}
    </div>
  );
}
