/**
 * The fast path of a profile's records (DESIGN §3.4, §9 step 2): from a file's record plan
 * (profile-record.ts), one straight-line function that converts a split record's fields into the
 * scanner's values, with every constant of the profile (widths, enum names, decimal places, time
 * patterns) written into its code. It takes the records it can and returns false for anything
 * else; readRecord (the profile's interpreter, which names the field and the reason) then reads
 * that record again. Both accept the same records with the same values (test/unit/profiles.test.ts
 * compares them on every fixture).
 */

import { daysFromCivil, daysInMonth, END_DAY, FIRST_DAY, MS_PER_DAY } from './dates.js';
import { packAlnum } from './packed.js';
import type { RecordPlan } from './profile-record.js';
import { F_AMOUNT, F_FEE, F_NET, F_RRN, F_TYPE, FIELD_COUNT } from './schema.js';

/** Converts the record whose fields are plan.fs/fe; false when the interpreter must read it. */
export type StepsFn = (
  B: Uint8Array,
  fs: Int32Array,
  fe: Int32Array,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
) => boolean;

/** Per byte: 1 in free text (printable ASCII: these layouts do not quote), 2 in a card number (digits, `*`, X, x). */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  CLASS[c] = (c >= 32 && c < 127 ? 1 : 0) | ((c >= 48 && c <= 57) || c === 42 || c === 88 || c === 120 ? 2 : 0);
}

/** Epoch day of y-m-d, or −1 when it is no date of the supported span. */
function dayOf(y: number, m: number, d: number): number {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -1;
  const day = daysFromCivil(y, m, d);
  return day < FIRST_DAY || day >= END_DAY ? -1 : day;
}

/** The year that puts m-d nearest `runDay` (a time written without its year), or −1. */
function nearestYear(runDay: number, m: number, d: number): number {
  let y = 1970 + Math.floor(runDay / 365.2425);
  while (daysFromCivil(y, 1, 1) > runDay) y--;
  while (daysFromCivil(y + 1, 1, 1) <= runDay) y++;
  let best = -1;
  for (let yy = y - 1; yy <= y + 1; yy++) {
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(yy, m)) continue;
    if (best < 0 || Math.abs(daysFromCivil(yy, m, d) - runDay) < Math.abs(daysFromCivil(best, m, d) - runDay))
      best = yy;
  }
  return best;
}

const RRN_LO = FIELD_COUNT;

/** Code testing that B[a, b) is exactly `bytes`. */
function equalsCode(bytes: Uint8Array): string {
  const parts = [`b - a === ${bytes.length}`];
  bytes.forEach((x, i) => {
    parts.push(`B[a + ${i}] === ${x}`);
  });
  return parts.join(' && ');
}

/** Writes the fast path of `plan`; `runDay` and `aliases` as the plan's context has them. */
export function compileSteps(plan: RecordPlan, runDay: number, aliases: ReadonlyMap<number, number>): StepsFn {
  const consts: unknown[] = [];
  const ref = (v: unknown): string => {
    consts.push(v);
    return `K${consts.length - 1}`;
  };
  const out: string[] = [];
  for (const st of plan.steps) {
    const f = st.field;
    if (st.conv === null) {
      if (st.noAlias) return () => false;
      out.push(`vals[${f}] = ${st.constant};`);
      continue;
    }
    const pick: string[] = ['src = -1;'];
    if (st.byType !== null) pick.push(`src = ${ref(st.byType)}[vals[${F_TYPE}]];`);
    else {
      const none = st.none.map((m) => `(${equalsCode(m)})`).join(' || ') || 'false';
      pick.push(
        [...st.sources].map((c) => `a = fs[${c}]; b = fe[${c}]; if (src < 0 && !(${none})) src = ${c};`).join('\n'),
      );
    }
    const empty =
      st.required || st.requiredListed ? 'return false;' : st.conv.kind === 'text' ? `ts[${f}] = 0; te[${f}] = 0;` : '';
    const requiredListed = st.requiredListed && !st.required;
    out.push(`
      ${pick.join('\n')}
      if (src < 0 || fs[src] === fe[src]) { ${requiredListed ? 'if (src >= 0) return false;' : empty} }
      else {
        a = fs[src]; b = fe[src];
        ${convCode(st.conv, f, runDay)}
      }`);
  }
  if (plan.deriveNet) out.push(`vals[${F_NET}] = vals[${F_AMOUNT}] - vals[${F_FEE}];`);
  const body = `
    let src = -1, a = 0, b = 0, i = 0, c = 0, d = 0, v = 0, n = 0, neg = false, y = 0, mo = 0, dd = 0, hh = 0, mi = 0, ss = 0, day = 0;
    ${out.join('\n')}
    return true;`;
  const names = consts.map((_, k) => `K${k}`);
  const make = new Function(
    'CLASS',
    'packAlnum',
    'dayOf',
    'nearestYear',
    'ALIASES',
    ...names,
    `return function steps(B, fs, fe, vals, ts, te) {${body}}`,
  );
  return make(CLASS, packAlnum, dayOf, nearestYear, aliases, ...consts) as StepsFn;
}

