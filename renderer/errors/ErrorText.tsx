// An error as a rep reads it: the sentence for its code, and the technical detail (the server's
// or core's own message) folded behind "Details" for whoever helps them.
import { useTranslation } from 'react-i18next';
import { errorWords } from './error-words';

export interface ErrorTextProps {
  code: string | null | undefined;
  /** The technical message; shown only under "Details". */
  detail?: string | null;
  values?: Record<string, number>;
  /** Wraps the sentence, e.g. "Could not send: {{message}}". */
  frame?: (sentence: string) => string;
  className?: string;
}

export function ErrorText({ code, detail, values, frame, className = 'error-text' }: ErrorTextProps) {
  const { t } = useTranslation();
  const sentence = errorWords(t, code, values);
  return (
    <span className={`error-words ${className}`}>
      <span>{frame ? frame(sentence) : sentence}</span>
      {detail && detail !== sentence && (
        <details className="error-details">
          <summary>{t('errors.details')}</summary>
          <code dir="auto">{detail}</code>
        </details>
      )}
    </span>
  );
}
