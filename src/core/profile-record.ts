/**
 * Reading the records of a profile's file (DESIGN §3.4) into the scanner's values: one line's source
 * fields split (delimited) or sliced (fixed-width), then each target column converted into the same
 * slots the scanner's own layout fills (`vals`, and text ranges `ts`/`te` indexed by field, F_*;
 * scan-gen.ts). A record that does not fit says which source field and why, as a reject code.
 *
 * Nothing here allocates per record or decodes text: a profile's literals (enum names, "no value"
 * markers) are encoded once into the file's encoding and compared byte for byte; the ids and amounts
 * recon keeps are ASCII in every layout, and text it keeps (order numbers) must be.
 *
 * `planRecords` binds a profile to one file (its header, the lines before its table, the run's
 * date, the merchants' aliases); `readRecord` reads one line with the plan.
 */
import { TYPE_NAMES } from './codes.js';
import { daysFromCivil, daysInMonth, END_DAY, FIRST_DAY, MS_PER_DAY } from './dates.js';
import { decimalMinor, unsignedMinor } from './decimal.js';
import { encodeGbk, validGbk } from './gbk.js';
import { NO_STAN, packAlnum, packDigits } from './packed.js';
import type { ColumnSource, Profile } from './profile.js';
import { compileRow, compileSteps } from './profile-gen.js';
import type { Conversion, RecordPlan, Step, Token, TotalPlan } from './record-plan.js';
import {
  R_CHARS,
  R_CURRENCY,
  R_DECIMAL,
  R_EMPTY,
  R_ENUM,
  R_FIELD_COUNT,
  R_GBK,
  R_LENGTH,
  R_NO_ALIAS,
  R_RANGE,
  R_RESPONSE,
  R_SHORT,
  R_TIMESTAMP,
  R_UTF8,
} from './reject.js';
import {
  CLEARING_COLUMNS,
  columnsOf,
  F_AMOUNT,
  F_FEE,
  F_NET,
  F_ORDER_NO,
  F_ORIG_RRN,
  F_PAN,
  F_RRN,
  F_STAN,
  F_TYPE,
  FIELD_COUNT,
  JOURNAL_COLUMNS,
} from './schema.js';
import { validUtf8 } from './utf8.js';

/** Slot of the rrn's second half in `vals` (scan-gen.ts RRN_LO). */
const RRN_LO = FIELD_COUNT;

/** What the lines around a file's table and the run tell the records. */
export interface PlanContext {
  /** The run's date, epoch day (`run-date` columns; the year of a time written without one). */
  runDay: number;
  /** The lines before the table, decoded (`fromLine` columns). */
  before: readonly string[];
  /** Platform merchant id → merchant_id, for the profile's platform (the merchants file's aliases). */
  aliases: ReadonlyMap<number, number>;
}

/** Adds the record whose fields readRecord split (plan.fs/fe) to the totals in `acc`. */
export function addTotals(plan: RecordPlan, buf: Uint8Array, acc: Float64Array, split: boolean): void {
  const flags = plan.totalSlots;
  if (!split) {
    // Counted where every record counts; what it would add to the rest is unknown.
    for (const tp of plan.totals) {
      if (tp.whereField < 0) acc[tp.at]!++;
      else acc[flags + tp.at] = 1;
      for (let k = 0; k < tp.sumFields.length; k++) acc[flags + tp.at + 1 + k] = 1;
    }
    return;
  }
  const { fs, fe } = plan;
  for (let t = 0; t < plan.totals.length; t++) {
    const tp = plan.totals[t]!;
    if (tp.whereField >= 0 && !bytesAre(buf, fs[tp.whereField]!, fe[tp.whereField]!, tp.whereValue)) continue;
    acc[tp.at]!++;
    for (let k = 0; k < tp.sumFields.length; k++) {
      const f = tp.sumFields[k]!;
      const v = decimalMinor(buf, fs[f]!, fe[f]!, tp.decimals);
      if (Number.isNaN(v)) acc[flags + tp.at + 1 + k] = 1;
      else acc[tp.at + 1 + k]! += v;
    }
  }
}

function bytesAre(buf: Uint8Array, a: number, b: number, m: Uint8Array): boolean {
  if (b - a !== m.length) return false;
  for (let i = 0; i < m.length; i++) if (buf[a + i] !== m[i]) return false;
  return true;
}

/** A plan cannot be made for this file: a source field the profile names is not in its header, say. */
export class PlanError extends Error {}

