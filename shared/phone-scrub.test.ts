import { SCRUBBED_NUMBER, scrubPhoneNumbers } from './phone-scrub';

// Generated: numbers × formats × separators × positions in a sentence. Each scrubbed text must be
// the sentence with the whole number (extension included) replaced and nothing else touched.
const US_NUMBERS = ['2125550137', '4155550134', '3125550199', '6175550123', '7185550100'];
const SEPARATORS = ['-', '.', ' ', '/', '_', '\u2013', '\u2014', '\u00a0', '\u202f', ' - '];

function usFormats(n: string): string[] {
  const [a, b, c] = [n.slice(0, 3), n.slice(3, 6), n.slice(6)];
  const out = [`+1${n}`, n, `1${n}`, `(${a}) ${b}-${c}`, `(${a})${b}-${c}`, `+1 (${a}) ${b}-${c}`];
  for (const s of SEPARATORS) {
    out.push(
      `${a}${s}${b}${s}${c}`,
      `+1${s}${a}${s}${b}${s}${c}`,
      `1${s}${a}${s}${b}${s}${c}`,
      `(${a})${s}${b}${s}${c}`,
    );
  }
  // Extensions, written the usual ways.
  out.push(`(${a}) ${b}-${c} ext. 12`, `${a}-${b}-${c} x45`, `+1 ${a} ${b} ${c} ext 7`);
  // A local number without its area code still gives the subscriber away.
  out.push(`${b}-${c}`, `${b}.${c}`, `${b}_${c}`);
  return out;
}

const INTERNATIONAL = [
  '+44 20 7946 0958',
  '+442079460958',
  '+52 55 1234 5678',
  '+91 98765 43210',
  '+61 2 9374 4000',
  '+49 30 901820',
];

const POSITIONS = [
  (n: string) => n,
  (n: string) => `call back on ${n}`,
  (n: string) => `${n} is not a WhatsApp user`,
  (n: string) => `Message to ${n}: undeliverable (code 30006).`,
  (n: string) => `Task "call back on ${n}" due 2026-11-29.`,
  (n: string) => `CRM note:${n};retry`,
];

describe('scrubPhoneNumbers', () => {
  const cases: { text: string; expected: string }[] = [];
  for (const n of [...US_NUMBERS.flatMap(usFormats), ...INTERNATIONAL]) {
    for (const p of POSITIONS) cases.push({ text: p(n), expected: p(SCRUBBED_NUMBER) });
  }

  it(`leaves no digit of a number, and everything else, in ${cases.length} generated texts`, () => {
    expect(cases.length).toBeGreaterThan(1000);
    const wrong = cases.map((c) => ({ ...c, out: scrubPhoneNumbers(c.text) })).filter((c) => c.out !== c.expected);
    expect(wrong.slice(0, 5)).toEqual([]);
    // The sentences' own numbers (a code, a date) are still there: the scrubber is not blanking all digits.
    expect(cases.some((c) => /30006/.test(scrubPhoneNumbers(c.text)))).toBe(true);
  });

  it('finds every number of a list, whatever separates them', () => {
    expect(
      scrubPhoneNumbers('Tried 212/555/0137, 212_555_0138 and 212\u2013555\u20130139; then +44 20 7946 0958'),
    ).toBe(`Tried ${SCRUBBED_NUMBER}, ${SCRUBBED_NUMBER} and ${SCRUBBED_NUMBER}; then ${SCRUBBED_NUMBER}`);
    expect(scrubPhoneNumbers('a 212-555-0137,212-555-0138 b')).toBe(`a ${SCRUBBED_NUMBER},${SCRUBBED_NUMBER} b`);
  });

  it('removes the extension with the number', () => {
    expect(scrubPhoneNumbers('Call (212) 555-0137 ext. 12 now')).toBe(`Call ${SCRUBBED_NUMBER} now`);
  });

  it('keeps the words around a number as they were', () => {
    expect(scrubPhoneNumbers('call back on (415) 555-0134 tomorrow')).toBe(`call back on ${SCRUBBED_NUMBER} tomorrow`);
    expect(scrubPhoneNumbers('Invalid number 212_555_0137.')).toBe(`Invalid number ${SCRUBBED_NUMBER}.`);
  });

  it.each([
    'Quote $1,250.00 sent',
    'Total: $1250000.00',
    'Renewal on 2026-11-29 at 10:30',
    'Due 11/29/2026, 29.11.2026 or 2026-11-29T10:00:00.000Z',
    'Order 48213 shipped',
    'Order #123456 and invoice INV-2026-0042',
    'Order 123456 (6 digits)',
    'Room 12, floor 3, 2 cars',
    'Template approved (code 131047)',
    'No numbers here at all',
    '',
  ])('leaves ordinary numbers intact: %j', (text) => {
    expect(scrubPhoneNumbers(text)).toBe(text);
  });

  it('reads a number without +code in the given country', () => {
    expect(scrubPhoneNumbers('Ring 020 7946 0958', { defaultCountry: 'GB' })).toBe(`Ring ${SCRUBBED_NUMBER}`);
  });
});
