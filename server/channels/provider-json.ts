// JSON from providers, parsed so that ids survive exactly. RingCentral documents int64 ids as
// bare JSON numbers (e.g. "conversationId": 4178398077955743750); JSON.parse would turn a
// 19-digit number into a float and lose its last digits. Before parsing, every integer that is
// the value of an id field (or an element of an id list) is quoted, so it arrives as the very
// digits the provider sent. Node 20 has no reviver `context.source`, hence this small scanner.

/** Field names that hold ids: `id`, `…Id`, `…_id`, `…Ids`, `…_ids`. */
const ID_FIELD = /^(id|ids|.*Ids?|.*_ids?)$/;

const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * The text with integer id values quoted; everything else untouched. Malformed JSON is returned
 * unchanged (JSON.parse then reports it as usual).
 */
export function quoteIdNumbers(text: string): string {
  // Each open container, and for arrays the field they are the value of (their elements' key).
  const stack: { array: boolean; key: string | null }[] = [];
  let out = '';
  let copiedTo = 0;
  let lastString: string | null = null;
  /** The field whose value comes next (set by a `:` after a key, or by being in an array). */
  let key: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = text.slice(i + 1, j);
      key = null;
      i = j + 1;
      continue;
    }
    if (c === ':') key = lastString;
    else if (c === '{') {
      stack.push({ array: false, key: null });
      key = null;
    } else if (c === '[') {
      stack.push({ array: true, key });
    } else if (c === '}' || c === ']') {
      stack.pop();
      key = null;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      key = top?.array ? top.key : null;
    } else if (c === '-' || isDigit(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (key !== null && ID_FIELD.test(key) && /^-?\d+$/.test(token)) {
        out += `${text.slice(copiedTo, i)}"${token}"`;
        copiedTo = j;
      }
      key = null;
      i = j;
      continue;
    }
    i++;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Parse a provider's JSON with ids kept exactly (as strings); throws like JSON.parse. */
export function parseProviderJson(text: string): unknown {
  return JSON.parse(quoteIdNumbers(text));
}
