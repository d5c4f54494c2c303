/**
 * Reading and checking an input profile (DESIGN §3.4; what a profile is, and its vocabulary:
 * src/core/profile.ts). docs/profiles.md documents the format and each shipped profile.
 *
 * A shipped profile is named (`wechat-trade-bill`) and lives in profiles/NAME.json; any other name
 * is read as the path of a user's profile file. Every problem names the profile file and where in
 * it (`columns.gross_minor.decimals`), so a user's profile can be fixed from the message alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packagePath } from '../../core/package-path.js';
import { type ColumnSource, kindColumn, type Layout, type Profile, type Total } from '../../core/profile.js';
import { columnsOf, profileRequired, type Side } from '../../core/schema.js';
import { UsageError } from '../../core/usage-error.js';
import { parseZone } from '../calendar.js';
import { ProfileError } from '../errors.js';

/** The layout recon reads without a profile (DESIGN §3.1, §3.2, §3.5). */
export const OWN_FORMAT = 'recon';

/** The profiles shipped in profiles/, by name. */
export const SHIPPED_PROFILES = ['wechat-trade-bill', 'alipay-trade-bill', 'unionpay-zm', 'payout-result-cn'] as const;

/** The side each shipped profile reads (its file's `side`; a test holds the two together). */
export const SHIPPED_SIDES: Readonly<Record<(typeof SHIPPED_PROFILES)[number], Side>> = {
  'wechat-trade-bill': 'clearing',
  'alipay-trade-bill': 'clearing',
  'unionpay-zm': 'clearing',
  'payout-result-cn': 'payout',
};

/** The profile `nameOrPath` names: a shipped profile by name, else a user's profile file. */
export function loadProfile(nameOrPath: string): Profile {
  const shipped = (SHIPPED_PROFILES as readonly string[]).includes(nameOrPath);
  const file = shipped ? packagePath(`profiles/${nameOrPath}.json`) : nameOrPath;
  if (!shipped && !existsSync(file))
    throw new UsageError(
      `unknown format "${nameOrPath}": not a shipped profile (${[OWN_FORMAT, ...SHIPPED_PROFILES].join(', ')}) nor a profile file`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProfileError(file, '', `cannot read it as JSON: ${(e as Error).message}`);
  }
  // A shipped profile's patterns are checked by its tests (test/unit/profile-patterns.test.ts), not at each run.
  const profile = parseProfile(json, file, shipped);
  if (shipped && profile.name !== nameOrPath)
    throw new ProfileError(file, 'profile', `names "${profile.name}", not "${nameOrPath}"`);
  return profile;
}

const TOP_KEYS = [
  'profile',
  'title',
  'side',
  'platform',
  'encoding',
  'container',
  'zipEntry',
  'lines',
  'layout',
  'columns',
  'totals',
  'notes',
  'fileDate',
];

/**
 * Checks a profile's JSON and builds the Profile; `file` names it in messages. Its patterns are
 * checked for catastrophic backtracking (patternRisk) unless `trusted` (a shipped profile).
 */
