// Under the header: the connection line while the link is down, then things main wants the rep
// told once (database recovered, shortcut taken…), in the rep's words with main's own message
// behind "Details".
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n';
import { useApp } from '../state/appStore';
import { CloseIcon } from './icons';
import { ConnectionBanner } from './ConnectionIndicator';

export function Notices() {
  const notices = useApp((s) => s.notices);
  return (
    <>
      <ConnectionBanner />
      {notices.length > 0 && <Messages notices={notices} />}
    </>
  );
}

function Messages({ notices }: { notices: { id: number; kind: string; message: string }[] }) {
  const { t } = useTranslation();
  return (
    <div className="notices">
      {notices.map((n) => {
        const key = `notices.${n.kind.replace(/-/g, '_')}`;
        const words = i18n.exists(key) ? t(key) : null;
        return (
          <div key={n.id} className="banner banner-info" role="status">
            <span dir="auto">
              {words ?? n.message}
              {words && (
                <details className="error-details">
                  <summary>{t('errors.details')}</summary>
                  <code dir="auto">{n.message}</code>
                </details>
              )}
            </span>
            <button
              type="button"
              className="icon-button"
              aria-label={t('app.dismiss')}
              onClick={() => useApp.getState().dismissNotice(n.id)}
            >
              <CloseIcon />
            </button>
          </div>
        );
      })}
    </div>
  );
}
