// The desktop saves a lead's file under the same plain name the server keeps (shared/file-name.ts):
// a right-to-left override cannot make "…exe" look like "…pdf" in Downloads, and a name built
// from a Content-Type loses its MIME parameters.
import { safeDownloadName, uniqueDownloadName } from '../../main/shell-policy/download-name';

describe("the name a lead's file is saved under", () => {
  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u2066photo\u2069\u200F.jpg', 'photo.jpg'],
    ['report\u061C\u200E.pdf', 'report.pdf'],
    ['attachment.ogg; codecs=opus', 'attachment.ogg'],
    ['..\\\u202Egpj.exe', 'gpj.exe'],
  ])('%j is saved as %j', (sent, saved) => {
    expect(safeDownloadName(sent)).toBe(saved);
  });

  it('numbers a plain name that is taken, not the disguised one', () => {
    expect(uniqueDownloadName('invoice\u202Efdp.exe', (n) => n === 'invoicefdp.exe')).toBe('invoicefdp (1).exe');
  });
});
