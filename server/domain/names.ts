// Names compared the way reps type them: case- and accent-insensitive ("jose" finds "José").

/** Lower-case, accents stripped, inner whitespace collapsed. */
export function normaliseName(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The words of a search query, normalised; at most five so a pasted paragraph stays cheap. */
export function searchTokens(q: string): string[] {
  return normaliseName(q).split(' ').filter((t) => t.length > 0).slice(0, 5);
}
