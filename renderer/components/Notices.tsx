// Under the header: the connection line while the link is down, then things main wants the rep
// told once (database recovered, shortcut taken…).
import { useTranslation } from 'react-i18next';
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

function Messages({ notices }: { notices: { id: number; message: string }[] }) {
  const { t } = useTranslation();
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
