/**
 * Reading the records of a profile's file (DESIGN §3.4: a journal's, a clearing file's or a payout
 * file's, §3.5) into the scanner's values: one line's source fields split (delimited) or sliced
 * (fixed-width), then each target column converted into the same slots the scanner's own layout
 * fills (`vals`, and text ranges `ts`/`te` indexed by field, F_*; scan-gen.ts). A record that does
 * not fit says which source field and why, as a reject code.
 *
 * Nothing here allocates per record or decodes text: a profile's literals (enum names, "no value"
 * markers) are encoded once into the file's encoding and compared byte for byte; the ids and amounts
 * recon keeps are ASCII in every layout, and text it keeps (order numbers) must be.
 *
 * `planRecords` binds a profile to one file (its header, the lines before its table, the run's
 * date, the merchants' aliases); `readRecord` reads one line with the plan.
 */
import { MS_PER_DAY } from './dates.js';
import { decimalMinor, unsignedMinor } from './decimal.js';
import { C_HIGH, type ColumnDef, civilDay, column, keptAsRange, NOT_A_DATE, readValue } from './field-rules.js';
import { encodeGbk, validGbk } from './gbk.js';
import { NO_STAN, packDigits } from './packed.js';
import { type ColumnSource, kindColumn, type Profile } from './profile.js';
import { compileRow, compileSteps, nearestYear } from './profile-gen.js';
import type { Conversion, RecordPlan, Step, Token, TotalPlan } from './record-plan.js';
import {
  R_CHARS,
  R_DECIMAL,
  R_EMPTY,
  R_FIELD_COUNT,
  R_GBK,
  R_LENGTH,
  R_NO_ALIAS,
  R_PATTERN,
  R_RANGE,
  R_SHORT,
  R_UTF8,
} from './reject.js';
import {
  columnsOf,
  F_AMOUNT,
  F_BATCH_NO,
  F_FEE,
  F_NET,
  F_ORDER_NO,
  F_ORIG_RRN,
  F_PAN,
  F_STAN,
  FIELD_COUNT,
  VALS_LENGTH,
} from './schema.js';
import { validUtf8 } from './utf8.js';

/** The most digits of a platform's merchant id (an Alipay PID has 16). */
const PLATFORM_ID_DIGITS = 16;

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
  const defs = columnsOf(profile.side);
  const kind = kindColumn(profile.side);
  const kindNames = defs.find((d) => d.name === kind.name)!.enumNames!;
  // The record's kind first: other columns may be read from a field chosen by it.
  const order = Object.keys(profile.columns).sort((a, b) => Number(b === kind.name) - Number(a === kind.name));
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
      required: !def.optional,
      requiredListed: false,
      noAlias: false,
    };
    if (src.from !== undefined) {
      if (Array.isArray(src.from)) step.sources = Int32Array.from(src.from, (n: string) => sourceOf(n, target));
      else {
        step.byType = new Int32Array(kindNames.length).fill(-1);
        for (const [t, n] of Object.entries(src.from as Record<string, string>))
          step.byType[kindNames.indexOf(t)] = sourceOf(n, target);
        // A kind the profile lists must have the value; one it does not list leaves it empty.
        step.required = false;
        step.requiredListed = true;
      }
      step.conv = conversionOf(def, src, encode);
    } else if (src.fromLine !== undefined) {
      step.constant = fromLineValue(def, src, ctx);
      step.noAlias = step.constant < 0;
    } else step.constant = constantOf(def, src.value!, ctx);
    steps.push(step);
  }
  // A layout without a stan (the bills): its rows say so, instead of a stan of 000000. (A payout
  // has no stan.)
  if (profile.side !== 'payout' && profile.columns.stan === undefined)
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
    kindField: kind.field,
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

/**
 * How a step converts its source text into the target column `def`: by the profile's map, pattern,
 * decimal places or aliases, or else as it stands, by the target's rule (its ASCII bytes only: the
 * file may be GBK, and a batch's text is UTF-8).
 */
function conversionOf(def: ColumnDef, src: ColumnSource, encode: (s: string) => Uint8Array): Conversion {
  if (src.alias) return { kind: 'alias', digits: PLATFORM_ID_DIGITS };
  const entries = Object.entries(src.map ?? {});
  switch (def.kind) {
    case 'timestamp':
      return { kind: 'time', pattern: tokens(src.pattern!), zone: src.zone! };
    case 'date':
      return { kind: 'date', pattern: tokens(src.pattern!) };
    case 'amount':
      return {
        kind: 'amount',
        decimals: src.decimals ?? 0,
        signByte: src.signByte === 'C+' ? 1 : src.signByte === 'D+' ? -1 : 0,
        abs: src.abs === true,
        signed: def.signed === true,
        digits: def.max,
      };
    case 'enum':
      // Source text → the code of the target name.
      return {
        kind: 'map',
        names: entries.map(([k]) => encode(k)),
        codes: entries.map(([, v]) => def.enumNames!.indexOf(v)),
        reason: def.reasons.form,
      };
    default:
      if (entries.length > 0)
        return {
          kind: 'map',
          names: entries.map(([k]) => encode(k)),
          codes: entries.map(([, v]) => ruleValue(def, v)),
          reason: def.reasons.form,
        };
      return { kind: 'rule', rule: column(def.name, def.field, { ...def, chars: def.chars & ~C_HIGH }) };
  }
}

