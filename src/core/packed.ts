/**
 * Fixed-width ids packed into numbers, so that the hot path compares and hashes a number instead of
 * bytes (DESIGN §3.1 fixes their lengths: merchant_id 15 digits, terminal_id 8, batch_no and stan 6
 * digits, rrn 12, auth_code 6).
 *
 * - digits: a decimal string of known width as its value (merchant_id < 10^15 < 2^53: exact).
 * - alnum: up to 8 characters of [0-9A-Za-z], 6 bits each, codes 1..62 (never 0), so the value is
 *   < 2^48 (exact in a double) and 0 means "empty"; the length is implied by the value.
 * - rrn: 12 characters as two alnum halves of 6.
 *
 * Columns of these values are Float64 (Arrow Float64) or Int32; writers turn them back into the
 * original text (digits zero-padded to their width).
 */

/**
 * The stan of a row whose layout has none (a WeChat or Alipay bill): a value no 6 digits have, that
 * fits the window record's 20 bits of stan; written as an empty value (findings, open items).
 */
export const NO_STAN = 1_000_000;

/** Value of the decimal digits b[s, e); −1 when a byte is not a digit. */
export function packDigits(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** 6-bit code of an alphanumeric byte (1..62), or −1. */
export function alnumCode(c: number): number {
  if (c >= 48 && c <= 57) return c - 47; // '0'..'9' → 1..10
  if (c >= 65 && c <= 90) return c - 54; // 'A'..'Z' → 11..36
  if (c >= 97 && c <= 122) return c - 60; // 'a'..'z' → 37..62
  return -1;
}

/** Byte of a 6-bit code. */
export function alnumByte(code: number): number {
  return code <= 10 ? code + 47 : code <= 36 ? code + 54 : code + 60;
}

/** Packs up to 8 alphanumeric bytes b[s, e); 0 for an empty range; −1 on another byte. */
export function packAlnum(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const code = alnumCode(b[i]!);
    if (code < 0) return -1;
    v = v * 64 + code;
  }
  return v;
}

/** Number of characters packed in an alnum value. */
export function alnumLength(v: number): number {
  let n = 0;
  while (v >= 1) {
    v = Math.floor(v / 64);
    n++;
  }
  return n;
}

/** Writes the characters of an alnum value into out at `at`; returns the count. */
export function unpackAlnum(v: number, out: Uint8Array, at: number): number {
  const n = alnumLength(v);
  for (let i = n - 1; i >= 0; i--) {
    const q = Math.floor(v / 64);
    out[at + i] = alnumByte(v - q * 64);
    v = q;
  }
  return n;
}

/** Writes a number as `width` decimal digits, zero-padded, into out at `at`. */
export function unpackDigits(v: number, width: number, out: Uint8Array, at: number): void {
  for (let i = width - 1; i >= 0; i--) {
    const q = Math.floor(v / 10);
    out[at + i] = 48 + (v - q * 10);
    v = q;
  }
}

const scratch = new Uint8Array(16);
const decoder = new TextDecoder();

/** The text of an alnum value (tests, messages; allocates). */
export function alnumText(v: number): string {
  return decoder.decode(scratch.subarray(0, unpackAlnum(v, scratch, 0)));
}

export function digitsText(v: number, width: number): string {
  unpackDigits(v, width, scratch, 0);
  return decoder.decode(scratch.subarray(0, width));
}

/** The text of an rrn held as two alnum halves ('' when empty). */
export function rrnText(hi: number, lo: number): string {
  return alnumText(hi) + alnumText(lo);
}
