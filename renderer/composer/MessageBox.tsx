// The one text box: the message, or the caption of an attached image or video. Enter sends,
// Shift+Enter adds a line. A box nobody can type in invites no typing: its placeholder is empty
// or says why.
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CAPTION_MAX_CHARS, WHATSAPP_MAX_CHARS } from '../../shared/send-rules';
import type { ComposerState } from './useComposer';

export function MessageBox({ s, onSend }: { s: ComposerState; onSend: () => void }) {
  const { t } = useTranslation();
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onSend();
    }
  };
  const placeholder = s.blocked
    ? ''
    : !s.windowOpen
      ? t('composer.placeholderClosed')
      : s.draft
        ? s.captioned
          ? t('composer.captionPlaceholder')
          : t('composer.noTextWithFile')
        : t('composer.placeholder');
  const shown = s.waTemplate || (s.draft && !s.captioned) ? '' : s.text;
  return (
    <textarea
      ref={s.textRef}
      className="message-input"
      aria-label={s.captioned ? t('composer.caption') : t('composer.message')}
      placeholder={placeholder}
      dir="auto"
      rows={2}
      // An SMS may be typed past its 1,000 characters: it is shown and explained, not cut.
      maxLength={s.captioned ? CAPTION_MAX_CHARS : WHATSAPP_MAX_CHARS}
      value={shown}
      disabled={s.boxDisabled}
      onChange={(e) => {
        s.setText(e.target.value);
        s.setError(null);
      }}
      onKeyDown={onKeyDown}
    />
  );
}
