// What the bytes of a lead's file say, whatever its name: a page is a page, an SVG with script
// is told from a plain one, a voice note's type has no parameters, and what is kept for each.
import { sniffMimeType, svgCarriesScript } from '../../server/channels/sniff';
import { leadFileFacts } from '../../server/channels/lead-file';
import {
  exeBytes,
  htmlBytes,
  oggOpusBytes,
  pdfBytes,
  plainSvg,
  pngBytes,
  svgWithHandler,
  svgWithScript,
} from './lead-file-bytes';

const text = (s: string) => new Uint8Array(Buffer.from(s));

describe('sniffing files from leads', () => {
  it.each([
    ['<!DOCTYPE html><html><body>hi</body></html>'],
    ['  <html lang="en"><head></head></html>'],
    ['<script>alert(1)</script>'],
    ['<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'],
  ])('knows a page by its content, not its name: %j', async (page) => {
    expect(await sniffMimeType(text(page), 'statement.pdf')).toMatch(/^(text\/html|application\/xhtml\+xml)$/);
  });

  it('gives the base type of an Ogg Opus voice note', async () => {
    expect(await sniffMimeType(oggOpusBytes())).toBe('audio/ogg');
  });

  it.each([
    ['a <script> element', svgWithScript()],
    ['an event handler', svgWithHandler()],
    [
      'a javascript: link',
      text('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>'),
    ],
    [
      'an encoded javascript: link',
      text('<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript&#x3A;alert(1)"><text>x</text></a></svg>'),
    ],
    [
      'a foreignObject',
      text('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="x"/></foreignObject></svg>'),
    ],
  ])('sees script in an SVG: %s', (_what, bytes) => {
    expect(svgCarriesScript(bytes)).toBe(true);
  });

  it('sees none in a plain SVG', () => {
    expect(svgCarriesScript(plainSvg())).toBe(false);
  });

  it.each([
    [
      'an EXE called invoice.pdf',
      exeBytes(),
      'invoice.pdf',
      { fileName: 'invoice.pdf', mimeType: 'application/x-msdownload', kind: 'document', blocked: 'executable' },
    ],
    [
      'a scripted SVG called report.pdf',
      svgWithScript(),
      'report.pdf',
      { mimeType: 'image/svg+xml', kind: 'document', blocked: 'scripted_svg' },
    ],
    ['an HTML page', htmlBytes(), 'page.pdf', { mimeType: 'text/html', kind: 'document', blocked: 'html' }],
    [
      'a PDF hiding .exe behind U+202E',
      pdfBytes(),
      'invoice\u202Efdp.exe',
      { fileName: 'invoicefdp.exe', blocked: 'executable' },
    ],
    [
      'bytes nobody knows',
      new Uint8Array([0, 1, 2, 3, 0, 255, 254, 0]),
      null,
      { fileName: 'attachment.bin', mimeType: 'application/octet-stream', blocked: 'unknown_type' },
    ],
    [
      'a voice note',
      oggOpusBytes(),
      null,
      { fileName: 'voice-note.ogg', mimeType: 'audio/ogg', kind: 'audio', blocked: null },
    ],
    ['a PNG', pngBytes(), 'house.png', { fileName: 'house.png', mimeType: 'image/png', kind: 'image', blocked: null }],
    ['a plain SVG', plainSvg(), 'logo.svg', { mimeType: 'image/svg+xml', kind: 'image', blocked: null }],
  ] as const)('keeps %s as it is', async (_what, bytes, name, expected) => {
    expect(await leadFileFacts(bytes, name)).toMatchObject({ ...expected, size: bytes.byteLength });
  });
});
