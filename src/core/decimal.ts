/** Decimal amounts in major units (yuan) as exact minor units (fen), from their digits. */

/** A signed decimal in major units → minor units, NaN when it is not one (or has a fraction of a minor unit). */
export function decimalMinor(buf: Uint8Array, a: number, b: number, decimals: number): number {
  if (buf[a] !== 45) return unsignedMinor(buf, a, b, decimals);
  const v = unsignedMinor(buf, a + 1, b, decimals);
  return v === 0 ? 0 : -v;
}

/**
 * Digits with an optional fraction in major units → minor units with `decimals` places, exactly;
 * NaN when b[a, e) is not that (no digits, more than 15 before the point, a point without digits,
 * or a fraction of a minor unit: more places are allowed only as zeros).
 */
export function unsignedMinor(buf: Uint8Array, a: number, b: number, decimals: number): number {
  let p = a;
  let v = 0;
  while (p < b && buf[p]! >= 48 && buf[p]! <= 57) v = v * 10 + buf[p++]! - 48;
  const ints = p - a;
  let places = 0;
  if (p < b && buf[p] === 46) {
    p++;
    while (p < b && buf[p]! >= 48 && buf[p]! <= 57) {
      const d = buf[p++]! - 48;
      if (places < decimals) v = v * 10 + d;
      else if (d !== 0) return Number.NaN;
      places++;
    }
    if (places === 0) return Number.NaN;
  }
  if (p !== b || ints === 0 || ints > 15) return Number.NaN;
  for (let k = Math.min(places, decimals); k < decimals; k++) v *= 10;
  return v;
}
