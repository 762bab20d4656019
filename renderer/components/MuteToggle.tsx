// Mute a conversation from its header: no nudges from it (the core's policy), while its messages
// and unread count still arrive. Saved per desktop with the other settings.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, invoke } from '../converse';
import { useApp } from '../state/appStore';

export const MutedIcon = () => (
  <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18">
    <path
      fill="currentColor"
      d="M20 18.69 7.84 6.14 5.27 3.49 4 4.76l2.8 2.8v.01A6.97 6.97 0 0 0 5 11v5l-2 2v1h14.73l2 2L21 19.72l-1-1.03ZM12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6.32V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66c-.65.14-1.27.38-1.84.7L19 15.68Z"
    />
  </svg>
);

export function MuteToggle({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const muted = useApp((s) => s.settings?.mutedConversations.includes(conversationId) ?? false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setError(null);
    try {
      await invoke('conversations.setMuted', { conversationId, muted: !muted });
      // main answers with settings.changed too; reading them back keeps this window right at once.
      useApp.getState().setSettings(await invoke('settings.get', {}));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <>
      <button
        type="button"
        className={`icon-button mute-toggle${muted ? ' muted' : ''}`}
        aria-pressed={muted}
        aria-label={muted ? t('mute.unmuteLabel') : t('mute.muteLabel')}
        title={t('mute.muteHint')}
        onClick={() => void toggle()}
      >
        <MutedIcon />
        {muted && <span className="mute-text">{t('mute.muted')}</span>}
      </button>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </>
  );
}
