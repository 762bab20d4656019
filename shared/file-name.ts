// The one rule for the name of a file a lead sent, kept by the server and saved by the desktop.
// The sender chooses the name, so what it shows must be what it is: "invoice\u202Efdp.exe"
// displays as "invoiceexe.pdf" while it is an .exe, so bidi controls and other invisible
// format characters go; a name built from a Content-Type ("audio/ogg; codecs=opus") keeps
// no MIME parameters.

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks U+200E,
 * U+200F and U+061C, and the invisible zero-width characters that hide text the same way.
 */
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** "; codecs=opus", "; charset=utf-8" to the end: MIME parameters (the known ones, so "a; b=c.pdf" keeps its name), never part of a file's name. */
const MIME_PARAMETERS =
  /\s*;\s*(?:codecs|charset|name|filename|boundary|profile|format|rate|channels|version|type)\s*=.*$/is;

/** The MIME type without parameters, lower case: "audio/ogg; codecs=opus" → "audio/ogg". */
export const baseMimeType = (mimeType: string): string => (mimeType.split(';')[0] ?? '').trim().toLowerCase();

/**
 * A sender's file name as it may be shown and saved: bidi and invisible controls removed, other
 * control characters replaced by "_" (so "a\u0000b" does not become "ab"), MIME parameters cut.
 */
export function plainFileName(name: string): string {
  return name.normalize('NFC').replace(INVISIBLE, '').replace(MIME_PARAMETERS, '').replace(CONTROL, '_').trim();
}

/** Extensions by base type where the subtype is not the usual extension. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/svg+xml': 'svg',
  'image/tiff': 'tif',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-aac': 'aac',
  'audio/amr': 'amr',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
  'text/plain': 'txt',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/directory': 'vcf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/octet-stream': 'bin',
  'application/x-msdownload': 'exe',
  'text/html': 'html',
};

/** The extension for a type, from its base type only ("audio/ogg; codecs=opus" → "ogg"). */
export function extensionFor(mimeType: string): string {
  const base = baseMimeType(mimeType);
  const known = EXTENSIONS[base];
  if (known) return known;
  const sub = (base.split('/')[1] ?? '').replace(/^(x-|vnd\.)/, '').split('+')[0] ?? '';
  return /^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin';
}

/** What a file without a name is called, by what it is: "voice-note.ogg", "image.jpg", "attachment.pdf". */
export function nameForUnnamedFile(mimeType: string): string {
  const top = baseMimeType(mimeType).split('/')[0];
  const stem = top === 'audio' ? 'voice-note' : top === 'image' ? 'image' : top === 'video' ? 'video' : 'attachment';
  return `${stem}.${extensionFor(mimeType)}`;
}

/** A sender's name made plain, or a name from the type when nothing is left of it. */
export function leadFileName(name: string | null | undefined, mimeType: string): string {
  const plain = plainFileName(name ?? '')
    .replace(/[/\\]/g, '_')
    .slice(0, 200)
    .trim();
  return plain || nameForUnnamedFile(mimeType);
}
