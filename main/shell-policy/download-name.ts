// Where a received attachment is saved in Downloads: the sender chooses the file name, so it is
// reduced to a plain name (shared/file-name.ts: no bidi controls that disguise "…exe" as "…pdf",
// no MIME parameters; here also no folders, no reserved characters) and never overwrites an
// existing file ("photo (1).jpg").
import { plainFileName } from '../../shared/file-name';

// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const RESERVED = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

export function safeDownloadName(fileName: string): string {
  const base = plainFileName(fileName).split(/[/\\]/).pop() ?? '';
  let name = base
    .replace(RESERVED, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 200);
  if (!name || WINDOWS_DEVICE.test(name)) name = `attachment${name ? `-${name}` : ''}`;
  return name;
}

/** The first "name (n).ext" that `exists` says is free. */
export function uniqueDownloadName(fileName: string, exists: (name: string) => boolean): string {
  const safe = safeDownloadName(fileName);
  if (!exists(safe)) return safe;
  const dot = safe.lastIndexOf('.');
  const stem = dot > 0 ? safe.slice(0, dot) : safe;
  const ext = dot > 0 ? safe.slice(dot) : '';
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!exists(candidate)) return candidate;
  }
  return `${stem} (${Date.now()})${ext}`;
}
