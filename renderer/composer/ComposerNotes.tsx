// Above the box: why nothing can be sent to this number on this channel (the box is closed),
// or the WhatsApp window's state.
import { useTranslation } from 'react-i18next';
import type { Channel, LeadView, PhoneView } from '../../shared/domain';
import { canReach, type SendRefusal } from '../../shared/send-rules';
import { ErrorCode } from '../../shared/error-codes';
import { errorWords } from '../errors/error-words';
import { ServiceWindowBanner } from './ServiceWindowBanner';

interface Props {
  lead: LeadView;
  channel: Channel;
  phone: PhoneView | null;
  blocked: SendRefusal | null;
  windowClosesAt: string | null | undefined;
  now: Date;
}

export function ComposerNotes({ lead, channel, phone, blocked, windowClosesAt, now }: Props) {
  const { t } = useTranslation();
  if (!blocked) return channel === 'whatsapp' ? <ServiceWindowBanner closesAt={windowClosesAt} now={now} /> : null;
  const others = lead.phones.filter((p) => p.handle !== phone?.handle);
  let text: string;
  if (blocked.code === ErrorCode.OPTED_OUT) {
    text =
      t('composer.optedOut') +
      (others.some((p) => !p.smsOptedOut && canReach(p, 'sms')) ? ` ${t('composer.optedOutOtherNumber')}` : '');
  } else if (blocked.code === ErrorCode.NO_PHONE) {
    text = t('composer.noPhone');
  } else if (blocked.code === ErrorCode.NOT_US_NUMBER) {
    text =
      errorWords(t, blocked.code) +
      (others.some((p) => canReach(p, 'sms')) ? ` ${t('composer.otherNumberCanSms')}` : '');
  } else {
    text = errorWords(t, blocked.code);
  }
  return (
    <div className="banner banner-warn" role="note">
      {text}
    </div>
  );
}
