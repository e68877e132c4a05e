import { settingDefault } from '../settings';

/**
 * How deeply a JSON text nests, judged on its raw bytes before anything parses it. A
 * signed body nested thousands deep parses, but then overflows the stack of whatever
 * walks it recursively (JSON.stringify, a receiver's parser); refusing it up front costs
 * one pass over the bytes and no allocation.
 */
export const DEFAULT_MAX_JSON_DEPTH = Number(settingDefault('RELAY_MAX_JSON_DEPTH'));

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * True when objects and arrays nest more than `max` levels deep (`{}` is one level,
 * `{"a":[1]}` two). Brackets inside strings do not count. Text that is not valid JSON gets
 * an answer too, never an exception: the parser that runs next reports what is wrong with it.
 * UTF-8 continuation bytes are never ASCII, so scanning bytes equals scanning characters.
 */
export function exceedsJsonDepth(bytes: Uint8Array, max: number): boolean {
  const n = bytes.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      // To the closing quote, stepping over whatever a backslash escapes. An inline loop:
      // payload strings are short, and a native search per string cost more than it saved.
      for (i++; i < n; i++) {
        const d = bytes[i];
        if (d === QUOTE) break;
        if (d === BACKSLASH) i++;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