export function parseProfile(json: unknown, file: string, trusted = false): Profile {
  const fail = (where: string, reason: string): never => {
    throw new ProfileError(file, where, reason);
  };
  const top = object(json, '', fail);
  keysIn(top, TOP_KEYS, '', fail);
  const name = text(top.profile, 'profile', fail);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail('profile', 'a name of lower-case letters, digits and dashes');
  if (name === OWN_FORMAT) fail('profile', `"${OWN_FORMAT}" names recon's own layout`);
  const title = text(top.title, 'title', fail);
  const side = oneOf(top.side, ['journal', 'clearing', 'payout'] as const, 'side', fail);
  const encoding =
    top.encoding === undefined ? 'utf-8' : oneOf(top.encoding, ['utf-8', 'gbk'] as const, 'encoding', fail);
  const container =
    top.container === undefined ? 'plain' : oneOf(top.container, ['plain', 'zip'] as const, 'container', fail);
  let zipEntry: RegExp | undefined;
  if (container === 'zip') zipEntry = regex(top.zipEntry, 'zipEntry', fail);
  else if (top.zipEntry !== undefined) fail('zipEntry', 'only with "container": "zip"');
  let platform: string | undefined;
  if (top.platform !== undefined) {
    platform = text(top.platform, 'platform', fail);
    if (!/^[a-z][a-z0-9_-]*$/.test(platform)) fail('platform', 'a name of lower-case letters, digits, _ and -');
  }

  const layout = parseLayout(top.layout, fail);
  const lo = object(top.lines ?? {}, 'lines', fail);
  keysIn(lo, ['before', 'header', 'end', 'after'], 'lines', fail);
  const lines = {
    before: regexList(lo.before, 'lines.before', fail),
    ...(lo.header !== undefined ? { header: regex(lo.header, 'lines.header', fail) } : {}),
    ...(lo.end !== undefined ? { end: regex(lo.end, 'lines.end', fail) } : {}),
    after: regexList(lo.after, 'lines.after', fail),
  };
  if (layout.kind === 'delimited' && lines.header === undefined)
    fail('lines.header', 'a delimited layout names its columns in a header line: give its pattern');
  if (layout.kind === 'fixed' && lines.header !== undefined)
    fail('lines.header', 'a fixed-width layout names its fields in the profile, not in a header line');
  if (lines.after.length > 0 && lines.end === undefined) fail('lines.after', 'only with lines.end');

  const named = layout.kind === 'fixed' ? new Set(layout.fields.map((f) => f.name)) : null;
  const columns = parseColumns(top.columns, side, named, platform, fail);
  for (const [target, src] of Object.entries(columns))
    if (src.fromLine !== undefined && lines.before.length === 0)
      fail(`columns.${target}.fromLine`, 'reads a line before the table: give lines.before');
  const totals = parseTotals(top.totals, lines.end !== undefined, named, fail);
  let fileDate: RegExp | undefined;
  if (top.fileDate !== undefined) {
    fileDate = regex(top.fileDate, 'fileDate', fail);
    const groups = new RegExp(`${fileDate.source}|`, 'u').exec('')!.length - 1;
    if (groups !== 3 && groups !== 6)
      fail(
        'fileDate',
        "a pattern with three capture groups (year, month, day), or six (the first and last day of the file's span)",
      );
    if (lines.before.length === 0) fail('fileDate', 'reads a line before the table: give lines.before');
  }
  const profile: Profile = {
    name,
    title,
    file,
    side,
    encoding,
    container,
    ...(zipEntry ? { zipEntry } : {}),
    ...(platform !== undefined ? { platform } : {}),
    lines,
    layout,
    columns,
    totals,
    ...(fileDate ? { fileDate } : {}),
  };
  if (!trusted)
    for (const [where, re] of patternsOf(profile)) {
      const risk = patternRisk(re.source);
      if (risk !== null) fail(where, `/${re.source}/ ${risk}`);
    }
  return profile;
}

/**
 * Characters of a line that a profile's pattern is run on: a longer line is matched by its first
 * PATTERN_CHARS (frame.ts). Patterns only see the lines that frame the table (before
 * it, its header, its end line and after it; the table's records never); a line before the table
 * can be up to the 1 MiB head the planner reads. Zip entry names are at most 65,535 bytes by the
 * zip format.
 */
export const PATTERN_CHARS = 64 * 1024;

/** Every pattern of a profile, with where it is in the profile's JSON. */
export function patternsOf(p: Profile): [where: string, pattern: RegExp][] {
  const out: [string, RegExp][] = [];
  if (p.zipEntry) out.push(['zipEntry', p.zipEntry]);
  if (p.fileDate) out.push(['fileDate', p.fileDate]);
  for (const [i, re] of p.lines.before.entries()) out.push([`lines.before[${i}]`, re]);
  if (p.lines.header) out.push(['lines.header', p.lines.header]);
  if (p.lines.end) out.push(['lines.end', p.lines.end]);
  for (const [i, re] of p.lines.after.entries()) out.push([`lines.after[${i}]`, re]);
  for (const [target, src] of Object.entries(p.columns))
    if (src.fromLine) out.push([`columns.${target}.fromLine`, src.fromLine]);
  for (const [i, t] of p.totals.entries()) if (t.line) out.push([`totals[${i}].line`, t.line]);
  return out;
}

/** How long the check of one pattern may take before the pattern is refused as too complex to tell. */
const CHECK_MS = 10_000;