/**
 * Binds `profile` to one file: `header` is its header's column names (delimited layouts; null for
 * fixed-width ones). Throws PlanError naming what does not fit.
 */
export function planRecords(profile: Profile, header: readonly string[] | null, ctx: PlanContext): RecordPlan {
  const { layout } = profile;
  const names = layout.kind === 'fixed' ? layout.fields.map((f) => f.name) : [...(header ?? [])];
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (index.has(n)) throw new PlanError(`the header names "${n}" twice`);
    index.set(n, i);
  });
  const gbk = profile.encoding === 'gbk';
  const encode = (s: string): Uint8Array => (gbk ? encodeGbk(s) : new TextEncoder().encode(s));
  const sourceOf = (name: string, target: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new PlanError(`${target} is read from "${name}", which the file's header does not have`);
    return i;
  };
  const defs = profile.side === 'journal' ? JOURNAL_COLUMNS : CLEARING_COLUMNS;
  const typeColumn = profile.side === 'journal' ? 'txn_type' : 'record_type';
  // The record type first: other columns may be read from a field chosen by it.
  const order = Object.keys(profile.columns).sort((a, b) => Number(b === typeColumn) - Number(a === typeColumn));
  const steps: Step[] = [];
  for (const target of order) {
    const src = profile.columns[target]!;
    if (src.derive !== undefined) continue;
    if (target === 'settle_date' && src.value === 'expected') continue;
    const def = defs.find((d) => d.name === target)!;
    const step: Step = {
      field: def.field,
      target,
      sources: new Int32Array(0),
      byType: null,
      none: src.none.map(encode),
      constant: Number.NaN,
      conv: null,
      required: isRequired(profile.side, target),
      requiredListed: false,
      noAlias: false,
    };
    if (src.from !== undefined) {
      if (Array.isArray(src.from)) step.sources = Int32Array.from(src.from, (n: string) => sourceOf(n, target));
      else {
        step.byType = new Int32Array(TYPE_NAMES.length).fill(-1);
        for (const [t, n] of Object.entries(src.from as Record<string, string>))
          step.byType[TYPE_NAMES.indexOf(t as (typeof TYPE_NAMES)[number])] = sourceOf(n, target);
        // A record type the profile lists must have the value; one it does not list leaves it empty.
        step.required = false;
        step.requiredListed = true;
      }
      step.conv = conversionOf(profile, target, src, def.signed === true, encode);
    } else if (src.fromLine !== undefined) {
      step.constant = fromLineValue(target, src, ctx);
      step.noAlias = step.constant < 0;
    } else step.constant = constantOf(profile, target, src.value!, ctx);
    steps.push(step);
  }
  // A layout without a stan (the bills): its rows say so, instead of a stan of 000000.
  if (profile.columns.stan === undefined)
    steps.push({
      field: F_STAN,
      target: 'stan',
      sources: new Int32Array(0),
      byType: null,
      none: [],
      constant: NO_STAN,
      conv: null,
      required: false,
      requiredListed: false,
      noAlias: false,
    });
  const trim = new Uint8Array(256);
  for (const c of layout.trim) trim[c.charCodeAt(0)] = 1;
  const at = new Int32Array(names.length);
  const len = new Int32Array(names.length);
  if (layout.kind === 'fixed') {
    let p = 0;
    layout.fields.forEach((f, i) => {
      at[i] = p;
      len[i] = f.bytes;
      p += f.bytes + layout.separator;
    });
  }
  const totals: TotalPlan[] = [];
  let slot = 0;
  for (const total of profile.totals) {
    const where = Object.entries(total.where ?? {})[0];
    totals.push({
      at: slot,
      whereField: where ? sourceOf(where[0], 'a control total') : -1,
      whereValue: where ? encode(where[1]) : new Uint8Array(0),
      sumFields: Int32Array.from(Object.values(total.sums), (n) => sourceOf(n, 'a control total')),
      decimals: total.decimals,
    });
    slot += 1 + Object.keys(total.sums).length;
  }
  const plan: RecordPlan = {
    fast: null,
    row: null,
    totals,
    totalSlots: slot,
    layout: layout.kind,
    gbk,
    fieldCount: names.length,
    delimiter: layout.kind === 'delimited' ? layout.delimiter.charCodeAt(0) : -1,
    prefix: layout.kind === 'delimited' && layout.prefix !== '' ? layout.prefix.charCodeAt(0) : -1,
    trim,
    at,
    len,
    minBytes: layout.kind === 'fixed' ? layout.minBytes : 0,
    steps,
    settleExpected: profile.columns.settle_date?.value === 'expected',
    deriveNet: profile.columns.net_minor?.derive === 'gross - fee',
    fieldNames: names,
    fs: new Int32Array(names.length),
    fe: new Int32Array(names.length),
    detail: new Int32Array(1),
    split: new Uint8Array(1),
  };
  plan.fast = compileSteps(plan, ctx.runDay, ctx.aliases);
  plan.row = compileRow(plan, ctx.runDay, gbk ? validGbk : validUtf8);
  return plan;
}

