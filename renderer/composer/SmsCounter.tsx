// What an SMS will cost: characters and segments (GSM-7 160/153, Unicode 70/67); past the SMS
// limit it turns to a warning (the reason under the box says by how much).
import { useTranslation } from 'react-i18next';
import { countSmsSegments } from '../../shared/sms';
import { SMS_MAX_CHARS } from '../../shared/send-rules';

export function SmsCounter({ body }: { body: string }) {
  const { t } = useTranslation();
  const s = countSmsSegments(body);
  return (
    <span
      className={`sms-counter${body.length > SMS_MAX_CHARS ? ' over' : ''}`}
      aria-live="polite"
      title={s.encoding === 'UCS-2' ? t('composer.unicodeNote', { perSegment: s.perSegment }) : undefined}
    >
      {t('composer.smsCounter', { characters: s.characters, count: s.segments })}
    </span>
  );
}
