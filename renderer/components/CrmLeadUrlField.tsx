// "CRM lead page": the pattern the lead's name opens, checked here before it is saved so a
// typo is explained next to the field instead of failing silently on the next click.
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { crmPatternProblem, type CrmPatternProblem } from '../lead/crm-link';

export function CrmLeadUrlField({ saved, onSave }: { saved: string; onSave: (value: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(saved);
  const [problem, setProblem] = useState<CrmPatternProblem | null>(null);
  // A value saved elsewhere (settings.changed) replaces the draft unless the rep is editing it.
  const [lastSaved, setLastSaved] = useState(saved);
  if (saved !== lastSaved) {
    setLastSaved(saved);
    if (draft === lastSaved) setDraft(saved);
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = draft.trim();
    const found = crmPatternProblem(value);
    setProblem(found);
    if (found) {
      input.current?.focus();
      return;
    }
    if (await onSave(value)) setDraft(value);
  };

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    // noValidate: the browser's own URL bubble would not explain {leadId}; the inline message does.
    <form className="field crm-field" noValidate onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>{t('settings.crmLeadUrl')}</label>
      <div className="field-row">
        <input
          ref={input}
          id={id}
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="off"
          placeholder="https://crm.example.com/leads/{leadId}"
          value={draft}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${errorId} ${hintId}` : hintId}
          onChange={(e) => {
            setDraft(e.target.value);
            // Once a problem is shown, it follows the typing so it disappears when fixed.
            if (problem) setProblem(crmPatternProblem(e.target.value));
          }}
        />
        <button type="submit" className="text-button" aria-label={t('settings.crmSaveLabel')}>
          {t('settings.crmSave')}
        </button>
      </div>
      {problem && (
        <p id={errorId} role="alert" className="error-text">
          {t(`settings.crmErrors.${problem}`)}
        </p>
      )}
      <p id={hintId} className="hint">
        {t('settings.crmLeadUrlHint')}
      </p>
    </form>
  );
}