type Conv = NonNullable<RecordPlan['steps'][number]['conv']>;

function convCode(conv: Conv, f: number, runDay: number): string {
  switch (conv.kind) {
    case 'digits':
      return `
        if (b - a !== ${conv.width}) return false;
        v = 0;
        for (i = a; i < b; i++) { d = B[i] - 48; if (d < 0 || d > 9) return false; v = v * 10 + d; }
        vals[${f}] = v;`;
    case 'alnum':
      return `
        if (b - a !== ${conv.width}) return false;
        v = packAlnum(B, a, b); if (v < 0) return false;
        vals[${f}] = v;`;
    case 'rrn':
      return `
        if (b - a !== 12) return false;
        v = packAlnum(B, a, a + 6); n = packAlnum(B, a + 6, b);
        if (v < 0 || n < 0) return false;
        vals[${F_RRN}] = v; vals[${RRN_LO}] = n;`;
    case 'text':
      return `
        if (b - a > ${conv.max}${conv.pan ? ' || b - a < 12' : ''}) return false;
        for (i = a; i < b; i++) if ((CLASS[B[i]] & ${conv.pan ? 2 : 1}) === 0) return false;
        ts[${f}] = a; te[${f}] = b;`;
    case 'enum':
    case 'currency': {
      const tests = conv.names.map((m, k) => `if (${equalsCode(m)}) vals[${f}] = ${conv.codes[k]};`);
      const fallback =
        conv.kind === 'currency' && conv.names.length === 0
          ? `if (b - a === 3 && B[a] >= 65 && B[a] <= 90 && B[a + 1] >= 65 && B[a + 1] <= 90 && B[a + 2] >= 65 && B[a + 2] <= 90)
               vals[${f}] = (B[a] << 16) | (B[a + 1] << 8) | B[a + 2];
             else return false;`
          : 'return false;';
      return `${[...tests, `{ ${fallback} }`].join('\n else ')}`;
    }
    case 'response':
      return `
        if (b - a !== 2 || packAlnum(B, a, b) < 0) return false;
        vals[${f}] = (B[a] << 8) | B[a + 1];`;
    case 'alias':
      return `
        if (b - a > 16) return false;
        v = 0;
        for (i = a; i < b; i++) { d = B[i] - 48; if (d < 0 || d > 9) return false; v = v * 10 + d; }
        n = ALIASES.get(v); if (n === undefined) return false;
        vals[${f}] = n;`;
    case 'amount': {
      const sign =
        conv.signByte !== 0
          ? `c = B[a];
             if (c === 67) neg = ${conv.signByte < 0};
             else if (c === 68) neg = ${conv.signByte > 0};
             else return false;
             a++;`
          : 'neg = false; if (B[a] === 45) { neg = true; a++; }';
      const frac =
        conv.decimals > 0
          ? `n = 0;
             if (a < b && B[a] === 46) {
               a++;
               while (a < b) { d = B[a] - 48; if (d < 0 || d > 9) return false; if (n < ${conv.decimals}) v = v * 10 + d; else if (d !== 0) return false; n++; a++; }
               if (n === 0) return false;
             }
             for (; n < ${conv.decimals}; n++) v *= 10;`
          : '';
      const negOk = conv.abs || conv.signed ? '' : 'if (neg && v !== 0) return false;';
      return `
        ${sign}
        v = 0; i = a;
        while (a < b) { d = B[a] - 48; if (d < 0 || d > 9) break; v = v * 10 + d; a++; }
        if (a === i || a - i > 15) return false;
        ${frac}
        if (a !== b || v > ${Number.MAX_SAFE_INTEGER}) return false;
        ${negOk}
        vals[${f}] = neg && v !== 0 ${conv.abs ? '&& false ' : ''}? -v : v;`;
    }
    case 'time':
    case 'date': {
      let at = 0;
      const parts: string[] = [];
      const slots = new Set<string>();
      for (const t of conv.pattern) {
        if (t.slot === '') {
          parts.push(`if (B[a + ${at}] !== ${t.byte}) return false;`);
          at++;
          continue;
        }
        const name = { Y: 'y', M: 'mo', D: 'dd', h: 'hh', m: 'mi', s: 'ss' }[t.slot];
        slots.add(t.slot);
        const digits: string[] = [];
        for (let k = 0; k < t.n; k++)
          digits.push(
            `d = B[a + ${at + k}] - 48; if (d < 0 || d > 9) return false; ${k === 0 ? `${name} = d` : `${name} = ${name} * 10 + d`};`,
          );
        parts.push(digits.join('\n'));
        at += t.n;
      }
      const year = slots.has('Y') ? '' : `y = nearestYear(${runDay}, mo, dd); if (y < 0) return false;`;
      const time = conv.kind === 'time';
      return `
        if (b - a !== ${at}) return false;
        y = 0; mo = 0; dd = 0; hh = 0; mi = 0; ss = 0;
        ${parts.join('\n')}
        if (hh > 23 || mi > 59 || ss > 59) return false;
        ${year}
        day = dayOf(y, mo, dd); if (day < 0) return false;
        vals[${f}] = ${time ? `day * ${MS_PER_DAY} + ((hh * 60 + mi - ${conv.zone}) * 60 + ss) * 1000` : 'day'};`;
    }
  }
}