function isRequired(side: 'journal' | 'clearing', target: string): boolean {
  const def = columnsOf(side).find((d) => d.name === target);
  return !def?.optional;
}

function conversionOf(
  profile: Profile,
  target: string,
  src: ColumnSource,
  signed: boolean,
  encode: (s: string) => Uint8Array,
): Conversion {
  if (src.alias) return { kind: 'alias' };
  const def = columnsOf(profile.side).find((d) => d.name === target)!;
  switch (target) {
    case 'merchant_id':
      return { kind: 'digits', width: 15 };
    case 'batch_no':
    case 'stan':
      return { kind: 'digits', width: 6 };
    case 'terminal_id':
      return { kind: 'alnum', width: 8 };
    case 'auth_code':
      return { kind: 'alnum', width: 6 };
    case 'rrn':
      return { kind: 'rrn' };
    case 'order_no':
    case 'orig_rrn':
      return { kind: 'text', max: 64, pan: false };
    case 'pan_masked':
      return { kind: 'text', max: 19, pan: true };
    case 'response_code':
      return { kind: 'response' };
    case 'currency': {
      const entries = Object.entries(src.map ?? {});
      return {
        kind: 'currency',
        names: entries.map(([k]) => encode(k)),
        codes: entries.map(([, v]) => (v.charCodeAt(0) << 16) | (v.charCodeAt(1) << 8) | v.charCodeAt(2)),
      };
    }
    case 'txn_time':
      return { kind: 'time', pattern: tokens(src.pattern!), zone: src.zone! };
    case 'clearing_date':
    case 'settle_date':
      return { kind: 'date', pattern: tokens(src.pattern!) };
    case 'amount_minor':
    case 'gross_minor':
    case 'fee_minor':
    case 'net_minor':
      return {
        kind: 'amount',
        decimals: src.decimals ?? 0,
        signByte: src.signByte === 'C+' ? 1 : src.signByte === 'D+' ? -1 : 0,
        abs: src.abs === true,
        signed,
      };
    default: {
      // An enum: source text → the code of the target name.
      const entries = Object.entries(src.map ?? {});
      return {
        kind: 'enum',
        names: entries.map(([k]) => encode(k)),
        codes: entries.map(([, v]) => def.enumNames!.indexOf(v)),
      };
    }
  }
}

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const rest = pattern.slice(i);
    const t = (['YYYY', 'MM', 'DD', 'hh', 'mm', 'ss'] as const).find((k) => rest.startsWith(k));
    if (t) {
      out.push({ slot: t[0] as Token['slot'], n: t.length, byte: 0 });
      i += t.length;
    } else {
      out.push({ slot: '', n: 1, byte: pattern.charCodeAt(i) });
      i++;
    }
  }
  return out;
}

function fromLineValue(target: string, src: ColumnSource, ctx: PlanContext): number {
  const m = ctx.before.map((l) => src.fromLine!.exec(l)).find((x) => x !== null);
  if (!m || m[1] === undefined)
    throw new PlanError(`${target}: no line before the table matches ${src.fromLine!.source}`);
  const text = m[1];
  if (src.alias) {
    const id = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    // Without an alias every record of the file is rejected for it (readRecord), as a row of a
    // bill that names its merchant per row would be.
    return ctx.aliases.get(id) ?? -1;
  }
  if (!/^\d{15}$/.test(text)) throw new PlanError(`${target}: "${text}" is not a 15-digit merchant id`);
  return Number(text);
}

