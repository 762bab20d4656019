// SMS rules shared by server and composer: opt-out keywords and segment counting.

/** Keywords (the whole message, case-insensitive) that opt a number out or back in. */
export const OPT_OUT_KEYWORDS = ['STOP', 'UNSUBSCRIBE', 'QUIT', 'CANCEL', 'END'] as const;
export const OPT_IN_KEYWORDS = ['START', 'SUBSCRIBE', 'RESUME', 'CONTINUE', 'UNSTOP'] as const;

export function optKeyword(body: string): 'opt-out' | 'opt-in' | null {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return 'opt-out';
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return 'opt-in';
  return null;
}

// GSM 03.38 basic set and extension table (extension characters take two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
  segments: number;
  perSegment: number;
}

/** How many SMS segments a body costs: 160/153 GSM-7 characters, or 70/67 UCS-2 code units. */
export function countSmsSegments(body: string): SmsSegments {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perSegment = septets <= 160 ? 160 : 153;
    return {
      encoding: 'GSM-7',
      characters: septets,
      segments: septets === 0 ? 0 : Math.ceil(septets / perSegment),
      perSegment,
    };
  }
  const units = body.length; // UTF-16 code units: emoji take two
  const perSegment = units <= 70 ? 70 : 67;
  return { encoding: 'UCS-2', characters: units, segments: Math.ceil(units / perSegment), perSegment };
}
