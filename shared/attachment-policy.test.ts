import {
  ATTACHMENT_POLICIES,
  checkAttachment,
  canonicalMimeType,
  captionAllowed,
  acceptAttribute,
  mimeTypeFromFileName,
  leadFileVerdict,
  type ConnectorName,
} from './attachment-policy';
import { ErrorCode } from './error-codes';

const MB = 1024 * 1024;
const exts = (c: ConnectorName) => new Set(ATTACHMENT_POLICIES[c].types.flatMap((t) => t.extensions));
const mimes = (c: ConnectorName) => new Set(ATTACHMENT_POLICIES[c].types.map((t) => t.mimeType));

describe("attachment table per connector (the seed's lists at least)", () => {
  it('WhatsApp: jpeg, png, mp4, 3gpp, x-aac, mpeg, pdf, doc, xls, ppt', () => {
    for (const m of [
      'image/jpeg',
      'image/png',
      'video/mp4',
      'video/3gpp',
      'audio/x-aac',
      'audio/mpeg',
      'application/pdf',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
    ])
      expect(mimes('whatsapp')).toContain(m);
  });
  it('RingCentral: jpeg, png, jpg, gif, bmp, tiff, svg, rtf, mp4, mp3', () => {
    for (const e of ['jpeg', 'png', 'jpg', 'gif', 'bmp', 'tiff', 'svg', 'rtf', 'mp4', 'mp3'])
      expect(exts('ringcentral')).toContain(e);
  });
  it('CTM: jpeg, png, jpg, gif, vcard, directory, x-vcard', () => {
    for (const m of ['image/jpeg', 'image/png', 'image/gif', 'text/vcard', 'text/directory', 'text/x-vcard'])
      expect(mimes('ctm')).toContain(m);
    expect(exts('ctm')).toContain('jpg');
  });
  it('the sandboxes follow the connectors they stand in for', () => {
    expect(ATTACHMENT_POLICIES['sandbox-sms'].types).toEqual(ATTACHMENT_POLICIES.ringcentral.types);
    expect(ATTACHMENT_POLICIES['sandbox-whatsapp'].types).toEqual(ATTACHMENT_POLICIES.whatsapp.types);
  });
});

describe("limits within the providers' documented ones", () => {
  it.each([
    ['whatsapp', 'image/jpeg', 5 * MB],
    ['whatsapp', 'video/mp4', 16 * MB],
    ['whatsapp', 'audio/mpeg', 16 * MB],
    ['whatsapp', 'application/pdf', 100 * MB],
    ['ringcentral', 'image/png', 1.5 * MB],
    ['ringcentral', 'video/mp4', 1.5 * MB],
    ['ctm', 'image/gif', 1 * MB],
  ] as const)('%s %s: up to %d bytes', (c, mime, max) => {
    expect(checkAttachment(c, mime, max)).toMatchObject({ ok: true, mimeType: mime });
    const over = checkAttachment(c, mime, max + 1);
    expect(over).toMatchObject({ ok: false, code: ErrorCode.ATTACHMENT_TOO_LARGE });
    expect(!over.ok && over.message).toMatch(/up to \d/);
  });

  it('refuses other types, naming the allowed ones', () => {
    const r = checkAttachment('ctm', 'application/pdf', 10);
    expect(r).toMatchObject({ ok: false, code: ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED });
    expect(!r.ok && r.message).toBe(
      'CTM Texting Connector does not accept application/pdf. Allowed: jpeg, jpg, png, gif, vcf, vcard.',
    );
    expect(checkAttachment('whatsapp', 'image/gif', 10).ok).toBe(false);
    expect(checkAttachment('ringcentral', 'application/pdf', 10).ok).toBe(false);
  });

  it('normalises aliases and parameters', () => {
    expect(canonicalMimeType('IMAGE/JPG; charset=binary')).toBe('image/jpeg');
    expect(checkAttachment('ringcentral', 'text/rtf', 100)).toMatchObject({
      ok: true,
      mimeType: 'application/rtf',
      kind: 'document',
    });
    expect(checkAttachment('ringcentral', 'audio/mp3', 100)).toMatchObject({ ok: true, kind: 'audio' });
  });
});

describe('captions, picker and name guesses', () => {
  it('captions only on images and videos', () => {
    expect(['image', 'video', 'audio', 'document'].map((k) => captionAllowed(k as never))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
  it('the picker offers the allowed types', () => {
    expect(acceptAttribute('ctm').split(',')).toEqual(
      expect.arrayContaining(['image/jpeg', '.jpg', '.vcf', 'text/x-vcard']),
    );
    expect(acceptAttribute('whatsapp')).not.toContain('image/gif');
  });
  it('guesses a type from the name for the early client check', () => {
    expect(mimeTypeFromFileName('Plan.JPG')).toBe('image/jpeg');
    expect(mimeTypeFromFileName('card.vcf')).toBe('text/vcard');
    expect(mimeTypeFromFileName('virus.exe')).toBeNull();
  });
});

describe('leadFileVerdict: files from leads', () => {
  it.each([
    [{ mimeType: 'application/x-msdownload', fileName: 'invoice.pdf', scripted: false }, 'executable'],
    [{ mimeType: 'application/x-elf', fileName: 'tool', scripted: false }, 'executable'],
    [{ mimeType: 'application/pdf', fileName: 'invoicefdp.exe', scripted: false }, 'executable'],
    [{ mimeType: 'text/plain', fileName: 'run.bat', scripted: false }, 'executable'],
    [{ mimeType: 'text/html', fileName: 'statement.pdf', scripted: false }, 'html'],
    [{ mimeType: 'text/plain', fileName: 'page.htm', scripted: false }, 'html'],
    [{ mimeType: 'image/svg+xml', fileName: 'report.pdf', scripted: true }, 'scripted_svg'],
    [{ mimeType: null, fileName: 'blob.dat', scripted: false }, 'unknown_type'],
  ])('blocks %j: %s', (file, reason) => {
    expect(leadFileVerdict(file)).toEqual({ allowed: false, reason });
  });

  it.each([
    { mimeType: 'application/pdf', fileName: 'offer.pdf', scripted: false },
    { mimeType: 'image/svg+xml', fileName: 'logo.svg', scripted: false },
    { mimeType: 'audio/ogg', fileName: 'voice-note.ogg', scripted: false },
    { mimeType: 'text/plain', fileName: 'notes.txt', scripted: false },
  ])('allows %j', (file) => {
    expect(leadFileVerdict(file)).toEqual({ allowed: true });
  });
});
