/** Card numbers for tests: made valid by the Luhn check digit (ISO/IEC 7812), as a terminal would send them. */

/** `prefix` followed by the digit that makes it pass the Luhn check. */
export function luhnComplete(prefix: string): string {
  let sum = 0;
  // The check digit will be the rightmost: so the prefix's last digit is doubled.
  for (let i = prefix.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = prefix.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${prefix}${(10 - (sum % 10)) % 10}`;
}
