// Settings the rep changes from the window: language, theme, do not disturb, the CRM lead page
// and (desktop app only) starting with the computer. Each change is saved through settings.set
// at once; the store takes main's answer, so a refused change snaps back and says why.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../shared/ipc';
import { converse, errorMessage } from '../converse';
import { changeLanguage, SUPPORTED_LANGUAGES, systemLanguage } from '../i18n';
import { useApp } from '../state/appStore';
import { CrmLeadUrlField } from './CrmLeadUrlField';
import { NudgeSettingsSection } from './NudgeSettingsSection';
import { CloseIcon } from './icons';

export function SettingsPanel() {
  const { t } = useTranslation();
  const settings = useApp((s) => s.settings);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (patch: Partial<Settings>): Promise<boolean> => {
    setError(null);
    setSaved(false);
    try {
      await useApp.getState().updateSettings(patch);
      if (patch.language !== undefined) await changeLanguage(patch.language);
      setSaved(true);
      return true;
    } catch (e) {
      setError(t('settings.saveFailed', { message: errorMessage(e) }));
      return false;
    }
  };
  if (!settings) return null;
  // Starting at login is the desktop app's: a browser tab cannot start itself.
  const desktop = converse().shell === 'electron';
  const systemName = SUPPORTED_LANGUAGES.find((l) => l.code === systemLanguage())?.name ?? 'English';
  return (
    <section className="panel settings" aria-label={t('settings.heading')}>
      <header className="panel-header">
        <h2>{t('settings.heading')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('app.close')}
          onClick={() => useApp.getState().setOverlay(null)}
        >
          <CloseIcon />
        </button>
      </header>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select value={settings.language} onChange={(e) => void save({ language: e.target.value })}>
          <option value="system">{t('settings.system', { language: systemName })}</option>
          {SUPPORTED_LANGUAGES.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.name}
            </option>
          ))}
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
        <input
          type="checkbox"
          checked={settings.doNotDisturb}
          onChange={(e) => void save({ doNotDisturb: e.target.checked })}
        />
        <span>{t('settings.doNotDisturb')}</span>
      </label>
      {desktop && (
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={settings.launchAtLogin}
            onChange={(e) => void save({ launchAtLogin: e.target.checked })}
          />
          <span>{t('settings.launchAtLogin')}</span>
        </label>
      )}
      <NudgeSettingsSection value={settings.nudges} onSave={(nudges) => void save({ nudges })} />
      <CrmLeadUrlField saved={settings.crmLeadUrl} onSave={(crmLeadUrl) => save({ crmLeadUrl })} />
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <p role="status" className="hint">
        {saved ? t('settings.saved') : ''}
      </p>
    </section>
  );
}
