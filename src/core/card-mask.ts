/**
 * Card numbers in text nobody vouches for (DESIGN §3.5: a full PAN is never stored). Used on the raw
 * text of rejected lines, where the column that should hold a masked card number cannot be trusted,
 * and on `pan_masked` values of accepted rows.
 *
 * Vocabulary:
 * - a *mask character* is `*`, `X` or `x`, standing for a hidden digit;
 * - a *group* is a maximal run of digits and mask characters;
 * - a *run* is a sequence of groups joined by single separators (a space or a dash), as card numbers
 *   are written on paper and in free text (`4111 1111 1111 1111`, `4111-1111-1111-1111`);
 * - a *window* is a stretch of consecutive groups of one run holding 13–19 characters (separators not
 *   counted): the lengths of card numbers (ISO/IEC 7812).
 * A window is a card number when it is all digits and passes the Luhn check, or when it holds a mask
 * character (someone meant to mask it) — then whatever it shows beyond the first 6 and the last 4 is
 * masked. Every window of a run is tried, so a number glued to a date by a dash
 * (`2026-11-16 4111 1111 1111 1111`) is found too. Over-masking a rejected line is the safe side: a
 * 15-digit merchant id that happens to pass the Luhn check is masked as well.
 */

/** Shortest and longest card numbers (ISO/IEC 7812), in digits. */
const MIN_PAN = 13;
const MAX_PAN = 19;
/** Digits a masked card number may show: the first 6 (the issuer) and the last 4. */
const SHOW_FIRST = 6;
const SHOW_LAST = 4;
/** What a hidden digit is written as. */
const STAR = 42;

/**
 * Bytes past a cut that decide the windows reaching back before it: a window holds at most 19
 * characters and 18 separators, so whatever lies further cannot change what is masked before the cut.
 */
export const MASK_LOOKAHEAD = 64;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isMaskChar(c: number): boolean {
  return c === STAR || c === 88 || c === 120; // '*', 'X', 'x'
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 45; // ' ', '-'
}

/**
 * Masks, in place, every card number in b[start, end): digits beyond the first 6 and the last 4 of
 * each window (above) become `*`. `more` (optional) holds the bytes that followed b[end) in the
 * original text (at most MASK_LOOKAHEAD of them are read) when b holds a cut copy: a number cut by the
 * end is judged whole, and its digits before the cut are masked as if the rest were there.
 * Returns how many windows were card numbers.
 */
export function maskCardNumbers(
  b: Uint8Array,
  start: number,
  end: number,
  more: Uint8Array | null = null,
  moreStart = 0,
  moreEnd = 0,
): number {
  const tail = more === null ? 0 : Math.min(moreEnd - moreStart, MASK_LOOKAHEAD);
  const limit = end + tail;
  const at = (i: number): number => (i < end ? b[i]! : more![moreStart + i - end]!);
  const isGroupChar = (i: number): boolean => {
    const c = at(i);
    return isDigit(c) || isMaskChar(c);
  };
  let found = 0;
  let i = start;
  // Group bounds of the current run, reused.
  const gs: number[] = [];
  const ge: number[] = [];
  while (i < end) {
    if (!isDigit(b[i]!)) {
      i++;
      continue;
    }
    // A run starts at a digit that no group character precedes (a group starting with mask
    // characters, such as "****1234", is judged from its first digit; its mask characters hide nothing).
    gs.length = 0;
    ge.length = 0;
    let j = i;
    for (;;) {
      const g = j;
      while (j < limit && isGroupChar(j)) j++;
      gs.push(g);
      ge.push(j);
      if (j + 1 < limit && isSeparator(at(j)) && isGroupChar(j + 1)) j++;
      else break;
    }
    found += maskRun(b, end, at, gs, ge);
    i = j;
  }
  return found;
}

/** Masks the card-number windows of one run (groups gs[k]..ge[k]); positions ≥ end are not written. */
function maskRun(
  b: Uint8Array,
  end: number,
  at: (i: number) => number,
  gs: readonly number[],
  ge: readonly number[],
): number {
  let found = 0;
  for (let first = 0; first < gs.length; first++) {
    let chars = 0;
    for (let last = first; last < gs.length; last++) {
      chars += ge[last]! - gs[last]!;
      if (chars > MAX_PAN) break;
      if (chars >= MIN_PAN && isCardWindow(at, gs, ge, first, last)) {
        hideMiddle(b, end, at, gs, ge, first, last, chars);
        found++;
      }
    }
  }
  return found;
}

