/**
 * The fast path of a profile's records (DESIGN §3.4, §9 step 2): from a file's record plan
 * (record-plan.ts, made by profile-record.ts planRecords), one straight-line function that
 * converts a split record's fields into the scanner's values, with every constant of the profile
 * (widths, enum names, decimal places, time patterns) written into its code. It takes the records
 * it can and returns false for anything else; readRecord (the profile's interpreter, which names the
 * field and the reason) then reads that record again. Both accept the same records with the same
 * values (test/unit/profiles.test.ts compares them on every fixture).
 */

import { daysFromCivil, MS_PER_DAY } from './dates.js';
import { decimalMinor } from './decimal.js';
import { AMOUNT_DIGITS, C_PRINTABLE, CLASS, type ColumnDef, civilDay, keptAsRange, NOT_A_DATE } from './field-rules.js';
import { packAlnum } from './packed.js';
import type { Conversion, RecordPlan, RowFn, Step, StepsFn } from './record-plan.js';
import { F_AMOUNT, F_BATCH_NO, F_FEE, F_NET, F_ORDER_NO, F_ORIG_RRN, F_PAN, RRN_LO } from './schema.js';

/** The last date dayOf converted (a file's records are mostly of one or two days). */
let lastYmd = -1;
let lastDay = -1;

/** Epoch day of y-m-d, or −1 when it is no date of the supported span. */
function dayOf(y: number, m: number, d: number): number {
  const ymd = y * 10000 + m * 100 + d;
  if (ymd === lastYmd) return lastDay;
  const day = civilDay(y, m, d);
  if (day < 0) return -1;
  lastYmd = ymd;
  lastDay = day;
  return day;
}

/** The year that puts m-d nearest `runDay` (a time written without its year), or −1. */
export function nearestYear(runDay: number, m: number, d: number): number {
  let y = 1970 + Math.floor(runDay / 365.2425);
  while (daysFromCivil(y, 1, 1) > runDay) y--;
  while (daysFromCivil(y + 1, 1, 1) <= runDay) y++;
  let best = -1;
  for (let yy = y - 1; yy <= y + 1; yy++) {
    if (civilDay(yy, m, d) === NOT_A_DATE) continue;
    if (best < 0 || Math.abs(daysFromCivil(yy, m, d) - runDay) < Math.abs(daysFromCivil(best, m, d) - runDay))
      best = yy;
  }
  return best;
}