/** The checks made in this process, by pattern source: the reason for refusing it, or null. */
const checked = new Map<string, string | null>();

/**
 * Why the pattern `source` (flag u) cannot be used: it can backtrack catastrophically, taking time
 * exponential or polynomial in the length of the line it is run on (`^(a+)+$`, `(a|aa)+$`,
 * `^.*a.*a.*b$`), or it could not be shown not to; null when it cannot. recheck decides (its
 * automaton checker, or fuzzing for patterns it cannot model, such as back-references).
 */
export function patternRisk(source: string): string | null {
  let risk = checked.get(source);
  if (risk !== undefined) return risk;
  // Loaded when a user's profile is first checked: ~90 ms that no other run should pay at its start.
  const { checkSync } = createRequire(import.meta.url)('recheck') as typeof import('recheck');
  const r = checkSync(source, 'u', { timeout: CHECK_MS });
  if (r.status === 'safe') risk = null;
  else if (r.status === 'vulnerable')
    risk = `can backtrack catastrophically (${r.complexity.summary} time in the length of a line, e.g. on ${clipAttack(r.attack.pattern)}): write it so that no two repetitions can match the same text (anchor it with ^; [^,]* rather than .* before a comma)`;
  else if (r.error.kind === 'timeout')
    risk = `could not be shown free of catastrophic backtracking within ${CHECK_MS / 1000} s: simplify it`;
  else
    risk = `cannot be checked for catastrophic backtracking (${r.error.kind}${'message' in r.error ? `: ${r.error.message}` : ''}): write it without that construct`;
  checked.set(source, risk);
  return risk;
}

function clipAttack(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Fail = (where: string, reason: string) => never;

function parseLayout(v: unknown, fail: Fail): Layout {
  const o = object(v, 'layout', fail);
  const kind = oneOf(o.kind, ['delimited', 'fixed'] as const, 'layout.kind', fail);
  const trim = o.trim === undefined ? (kind === 'fixed' ? ' ' : '') : text(o.trim, 'layout.trim', fail, true);
  if (kind === 'delimited') {
    keysIn(o, ['kind', 'delimiter', 'prefix', 'trim'], 'layout', fail);
    const delimiter = o.delimiter === undefined ? ',' : text(o.delimiter, 'layout.delimiter', fail);
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80 || /[0-9A-Za-z]/.test(delimiter))
      fail('layout.delimiter', 'one ASCII character that is not a letter or a digit');
    const prefix = o.prefix === undefined ? '' : text(o.prefix, 'layout.prefix', fail);
    if (prefix.length > 1 || (prefix.length === 1 && prefix.charCodeAt(0) >= 0x80))
      fail('layout.prefix', 'one ASCII character, or none');
    return { kind, delimiter, prefix, trim: asciiSet(trim, 'layout.trim', fail) };
  }
  keysIn(o, ['kind', 'separator', 'fields', 'trim', 'minBytes'], 'layout', fail);
  const separator = o.separator === undefined ? 0 : int(o.separator, 'layout.separator', 0, 16, fail);
  if (!Array.isArray(o.fields) || o.fields.length === 0)
    fail('layout.fields', 'a list of [name, bytes] pairs, in the order of the record');
  const seen = new Set<string>();
  const fields = (o.fields as unknown[]).map((f, i) => {
    const where = `layout.fields[${i}]`;
    if (!Array.isArray(f) || f.length !== 2) return fail(where, 'a [name, bytes] pair');
    const fieldName = text(f[0], where, fail);
    if (seen.has(fieldName)) fail(where, `"${fieldName}" is named twice`);
    seen.add(fieldName);
    return { name: fieldName, bytes: int(f[1], where, 1, 4096, fail) };
  });
  const full = fields.reduce((s, f) => s + f.bytes, 0) + separator * (fields.length - 1);
  const minBytes = o.minBytes === undefined ? full : int(o.minBytes, 'layout.minBytes', 1, full, fail);
  return { kind, separator, fields, trim: asciiSet(trim, 'layout.trim', fail), minBytes };
}

/** Target columns by side, with what kind of value each takes. */
type TargetKind = 'id' | 'enum' | 'time' | 'date' | 'amount' | 'currency' | 'response';

