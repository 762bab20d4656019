// "Profile": the rep's menu — Usage Reports (expanded view), Settings, Sign out.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../converse';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';

export function ProfileMenu({ withReports }: { withReports: boolean }) {
  const { t } = useTranslation();
  const user = useApp((s) => s.session.user);
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const items = [...(wrap.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(at + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at - 1 + items.length) % items.length]?.focus();
    }
  };
  const choose = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  const signOut = async () => {
    const s = await invoke('session.signOut', {});
    useChat.getState().reset();
    useApp.getState().setOverlay(null);
    useApp.getState().setSession(s);
  };

  const initials = (user?.name ?? '?')
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <div className="profile" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="avatar-button"
        aria-label={t('header.profile')}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">{initials}</span>
      </button>
      {open && (
        <div className="popover menu" role="menu" aria-label={t('header.profile')} onKeyDown={onMenuKey}>
          {user && <p className="menu-caption">{t('header.signedInAs', { name: user.name })}</p>}
          {withReports && (
            <button type="button" role="menuitem" onClick={choose(() => useApp.getState().setOverlay('reports'))}>
              {t('header.usageReports')}
            </button>
          )}
          <button type="button" role="menuitem" onClick={choose(() => useApp.getState().setOverlay('settings'))}>
            {t('header.settings')}
          </button>
          <button type="button" role="menuitem" onClick={choose(() => void signOut())}>
            {t('header.signOut')}
          </button>
        </div>
      )}
    </div>
  );
}
