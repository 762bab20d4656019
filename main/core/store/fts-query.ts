// Turn what the rep typed into an FTS5 query: every word must match, the last one also as a
// prefix (search as you type). Words are quoted, so FTS5 syntax in the input ("AND", quotes,
// parentheses, column filters) is treated as text and can never make the query fail.
export function ftsQuery(input: string, columns?: readonly string[]): string | null {
  const words = input.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  const q = words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
  return columns && columns.length > 0 ? `{${columns.join(' ')}}: (${q})` : q;
}
