/**
 * GBK (GB 18030) bytes for the few places recon meets them: a profile's literals (enum names, column
 * names, filter values) encoded once, so that records are compared byte for byte and never decoded;
 * and a check that a line's bytes are well-formed. Node decodes GBK (TextDecoder 'gbk', the WHATWG
 * gb18030 decoder) but has no encoder: the table here is the decoder's, inverted, built on first use.
 */

let table: Map<string, number> | null = null;

/** Character → its two GBK bytes (lead << 8 | trail), from decoding every two-byte code. */
function twoByteTable(): Map<string, number> {
  if (table) return table;
  const codes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) codes.push((lead << 8) | trail);
  // Each code alone on a line: a pair that does not decode cannot run into the next one.
  const bytes = new Uint8Array(codes.length * 3);
  codes.forEach((c, i) => {
    bytes[3 * i] = c >> 8;
    bytes[3 * i + 1] = c & 0xff;
    bytes[3 * i + 2] = 10;
  });
  const chars = new TextDecoder('gbk').decode(bytes).split('\n');
  const t = new Map<string, number>();
  codes.forEach((c, i) => {
    const ch = chars[i]!;
    if (ch.length === 1 && ch !== '\ufffd' && !t.has(ch)) t.set(ch, c);
  });
  table = t;
  return t;
}

/** The GBK bytes of `s`; throws on a character GBK's two-byte codes do not hold. */
export function encodeGbk(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = twoByteTable().get(ch);
    if (code === undefined) throw new Error(`"${ch}" has no two-byte GBK code`);
    out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}

/** Whether b[s, e) is well-formed GB 18030: ASCII, two-byte codes, four-byte codes. */
export function validGbk(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c === 0x80 || c === 0xff || i + 1 >= e) return false;
    const c2 = b[i + 1]!;
    if (c2 >= 0x30 && c2 <= 0x39) {
      if (i + 3 >= e) return false;
      const c3 = b[i + 2]!;
      const c4 = b[i + 3]!;
      if (c3 < 0x81 || c3 > 0xfe || c4 < 0x30 || c4 > 0x39) return false;
      i += 4;
      continue;
    }
    if (c2 < 0x40 || c2 === 0x7f || c2 === 0xff) return false;
    i += 2;
  }
  return true;
}
