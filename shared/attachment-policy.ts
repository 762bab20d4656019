// What each connector lets a rep attach: the seed's table, within each provider's documented
// limits (providers.md). One media file per message; captions on images and videos only.
// The server enforces it at upload and at send; the renderer checks it first to tell the rep early.
import type { AttachmentBlockReason, AttachmentKind } from './domain';
import { ErrorCode } from './error-codes';

export type ConnectorName = 'whatsapp' | 'ringcentral' | 'ctm' | 'sandbox-sms' | 'sandbox-whatsapp';

interface AllowedType {
  mimeType: string;
  extensions: string[];
  kind: AttachmentKind;
  maxBytes: number;
}
export interface AttachmentPolicy {
  connector: ConnectorName;
  label: string;
  types: AllowedType[];
  maxBytes: number;
}

const MB = 1024 * 1024;
const t = (mimeType: string, extensions: string[], kind: AttachmentKind, maxBytes: number): AllowedType => ({
  mimeType,
  extensions,
  kind,
  maxBytes,
});

// RingCentral MMS: 1.5 MB for all attachments together; one file here, so 1.5 MB for it.
const RINGCENTRAL_MAX = 1.5 * MB;
// CTM publishes no MMS size; US carriers commonly refuse MMS over 1 MB, so that is the limit
// assumed here (change it in this one place if CTM documents otherwise).
const CTM_MAX = 1 * MB;

const WHATSAPP: AllowedType[] = [
  t('image/jpeg', ['jpeg', 'jpg'], 'image', 5 * MB),
  t('image/png', ['png'], 'image', 5 * MB),
  t('video/mp4', ['mp4'], 'video', 16 * MB),
  t('video/3gpp', ['3gp', '3gpp'], 'video', 16 * MB),
  t('audio/aac', ['aac'], 'audio', 16 * MB),
  t('audio/x-aac', ['aac'], 'audio', 16 * MB),
  t('audio/mpeg', ['mp3', 'mpeg'], 'audio', 16 * MB),
  t('application/pdf', ['pdf'], 'document', 100 * MB),
  t('application/msword', ['doc'], 'document', 100 * MB),
  t('application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx'], 'document', 100 * MB),
  t('application/vnd.ms-excel', ['xls'], 'document', 100 * MB),
  t('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx'], 'document', 100 * MB),
  t('application/vnd.ms-powerpoint', ['ppt'], 'document', 100 * MB),
  t('application/vnd.openxmlformats-officedocument.presentationml.presentation', ['pptx'], 'document', 100 * MB),
];

const RINGCENTRAL: AllowedType[] = [
  t('image/jpeg', ['jpeg', 'jpg'], 'image', RINGCENTRAL_MAX),
  t('image/png', ['png'], 'image', RINGCENTRAL_MAX),
  t('image/gif', ['gif'], 'image', RINGCENTRAL_MAX),
  t('image/bmp', ['bmp'], 'image', RINGCENTRAL_MAX),
  t('image/tiff', ['tif', 'tiff'], 'image', RINGCENTRAL_MAX),
  t('image/svg+xml', ['svg'], 'image', RINGCENTRAL_MAX),
  t('application/rtf', ['rtf'], 'document', RINGCENTRAL_MAX),
  t('video/mp4', ['mp4'], 'video', RINGCENTRAL_MAX),
  t('audio/mpeg', ['mp3'], 'audio', RINGCENTRAL_MAX),
];

const CTM: AllowedType[] = [
  t('image/jpeg', ['jpeg', 'jpg'], 'image', CTM_MAX),
  t('image/png', ['png'], 'image', CTM_MAX),
  t('image/gif', ['gif'], 'image', CTM_MAX),
  t('text/vcard', ['vcf', 'vcard'], 'document', CTM_MAX),
  t('text/directory', ['vcf'], 'document', CTM_MAX),
  t('text/x-vcard', ['vcf'], 'document', CTM_MAX),
];