/** All digits passing the Luhn check, or holding a mask character. */
function isCardWindow(
  at: (i: number) => number,
  gs: readonly number[],
  ge: readonly number[],
  first: number,
  last: number,
): boolean {
  let sum = 0;
  let double = false;
  for (let g = last; g >= first; g--) {
    for (let k = ge[g]! - 1; k >= gs[g]!; k--) {
      const c = at(k);
      if (!isDigit(c)) return true; // a mask character
      let d = c - 48;
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
    }
  }
  return sum % 10 === 0;
}

/** Writes `*` over the window's digits after its first 6 and before its last 4 characters. */
function hideMiddle(
  b: Uint8Array,
  end: number,
  at: (i: number) => number,
  gs: readonly number[],
  ge: readonly number[],
  first: number,
  last: number,
  chars: number,
): void {
  let seen = 0;
  for (let g = first; g <= last; g++) {
    for (let k = gs[g]!; k < ge[g]!; k++, seen++) {
      if (seen >= SHOW_FIRST && seen < chars - SHOW_LAST && k < end && isDigit(at(k))) b[k] = STAR;
    }
  }
}

/**
 * Whether a `pan_masked` value b[s, e) shows a digit beyond its first 6 and last 4 characters: a full
 * card number, or one masked too little (`411111111111*111`). The scan calls it for the rows its own
 * quick test does not clear (workers/scan.ts maskedSixteen).
 */
export function panShowsTooMuch(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s + SHOW_FIRST; i < e - SHOW_LAST; i++) if (isDigit(b[i]!)) return true;
  return false;
}

/** Masks b[s, e) as a `pan_masked` value: every digit beyond the first 6 and last 4 characters. */
export function maskPanField(b: Uint8Array, s: number, e: number): void {
  for (let i = s + SHOW_FIRST; i < e - SHOW_LAST; i++) if (isDigit(b[i]!)) b[i] = STAR;
}

/** The shortest settlement account number masked in the raw text of a rejected payout row. */
export const MIN_ACCOUNT = 16;

/**
 * Masks, in place, every run of MIN_ACCOUNT or more digits in b[start, end) — digits in groups joined
 * by single spaces or dashes, as account numbers are written (`6222 0212 3456 7890 123`), with no
 * letter or digit touching the run — to its first 6 and last 4 digits: a bank account number, which
 * no check digit tells from other numbers. For the raw text of rejected payout rows (DESIGN §3.5:
 * account numbers are masked like card numbers), on top of maskCardNumbers. A 15-digit merchant id
 * and a payout id with letters stay readable; a payout id of 16 or more bare digits, or numbers
 * written side by side with single blanks (a fixed-width line), are masked too: the safe side. A
 * run the cut at `end` ends (`cut`: the text went on) is masked but its first 6 digits, whatever
 * its length. Returns how many runs it masked.
 */
export function maskAccountNumbers(b: Uint8Array, start: number, end: number, cut = false): number {
  let masked = 0;
  let i = start;
  while (i < end) {
    if (!isDigit(b[i]!) || (i > start && isWordByte(b[i - 1]!))) {
      i++;
      continue;
    }
    // The run: digit groups joined by single separators.
    let j = i;
    let digits = 0;
    for (;;) {
      while (j < end && isDigit(b[j]!)) {
        j++;
        digits++;
      }
      if (j + 1 < end && isSeparator(b[j]!) && isDigit(b[j + 1]!)) j++;
      else break;
    }
    const openEnd = j === end && cut;
    if (j < end && isWordByte(b[j]!)) {
      i = j;
      continue;
    }
    if (digits >= MIN_ACCOUNT || (openEnd && digits > SHOW_FIRST)) {
      const keepLast = openEnd ? 0 : SHOW_LAST;
      let seen = 0;
      for (let k = i; k < j; k++) {
        if (!isDigit(b[k]!)) continue;
        if (seen >= SHOW_FIRST && seen < digits - keepLast) b[k] = STAR;
        seen++;
      }
      masked++;
    }
    i = j;
  }
  return masked;
}

/** A letter or a digit (ASCII): what makes a digit run part of a longer word. */
function isWordByte(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
