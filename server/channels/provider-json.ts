// JSON from providers, parsed so that ids survive exactly. RingCentral documents int64 ids as
// bare JSON numbers (e.g. "conversationId": 4178398077955743750); JSON.parse would turn a
// 19-digit number into a float and lose its last digits. Before parsing, every integer that is
// the value of an id field (or an element of an id list) is quoted, so it arrives as the very
// digits the provider sent. Node 20 has no reviver `context.source`, hence this small scanner.

/** Field names that hold ids: `id`, `…Id`, `…_id`, `…Ids`, `…_ids`. */
const ID_FIELD = /^(id|ids|.*Ids?|.*_ids?)$/;

const isDigit = (c: string) => c >= '0' && c <= '9';

/** An open container, and for arrays the field they are the value of (their elements' key). */
interface Open {
  array: boolean;
  key: string | null;
}

/** The index of the closing quote of the string whose opening quote is at `i` (or the text's end). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j;
}

/** The index just after the number that starts at `i`. */
function numberEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
  return j;
}

/** Whether a number token is an integer given as the value of an id field. */
const isIdInteger = (key: string | null, token: string) => key !== null && ID_FIELD.test(key) && /^-?\d+$/.test(token);

/**
 * The field whose value comes next after the structural character `c` (a `:` after a key, or
 * being in an array), keeping `stack` in step with the containers it opens and closes.
 */
function keyAfter(c: string, key: string | null, lastString: string | null, stack: Open[]): string | null {
  switch (c) {
    case ':':
      return lastString;
    case '{':
      stack.push({ array: false, key: null });
      return null;
    case '[':
      stack.push({ array: true, key });
      return key;
    case '}':
    case ']':
      stack.pop();
      return null;
    case ',': {
      const top = stack[stack.length - 1];
      return top?.array ? top.key : null;
    }
    default:
      return key;
  }
}

/**
 * The text with integer id values quoted; everything else untouched. Malformed JSON is returned
 * unchanged (JSON.parse then reports it as usual).
 */
export function quoteIdNumbers(text: string): string {
  const stack: Open[] = [];
  let out = '';
  let copiedTo = 0;
  let lastString: string | null = null;
  /** The field whose value comes next. */
  let key: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const j = stringEnd(text, i);
      lastString = text.slice(i + 1, j);
      key = null;
      i = j + 1;
    } else if (c === '-' || isDigit(c)) {
      const j = numberEnd(text, i);
      const token = text.slice(i, j);
      if (isIdInteger(key, token)) {
        out += `${text.slice(copiedTo, i)}"${token}"`;
        copiedTo = j;
      }
      key = null;
      i = j;
    } else {
      key = keyAfter(c, key, lastString, stack);
      i++;
    }
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Parse a provider's JSON with ids kept exactly (as strings); throws like JSON.parse. */
export function parseProviderJson(text: string): unknown {
  return JSON.parse(quoteIdNumbers(text));
}
