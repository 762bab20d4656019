// Lead names compared the way reps type them, one rule for the server's search and the desktop's
// offline search (they used to differ, and "पुरी" found Priya on the desktop only).
//
// Folded away: case, the accents of Latin, Greek and Cyrillic letters ("José" → "jose") and the
// optional vowel signs of Arabic (harakat, shadda, tatweel), which writers put in or leave out.
// Kept: every other mark. In Devanagari, Bengali, Tamil… a vowel sign or virama is part of the
// spelling ("पुरी" is not "पर", "प्रिया" is not "परिया"), so stripping all marks (\p{M}) or
// everything Unicode calls a diacritic (\p{Diacritic}, which takes the virama) changes the name.

/** Combining marks that are accents on any Latin, Greek or Cyrillic letter (the combining
 * diacritical marks blocks), and the Arabic vowel signs (fathatan … sukun, maddah, hamza marks,
 * superscript alef) and tatweel. */
const FOLDED_RANGES: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
  [0x064b, 0x065f],
  [0x0670, 0x0670],
  [0x0640, 0x0640],
];
const folded = (ch: string): boolean => {
  const cp = ch.codePointAt(0)!;
  return FOLDED_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
};

/** A name as search compares it: lower case, folded as above, inner whitespace collapsed. */
export function foldName(name: string): string {
  const decomposed = name.toLowerCase().normalize('NFD');
  let out = '';
  for (const ch of decomposed) if (!folded(ch)) out += ch;
  return out.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** The words of a search query, folded; at most five so a pasted paragraph stays cheap. */
export function nameSearchTokens(query: string): string[] {
  return foldName(query)
    .split(' ')
    .filter((w) => w.length > 0)
    .slice(0, 5);
}