function constantOf(profile: Profile, target: string, value: string, ctx: PlanContext): number {
  const def = columnsOf(profile.side).find((d) => d.name === target)!;
  if (def.enumNames) return def.enumNames.indexOf(value);
  if (value === 'run-date') return ctx.runDay;
  const bytes = new TextEncoder().encode(value);
  switch (target) {
    case 'currency':
      if (!/^[A-Z]{3}$/.test(value)) throw new PlanError(`${target}: "${value}" is not an ISO 4217 code`);
      return (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
    case 'response_code':
      if (!/^[0-9A-Za-z]{2}$/.test(value)) throw new PlanError(`${target}: "${value}" is not 2 characters`);
      return (bytes[0]! << 8) | bytes[1]!;
    case 'merchant_id':
      if (!/^\d{15}$/.test(value)) throw new PlanError(`${target}: "${value}" is not 15 digits`);
      return Number(value);
    case 'terminal_id':
      if (!/^[0-9A-Za-z]{8}$/.test(value)) throw new PlanError(`${target}: "${value}" is not 8 letters and digits`);
      return packAlnum(bytes, 0, 8);
    default:
      throw new PlanError(`${target} cannot be a constant`);
  }
}

/** A reject of readRecord: its reason, the source field it is about (−1: the whole line), and its detail. */
export function rejectOf(plan: RecordPlan, result: number): { reason: number; field: number; detail: number } {
  return { reason: result & 0xff, field: (result >> 8) - 1, detail: plan.detail[0]! };
}

function rejected(plan: RecordPlan, reason: number, field: number, detail = 0): number {
  plan.detail[0] = detail;
  return ((field + 1) << 8) | reason;
}

/**
 * Reads the record in buf[s, e) (one line, without its line end) into vals/ts/te; 0 when taken,
 * else the reason and source field (rejectOf). `vals` must be zeroed by the caller.
 */
export function readRecord(
  plan: RecordPlan,
  buf: Uint8Array,
  s: number,
  e: number,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
  ctx: PlanContext,
): number {
  if (plan.layout === 'fixed' && e - s < plan.minBytes) return rejected(plan, R_SHORT, -1, e - s);
  const { fs, fe, trim } = plan;
  ts[F_ORDER_NO] = te[F_ORDER_NO] = ts[F_ORIG_RRN] = te[F_ORIG_RRN] = ts[F_PAN] = te[F_PAN] = 0;
  // A delimited layout's records come here when its one-pass reader (plan.row) left them.
  plan.split[0] = 0;
  if (plan.layout === 'delimited') {
    // One pass: the fields' bounds, and the first byte that is not ASCII (the encoding is checked from there).
    // With a prefix (WeChat's backtick), a delimiter counts only before it: a comma inside a value
    // (a product name) does not split it.
    const delimiter = plan.delimiter;
    const prefix = plan.prefix;
    const max = plan.fieldCount;
    let n = 0;
    let p = s;
    let high = -1;
    const gbk = plan.gbk;
    for (let q = s; q < e; q++) {
      const c = buf[q]!;
      if (c >= 0x80) {
        if (high < 0) high = q;
        // A GBK character's second byte may equal an ASCII delimiter (0x40–0x7E): never a split.
        if (gbk) q++;
        continue;
      }
      if (c === delimiter && (prefix < 0 || q + 1 >= e || buf[q + 1] === prefix)) {
        if (n < max) {
          fs[n] = p;
          fe[n] = q;
        }
        n++;
        p = q + 1;
      }
    }
    if (n < max) {
      fs[n] = p;
      fe[n] = e;
    }
    n++;
    // Everything before the first byte that is not ASCII is valid in either encoding.
    if (high >= 0 && !(plan.gbk ? validGbk(buf, high, e) : validUtf8(buf, high, e)))
      return rejected(plan, plan.gbk ? R_GBK : R_UTF8, -1);
    if (n !== plan.fieldCount) return rejected(plan, R_FIELD_COUNT, -1, n);
    for (let i = 0; i < n; i++) {
      let a = fs[i]!;
      let b = fe[i]!;
      if (a < b && buf[a] === plan.prefix) a++;
      while (a < b && trim[buf[a]!] === 1) a++;
      while (b > a && trim[buf[b - 1]!] === 1) b--;
      fs[i] = a;
      fe[i] = b;
    }
  } else {
    if (plan.gbk ? !validGbk(buf, s, e) : !validUtf8(buf, s, e)) return rejected(plan, plan.gbk ? R_GBK : R_UTF8, -1);
    for (let i = 0; i < plan.fieldCount; i++) {
      let a = Math.min(s + plan.at[i]!, e);
      let b = Math.min(a + plan.len[i]!, e);
      while (a < b && trim[buf[a]!] === 1) a++;
      while (b > a && trim[buf[b - 1]!] === 1) b--;
      fs[i] = a;
      fe[i] = b;
    }
  }

  plan.split[0] = 1;
  // The generated code takes the records it can; the rest are read below, which names the reason.
  if (plan.fast?.(buf, fs, fe, vals, ts, te)) return 0;
  const steps = plan.steps;
  for (let k = 0; k < steps.length; k++) {
    const st = steps[k]!;
    if (st.conv === null) {
      if (st.noAlias) return rejected(plan, R_NO_ALIAS, -1);
      vals[st.field] = st.constant;
      continue;
    }
    let src = -1;
    if (st.byType !== null) src = st.byType[vals[F_TYPE]!]!;
    else
      for (let j = 0; j < st.sources.length; j++) {
        const c = st.sources[j]!;
        if (!isNone(buf, fs[c]!, fe[c]!, st.none)) {
          src = c;
          break;
        }
      }
    if (src < 0 || fs[src] === fe[src]) {
      if (st.required || (st.requiredListed && src >= 0))
        return rejected(plan, R_EMPTY, src < 0 ? (st.sources[0] ?? -1) : src);
      if (st.conv.kind === 'text') ts[st.field] = te[st.field] = 0;
      continue;
    }
    const reason = convert(st, buf, fs[src]!, fe[src]!, vals, ts, te, ctx);
    if (reason !== 0) return rejected(plan, reason & 0xff, src, reason >> 8);
  }
  if (plan.deriveNet) vals[F_NET] = vals[F_AMOUNT]! - vals[F_FEE]!;
  return 0;
}

function isNone(buf: Uint8Array, a: number, b: number, none: readonly Uint8Array[]): boolean {
  for (let k = 0; k < none.length; k++) {
    const m = none[k]!;
    if (m.length !== b - a) continue;
    let same = true;
    for (let i = 0; i < m.length && same; i++) same = buf[a + i] === m[i];
    if (same) return true;
  }
  return false;
}

/** Converts one value into its slot; 0, or a reject reason (with a detail in the bits above 8). */
function convert(
  st: Step,
  buf: Uint8Array,
  a: number,
  b: number,
  vals: Float64Array,
  ts: Int32Array,
  te: Int32Array,
  ctx: PlanContext,
): number {
  const conv = st.conv!;
  const n = b - a;
  const f = st.field;
  switch (conv.kind) {
    case 'digits': {
      if (n !== conv.width) return R_LENGTH | (n << 8);
      const v = packDigits(buf, a, b);
      if (v < 0) return R_CHARS;
      vals[f] = v;
      return 0;
    }
    case 'alnum': {
      if (n !== conv.width) return R_LENGTH | (n << 8);
      const v = packAlnum(buf, a, b);
      if (v < 0) return R_CHARS;
      vals[f] = v;
      return 0;
    }
    case 'rrn': {
      if (n !== 12) return R_LENGTH | (n << 8);
      const hi = packAlnum(buf, a, a + 6);
      const lo = packAlnum(buf, a + 6, b);
      if (hi < 0 || lo < 0) return R_CHARS;
      vals[F_RRN] = hi;
      vals[RRN_LO] = lo;
      return 0;
    }
    case 'text': {
      if (n > conv.max || (conv.pan && n < 12)) return R_LENGTH | (n << 8);
      for (let i = a; i < b; i++) {
        const c = buf[i]!;
        const ok = conv.pan ? (c >= 48 && c <= 57) || c === 42 || c === 88 || c === 120 : c >= 32 && c < 127;
        if (!ok) return R_CHARS;
      }
      ts[f] = a;
      te[f] = b;
      return 0;
    }
    case 'enum':
    case 'currency': {
      for (let k = 0; k < conv.names.length; k++) {
        const m = conv.names[k]!;
        if (m.length !== n) continue;
        let same = true;
        for (let i = 0; i < n && same; i++) same = buf[a + i] === m[i];
        if (same) {
          vals[f] = conv.codes[k]!;
          return 0;
        }
      }
      if (conv.kind === 'currency' && conv.names.length === 0 && n === 3) {
        const c0 = buf[a]!;
        const c1 = buf[a + 1]!;
        const c2 = buf[a + 2]!;
        if (c0 >= 65 && c0 <= 90 && c1 >= 65 && c1 <= 90 && c2 >= 65 && c2 <= 90) {
          vals[f] = (c0 << 16) | (c1 << 8) | c2;
          return 0;
        }
      }
      return conv.kind === 'currency' ? R_CURRENCY : R_ENUM;
    }
    case 'response': {
      if (n !== 2 || packAlnum(buf, a, b) < 0) return R_RESPONSE;
      vals[f] = (buf[a]! << 8) | buf[a + 1]!;
      return 0;
    }
    case 'alias': {
      if (n > 16) return R_LENGTH | (n << 8);
      const id = packDigits(buf, a, b);
      if (id < 0) return R_CHARS;
      const merchant = ctx.aliases.get(id);
      if (merchant === undefined) return R_NO_ALIAS;
      vals[f] = merchant;
      return 0;
    }
    case 'amount':
      return amount(conv, buf, a, b, vals, f);
    case 'time':
    case 'date':
      return timeOf(conv, buf, a, b, vals, f, ctx.runDay);
  }
}

/** A decimal in major units → minor units, exactly (never through a float of the decimal). */
function amount(
  conv: Extract<Conversion, { kind: 'amount' }>,
  buf: Uint8Array,
  a: number,
  b: number,
  vals: Float64Array,
  f: number,
): number {
  let neg = false;
  let p = a;
  if (conv.signByte !== 0) {
    const c = buf[p]!;
    if (c === 67) neg = conv.signByte < 0;
    else if (c === 68) neg = conv.signByte > 0;
    else if (c >= 48 && c <= 57) {
      // A blank sign byte (trimmed with the padding) stands before a zero only.
      for (let i = p; i < b; i++) if (buf[i] !== 48) return R_DECIMAL;
      vals[f] = 0;
      return 0;
    } else return R_DECIMAL;
    p++;
  } else if (buf[p] === 45) {
    neg = true;
    p++;
  }
  const v = unsignedMinor(buf, p, b, conv.decimals);
  if (Number.isNaN(v)) return R_DECIMAL;
  if (v > Number.MAX_SAFE_INTEGER) return R_RANGE;
  if (neg && !conv.abs && !conv.signed && v !== 0) return R_DECIMAL;
  vals[f] = neg && !conv.abs && v !== 0 ? -v : v;
  return 0;
}

/** A time or date by its pattern → epoch ms (times, in the pattern's zone) or epoch day. */
function timeOf(
  conv: Extract<Conversion, { kind: 'time' | 'date' }>,
  buf: Uint8Array,
  a: number,
  b: number,
  vals: Float64Array,
  f: number,
  runDay: number,
): number {
  let y = -1;
  let mo = 0;
  let d = 0;
  let hh = 0;
  let mi = 0;
  let ss = 0;
  let p = a;
  for (const t of conv.pattern) {
    if (p + t.n > b) return R_TIMESTAMP;
    if (t.slot === '') {
      if (buf[p] !== t.byte) return R_TIMESTAMP;
      p++;
      continue;
    }
    let v = 0;
    for (let i = 0; i < t.n; i++) {
      const c = buf[p++]! - 48;
      if (c < 0 || c > 9) return R_TIMESTAMP;
      v = v * 10 + c;
    }
    if (t.slot === 'Y') y = v;
    else if (t.slot === 'M') mo = v;
    else if (t.slot === 'D') d = v;
    else if (t.slot === 'h') hh = v;
    else if (t.slot === 'm') mi = v;
    else ss = v;
  }
  if (p !== b || mo < 1 || mo > 12 || d < 1 || hh > 23 || mi > 59 || ss > 59) return R_TIMESTAMP;
  if (y < 0) {
    // No year (UnionPay's MMDDhhmmss): the year that puts the date nearest the run's date.
    const runYear = yearOf(runDay);
    let best = -1;
    for (let yy = runYear - 1; yy <= runYear + 1; yy++) {
      if (d > daysInMonth(yy, mo)) continue;
      if (best < 0 || Math.abs(daysFromCivil(yy, mo, d) - runDay) < Math.abs(daysFromCivil(best, mo, d) - runDay))
        best = yy;
    }
    if (best < 0) return R_TIMESTAMP;
    y = best;
  }
  if (d > daysInMonth(y, mo)) return R_TIMESTAMP;
  const day = daysFromCivil(y, mo, d);
  if (day < FIRST_DAY || day >= END_DAY) return R_RANGE;
  if (conv.kind === 'date') vals[f] = day;
  else vals[f] = day * MS_PER_DAY + ((hh * 60 + mi - conv.zone) * 60 + ss) * 1000;
  return 0;
}

function yearOf(day: number): number {
  let y = 1970 + Math.floor(day / 365.2425);
  while (daysFromCivil(y, 1, 1) > day) y--;
  while (daysFromCivil(y + 1, 1, 1) <= day) y++;
  return y;
}
