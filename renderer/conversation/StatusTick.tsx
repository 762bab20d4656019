// A sent message's status as the seed draws it: a clock while pending, one tick when sent,
// two when delivered, a distinct blue pair when read, red when it failed. Each has its
// accessible name, so a screen reader (and a test) hears "Delivered", not a glyph.
import { useTranslation } from 'react-i18next';
import type { MessageStatus } from '../../shared/domain';

export type TickKind = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Which tick an outbound status shows; null for inbound messages. */
export function tickFor(status: MessageStatus): TickKind | null {
  switch (status) {
    case 'pending':
    case 'queued':
      return 'pending';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
      return 'failed';
    case 'received':
      return null;
  }
}

const GLYPHS: Record<TickKind, string> = {
  pending: 'M8 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9Zm.6 1.9v2.9l2 1.2-.6 1-2.6-1.5V5.4h1.2Z',
  sent: 'M6.2 10.6 3.4 7.8l-.9.9 3.7 3.7 7.3-7.3-.9-.9z',
  delivered: 'M4.2 10.6 1.4 7.8l-.9.9 3.7 3.7 7.3-7.3-.9-.9zM9.6 12.4l-1-1 .9-.9 .1.1 6.4-6.4.9.9z',
  read: 'M4.2 10.6 1.4 7.8l-.9.9 3.7 3.7 7.3-7.3-.9-.9zM9.6 12.4l-1-1 .9-.9 .1.1 6.4-6.4.9.9z',
  failed: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2Zm.7 9.3H7.3V10h1.4v1.3Zm0-2.6H7.3V4.7h1.4v4Z',
};

export function StatusTick({ status }: { status: MessageStatus }) {
  const { t } = useTranslation();
  const kind = tickFor(status);
  if (!kind) return null;
  return (
    <svg
      className={`tick tick-${kind}`}
      role="img"
      aria-label={t(`status.${kind}`)}
      viewBox="0 0 17 16"
      width="17"
      height="16"
    >
      <path d={GLYPHS[kind]} fill="currentColor" />
    </svg>
  );
}
