import { extensionFor, leadFileName, nameForUnnamedFile, plainFileName } from './file-name';

describe('a file name from a lead', () => {
  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u2067report\u2069.pdf', 'report.pdf'],
    ['a\u200Eb\u200Fc\u061Cd\u202Ae\u202Bf\u202Cg\u202Dh\u2066i\u2068j.txt', 'abcdefghij.txt'],
    ['zero\u200Bwidth\uFEFF.png', 'zerowidth.png'],
    ['attachment.ogg; codecs=opus', 'attachment.ogg'],
    ['notes.txt;charset=utf-8', 'notes.txt'],
    ['Q3; final=v2.pdf', 'Q3; final=v2.pdf'],
    ['a\u0000b.pdf', 'a_b.pdf'],
    ['photo.jpg', 'photo.jpg'],
  ])('%j is kept as %j', (raw, plain) => {
    expect(plainFileName(raw)).toBe(plain);
  });

  it('takes the extension from the base type only', () => {
    expect(extensionFor('audio/ogg; codecs=opus')).toBe('ogg');
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('image/svg+xml')).toBe('svg');
    expect(extensionFor('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('docx');
    expect(extensionFor('application/x-weird type')).toBe('bin');
  });

  it('names a file that came without a name by what it is', () => {
    expect(nameForUnnamedFile('audio/ogg; codecs=opus')).toBe('voice-note.ogg');
    expect(nameForUnnamedFile('image/jpeg')).toBe('image.jpg');
    expect(nameForUnnamedFile('video/mp4')).toBe('video.mp4');
    expect(nameForUnnamedFile('application/pdf')).toBe('attachment.pdf');
    expect(leadFileName(null, 'audio/ogg')).toBe('voice-note.ogg');
    expect(leadFileName('\u202E', 'application/pdf')).toBe('attachment.pdf');
    expect(leadFileName('../../etc/passwd', 'text/plain')).toBe('.._.._etc_passwd');
  });
});
