// Things main wants the rep told once (database recovered, shortcut taken…).
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';
import { CloseIcon } from './icons';

export function Notices() {
  const { t } = useTranslation();
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className="banner banner-info" role="status">
          <span dir="auto">{n.message}</span>
          <button type="button" className="icon-button" aria-label={t('app.dismiss')} onClick={() => useApp.getState().dismissNotice(n.id)}><CloseIcon /></button>
        </div>
      ))}
    </div>
  );
}
