/**
 * JSON nesting depth, checked on the text before it is parsed. A valid 64 KiB body of `[[[…]]]` parses, then
 * overflows the stack of whatever walks it recursively (validation, fingerprinting, logging): a 500. Request
 * bodies of this API nest a few levels; anything deeper than MAX_JSON_DEPTH is a 400.
 */
export const MAX_JSON_DEPTH = 32;
export const JSON_TOO_DEEP = 'PAYRAIL_JSON_TOO_DEEP';

/** The deepest nesting of objects and arrays in `text` (brackets inside strings do not count); stops past `limit`. */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** A 400 the problem filter words as "nests JSON deeper than …" (Fastify-style: statusCode + code). */
export function tooDeepError(): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400, code: JSON_TOO_DEEP });
}
