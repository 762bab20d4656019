// Settings the rep changes from the window: language, do not disturb, theme.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../shared/ipc';
import { errorMessage } from '../converse';
import { changeLanguage, SUPPORTED_LANGUAGES } from '../i18n';
import { useApp } from '../state/appStore';
import { CloseIcon } from './icons';

export function SettingsPanel() {
  const { t } = useTranslation();
  const settings = useApp((s) => s.settings);
  const [error, setError] = useState<string | null>(null);
  const save = async (patch: Partial<Settings>) => {
    setError(null);
    try {
      await useApp.getState().updateSettings(patch);
      if (patch.language !== undefined) await changeLanguage(patch.language);
    } catch (e) {
      setError(t('settings.saveFailed', { message: errorMessage(e) }));
    }
  };
  if (!settings) return null;
  return (
    <section className="panel settings" aria-label={t('settings.heading')}>
      <header className="panel-header">
        <h2>{t('settings.heading')}</h2>
        <button type="button" className="icon-button" aria-label={t('app.close')} onClick={() => useApp.getState().setOverlay(null)}><CloseIcon /></button>
      </header>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select value={settings.language} onChange={(e) => void save({ language: e.target.value })}>
          <option value="system">{t('settings.system')}</option>
          {SUPPORTED_LANGUAGES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.theme')}</span>
        <select value={settings.theme} onChange={(e) => void save({ theme: e.target.value as Settings['theme'] })}>
          <option value="system">{t('settings.themeSystem')}</option>
          <option value="light">{t('settings.themeLight')}</option>
          <option value="dark">{t('settings.themeDark')}</option>
        </select>
      </label>
      <label className="field checkbox">
        <input type="checkbox" checked={settings.doNotDisturb} onChange={(e) => void save({ doNotDisturb: e.target.checked })} />
        <span>{t('settings.doNotDisturb')}</span>
      </label>
      {error && <p role="alert" className="error-text">{error}</p>}
    </section>
  );
}