const policy = (connector: ConnectorName, label: string, types: AllowedType[]): AttachmentPolicy => ({
  connector,
  label,
  types,
  maxBytes: Math.max(...types.map((x) => x.maxBytes)),
});

export const ATTACHMENT_POLICIES: Record<ConnectorName, AttachmentPolicy> = {
  whatsapp: policy('whatsapp', 'WhatsApp Business', WHATSAPP),
  ringcentral: policy('ringcentral', 'RingCentral Texting Connector', RINGCENTRAL),
  ctm: policy('ctm', 'CTM Texting Connector', CTM),
  // The demo's sandbox connectors follow the real connector they stand in for.
  'sandbox-sms': policy('sandbox-sms', 'Sandbox SMS (as RingCentral)', RINGCENTRAL),
  'sandbox-whatsapp': policy('sandbox-whatsapp', 'Sandbox WhatsApp', WHATSAPP),
};

/** Normalise aliases so `image/jpg` and `text/rtf` match the table. */
export function canonicalMimeType(mimeType: string): string {
  const m = (mimeType.toLowerCase().split(';')[0] ?? '').trim();
  const aliases: Record<string, string> = {
    'image/jpg': 'image/jpeg',
    'image/pjpeg': 'image/jpeg',
    'text/rtf': 'application/rtf',
    'audio/mp3': 'audio/mpeg',
    'audio/3gpp': 'video/3gpp',
  };
  return aliases[m] ?? m;
}

