// The type of a file from its bytes, never from its name or the Content-Type a client claimed:
// a renamed .exe must not pass as a .jpg. file-type knows the binary formats by their magic
// numbers; the text formats the policies allow (vCard, SVG, RTF, plain text) have none, so
// they are recognised here by their content. The file name only picks among types the content
// alone cannot tell apart (an old Office file is a generic OLE container; text vs CSV).
import { fileTypeFromBuffer } from 'file-type';

const HEAD_BYTES = 4096;
const OLE_MIME = 'application/x-cfb';

function textHead(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, HEAD_BYTES);
  // Text has no NUL bytes (UTF-8 / ASCII); binary formats almost always do early on.
  if (head.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // Too many replacement characters: not UTF-8 text.
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  return bad > text.length / 50 ? null : text.replace(/^\uFEFF/, '');
}

/** Which Office 97-2003 document an OLE compound file holds, by its stream names (UTF-16LE). */
function oleOfficeType(bytes: Uint8Array, fileName?: string): string | null {
  const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (name: string) => hay.includes(Buffer.from(name, 'utf16le'));
  if (has('WordDocument')) return 'application/msword';
  if (has('Workbook') || has('Book')) return 'application/vnd.ms-excel';
  if (has('PowerPoint Document')) return 'application/vnd.ms-powerpoint';
  // Stream names not found (e.g. a truncated file): fall back to the name, but only within OLE.
  const ext = fileName?.toLowerCase().split('.').pop();
  return ext === 'doc'
    ? 'application/msword'
    : ext === 'xls'
      ? 'application/vnd.ms-excel'
      : ext === 'ppt'
        ? 'application/vnd.ms-powerpoint'
        : null;
}

/** What a browser takes for a page when it sniffs (WHATWG MIME Sniffing, "HTML" patterns). */
const HTML_START =
  /^(?:<!doctype\s+html|<(?:html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)[\s>]|<!--[\s>])/i;

function textType(text: string, fileName?: string): string {
  const start = text.trimStart();
  if (/^BEGIN:VCARD\r?\n/i.test(start)) return 'text/vcard';
  if (/^\{\\rtf/.test(start)) return 'application/rtf';
  // SVG: an <svg> root, possibly after an XML prolog, comments or a doctype.
  const withoutProlog = start.replace(/^(<\?xml[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[\s\S]*?>\s*)*/i, '');
  if (/^<svg[\s>]/i.test(withoutProlog)) return 'image/svg+xml';
  // A page, whatever its name says: opened from Downloads it would run its script.
  if (HTML_START.test(start) || /^<html[\s>]/i.test(withoutProlog)) return 'text/html';
  const ext = fileName?.toLowerCase().split('.').pop();
  return ext === 'csv' ? 'text/csv' : 'text/plain';
}

/** The MIME type the content says, or null when it is neither a known binary format nor text. */
export async function sniffMimeType(bytes: Uint8Array, fileName?: string): Promise<string | null> {
  if (bytes.byteLength === 0) return null;
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    if (detected.mime === OLE_MIME) return oleOfficeType(bytes, fileName);
    // file-type names RTF too; keep one spelling, the attachment table's.
    if (detected.mime === 'text/rtf') return 'application/rtf';
    // file-type calls anything with an XML prolog XML; an SVG is one, and says so in its root.
    if (detected.mime === 'application/xml') {
      const text = textHead(bytes);
      const inner = text === null ? null : textType(text);
      return inner === 'image/svg+xml' ? inner : inner === 'text/html' ? 'application/xhtml+xml' : detected.mime;
    }
    // "audio/ogg; codecs=opus": the type is the base type; parameters never reach a name or a header.
    return detected.mime.split(';')[0].trim();
  }
  const text = textHead(bytes);
  return text === null ? null : textType(text, fileName);
}

/** Markup in an SVG that runs code when the image is opened as a document (a browser tab, a viewer). */
const SVG_ACTIVE = [
  /<script[\s>/]/i,
  /<(?:foreignObject|iframe|embed|object|handler|listener)[\s>/]/i,
  /\son[a-z]+\s*=/i,
  /(?:javascript|vbscript)\s*:/i,
  /data\s*:\s*(?:text\/html|image\/svg\+xml|application\/(?:xhtml\+xml|javascript|ecmascript))/i,
  /<!ENTITY/i,
  /<(?:set|animate)[^>]*attributeName\s*=\s*["']?(?:(?:xlink:)?href|on[a-z]+)/i,
];

/** Whether an SVG carries script (or markup that loads some), character references decoded first so "&#106;avascript:" is seen. */
export function svgCarriesScript(bytes: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes)
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(parseInt(d, 10), 0x10ffff)))
    .replace(/&(?:tab|newline);/gi, '');
  return SVG_ACTIVE.some((re) => re.test(text));
}
