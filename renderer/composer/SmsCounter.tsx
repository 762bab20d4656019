// What an SMS will cost: characters and segments (GSM-7 160/153, Unicode 70/67).
import { useTranslation } from 'react-i18next';
import { countSmsSegments } from '../../shared/sms';

export function SmsCounter({ body }: { body: string }) {
  const { t } = useTranslation();
  const s = countSmsSegments(body);
  return (
    <span className="sms-counter" aria-live="polite" title={s.encoding === 'UCS-2' ? t('composer.unicodeNote', { perSegment: s.perSegment }) : undefined}>
      {t('composer.smsCounter', { characters: s.characters, count: s.segments })}
    </span>
  );
}