/** The value of `text` in column `def` by its rule, or NaN when it is not one. */
function ruleValue(def: ColumnDef, text: string): number {
  const bytes = new TextEncoder().encode(text);
  const vals = new Float64Array(VALS_LENGTH);
  const ranges = new Int32Array(FIELD_COUNT);
  return readValue(def, bytes, 0, bytes.length, vals, ranges, ranges) === 0 ? vals[def.field]! : Number.NaN;
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

function fromLineValue(def: ColumnDef, src: ColumnSource, ctx: PlanContext): number {
  const target = def.name;
  const m = ctx.before.map((l) => src.fromLine!.exec(l)).find((x) => x !== null);
  if (!m || m[1] === undefined)
    throw new PlanError(`${target}: no line before the table matches ${src.fromLine!.source}`);
  const text = m[1];
  if (src.alias) {
    const id = new RegExp(`^\\d{1,${PLATFORM_ID_DIGITS}}$`).test(text) ? Number(text) : Number.NaN;
    // Without an alias every record of the file is rejected for it (readRecord), as a row of a
    // bill that names its merchant per row would be.
    return ctx.aliases.get(id) ?? -1;
  }
  const v = ruleValue(def, text);
  if (Number.isNaN(v)) throw new PlanError(`${target}: "${text}" is not a merchant id of ${def.title}`);
  return v;
}

/** A column's value for every record: an enum's name, the run's date, or an id or code by its rule. */
function constantOf(def: ColumnDef, value: string, ctx: PlanContext): number {
  const target = def.name;
  if (def.kind === 'enum') return def.enumNames!.indexOf(value);
  if (value === 'run-date') return ctx.runDay;
  if (def.kind !== 'digits' && def.kind !== 'alnum' && def.kind !== 'code')
    throw new PlanError(`${target} cannot be a constant`);
  const v = ruleValue(def, value);
  if (Number.isNaN(v)) throw new PlanError(`${target}: "${value}" is not ${def.title}`);
  return v;
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
  // The text a record keeps as ranges, empty unless a step sets it (F_BATCH_NO: a payout's reason code).
  ts[F_ORDER_NO] = te[F_ORDER_NO] = ts[F_ORIG_RRN] = te[F_ORIG_RRN] = ts[F_PAN] = te[F_PAN] = 0;
  ts[F_BATCH_NO] = te[F_BATCH_NO] = 0;
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
    if (st.byType !== null) src = st.byType[vals[plan.kindField]!]!;
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
      if (st.conv.kind === 'rule' && keptAsRange(st.conv.rule)) ts[st.field] = te[st.field] = 0;
      continue;
    }
    const reason = convert(st, buf, fs[src]!, fe[src]!, vals, ts, te, ctx);
    if (reason !== 0) return rejected(plan, reason, src, reason === R_LENGTH ? fe[src]! - fs[src]! : 0);
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

/** Converts one value into its slot; 0, or a reject reason. */
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
    case 'rule':
      return readValue(conv.rule, buf, a, b, vals, ts, te);
    case 'map': {
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
      return conv.reason;
    }
    case 'alias': {
      if (n > conv.digits) return R_LENGTH;
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
    if (p + t.n > b) return R_PATTERN;
    if (t.slot === '') {
      if (buf[p] !== t.byte) return R_PATTERN;
      p++;
      continue;
    }
    let v = 0;
    for (let i = 0; i < t.n; i++) {
      const c = buf[p++]! - 48;
      if (c < 0 || c > 9) return R_PATTERN;
      v = v * 10 + c;
    }
    if (t.slot === 'Y') y = v;
    else if (t.slot === 'M') mo = v;
    else if (t.slot === 'D') d = v;
    else if (t.slot === 'h') hh = v;
    else if (t.slot === 'm') mi = v;
    else ss = v;
  }
  if (p !== b || mo < 1 || mo > 12 || d < 1 || hh > 23 || mi > 59 || ss > 59) return R_PATTERN;
  // No year (UnionPay's MMDDhhmmss): the year that puts the date nearest the run's date.
  if (y < 0) y = nearestYear(runDay, mo, d);
  if (y < 0) return R_PATTERN;
  const day = civilDay(y, mo, d);
  if (day === NOT_A_DATE) return R_PATTERN;
  if (day < 0) return R_RANGE;
  if (conv.kind === 'date') vals[f] = day;
  else vals[f] = day * MS_PER_DAY + ((hh * 60 + mi - conv.zone) * 60 + ss) * 1000;
  return 0;
}