function targetKind(name: string): TargetKind {
  switch (name) {
    case 'txn_type':
    case 'record_type':
    case 'channel':
    case 'status':
      return 'enum';
    case 'txn_time':
      return 'time';
    case 'clearing_date':
    case 'settle_date':
    case 'status_date':
      return 'date';
    case 'amount_minor':
    case 'gross_minor':
    case 'fee_minor':
    case 'net_minor':
      return 'amount';
    case 'currency':
      return 'currency';
    case 'response_code':
      return 'response';
    default:
      return 'id';
  }
}

/** The names an enum target column takes (DESIGN §3.1, §3.2, §3.5). */
function enumNames(side: Side, name: string): readonly string[] {
  const def = columnsOf(side).find((c) => c.name === name);
  if (!def?.enumCodes || !def.enumNames) throw new Error(`internal: ${name} is not an enum column`);
  return def.enumCodes.map((c) => def.enumNames![c]!);
}

const SOURCE_KEYS = [
  'from',
  'fromLine',
  'none',
  'value',
  'derive',
  'map',
  'decimals',
  'signByte',
  'abs',
  'pattern',
  'zone',
  'alias',
];

function parseColumns(
  v: unknown,
  side: Side,
  named: Set<string> | null,
  platform: string | undefined,
  fail: Fail,
): Record<string, ColumnSource> {
  const o = object(v, 'columns', fail);
  const targets = columnsOf(side).map((c) => c.name);
  const out: Record<string, ColumnSource> = {};
  for (const [target, spec] of Object.entries(o)) {
    const where = `columns.${target}`;
    if (!targets.includes(target)) fail(where, `not a ${side} column (${targets.join(', ')})`);
    out[target] = parseSource(spec, target, side, named, platform, where, fail);
  }
  for (const target of profileRequired(side))
    if (!(target in out)) fail(`columns.${target}`, 'missing: every record needs it');
  // A column read by the record's kind: by its type, or a payout's by its status.
  const kind = kindColumn(side).name;
  for (const [target, src] of Object.entries(out)) {
    if (src.from && !Array.isArray(src.from)) {
      const byKind = src.from as Record<string, string>;
      const kinds = enumNames(side, kind);
      for (const t of Object.keys(byKind))
        if (!kinds.includes(t)) fail(`columns.${target}.from`, `"${t}" is not a ${kind} (${kinds.join(', ')})`);
      if (target === kind)
        fail(
          `columns.${target}.from`,
          side === 'payout' ? 'the status itself comes from one field' : 'the record type itself comes from one field',
        );
    }
  }
  return out;
}

