import { describe, expect, it } from 'vitest';
import { foldName, nameSearchTokens } from './name-fold';

describe('lead-name folding', () => {
  it('folds case and Latin accents the way reps type names', () => {
    expect(foldName('José Núñez')).toBe('jose nunez');
    expect(foldName('  ZOË   Müller ')).toBe('zoe muller');
    expect(foldName('Lucas Rodríguez')).toBe('lucas rodriguez');
    expect(foldName('İbrahim')).toBe('ibrahim');
  });

  it('keeps Devanagari vowel signs and viramas: "पुरी" stays Puri, never "पर"', () => {
    expect(foldName('पुरी')).toBe('पुरी');
    expect(foldName('प्रिया')).toBe('प्रिया');
    expect(foldName('पुरी')).not.toBe(foldName('पारस'));
    expect(foldName('प्रिया').startsWith(foldName('पुरी'))).toBe(false);
    expect(foldName('पारस').startsWith(foldName('पुरी'))).toBe(false);
  });

  it('treats Arabic names with and without vowel signs as the same name', () => {
    expect(foldName('مُحَمَّد')).toBe('محمد');
    expect(foldName('محمّد')).toBe('محمد');
    expect(foldName('محـمد')).toBe('محمد');
  });

  it('splits a query into at most five folded words', () => {
    expect(nameSearchTokens(' Núñez  JOSÉ ')).toEqual(['nunez', 'jose']);
    expect(nameSearchTokens('a b c d e f g')).toHaveLength(5);
  });
});
