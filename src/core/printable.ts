/**
 * Text shown on a terminal or in a one-line message, which may hold what strangers chose (an order
 * number from a terminal, a file name): its control characters must not act on the terminal or break
 * the line.
 */

/**
 * Characters a message must not print as they are: controls (C0 with the line break, DEL, C1), the
 * line and paragraph separators, lone surrogates, and invisible format characters (bidi overrides,
 * zero-width spaces, the BOM) except the joiners that Arabic, Indic scripts and emoji need.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * A message as one line that shows what it holds: each UNPRINTABLE character escaped as \uXXXX (a
 * UTF-16 file's NUL bytes, a file name's line break or terminal escape), any other text, Chinese
 * file and column names included, as it is. Every failure the CLI reports, and every cell of its tables, passes through here.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    if (c === '\u200c' || c === '\u200d') return c;
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}
