// Phone numbers: SMS goes to US numbers only (E.164, +1); WhatsApp to any valid number.
// libphonenumber-js carries the numbering-plan rules so none are hand-written here.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/min';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from './error-codes';

/**
 * Numbers parsed lately. A server reads and shows the same leads' numbers again and again — the
 * sender of every inbound message, each lead view in its events and nudges — and parsing one
 * against the numbering plans cost 6% of a server node's time under load (CPU profile, cluster
 * bench's fan-out). Parsed numbers are only read, never changed, so they can be shared.
 */
const parsedLately = new LRUCache<string, { parsed: PhoneNumber | undefined }>({
  max: 10_000,
  // Wrapped: the cache keeps no undefined, and a number that does not parse is asked again too.
  memoMethod: (candidate) => ({ parsed: parsePhoneNumberFromString(candidate) }),
});

const parse = (candidate: string): PhoneNumber | undefined => parsedLately.memo(candidate).parsed;

export type PhoneCheck =
  | { ok: true; e164: string }
  | { ok: false; code: typeof ErrorCode.INVALID_NUMBER | typeof ErrorCode.NOT_US_NUMBER; message: string };

/** Normalise any number to E.164 (a bare 10-digit number is read as US). */
export function normalisePhone(raw: string): PhoneCheck {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/[^\d+]/g, '');
  const candidate = digits.startsWith('+') ? digits : digits.length === 10 ? `+1${digits}` : `+${digits}`;
  const parsed = parse(candidate);
  if (!parsed || !parsed.isPossible())
    return { ok: false, code: ErrorCode.INVALID_NUMBER, message: `"${trimmed}" is not a valid phone number.` };
  return { ok: true, e164: parsed.number };
}

/** SMS is US-only: the number must be a valid +1 US number. */
export function checkSmsNumber(raw: string): PhoneCheck {
  const n = normalisePhone(raw);
  if (!n.ok) return n;
  const parsed = parse(n.e164);
  // A +1 number whose region cannot be told (area code 555, 000…) is no real number anywhere.
  if (parsed && parsed.countryCallingCode === '1' && !parsed.country) {
    return { ok: false, code: ErrorCode.INVALID_NUMBER, message: `${n.e164} is not a valid US phone number.` };
  }
  if (!parsed || parsed.countryCallingCode !== '1' || parsed.country !== 'US') {
    return {
      ok: false,
      code: ErrorCode.NOT_US_NUMBER,
      message: `SMS is available for US numbers only; ${n.e164} is not a US number.`,
    };
  }
  return n;
}

/** WhatsApp addresses numbers as E.164 digits without the plus (`wa_id`). */
export const toWhatsAppId = (e164: string): string => e164.replace(/^\+/, '');
export const fromWhatsAppId = (waId: string): string => `+${waId.replace(/\D/g, '')}`;

/** What a masked number shows: country code and last two digits, e.g. `+1 •••• ••34`. */
export function maskPhone(e164: string): string {
  const parsed = parse(e164);
  const cc = parsed ? `+${parsed.countryCallingCode}` : '+';
  return `${cc} •••• ••${e164.slice(-2)}`;
}

/** Readable form for display, e.g. `+1 415 555 0134`. */
export function formatPhone(e164: string): string {
  const parsed = parse(e164);
  return parsed ? parsed.formatInternational() : e164;
}
