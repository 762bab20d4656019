// The emoji picker (emoji-picker-react), loaded on first use so it costs the window nothing
// until the rep wants it. Native emoji: nothing is fetched from a CDN.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SmileIcon } from '../components/icons';

const Picker = lazy(() => import('emoji-picker-react'));
// Hoisted loaders (the picker reloads data when the function identity changes).
const loadHindi = () => import('emoji-picker-react/data/emojis-hi');

export function EmojiButton({ onPick, dark }: { onPick: (emoji: string) => void; dark: boolean }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);

  return (
    <div className="emoji-wrap" ref={wrap}>
      <button
        type="button"
        className="icon-button"
        aria-label={t('composer.emoji')}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <SmileIcon />
      </button>
      {open && (
        <div className="popover emoji-popover" role="dialog" aria-label={t('composer.emoji')}>
          <Suspense fallback={<div className="hint">{t('app.loading')}</div>}>
            <Picker
              emojiStyle={'native' as never}
              theme={(dark ? 'dark' : 'light') as never}
              lazyLoadEmojis
              width={320}
              height={380}
              {...(i18n.language === 'hi' ? { emojiData: loadHindi as never } : {})}
              onEmojiClick={(d: { emoji: string }) => {
                onPick(d.emoji);
              }}
            />
          </Suspense>
        </div>
      )}
    </div>
  );
}
