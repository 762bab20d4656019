// Every error code the server answers with lives in shared/error-codes.ts, where the renderer
// finds the words for it. A code written as a bare string elsewhere in server/ drifts from that
// list unseen (a typo is a code no rep has words for), so this test reads the server's sources
// and fails on one, naming the file and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CallErrorCode, ErrorCode, FrameErrorCode } from '../../shared/error-codes';

const ROOT = resolve(__dirname, '../..');
const KNOWN = new Set<string>([
  ...Object.values(ErrorCode),
  ...Object.values(CallErrorCode),
  ...Object.values(FrameErrorCode),
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Lines of `source` that write an error code as a string literal instead of naming it from shared/error-codes.ts. */
export function literalCodes(source: string, { anyKnownWord = true } = {}): string[] {
  const found: string[] = [];
  source.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    const quoted = [...code.matchAll(/'([a-z][a-z_]*)'/g)].map((m) => m[1]!);
    // In the desktop and shared/, words such as 'offline' are also states, not codes: there only
    // a literal in code position counts.
    const known = anyKnownWord ? quoted.filter((q) => KNOWN.has(q)) : [];
    // `code: 'x'` / `code = 'x'` / a failure built with a literal code, even one not in the list yet
    // (zod's own issue code 'custom' is not ours).
    const unlisted = [
      ...code.matchAll(/\bcode\s*[:=]\s*'([a-z_]+)'/g),
      ...code.matchAll(
        /new (?:ApiFailure\(\d+,|EventRejected\(|WorkspaceError\(|CallError\(|ApiCallError\()\s*'([a-z_]+)'/g,
      ),
      ...code.matchAll(/\bcode\s*===?\s*'([a-z_]+)'/g),
    ]
      .map((m) => m[1]!)
      .filter((c) => c !== 'custom' && c !== 'string');
    const hits = [...new Set([...known, ...unlisted])];
    if (hits.length > 0) found.push(`${i + 1}: ${hits.join(', ')}`);
  });
  return found;
}

describe('error codes live in shared/error-codes.ts', () => {
  it('spots a literal code, listed or not (the check bites)', () => {
    expect(literalCodes("throw new ApiFailure(409, 'conflict', 'exists');")).toEqual(['1: conflict']);
    expect(literalCodes("return { ok: false, code: 'brand_new_code', message: 'x' };")).toEqual(['1: brand_new_code']);
    expect(
      literalCodes(
        "ctx.addIssue({ code: 'custom', message: 'm' });\nthrow new ApiFailure(409, ErrorCode.CONFLICT, 'x');",
      ),
    ).toEqual([]);
  });

  it('defines each code once, in one group', () => {
    const all = [...Object.values(ErrorCode), ...Object.values(CallErrorCode), ...Object.values(FrameErrorCode)];
    expect(all.length).toBe(KNOWN.size);
  });

  it('no file of the desktop or of shared/ writes an error code in code position as a string', () => {
    const offenders = ['main', 'shared']
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .flatMap((file) =>
        literalCodes(readFileSync(file, 'utf8'), { anyKnownWord: false }).map(
          (hit) => `${relative(ROOT, file)}:${hit}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('no file under server/ writes an error code as a string', () => {
    const offenders = sourceFiles(join(ROOT, 'server')).flatMap((file) =>
      literalCodes(readFileSync(file, 'utf8')).map((hit) => `${relative(ROOT, file)}:${hit}`),
    );
    expect(offenders).toEqual([]);
  });
});