function parseSource(
  v: unknown,
  target: string,
  side: Side,
  named: Set<string> | null,
  platform: string | undefined,
  where: string,
  fail: Fail,
): ColumnSource {
  const o = object(v, where, fail);
  keysIn(o, SOURCE_KEYS, where, fail);
  const kind = targetKind(target);
  const ways = ['from', 'fromLine', 'value', 'derive'].filter((k) => o[k] !== undefined);
  if (ways.length !== 1) fail(where, 'exactly one of "from", "fromLine", "value" or "derive"');
  let from: readonly string[] | Record<string, string> | undefined;
  if (o.from !== undefined) {
    if (typeof o.from === 'string') from = [o.from];
    else if (Array.isArray(o.from)) from = o.from.map((f, i) => text(f, `${where}.from[${i}]`, fail));
    else {
      const byType = object(o.from, `${where}.from`, fail);
      from = Object.fromEntries(Object.entries(byType).map(([t, f]) => [t, text(f, `${where}.from.${t}`, fail)]));
    }
    const names = Array.isArray(from) ? from : Object.values(from);
    if (names.length === 0) fail(`${where}.from`, 'at least one source field');
    if (named)
      for (const n of names) if (!named.has(n)) fail(`${where}.from`, `"${n}" is not a field of layout.fields`);
  }
  if (o.fromLine !== undefined) {
    const re = regex(o.fromLine, `${where}.fromLine`, fail);
    if (new RegExp(`${re.source}|`, 'u').exec('')!.length < 2)
      fail(`${where}.fromLine`, 'a pattern with a capture group');
    if (target !== 'merchant_id') fail(`${where}.fromLine`, 'only for merchant_id (a bill of one account)');
  }
  const none = o.none === undefined ? [] : stringList(o.none, `${where}.none`, fail);
  const out: { -readonly [K in keyof ColumnSource]: ColumnSource[K] } = { none };
  if (from) out.from = from;
  if (o.fromLine !== undefined) out.fromLine = regex(o.fromLine, `${where}.fromLine`, fail);

  if (o.derive !== undefined) {
    if (target !== 'net_minor' || o.derive !== 'gross - fee')
      fail(`${where}.derive`, 'only "gross - fee", for net_minor');
    out.derive = 'gross - fee';
  }
  if (o.value !== undefined) {
    const value = text(o.value, `${where}.value`, fail, true);
    if (kind === 'enum' && !enumNames(side, target).includes(value))
      fail(`${where}.value`, `"${value}" is not a ${target} (${enumNames(side, target).join(', ')})`);
    if (kind === 'date' && !['run-date', 'expected'].includes(value))
      fail(
        `${where}.value`,
        'a date column takes "run-date" (the date the run loads the file for) or "expected" (settle_date: the expected settle date under the merchant\'s cycle)',
      );
    if (value === 'expected' && target !== 'settle_date') fail(`${where}.value`, '"expected" is for settle_date only');
    if (value === 'expected' && side === 'payout')
      fail(`${where}.value`, '"expected" is for a clearing file: a payout says which settle date it pays');
    if (kind === 'time' || kind === 'amount' || (kind === 'id' && target !== 'merchant_id' && target !== 'terminal_id'))
      fail(`${where}.value`, `${target} cannot be a constant`);
    out.value = value;
  }
  if (o.map !== undefined) {
    if (kind !== 'enum' && kind !== 'currency') fail(`${where}.map`, 'only for enum columns and currency');
    const m = object(o.map, `${where}.map`, fail);
    const allowed = kind === 'enum' ? enumNames(side, target) : null;
    out.map = Object.fromEntries(
      Object.entries(m).map(([k, t]) => {
        const tv = text(t, `${where}.map.${k}`, fail);
        if (allowed && !allowed.includes(tv))
          fail(`${where}.map.${k}`, `"${tv}" is not a ${target} (${allowed.join(', ')})`);
        if (!allowed && !/^[A-Z]{3}$/.test(tv)) fail(`${where}.map.${k}`, 'an ISO 4217 code such as CNY');
        return [k, tv];
      }),
    );
  } else if (kind === 'enum' && o.from !== undefined) fail(where, `"map": the source values of each ${target}`);
  if (o.decimals !== undefined || o.signByte !== undefined || o.abs !== undefined) {
    if (kind !== 'amount') fail(where, '"decimals", "signByte" and "abs" are for amounts');
  }
  if (kind === 'amount' && o.from !== undefined) {
    if (o.signByte !== undefined && o.abs !== undefined) fail(where, '"signByte" or "abs", not both');
    out.decimals = o.decimals === undefined ? 0 : int(o.decimals, `${where}.decimals`, 0, 4, fail);
    if (o.signByte !== undefined) out.signByte = oneOf(o.signByte, ['C+', 'D+'] as const, `${where}.signByte`, fail);
    if (o.abs !== undefined) out.abs = bool(o.abs, `${where}.abs`, fail);
  }
  if (o.pattern !== undefined || o.zone !== undefined) {
    if (kind !== 'time' && kind !== 'date') fail(where, '"pattern" and "zone" are for times and dates');
  }
  if ((kind === 'time' || kind === 'date') && o.from !== undefined) {
    const pattern = text(o.pattern, `${where}.pattern`, fail);
    if (/[^\x20-\x7e]/.test(pattern))
      fail(`${where}.pattern`, 'ASCII characters only (the tokens and the separators between them)');
    const tokens = kind === 'time' ? ['MM', 'DD', 'hh', 'mm', 'ss'] : ['MM', 'DD'];
    for (const t of tokens) if (!pattern.includes(t)) fail(`${where}.pattern`, `has no ${t}`);
    if (kind === 'date' && !pattern.includes('YYYY')) fail(`${where}.pattern`, 'has no YYYY');
    out.pattern = pattern;
    if (kind === 'time') {
      const zone = typeof o.zone === 'string' ? parseZone(o.zone) : Number.NaN;
      if (Number.isNaN(zone)) fail(`${where}.zone`, 'the UTC offset of the times, such as "+08:00"');
      out.zone = zone;
    }
  }
  if (o.alias !== undefined) {
    if (target !== 'merchant_id') fail(`${where}.alias`, 'only for merchant_id');
    out.alias = bool(o.alias, `${where}.alias`, fail);
    if (out.alias && platform === undefined)
      fail(`${where}.alias`, 'needs the profile\'s "platform" (the alias namespace)');
  }
  return out;
}

