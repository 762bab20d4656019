// Error code → the sentence a rep reads, in the interface language (errors.* in renderer/i18n).
// The server's and core's English message is technical detail: it goes to the log and behind
// "Details", never into the sentence.
import type { TFunction } from 'i18next';
import { ATTACHMENT_POLICIES, canonicalMimeType, type ConnectorName } from '../../shared/attachment-policy';
import type { Channel } from '../../shared/domain';
import { ErrorCode } from '../../shared/error-codes';
import { i18n } from '../i18n';

/** Whether the machine has a network at all (the browser's view of the interfaces). */
export const networkOnline = (): boolean => typeof navigator === 'undefined' || navigator.onLine !== false;

/** The sentence for an error code; unknown codes get a general one (the detail says more). */
export function errorWords(t: TFunction, code: string | null | undefined, values?: Record<string, number>): string {
  // "offline" from the core means the server did not answer: say which of the two it is.
  if (code === ErrorCode.OFFLINE && !networkOnline()) return t('errors.offline_network');
  if (code === ErrorCode.BODY_TOO_LONG && values?.max !== undefined && values.length !== undefined) {
    return t('errors.body_too_long_count', {
      max: values.max,
      length: values.length,
      over: values.length - values.max,
    });
  }
  return code && i18n.exists(`errors.${code}`) ? t(`errors.${code}`) : t('errors.unknown');
}

const MB = 1024 * 1024;
export const formatFileSize = (bytes: number): string =>
  bytes >= MB ? `${+(bytes / MB).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Why a chosen file cannot go, in words: the file types the channel takes, or its size limit. */
export function attachmentRefusalWords(
  t: TFunction,
  code: string,
  connector: ConnectorName,
  channel: Channel,
  mimeType: string,
  size: number,
): string {
  const policy = ATTACHMENT_POLICIES[connector];
  const channelName = t(`channel.${channel}`);
  if (code === ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED) {
    const allowed = [...new Set(policy.types.flatMap((x) => x.extensions))].join(', ');
    return t('errors.attachment_type_not_allowed_list', { channel: channelName, allowed });
  }
  const type = policy.types.find((x) => x.mimeType === canonicalMimeType(mimeType));
  if (code === ErrorCode.ATTACHMENT_TOO_LARGE && type) {
    return t('errors.attachment_too_large_limit', {
      channel: channelName,
      size: formatFileSize(size),
      max: formatFileSize(type.maxBytes),
    });
  }
  return errorWords(t, code);
}