const formatSize = (bytes: number): string =>
  bytes >= MB ? `${+(bytes / MB).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;

export type AttachmentCheck =
  | { ok: true; kind: AttachmentKind; mimeType: string }
  | {
      ok: false;
      code: typeof ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED | typeof ErrorCode.ATTACHMENT_TOO_LARGE;
      message: string;
    };

/** Check one file against a connector's policy. The message names the allowed types and the limit. */
export function checkAttachment(connector: ConnectorName, mimeType: string, size: number): AttachmentCheck {
  const p = ATTACHMENT_POLICIES[connector];
  const mime = canonicalMimeType(mimeType);
  const type = p.types.find((x) => x.mimeType === mime);
  if (!type) {
    const allowed = [...new Set(p.types.flatMap((x) => x.extensions))].join(', ');
    return {
      ok: false,
      code: ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
      message: `${p.label} does not accept ${mime || 'this file type'}. Allowed: ${allowed}.`,
    };
  }
  if (size > type.maxBytes) {
    return {
      ok: false,
      code: ErrorCode.ATTACHMENT_TOO_LARGE,
      message: `This file is ${formatSize(size)}; ${p.label} accepts ${type.kind} files up to ${formatSize(type.maxBytes)}.`,
    };
  }
  return { ok: true, kind: type.kind, mimeType: mime };
}

/** Captions go with images and videos only (the seed's rule, stricter than WhatsApp's). */
export const captionAllowed = (kind: AttachmentKind): boolean => kind === 'image' || kind === 'video';

/** The `accept` attribute for a file input, so the picker offers only allowed files. */
export const acceptAttribute = (connector: ConnectorName): string =>
  [
    ...new Set(ATTACHMENT_POLICIES[connector].types.flatMap((x) => [x.mimeType, ...x.extensions.map((e) => `.${e}`)])),
  ].join(',');

/** Guess a type from a file name, for the client's early check before the server sniffs the bytes. */
export function mimeTypeFromFileName(fileName: string): string | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  for (const p of Object.values(ATTACHMENT_POLICIES))
    for (const x of p.types) if (x.extensions.includes(ext)) return x.mimeType;
  return null;
}

// ---- files from leads ----------------------------------------------------------------------
// A lead may send anything; what could harm the rep's computer when opened is kept (the
// conversation stays whole) but never previewed nor offered for download, and the rep is told
// why. The type is the one sniffed from the bytes; the name counts too, because the desktop
// saves the file under it and the OS opens it by its extension.

/** Types that run code when opened. */
const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-dosexec',
  'application/vnd.microsoft.portable-executable',
  'application/x-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sharedlib',
  'application/x-msi',
  'application/x-ms-installer',
  'application/java-archive',
  'application/x-java-archive',
  'application/vnd.android.package-archive',
  'application/x-apple-diskimage',
  'application/x.ms.shortcut',
  'application/x-ms-shortcut',
  'application/x-sh',
  'application/x-shellscript',
  'application/x-bat',
  'application/hta',
  'application/x-ms-application',
  'application/x-deb',
  'application/x-rpm',
  'application/wasm',
  'application/javascript',
  'text/javascript',
  'application/x-python-code',
]);
const HTML_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'message/rfc822',
  'multipart/related',
  'application/x-mimearchive',
]);

/** Extensions Windows, macOS or Linux run or render as a page when the file is opened. */
const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'com',
  'scr',
  'pif',
  'bat',
  'cmd',
  'msi',
  'msp',
  'mst',
  'dll',
  'cpl',
  'sys',
  'drv',
  'ocx',
  'ps1',
  'psm1',
  'psd1',
  'vb',
  'vbs',
  'vbe',
  'js',
  'jse',
  'mjs',
  'wsf',
  'wsh',
  'wsc',
  'hta',
  'jar',
  'jnlp',
  'lnk',
  'url',
  'scf',
  'inf',
  'reg',
  'msc',
  'gadget',
  'application',
  'appref-ms',
  'xll',
  'settingcontent-ms',
  'library-ms',
  'sh',
  'bash',
  'zsh',
  'command',
  'app',
  'pkg',
  'dmg',
  'apk',
  'deb',
  'rpm',
  'run',
  'iso',
  'img',
  'vhd',
  'vhdx',
  'appimage',
  'py',
  'pyw',
  'pl',
  'rb',
  'elf',
  'chm',
  'desktop',
]);
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml', 'xht', 'shtml', 'mht', 'mhtml', 'svgz']);

/** What a file from a lead sniffed as: its type from the bytes (null: not known), and whether an SVG carries script. */
export interface LeadFile {
  mimeType: string | null;
  fileName: string;
  scripted: boolean;
}

export type LeadFileVerdict = { allowed: true } | { allowed: false; reason: AttachmentBlockReason };

/** Whether a rep may preview and download a file a lead sent, and if not, why. */
export function leadFileVerdict(file: LeadFile): LeadFileVerdict {
  const mime = file.mimeType === null ? null : canonicalMimeType(file.mimeType);
  const ext = file.fileName.includes('.') ? file.fileName.toLowerCase().split('.').pop()!.trim() : '';
  if ((mime && EXECUTABLE_TYPES.has(mime)) || EXECUTABLE_EXTENSIONS.has(ext))
    return { allowed: false, reason: 'executable' };
  if ((mime && HTML_TYPES.has(mime)) || HTML_EXTENSIONS.has(ext)) return { allowed: false, reason: 'html' };
  if (mime === 'image/svg+xml' && file.scripted) return { allowed: false, reason: 'scripted_svg' };
  if (mime === null) return { allowed: false, reason: 'unknown_type' };
  return { allowed: true };
}

/** The English sentence for a blocked file (the renderer has its own, translated, keyed by reason). */
export const BLOCKED_FILE_TEXT: Record<AttachmentBlockReason, string> = {
  executable:
    'This file is a program or script, which can harm your computer; it is kept in the conversation but cannot be opened or downloaded.',
  html: 'This file is a web page, which can run code; it is kept in the conversation but cannot be opened or downloaded.',
  scripted_svg:
    'This image carries script, which can run code; it is kept in the conversation but cannot be opened or downloaded.',
  unknown_type:
    'The type of this file could not be told from its contents, so it is not offered; it is kept in the conversation.',
};
