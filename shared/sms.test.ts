import { optKeyword, countSmsSegments, OPT_OUT_KEYWORDS, OPT_IN_KEYWORDS } from './sms';

describe('opt-out and opt-in keywords', () => {
  it.each([...OPT_OUT_KEYWORDS, 'stop', ' Stop. ', 'unsubscribe!', 'Quit', 'cancel', 'END'])('%j opts out', (body) => {
    expect(optKeyword(body)).toBe('opt-out');
  });
  it.each([...OPT_IN_KEYWORDS, 'start', 'Unstop', ' resume! ', 'Continue'])('%j opts back in', (body) => {
    expect(optKeyword(body)).toBe('opt-in');
  });
  it.each(['stop calling me at work', 'Please STOP', 'start time?', 'the end', '', 'STOPP'])(
    '%j is an ordinary message',
    (body) => {
      expect(optKeyword(body)).toBeNull();
    },
  );
  it('covers exactly the keywords of providers.md', () => {
    expect([...OPT_OUT_KEYWORDS].sort()).toEqual(['CANCEL', 'END', 'QUIT', 'STOP', 'UNSUBSCRIBE']);
    expect([...OPT_IN_KEYWORDS].sort()).toEqual(['CONTINUE', 'RESUME', 'START', 'SUBSCRIBE', 'UNSTOP']);
  });
});

describe('SMS segments', () => {
  it('counts GSM-7 text at 160 per single segment and 153 per part', () => {
    expect(countSmsSegments('')).toMatchObject({ segments: 0 });
    expect(countSmsSegments('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      characters: 160,
      segments: 1,
      perSegment: 160,
    });
    expect(countSmsSegments('a'.repeat(161))).toEqual({
      encoding: 'GSM-7',
      characters: 161,
      segments: 2,
      perSegment: 153,
    });
    expect(countSmsSegments('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
  });
  it('counts extension characters as two septets', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({
      encoding: 'GSM-7',
      characters: 160,
      segments: 1,
      perSegment: 160,
    });
    expect(countSmsSegments('{}'.repeat(40) + 'x')).toMatchObject({ characters: 161, segments: 2 });
  });
  it('keeps GSM accents GSM-7 but switches to UCS-2 for others and emoji', () => {
    expect(countSmsSegments('Hola José, ¿qué tal? Ñoño à ü')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(countSmsSegments('Núñez')).toMatchObject({ encoding: 'UCS-2' }); // ú is not in GSM-7
    expect(countSmsSegments('a'.repeat(70 - 2) + '😀')).toEqual({
      encoding: 'UCS-2',
      characters: 70,
      segments: 1,
      perSegment: 70,
    });
    expect(countSmsSegments('a'.repeat(69) + '😀')).toEqual({
      encoding: 'UCS-2',
      characters: 71,
      segments: 2,
      perSegment: 67,
    });
  });
});