/** Code testing that B[a, b) is exactly `bytes` (a and b: the names of the bounds). */
function equalsCode(bytes: Uint8Array, a = 'a', b = 'b'): string {
  const parts = [`${b} - ${a} === ${bytes.length}`];
  bytes.forEach((x, i) => {
    parts.push(`B[${a} + ${i}] === ${x}`);
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
    if (st.byType !== null) pick.push(`src = ${ref(st.byType)}[vals[${plan.kindField}]];`);
    else {
      const none = st.none.map((m) => `(${equalsCode(m)})`).join(' || ') || 'false';
      pick.push(
        [...st.sources].map((c) => `a = fs[${c}]; b = fe[${c}]; if (src < 0 && !(${none})) src = ${c};`).join('\n'),
      );
    }
    const empty =
      st.required || st.requiredListed ? 'return false;' : keptRange(st.conv) ? `ts[${f}] = 0; te[${f}] = 0;` : '';
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
    `'use strict'; return function steps(B, fs, fe, vals, ts, te) {${body}}`,
  );
  return make(CLASS, packAlnum, dayOf, nearestYear, aliases, ...consts) as StepsFn;
}

type Conv = Conversion;

/** Whether a conversion's value is kept as a byte range (ts/te), cleared when the record has none. */
function keptRange(conv: Conv): boolean {
  return conv.kind === 'rule' && keptAsRange(conv.rule);
}

/** Code testing a value's length `len` against the rule's (a value here is never empty). */
function lengthFails(rule: ColumnDef, len: string): string {
  if (rule.min === rule.max) return `${len} !== ${rule.max}`;
  return rule.min > 1 ? `${len} > ${rule.max} || ${len} < ${rule.min}` : `${len} > ${rule.max}`;
}

/** Code reading B[a, b) by a column's rule (field-rules.ts readValue, which names the reason) into its slots. */
function ruleCode(rule: ColumnDef, f: number): string {
  const length = `if (${lengthFails(rule, 'b - a')}) return false;`;
  const inClass = `for (i = a; i < b; i++) if ((CLASS[B[i]] & ${rule.chars}) === 0) return false;`;
  switch (rule.kind) {
    case 'digits':
      return `
        ${length}
        v = 0;
        for (i = a; i < b; i++) { d = B[i] - 48; if (d < 0 || d > 9) return false; v = v * 10 + d; }
        vals[${f}] = v;`;
    case 'alnum':
      return `
        ${length}
        v = packAlnum(B, a, b); if (v < 0) return false;
        vals[${f}] = v;`;
    case 'alnum-pair': {
      const half = rule.max >> 1;
      return `
        ${length}
        v = packAlnum(B, a, a + ${half}); n = packAlnum(B, a + ${half}, b);
        if (v < 0 || n < 0) return false;
        vals[${f}] = v; vals[${rule.lo}] = n;`;
    }
    case 'text':
    case 'card':
      return `
        ${length}
        ${inClass}
        ts[${f}] = a; te[${f}] = b;`;
    case 'code': {
      const n = rule.max;
      const bytes = Array.from({ length: n }, (_, k) =>
        k === n - 1 ? `B[a + ${k}]` : `(B[${k === 0 ? 'a' : `a + ${k}`}] << ${8 * (n - 1 - k)})`,
      );
      return `
        ${length}
        ${inClass}
        vals[${f}] = ${bytes.join(' | ')};`;
    }
    default:
      throw new Error(`profile-gen: a ${rule.kind} is not read as it stands`);
  }
}

function convCode(conv: Conv, f: number, runDay: number, fail = 'return false;', index = false): string {
  const out = convCodeOf(conv, f, runDay, index);
  return fail === 'return false;' ? out : out.replaceAll('return false;', fail);
}

/** `index`: ALIASES is an AliasIndex (compileRow), else a Map. */
function convCodeOf(conv: Conv, f: number, runDay: number, index: boolean): string {
  switch (conv.kind) {
    case 'rule':
      return ruleCode(conv.rule, f);
    case 'map': {
      const tests = conv.names.map((m, k) => `if (${equalsCode(m)}) vals[${f}] = ${conv.codes[k]};`);
      return `${[...tests, '{ return false; }'].join('\n else ')}`;
    }
    case 'alias':
      return `
        if (b - a > ${conv.digits}) return false;
        v = 0;
        for (i = a; i < b; i++) { d = B[i] - 48; if (d < 0 || d > 9) return false; v = v * 10 + d; }
        ${index ? 'n = ALIASES.merchantOf(v); if (n < 0) return false;' : 'n = ALIASES.get(v); if (n === undefined) return false;'}
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
        if (a === i || a - i > ${conv.digits}) return false;
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

/** How the one-pass reader takes a source field. */
const SKIP = 0;
const BOUNDS = 1;
const AMOUNT = 2;
const TIME = 3;

/** Bytes that are a number's or a line end's: never a delimiter, a prefix or trimmed, for the walk. */
const SYNTAX = [10, 13, 45, 46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57];

/**
 * Whether the one-pass reader can take a plan's records: a delimited layout whose delimiter, prefix
 * and trimmed bytes are none of a number's bytes, a line end or each other (a user's profile may make
 * them so; such a layout is left to the interpreter), and a merchant for every record.
 */
function walkable(plan: RecordPlan): boolean {
  if (plan.layout !== 'delimited') return false;
  if (plan.steps.some((st) => st.noAlias)) return false;
  const trimmed = (c: number): boolean => c >= 0 && plan.trim[c] === 1;
  if (SYNTAX.includes(plan.delimiter) || trimmed(plan.delimiter)) return false;
  if (plan.prefix >= 0 && (SYNTAX.includes(plan.prefix) || plan.prefix === plan.delimiter || trimmed(plan.prefix)))
    return false;
  return !SYNTAX.some(trimmed);
}

/** How the one-pass reader takes each source field of a plan (compileRow). */
interface Walk {
  readonly plan: RecordPlan;
  readonly runDay: number;
  /** Per source field: SKIP, BOUNDS (its bounds kept in locals), AMOUNT (parsed as it is scanned) or TIME. */
  readonly mode: Int32Array;
  /** AMOUNT: its decimal places. */
  readonly places: Int32Array;
  /** BOUNDS fields read only as printable text (order numbers): checked while they are scanned. */
  readonly textOnly: Uint8Array;
  /** TIME: the step whose time or date the field is, converted where it stands. */
  readonly inline: Map<number, Step>;
  /** The bytes trimmed off values. */
  readonly trims: number[];
}

/** The sources a step may read. */
function stepSources(st: Step): number[] {
  return st.byType !== null ? [...st.byType].filter((c) => c >= 0) : [...st.sources];
}

/** Whether a conversion is the rule of a printable-text column: the walk can check its bytes. */
function printableText(conv: Conv): conv is Extract<Conv, { kind: 'rule' }> {
  return conv.kind === 'rule' && conv.rule.kind === 'text' && conv.rule.chars === C_PRINTABLE;
}

/** What each source field is read as: an amount of `decimals` places when every use of it is one. */
function planWalk(plan: RecordPlan, runDay: number): Walk {
  const n = plan.fieldCount;
  const mode = new Int32Array(n);
  const places = new Int32Array(n).fill(-1);
  const uses = new Int32Array(n);
  const use = (c: number, decimals: number): void => {
    uses[c]!++;
    if (mode[c] === SKIP && decimals >= 0) {
      mode[c] = AMOUNT;
      places[c] = decimals;
    } else if (mode[c] === SKIP || places[c] !== decimals) mode[c] = BOUNDS;
  };
  const textOnly = new Uint8Array(n).fill(plan.gbk || plan.trim.includes(1) ? 0 : 1);
  for (const st of plan.steps) {
    if (st.conv === null) continue;
    const amount = st.conv.kind === 'amount' && st.conv.signByte === 0 && st.none.length === 0;
    const text = printableText(st.conv);
    for (const c of stepSources(st)) {
      use(c, amount ? (st.conv as { decimals: number }).decimals : -1);
      if (!text) textOnly[c] = 0;
    }
  }
  for (const t of plan.totals) {
    if (t.whereField >= 0) use(t.whereField, -1);
    for (const c of t.sumFields) use(c, t.decimals);
    if (t.whereField >= 0) textOnly[t.whereField] = 0;
    for (const c of t.sumFields) textOnly[c] = 0;
  }
  const trims: number[] = [];
  for (let c = 0; c < 256; c++) if (plan.trim[c] === 1) trims.push(c);

  // A time or date that is its field's one use is converted where it stands, by its pattern's
  // width: no scan for its end (a pattern with a literal that can end a field is scanned).
  const inline = new Map<number, Step>();
  const ends = [plan.delimiter, plan.prefix, 10, 13];
  if (trims.length === 0)
    for (const st of plan.steps) {
      const cv = st.conv;
      if (cv === null || (cv.kind !== 'time' && cv.kind !== 'date')) continue;
      if (st.byType !== null || st.sources.length !== 1 || st.none.length > 0) continue;
      const c = st.sources[0]!;
      if (uses[c] !== 1 || cv.pattern.some((t) => t.slot === '' && ends.includes(t.byte))) continue;
      mode[c] = TIME;
      inline.set(c, st);
    }
  return { plan, runDay, mode, places, textOnly, inline, trims };
}

/** Code testing whether x is a trimmed byte. */
function isTrim(w: Walk, x: string): string {
  return w.trims.map((c) => `${x} === ${c}`).join(' || ') || 'false';
}

/**
 * The walk's code for source field i: from p at its first byte (or prefix) to p at the next
 * field's first byte, or nx after the line end for the last one.
 */
function fieldWalk(w: Walk, i: number): string {
  const { plan, mode } = w;
  const D = plan.delimiter;
  const P = plan.prefix;
  const last = i === plan.fieldCount - 1;
  const parts: string[] = [];
  // Every field starts with the prefix, when the layout has one: the first one's is checked
  // here, the others' with the delimiter before them.
  if (P >= 0 && i === 0) parts.push(`if (B[p] !== ${P}) return -1; p++;`);
  // Where a field ends: at the delimiter (before the prefix, when the layout has one), or at the
  // line end for the last one. A delimiter just before the line end is left to the interpreter.
  const atDelimiter = P >= 0 ? `c === ${D} && B[p + 1] === ${P}` : `c === ${D}`;
  const past = P >= 0 ? 'p += 2;' : 'p++;';
  const end = last
    ? `if (c === 13) { if (B[p + 1] !== 10) return -1; nx = p + 2; } else if (c === 10) nx = p + 1; else return -1;`
    : `if (!(${atDelimiter})) return -1; ${past}`;
  if (mode[i] === TIME) parts.push(timeWalk(w, i, end));
  else if (mode[i] === AMOUNT) parts.push(amountWalk(w, i, end));
  else parts.push(scanWalk(w, i, atDelimiter, last ? end : past));
  return `// field ${i}\n${parts.join('\n')}`;
}

/** A time or date converted where it stands: the pattern checks every byte of its width (a line end in it fails the record) before p moves. */
function timeWalk(w: Walk, i: number, end: string): string {
  const st = w.inline.get(i)!;
  const cv = st.conv as Extract<Conv, { kind: 'time' | 'date' }>;
  const width = cv.pattern.reduce((n, t) => n + (t.slot === '' ? 1 : t.n), 0);
  return `
        a = p; b = p + ${width};
        ${convCode(cv, st.field, w.runDay, 'return -1;', true)}
        p = b; c = B[p];
        ${end}`;
}

/** A decimal amount parsed as it is scanned, into v{i} (its sign in n{i}), bounds a{i}..b{i}. */
function amountWalk(w: Walk, i: number, end: string): string {
  const d = w.places[i]!;
  const leading = w.trims.length > 0 ? `while (${isTrim(w, 'B[p]')}) p++;` : '';
  return `
        ${leading}
        a${i} = p; n${i} = false;
        if (B[p] === 45) { n${i} = true; p++; }
        q = p; v = 0;
        while ((c = B[p]) >= 48 && c <= 57) { v = v * 10 + (c - 48); p++; }
        if (p - q > ${AMOUNT_DIGITS}) return -1;
        k = 0;
        if (c === 46) {
          if (p === q) return -1;
          p++;
          while ((c = B[p]) >= 48 && c <= 57) { ${d > 0 ? `if (k < ${d}) v = v * 10 + (c - 48); else ` : ''}if (c !== 48) return -1; k++; p++; }
          if (k === 0) return -1;
        }
        ${d > 0 ? `if (k < ${d}) v *= POW10[${d} - k];` : ''}
        if (p === q) { if (n${i}) return -1; }
        else if (v > ${Number.MAX_SAFE_INTEGER}) return -1;
        v${i} = v; b${i} = p;
        ${w.trims.length > 0 ? `while (${isTrim(w, 'B[p]')}) p++;` : ''}
        c = B[p];
        ${end}`;
}

/**
 * A field scanned to its end; a byte not ASCII anywhere in it has the field's encoding checked. A
 * text field notes whether every byte is printable ASCII (h gets c + 1: 127 counts as high).
 * `after`: what follows the loop's stop (the delimiter and the next prefix, or the line end).
 */
function scanWalk(w: Walk, i: number, atDelimiter: string, after: string): string {
  const { plan, mode } = w;
  const D = plan.delimiter;
  const P = plan.prefix;
  const lineEnd = i === plan.fieldCount - 1 ? 'break;' : 'return -1;';
  const text = mode[i] === BOUNDS && w.textOnly[i] === 1;
  const scan = plan.gbk
    ? `for (;;) {
             c = B[p];
             if (c >= 128) { if (B[p + 1] === 10) return -1; h = 128; p += 2; continue; }
             if (${atDelimiter}) break;
             if (c === 10 || c === 13) ${lineEnd}
             ${P >= 0 ? `if (c === ${D} && (B[p + 1] === 10 || B[p + 1] === 13)) return -1;` : ''}
             p++;
           }`
    : `for (;;) {
             c = B[p];
             if (c === ${D}) { ${P >= 0 ? `k = B[p + 1]; if (k === ${P}) break; if (k === 10 || k === 13) return -1;` : 'break;'} }
             else if (c < 14 && (c === 10 || c === 13)) ${lineEnd}
             ${text ? 'h |= c + 1; lo |= c - 32;' : 'h |= c;'} p++;
           }`;
  const parts = [
    `
        q = p; h = 0; ${text ? 'lo = 0;' : ''}
        ${scan}
        if (h >= 128 && !VALID(B, q, p)) return -1;
        ${text ? `t${i} = lo >= 0 && h < 128;` : ''}`,
  ];
  if (mode[i] === BOUNDS) {
    parts.push(
      w.trims.length > 0
        ? `a = q; b = p; while (a < b && (${isTrim(w, 'B[a]')})) a++; while (b > a && (${isTrim(w, 'B[b - 1]')})) b--; a${i} = a; b${i} = b;`
        : `a${i} = q; b${i} = p;`,
    );
  }
  parts.push(after);
  return parts.join('\n');
}

/** After the walk: each step from the fields' locals, as compileSteps does from fs/fe. */
function stepsAfterWalk(w: Walk): string[] {
  const { plan } = w;
  const conv: string[] = [];
  for (const st of plan.steps) {
    const f = st.field;
    if (st.conv === null) {
      conv.push(`vals[${f}] = ${st.constant};`);
      continue;
    }
    if (st.sources.length === 1 && w.inline.get(st.sources[0]!) === st) continue;
    // No source field for this record (its type reads none, or every one holds a "none" value).
    const noSource = st.required
      ? 'return -1;'
      : keptRange(st.conv) && !st.requiredListed
        ? `ts[${f}] = 0; te[${f}] = 0;`
        : '';
    if (st.byType !== null) {
      // By the record's kind: the kinds that read each source field.
      const bySource = new Map<number, number[]>();
      st.byType.forEach((c, t) => {
        if (c >= 0) bySource.set(c, [...(bySource.get(c) ?? []), t]);
      });
      const branches = [...bySource].map(
        ([c, types]) => `if (${types.map((t) => `t === ${t}`).join(' || ')}) { ${fromField(w, st, c)} }`,
      );
      conv.push(`t = vals[${plan.kindField}];\n${[...branches, `{ ${noSource} }`].join('\n else ')}`);
    } else {
      const branches = [...st.sources].map((c) => {
        const none = st.none.map((m) => `(${equalsCode(m, `a${c}`, `b${c}`)})`);
        return `if (${none.length > 0 ? `!(${none.join(' || ')})` : 'true'}) { ${fromField(w, st, c)} }`;
      });
      conv.push([...branches, `{ ${noSource} }`].join('\n else '));
    }
  }
  if (plan.deriveNet) conv.push(`vals[${F_NET}] = vals[${F_AMOUNT}] - vals[${F_FEE}];`);
  return conv;
}

/** Step `st`'s value from source field c's locals. */
function fromField(w: Walk, st: Step, c: number): string {
  const f = st.field;
  const cv = st.conv!;
  const empty = st.required || st.requiredListed ? 'return -1;' : keptRange(cv) ? `ts[${f}] = 0; te[${f}] = 0;` : '';
  let body: string;
  if (printableText(cv) && w.mode[c] === BOUNDS && w.textOnly[c] === 1)
    body = `if (${lengthFails(cv.rule, `b${c} - a${c}`)} || !t${c}) return -1; ts[${f}] = a${c}; te[${f}] = b${c};`;
  else if (cv.kind === 'amount' && w.mode[c] === AMOUNT && cv.signByte === 0) {
    const negOk = cv.abs || cv.signed ? '' : `if (n${c} && v${c} !== 0) return -1;`;
    body = `${negOk} vals[${f}] = n${c} && v${c} !== 0 ${cv.abs ? '&& false ' : ''}? -v${c} : v${c};`;
  } else body = `a = a${c}; b = b${c}; ${convCode(cv, f, w.runDay, 'return -1;', true)}`;
  return `if (a${c} === b${c}) { ${empty} } else { ${body} }`;
}

/** The control totals: each figure's value checked first (checks), all added once the record is taken (adds). */
function totalsCode(w: Walk): { checks: string[]; adds: string[] } {
  const checks: string[] = [];
  const adds: string[] = [];
  for (const t of w.plan.totals) {
    const wf = t.whereField;
    const take = `w${t.at}`;
    const check: string[] = [];
    const add: string[] = [`acc[${t.at}]++;`];
    t.sumFields.forEach((c, k) => {
      // A value that is no amount leaves that figure unknown: the interpreter's way (addTotals).
      if (w.mode[c] === AMOUNT) {
        check.push(`if (a${c} === b${c}) return -1;`);
        add.push(`acc[${t.at + 1 + k}] += n${c} && v${c} !== 0 ? -v${c} : v${c};`);
      } else {
        const x = `x${t.at + 1 + k}`;
        check.push(`${x} = DECIMAL(B, a${c}, b${c}, ${t.decimals}); if (${x} !== ${x}) return -1;`);
        add.push(`acc[${t.at + 1 + k}] += ${x};`);
      }
    });
    checks.push(
      `${take} = ${wf >= 0 ? equalsCode(t.whereValue, `a${wf}`, `b${wf}`) : 'true'}; if (${take}) { ${check.join(' ')} }`,
    );
    adds.push(`if (${take}) { ${add.join(' ')} }`);
  }
  return { checks, adds };
}

/** The row function's local variables, with their first values. */
function localsOf(w: Walk): string[] {
  const locals = new Set<string>([
    'p = s',
    'q = 0',
    'c = 0',
    'h = 0',
    'lo = 0',
    'k = 0',
    'v = 0',
    'n = 0',
    'nx = 0',
    't = 0',
  ]);
  for (let i = 0; i < w.plan.fieldCount; i++)
    if (w.mode[i] !== SKIP) {
      locals.add(`a${i} = 0`);
      locals.add(`b${i} = 0`);
      if (w.mode[i] === BOUNDS && w.textOnly[i] === 1) locals.add(`t${i} = false`);
      if (w.mode[i] === AMOUNT) {
        locals.add(`v${i} = 0`);
        locals.add(`n${i} = false`);
      }
    }
  for (const t of w.plan.totals) {
    locals.add(`w${t.at} = false`);
    t.sumFields.forEach((_, k) => {
      locals.add(`x${t.at + 1 + k} = 0`);
    });
  }
  for (const x of [
    'a = 0',
    'b = 0',
    'i = 0',
    'd = 0',
    'neg = false',
    'y = 0',
    'mo = 0',
    'dd = 0',
    'hh = 0',
    'mi = 0',
    'ss = 0',
    'day = 0',
  ])
    locals.add(x);
  return [...locals];
}

/**
 * The one-pass reader of a delimited layout's records (DESIGN §9 step 2 for profiles): the split,
 * the conversions and the control totals in one generated function. Each source field is passed
 * once: fields nobody reads are scanned to their delimiter; decimal amounts (of the steps and of the
 * control totals) are parsed while they are scanned; the rest keep their bounds in locals and are
 * converted after the walk, when the record's kind (its type, a payout's status) is known. Whatever
 * it cannot take (a missing prefix, a field of other bytes, a record with another number of fields)
 * goes to the interpreter.
 */
export function compileRow(
  plan: RecordPlan,
  runDay: number,
  valid: (b: Uint8Array, s: number, e: number) => boolean,
): RowFn | null {
  if (!walkable(plan)) return null;
  const w = planWalk(plan, runDay);
  const walk = Array.from({ length: plan.fieldCount }, (_, i) => fieldWalk(w, i));
  const { checks, adds } = totalsCode(w);
  // Every value slot the steps do not set to a constant starts at zero (readRecord's vals.fill(0)).
  const zero: number[] = [];
  for (let k = 0; k <= RRN_LO; k++) if (!plan.steps.some((st) => st.conv === null && st.field === k)) zero.push(k);
  const body = `
    let ${localsOf(w).join(', ')};
    ts[${F_ORDER_NO}] = te[${F_ORDER_NO}] = ts[${F_ORIG_RRN}] = te[${F_ORIG_RRN}] = ts[${F_PAN}] = te[${F_PAN}] = 0;
    ts[${F_BATCH_NO}] = te[${F_BATCH_NO}] = 0;
    ${zero.map((k) => `vals[${k}] = 0;`).join(' ')}
    ${walk.join('\n')}
    ${stepsAfterWalk(w).join('\n')}
    ${checks.join('\n')}
    ${adds.join('\n')}
    return nx;`;
  // A file's chunks plan the same code: it is compiled (and optimized) once per worker.
  const key = `${plan.gbk ? 'gbk' : 'utf-8'}\n${body}`;
  let fn = rowCache.get(key);
  if (fn === undefined) {
    const make = new Function(
      'CLASS',
      'packAlnum',
      'dayOf',
      'nearestYear',
      'VALID',
      'DECIMAL',
      'POW10',
      `'use strict'; return function row(B, s, vals, ts, te, acc, ALIASES) {${body}}`,
    );
    fn = make(CLASS, packAlnum, dayOf, nearestYear, valid, decimalMinor, POW10) as RowFn;
    rowCache.set(key, fn);
  }
  return fn;
}

const POW10 = Float64Array.from({ length: 16 }, (_, k) => 10 ** k);

/** Row functions by their code. */
const rowCache = new Map<string, RowFn>();
