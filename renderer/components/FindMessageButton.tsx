// The header's "Find a message" button and the search it opens over the window. Escape or a
// click outside closes it and gives the focus back to the button.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageSearch, SearchIcon } from './MessageSearch';

export function FindMessageButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // Escape gives the focus back to the button; opening a message leaves it in that conversation.
  const close = (restoreFocus = true) => {
    setOpen(false);
    if (restoreFocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  return (
    <span className="find-message">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label={t('messageSearch.open')}
        title={t('messageSearch.open')}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <SearchIcon />
      </button>
      {open && (
        <div ref={box} className="find-message-popover">
          <MessageSearch onClose={close} />
        </div>
      )}
    </span>
  );
}