function parseTotals(v: unknown, hasEnd: boolean, named: Set<string> | null, fail: Fail): Total[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail('totals', 'a list of control totals');
  return v.map((t, i) => {
    const where = `totals[${i}]`;
    const o = object(t, where, fail);
    keysIn(o, ['line', 'summary', 'where', 'count', 'sums', 'decimals'], where, fail);
    if ((o.line === undefined) === (o.summary === undefined))
      fail(where, 'either "line" (a pattern) or "summary": true');
    if (o.summary !== undefined && (o.summary !== true || !hasEnd))
      fail(`${where}.summary`, "true, with lines.end naming the summary's header line");
    const whereRows =
      o.where === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(object(o.where, `${where}.where`, fail)).map(([k, x]) => [
              k,
              text(x, `${where}.where.${k}`, fail, true),
            ]),
          );
    if (whereRows && Object.keys(whereRows).length !== 1) fail(`${where}.where`, 'one source field and its value');
    if (whereRows && named)
      for (const k of Object.keys(whereRows)) if (!named.has(k)) fail(`${where}.where`, `"${k}" is not a field`);
    const sums = Object.fromEntries(
      Object.entries(object(o.sums ?? {}, `${where}.sums`, fail)).map(([k, x]) => [
        k,
        text(x, `${where}.sums.${k}`, fail),
      ]),
    );
    if (o.count === undefined && Object.keys(sums).length === 0) fail(where, 'checks nothing: give "count" or "sums"');
    return {
      ...(o.line !== undefined ? { line: regex(o.line, `${where}.line`, fail) } : {}),
      ...(whereRows ? { where: whereRows } : {}),
      ...(o.count !== undefined ? { count: String(o.count) } : {}),
      sums,
      decimals: o.decimals === undefined ? 2 : int(o.decimals, `${where}.decimals`, 0, 6, fail),
    };
  });
}

function object(v: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(where, 'a JSON object');
  return v as Record<string, unknown>;
}

function keysIn(o: Record<string, unknown>, keys: readonly string[], where: string, fail: Fail): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) fail(where ? `${where}.${k}` : k, `unknown key (known: ${keys.join(', ')})`);
}

function text(v: unknown, where: string, fail: Fail, allowEmpty = false): string {
  if (typeof v !== 'string' || (!allowEmpty && v === ''))
    return fail(where, allowEmpty ? 'a string' : 'a non-empty string');
  return v;
}

function stringList(v: unknown, where: string, fail: Fail): string[] {
  if (!Array.isArray(v)) return fail(where, 'a list of strings');
  return v.map((x, i) => text(x, `${where}[${i}]`, fail, true));
}

function oneOf<T extends string>(v: unknown, options: readonly T[], where: string, fail: Fail): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v))
    return fail(where, `one of ${options.join(', ')}`);
  return v as T;
}

function int(v: unknown, where: string, min: number, max: number, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return fail(where, `an integer ${min}..${max}`);
  return v;
}

function bool(v: unknown, where: string, fail: Fail): boolean {
  if (typeof v !== 'boolean') return fail(where, 'true or false');
  return v;
}

function regex(v: unknown, where: string, fail: Fail): RegExp {
  const s = text(v, where, fail);
  try {
    return new RegExp(s, 'u');
  } catch (e) {
    return fail(where, `not a regular expression: ${(e as Error).message}`);
  }
}

function regexList(v: unknown, where: string, fail: Fail): RegExp[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail(where, 'a list of patterns');
  return v.map((x, i) => regex(x, `${where}[${i}]`, fail));
}

function asciiSet(s: string, where: string, fail: Fail): string {
  for (const c of s) if (c.charCodeAt(0) >= 0x80) fail(where, 'ASCII characters only');
  return s;
}
