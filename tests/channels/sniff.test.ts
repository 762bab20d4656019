// The file type comes from the bytes, not the name, and each sniffed type meets the
// attachment table of the connector it is sent through.
import { sniffMimeType } from '../../server/channels/sniff';
import { checkAttachment } from '../../shared/attachment-policy';

const hex = (h: string, pad = 64) => new Uint8Array([...Buffer.from(h, 'hex'), ...new Uint8Array(pad)]);
const text = (s: string) => new TextEncoder().encode(s);
const ftyp = (brand: string) => {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(24, 0);
  b.write('ftyp', 4);
  b.write(brand, 8);
  b.write(brand, 16);
  return new Uint8Array(b);
};
const ole = (stream: string) =>
  new Uint8Array(
    Buffer.concat([
      Buffer.from('d0cf11e0a1b11ae1', 'hex'),
      Buffer.alloc(504),
      Buffer.from(stream, 'utf16le'),
      Buffer.alloc(64),
    ]),
  );

const SAMPLES: [string, Uint8Array, string][] = [
  ['jpeg', hex('ffd8ffe000104a46494600'), 'image/jpeg'],
  ['png', hex('89504e470d0a1a0a0000000d49484452'), 'image/png'],
  ['gif', hex('474946383961'), 'image/gif'],
  ['bmp', hex('424d'), 'image/bmp'],
  ['tiff', hex('49492a0008000000'), 'image/tiff'],
  ['mp4', ftyp('isom'), 'video/mp4'],
  ['3gpp', ftyp('3gp4'), 'video/3gpp'],
  ['mp3', hex('fffb9064'), 'audio/mpeg'],
  ['aac', hex('fff1508003fffc'), 'audio/aac'],
  ['pdf', text('%PDF-1.7\n1 0 obj\n'), 'application/pdf'],
  ['doc', ole('WordDocument'), 'application/msword'],
  ['xls', ole('Workbook'), 'application/vnd.ms-excel'],
  ['ppt', ole('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
  ['rtf', text('{\\rtf1\\ansi Hello}'), 'application/rtf'],
  ['svg', text('<svg xmlns="http://www.w3.org/2000/svg" width="1"/>'), 'image/svg+xml'],
  [
    'svg with prolog',
    text('<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    'image/svg+xml',
  ],
  ['vcard', text('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maria Garcia\r\nEND:VCARD\r\n'), 'text/vcard'],
  ['text', text('Call me after 5, thanks!'), 'text/plain'],
];

describe('sniffMimeType', () => {
  it.each(SAMPLES)('recognises %s by content', async (_name, bytes, mime) => {
    expect(await sniffMimeType(bytes)).toBe(mime);
  });

  it('ignores a lying file name', async () => {
    expect(await sniffMimeType(hex('89504e470d0a1a0a0000000d49484452'), 'invoice.pdf')).toBe('image/png');
    expect(await sniffMimeType(hex('4d5a90000300000004000000ffff'), 'cute-cat.jpg')).not.toBe('image/jpeg');
    expect(await sniffMimeType(text('BEGIN:VCARD\nFN:x\nEND:VCARD'), 'photo.png')).toBe('text/vcard');
  });

  it('uses the name only where content cannot tell: CSV vs text', async () => {
    expect(await sniffMimeType(text('a,b\n1,2\n'), 'leads.csv')).toBe('text/csv');
    expect(await sniffMimeType(text('a,b\n1,2\n'), 'notes.txt')).toBe('text/plain');
  });

  it('returns null for empty or unknown binary content', async () => {
    expect(await sniffMimeType(new Uint8Array())).toBeNull();
    expect(await sniffMimeType(new Uint8Array([0, 1, 2, 3, 0, 255, 254, 0, 9]))).toBeNull();
  });

  it('feeds the attachment table: a renamed executable is refused everywhere', async () => {
    const exe = await sniffMimeType(hex('4d5a90000300000004000000ffff'), 'photo.jpg');
    for (const c of ['whatsapp', 'ringcentral', 'ctm'] as const)
      expect(checkAttachment(c, exe ?? 'application/octet-stream', 100).ok).toBe(false);
  });
});
