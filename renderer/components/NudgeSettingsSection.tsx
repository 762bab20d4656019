// Carter settings in the Settings panel: which kinds of nudge the rep wants, a sound, quiet
// hours. Saved through settings.set like every setting; the core keeps them on the server, so
// every desktop the rep signs in to follows them (and a change made elsewhere shows here).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { NudgeKind, NudgeSettings } from '../../shared/domain';

const KINDS: NudgeKind[] = ['message', 'assignment', 'task', 'activity'];

export function NudgeSettingsSection({
  value,
  onSave,
}: {
  value: NudgeSettings;
  onSave: (next: NudgeSettings) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const q = value.quietHours;
  return (
    <fieldset className="carter-settings">
      <legend>{t('carter.heading')}</legend>
      <p className="hint">{t('carter.hint')}</p>
      <div role="group" aria-labelledby={`${id}-kinds`}>
        <p id={`${id}-kinds`} className="group-label">
          {t('carter.kinds')}
        </p>
        {KINDS.map((k) => (
          <label key={k} className="field checkbox">
            <input
              type="checkbox"
              checked={value.kinds[k]}
              onChange={(e) => onSave({ ...value, kinds: { ...value.kinds, [k]: e.target.checked } })}
            />
            <span>{t(`carter.kind_${k}`)}</span>
          </label>
        ))}
      </div>
      <label className="field checkbox">
        <input type="checkbox" checked={value.sound} onChange={(e) => onSave({ ...value, sound: e.target.checked })} />
        <span>{t('carter.sound')}</span>
      </label>
      <label className="field checkbox">
        <input
          type="checkbox"
          checked={q.enabled}
          onChange={(e) => onSave({ ...value, quietHours: { ...q, enabled: e.target.checked } })}
        />
        <span>{t('carter.quietHours')}</span>
      </label>
      <div className="quiet-hours">
        <label>
          <span>{t('carter.quietFrom')}</span>
          <input
            type="time"
            value={q.from}
            disabled={!q.enabled}
            required
            onChange={(e) => {
              if (e.target.value) onSave({ ...value, quietHours: { ...q, from: e.target.value.slice(0, 5) } });
            }}
          />
        </label>
        <label>
          <span>{t('carter.quietTo')}</span>
          <input
            type="time"
            value={q.to}
            disabled={!q.enabled}
            required
            onChange={(e) => {
              if (e.target.value) onSave({ ...value, quietHours: { ...q, to: e.target.value.slice(0, 5) } });
            }}
          />
        </label>
      </div>
    </fieldset>
  );
}
