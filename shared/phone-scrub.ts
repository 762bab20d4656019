// Phone numbers out of free text (provider errors, task titles, activity and nudge texts) before
// it reaches a user who may not see numbers. Two passes over the same text:
// 1. libphonenumber-js finds numbers the way it parses them, national and international, with
//    extensions ("(212) 555-0137 ext. 12", "+44 20 7946 0958", "1-212-555-0137").
// 2. Any run of 7+ digits joined by separators it does not read ("212_555_0137", a bare local
//    "555-0137", digits spaced out one by one), so a number it would not call possible still goes.
// Dates, times and money are not numbers to hide: "2026-11-29", "$1,250.00" and an order id
// shorter than a phone number stay as written.
// Separators are normalised one character for one character, so positions found in the
// normalised text are positions in the original.
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/min';

/** What a scrubbed number becomes: no digit of it survives. */
export const SCRUBBED_NUMBER = '•••';

/** Separators libphonenumber-js does not read as punctuation, and spaces it may not: each becomes one ASCII character. */
const EXOTIC_SEPARATORS = /[_\u2000-\u200a\u202f\u205f\u3000]/g;
/** Every character that may join the digits of a number, for the second pass. */
const JOINERS = '\\s\\u00a0\\u2000-\\u200a\\u202f\\u205f\\u3000./_\\-\\u2010-\\u2015\\u2212\\uff0d';
/** Digits joined by separators, with an area code in parentheses only at the start: "(212) 555-0137". */
const DIGIT_RUN = new RegExp(`\\+?(?:\\(\\p{Nd}{1,4}\\)[${JOINERS}]{0,2})?\\p{Nd}(?:[${JOINERS}]{0,3}\\p{Nd})+`, 'gu');
/** Dates and times, in the orders people write them; blanked before the second pass. */
const DATES = [
  /(?<!\p{Nd})\p{Nd}{4}[-/.]\p{Nd}{1,2}[-/.]\p{Nd}{1,2}(?!\p{Nd})/gu,
  /(?<!\p{Nd})\p{Nd}{1,2}[-/.]\p{Nd}{1,2}[-/.](?:\p{Nd}{4}|\p{Nd}{2})(?!\p{Nd})/gu,
  /(?<!\p{Nd})\p{Nd}{1,2}:\p{Nd}{2}(?::\p{Nd}{2})?(?!\p{Nd})/gu,
];
/** A run right after a currency sign is an amount; one fused to a word is an identifier ("INV-2026-0042"). */
const NOT_A_NUMBER_BEFORE = /(?:[$€£¥₹]\s?|\p{L}[-_#]?)$/u;
const MIN_DIGITS = 7;

export interface ScrubOptions {
  /** The country a number written without +code is read in (the workspace's; US when unknown). */
  defaultCountry?: CountryCode;
}

const digitCount = (s: string): number => (s.match(/\p{Nd}/gu) ?? []).length;

type Span = [start: number, end: number];

/** First pass: the numbers libphonenumber-js finds. */
function parsedNumberSpans(normalised: string, options: ScrubOptions): Span[] {
  const spans: Span[] = [];
  // `extended`: numbers that are possible, not only valid (a 555 number is not valid, and still a number).
  for (const m of findPhoneNumbersInText(normalised, {
    defaultCountry: options.defaultCountry ?? 'US',
    extended: true,
  })) {
    // "," and ";" are dialling pauses to libphonenumber, so "212-555-0137, 212-555-0138" reads as
    // one number with extension 212: end it before the pause and let the next number be found whole.
    const pause = m.number.ext ? /\s*[,;]\s*\p{Nd}+$/u.exec(normalised.slice(m.startsAt, m.endsAt)) : null;
    spans.push([m.startsAt, pause ? m.startsAt + pause.index : m.endsAt]);
  }
  return spans;
}

/** Second pass, on a copy where the first pass's numbers and the dates are blanked (same length,
 * with a character that is neither a digit, a separator nor a letter): the remaining digit runs. */
function digitRunSpans(normalised: string, found: readonly Span[]): Span[] {
  const blank = (s: string) => s.replace(/./gsu, (c) => '#'.repeat(c.length));
  let rest = normalised;
  for (const [a, b] of found) rest = rest.slice(0, a) + blank(rest.slice(a, b)) + rest.slice(b);
  for (const d of DATES) rest = rest.replace(d, blank);
  const spans: Span[] = [];
  for (const m of rest.matchAll(DIGIT_RUN)) {
    if (digitCount(m[0]) < MIN_DIGITS) continue;
    if (NOT_A_NUMBER_BEFORE.test(rest.slice(Math.max(0, m.index - 2), m.index))) continue;
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** The text with each span (overlapping ones merged into the first) replaced by {@link SCRUBBED_NUMBER}. */
function replaceSpans(text: string, spans: Span[]): string {
  spans.sort((x, y) => x[0] - y[0]);
  let out = '';
  let at = 0;
  for (const [a, b] of spans) {
    if (b <= at) continue;
    out += text.slice(at, Math.max(at, a)) + SCRUBBED_NUMBER;
    at = b;
  }
  return out + text.slice(at);
}

/** The text with every phone number in it replaced by {@link SCRUBBED_NUMBER}. */
export function scrubPhoneNumbers(text: string, options: ScrubOptions = {}): string {
  if (!text || digitCount(text) < MIN_DIGITS) return text;
  const normalised = text.replace(EXOTIC_SEPARATORS, (ch) => (ch === '_' ? '-' : ' '));
  const parsed = parsedNumberSpans(normalised, options);
  const spans = [...parsed, ...digitRunSpans(normalised, parsed)];
  return spans.length === 0 ? text : replaceSpans(text, spans);
}
