// The window's top bar: unread count, connection, nudges, Expand/Collapse and the profile menu.
import { useTranslation } from 'react-i18next';
import { converse } from '../converse';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';
import { ConnectionIndicator } from './ConnectionIndicator';
import { ProfileMenu } from './ProfileMenu';
import { BellIcon } from './icons';
import { FindMessageButton } from './FindMessageButton';

export function shortcutKeys(): string {
  return converse().platform === 'darwin' ? 'option + m' : 'alt + m';
}

export function WindowHeader() {
  const { t } = useTranslation();
  const expanded = useApp((s) => s.expanded);
  const overlay = useApp((s) => s.overlay);
  const total = useChat((s) => s.unread.total);
  const unseenNudges = useApp((s) => s.unseenNudges);
  return (
    <header className="window-header">
      <h1 className="app-title">
        {t('app.title')}
        {total > 0 && (
          <span className="badge header-badge" role="status" aria-label={t('header.unread', { count: total })}>
            {total}
          </span>
        )}
      </h1>
      <ConnectionIndicator />
      <span className="spacer" />
      <FindMessageButton />
      <button
        type="button"
        className="icon-button bell"
        aria-label={t('header.nudges')}
        aria-pressed={overlay === 'nudges'}
        aria-describedby={unseenNudges > 0 ? 'unseen-nudges' : undefined}
        onClick={() => useApp.getState().setOverlay(overlay === 'nudges' ? null : 'nudges')}
      >
        <BellIcon />
        {unseenNudges > 0 && (
          <span className="bell-dot" aria-hidden="true">
            {unseenNudges > 9 ? '9+' : unseenNudges}
          </span>
        )}
        {unseenNudges > 0 && (
          <span id="unseen-nudges" className="visually-hidden">
            {t('header.newNudges', { count: unseenNudges })}
          </span>
        )}
      </button>
      <button
        type="button"
        className="text-button"
        title={t('header.shortcutHint', { keys: shortcutKeys() })}
        onClick={() => void useApp.getState().setExpanded(!expanded)}
      >
        {expanded ? t('header.collapse') : t('header.expand')}
      </button>
      <ProfileMenu withReports={expanded} />
    </header>
  );
}
