/**
 * Card numbers in text nobody vouches for (src/core/card-mask.ts): every spelling a person or a
 * terminal writes one in is masked to its first 6 and last 4 digits, one cut by the end of a kept
 * text is judged whole, and numbers that are not card numbers are left alone.
 */
import { describe, expect, it } from 'vitest';
import { maskAccountNumbers, maskCardNumbers, maskPanField, panShowsTooMuch } from '../../src/core/card-mask.js';
import { luhnComplete } from '../helpers/cards.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function masked(text: string): string {
  const b = enc.encode(text);
  maskCardNumbers(b, 0, b.length);
  return dec.decode(b);
}

/** The first `keep` bytes of `text`, masked as a cut copy whose text went on. */
function maskedCut(text: string, keep: number): string {
  const whole = enc.encode(text);
  const copy = whole.slice(0, keep);
  maskCardNumbers(copy, 0, keep, whole, keep, whole.length);
  return dec.decode(copy);
}

const VISA = '4111111111111111';
const MC = '5555555555554444';
const AMEX = '378282246310005'; // 15 digits
const PAN19 = luhnComplete('622588123456789012'); // 19 digits

describe('maskCardNumbers', () => {
  it('masks a number of 13 to 19 digits passing the Luhn check, in any field of a line', () => {
    expect(masked(`a,${VISA},b`)).toBe('a,411111******1111,b');
    expect(masked(AMEX)).toBe('378282*****0005');
    expect(masked(PAN19)).toBe(`${PAN19.slice(0, 6)}*********${PAN19.slice(-4)}`);
    expect(masked(luhnComplete('400000123456'))).toBe(`400000***${luhnComplete('400000123456').slice(-4)}`);
  });

  it('masks a number written with spaces or dashes, keeping the separators', () => {
    expect(masked('pay 4111 1111 1111 1111 now')).toBe('pay 4111 11** **** 1111 now');
    expect(masked('4111-1111-1111-1111')).toBe('4111-11**-****-1111');
    expect(masked('5555-5555 5555-4444')).toBe('5555-55** ****-4444');
    expect(masked('3782 822463 10005')).toBe('3782 82**** *0005');
  });

  it('finds a number glued to other digits by a separator (every stretch of groups is tried)', () => {
    const out = masked('2026-11-16 4111 1111 1111 1111');
    expect(out.replace(/[ -]/g, '')).not.toContain('41111111');
    expect(out).toContain('4111 11** **** 1111');
  });

  it('masks what a partly masked number shows beyond its first 6 and last 4', () => {
    expect(masked('411111111111*111')).toBe('411111*******111');
    expect(masked('4111 1111 11** 1111')).toBe('4111 11** **** 1111');
    expect(masked('555555XXXXXX4444')).toBe('555555XXXXXX4444'); // masked already: unchanged
    expect(masked('622588******1234')).toBe('622588******1234');
  });

  it('leaves alone what is no card number: failing Luhn, too short, too long, other separators', () => {
    for (const text of [
      '4111111111111112', // Luhn fails
      '411111111111', // 12 digits
      `${VISA}0000`, // 20 digits: an id, not a card number
      '20261116235959123456789', // a long reference
      '4111.1111.1111.1111', // dots are not a card number's separators
      '4111  1111  1111  1111', // two blanks between groups
      '2026-11-20T22:58:10+08:00',
      '12800',
    ])
      expect(masked(text), text).toBe(text);
  });

  it('masks a number cut by the end of a kept text as if it were whole', () => {
    const text = `${'x'.repeat(100)},${VISA},y`;
    // The cut leaves 15 of 16 digits: enough to rebuild the number from its check digit.
    expect(maskedCut(text, 101 + 15)).toBe(`${'x'.repeat(100)},411111******111`);
    expect(maskedCut(text, 101 + 15)).not.toContain('41111111');
    // Cut inside a spaced number too.
    const spaced = `${'x'.repeat(10)} 4111 1111 1111 1111 z`;
    expect(maskedCut(spaced, 11 + 17)).toBe(`${'x'.repeat(10)} 4111 11** **** 11`);
    // A long digit run cut to 16 digits is not a card number: it is judged whole.
    const long = `${'1'.repeat(5)}${VISA}9`;
    expect(maskedCut(long, 16)).toBe(long.slice(0, 16));
  });

  it('masks every number of a line, and counts them', () => {
    const b = enc.encode(`${VISA},${MC},4111-1111-1111-1111`);
    expect(maskCardNumbers(b, 0, b.length)).toBe(3);
    expect(dec.decode(b)).toBe('411111******1111,555555******4444,4111-11**-****-1111');
  });
});

describe('pan_masked values', () => {
  it('show too much when a digit stands beyond the first 6 and before the last 4', () => {
    const shows = (t: string): boolean => panShowsTooMuch(enc.encode(t), 0, t.length);
    expect(shows('622588******1234')).toBe(false);
    expect(shows('622588XXXXXX1234')).toBe(false);
    expect(shows('')).toBe(false);
    expect(shows(VISA)).toBe(true);
    expect(shows('411111111111*111')).toBe(true);
    expect(shows('4111111*****1111')).toBe(true);
    expect(shows('411111*****11111')).toBe(true);
    // Every length from 12 to 19, with one digit left at each hidden position in turn.
    for (let n = 12; n <= 19; n++) {
      const masked = `${'4'.repeat(6)}${'*'.repeat(n - 10)}${'1'.repeat(4)}`;
      expect(shows(masked), masked).toBe(false);
      expect(shows(masked.replaceAll('*', 'X')), masked).toBe(false);
      for (let k = 6; k < n - 4; k++) {
        const leak = `${masked.slice(0, k)}7${masked.slice(k + 1)}`;
        expect(shows(leak), leak).toBe(true);
      }
    }
  });

  it('are masked to the first 6 and the last 4', () => {
    const m = (t: string): string => {
      const b = enc.encode(t);
      maskPanField(b, 0, b.length);
      return dec.decode(b);
    };
    expect(m(VISA)).toBe('411111******1111');
    expect(m('411111111111*111')).toBe('411111*******111');
    expect(m('4111111XXXXX1111')).toBe('411111*XXXXX1111');
  });
});

describe('account numbers in a rejected payout row (maskAccountNumbers)', () => {
  const masked = (text: string, cut = false): string => {
    const b = new TextEncoder().encode(text);
    maskAccountNumbers(b, 0, b.length, cut);
    return new TextDecoder().decode(b);
  };
  it('masks 16 or more digits standing alone, plain or in groups, to the first 6 and last 4', () => {
    expect(masked('P1,6222021234567890123,x')).toBe('P1,622202*********0123,x');
    expect(masked('a 6222-0212-3456-7890 b')).toBe('a 6222-02**-****-7890 b');
    expect(masked('6222021234567890')).toBe('622202******7890');
  });
  it('leaves shorter numbers, a 15-digit merchant id, dates and ids with letters alone', () => {
    const line = 'PO2026112000000001,898310148160568,2026-11-17,9940,CNY';
    expect(masked(line)).toBe(line);
  });
  it('masks a number the cut ends but its first 6 digits', () => {
    expect(masked('x,62220212345', true)).toBe('x,622202*****');
  });
});