/** Splits a delimited record into plan.fs/fe; false when the interpreter must (field count, encoding). */
export type SplitFn = (B: Uint8Array, s: number, e: number, fs: Int32Array, fe: Int32Array) => boolean;

/**
 * The split of a delimited layout's records, generated per file: one loop per field with the
 * delimiter, prefix and trim characters written in. Fields the profile does not read are passed
 * over (their bounds are not kept); a record with another number of fields, or whose bytes from the
 * first non-ASCII one on are not in the file's encoding, goes to the interpreter.
 */
export function compileSplit(
  plan: RecordPlan,
  used: ReadonlySet<number>,
  valid: (b: Uint8Array, s: number, e: number) => boolean,
): SplitFn | null {
  if (plan.layout !== 'delimited') return null;
  const D = plan.delimiter;
  const P = plan.prefix;
  const trims: number[] = [];
  for (let c = 0; c < 256; c++) if (plan.trim[c] === 1) trims.push(c);
  const isTrim = (x: string): string => trims.map((c) => `${x} === ${c}`).join(' || ') || 'false';
  const stop = P >= 0 ? `c === ${D} && (p + 1 >= e || B[p + 1] === ${P})` : `c === ${D}`;
  const parts: string[] = [];
  for (let i = 0; i < plan.fieldCount; i++) {
    const keep = used.has(i);
    parts.push(`
      a = p;
      while (p < e) {
        c = B[p];
        if (c >= 128) { if (high < 0) high = p; ${plan.gbk ? 'p++;' : ''} }
        else if (${stop}) break;
        p++;
      }
      ${
        keep
          ? `b = p < e ? p : e;
      ${P >= 0 ? `if (a < b && B[a] === ${P}) a++;` : ''}
      ${trims.length > 0 ? `while (a < b && (${isTrim('B[a]')})) a++; while (b > a && (${isTrim('B[b - 1]')})) b--;` : ''}
      fs[${i}] = a; fe[${i}] = b;`
          : ''
      }
      ${i < plan.fieldCount - 1 ? 'if (p >= e) return false; p++;' : 'if (p < e) return false;'}`);
  }
  const body = `
    let p = s, a = 0, b = 0, c = 0, high = -1;
    ${parts.join('\n')}
    return high < 0 || VALID(B, high, e);`;
  const make = new Function('VALID', `return function split(B, s, e, fs, fe) {${body}}`);
  return make(valid) as SplitFn;
}
