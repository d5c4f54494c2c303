/**
 * Where a profile's table lies in its file (DESIGN §3.4): the lines before it (a title, `#`
 * comments, the header), the records, and what follows (a summary, footer comments), with the
 * figures the file states about its records (control totals).
 *
 * Only the file's head and tail are read for this: the records between them go to the scanner in
 * ranges like any other input. The head must hold everything before the first record; the tail
 * everything from the table's end line on.
 *
 * The profile's patterns see a line's first PATTERN_CHARS characters only (a pattern's time grows
 * with the line; the head is up to 1 MiB), and the lines kept for `fromLine`, `fileDate` and the
 * totals are those first characters too. A header's values are split from the whole line.
 */
import type { Profile, Total } from '../../core/profile.js';
import { InputError } from '../errors.js';
import { PATTERN_CHARS } from './profile-file.js';

/** The start of a file, as far as the records. */
export interface Head {
  /** Byte offset of the first record's line. */
  dataStart: number;
  /** Its line number (1-based). */
  firstLine: number;
  /** Delimited layouts: the header's column names; null for fixed-width ones. */
  header: string[] | null;
  /** The lines before the table (and before the header), decoded. */
  before: string[];
}

/** The end of a file, from its table's end line on. */
export interface Tail {
  /** Byte offset just past the last record's line. */
  dataEnd: number;
  /** The table's end line and the lines after it, decoded, in file order. */
  after: string[];
}

/** A control total's figures as the file states them (minor units for sums). */
export interface Figures {
  total: Total;
  count?: number;
  sums: Map<string, number>;
}

/** Lines of `bytes` (LF or CRLF), each with its start offset; the last one may lack a line end. */
function lines(bytes: Uint8Array): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let s = 0;
  while (s < bytes.length) {
    let nl = bytes.indexOf(10, s);
    if (nl < 0) nl = bytes.length;
    const e = nl > s && bytes[nl - 1] === 13 ? nl - 1 : nl;
    out.push({ start: s, end: e });
    s = nl + 1;
  }
  return out;
}

/** What a profile's pattern is run on: the line's first PATTERN_CHARS characters. */
const bounded = (line: string): string => (line.length > PATTERN_CHARS ? line.slice(0, PATTERN_CHARS) : line);

function decodeLine(profile: Profile, bytes: Uint8Array, file: string, lineNo: string | number): string {
  try {
    return new TextDecoder(profile.encoding === 'gbk' ? 'gbk' : 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(
      file,
      `not ${profile.encoding === 'gbk' ? 'GBK' : 'UTF-8'} text`,
      typeof lineNo === 'number' ? lineNo : undefined,
    );
  }
}

/** Splits a header or summary line into its values, as the layout writes records. */
export function splitValues(profile: Profile, line: string): string[] {
  if (profile.layout.kind !== 'delimited') return [line];
  const { delimiter, prefix, trim } = profile.layout;
  return line.split(delimiter).map((v) => {
    let x = prefix !== '' && v.startsWith(prefix) ? v.slice(1) : v;
    while (x.length > 0 && trim.includes(x[0]!)) x = x.slice(1);
    while (x.length > 0 && trim.includes(x[x.length - 1]!)) x = x.slice(0, -1);
    return x;
  });
}

const describe = (patterns: readonly RegExp[]): string => patterns.map((p) => `/${p.source}/`).join(' or ');

/**
 * Finds the first record in `head` (the file's first bytes; all of it when the file is small):
 * lines before the table must match `lines.before`, and a delimited layout's header `lines.header`.
 */
export function frameHead(profile: Profile, head: Uint8Array, file: string, wholeFile: boolean): Head {
  const bom = profile.encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  // No header and nothing before the table: the first line is a record (read, or rejected, as one).
  if (!profile.lines.header && profile.lines.before.length === 0)
    return { dataStart: bom, firstLine: 1, header: null, before: [] };
  const all = lines(head);
  const before: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const { start, end } = all[i]!;
    const lineNo = i + 1;
    const last = i === all.length - 1;
    if (last && !wholeFile) break; // may be cut short: read more
    const text = decodeLine(profile, head.subarray(i === 0 ? start + bom : start, end), file, lineNo);
    const seen = bounded(text);
    const next = i + 1 < all.length ? all[i + 1]!.start : head.length;
    if (profile.lines.header?.test(seen)) {
      const header = splitValues(profile, text);
      return { dataStart: next, firstLine: lineNo + 1, header, before };
    }
    if (profile.lines.before.some((p) => p.test(seen))) {
      before.push(seen);
      continue;
    }
    if (profile.lines.header)
      throw new InputError(
        file,
        `does not fit profile ${profile.name}: expected its header line (/${profile.lines.header.source}/)${profile.lines.before.length > 0 ? ` or a line before it (${describe(profile.lines.before)})` : ''}, found "${clip(text)}"`,
        lineNo,
      );
    return { dataStart: i === 0 ? bom : start, firstLine: lineNo, header: null, before };
  }
  if (profile.lines.header)
    throw new InputError(
      file,
      wholeFile
        ? `does not fit profile ${profile.name}: no header line (/${profile.lines.header.source}/)`
        : `does not fit profile ${profile.name}: no header line (/${profile.lines.header.source}/) in its first ${head.length} bytes`,
    );
  return { dataStart: head.length, firstLine: all.length + 1, header: null, before };
}

/**
 * Finds where the table ends in `tail` (the file's last bytes, starting at byte `tailStart` of a
 * file of `size` bytes, at a line start when `startsAtLine`): going back from the end, lines must match `lines.after` until one matches
 * `lines.end`. Without `lines.end` the records run to the end of the file.
 */
export function frameTail(
  profile: Profile,
  tail: Uint8Array,
  tailStart: number,
  size: number,
  file: string,
  startsAtLine = tailStart === 0,
): Tail {
  const end = profile.lines.end;
  if (!end) return { dataEnd: size, after: [] };
  const all = lines(tail);
  const after: string[] = [];
  // A summary (a total read from the table's end line) is that line and one line of values.
  const summary = profile.totals.some((t) => t.line === undefined);
  for (let i = all.length - 1; i >= 0; i--) {
    if (i === 0 && !startsAtLine) break; // may be cut short
    const { start, end: e } = all[i]!;
    const text = bounded(decodeLine(profile, tail.subarray(start, e), file, `${all.length - i} from the end`));
    if (text.trim() === '' && after.length === 0) continue;
    if (end.test(text)) {
      after.unshift(text);
      if (summary && after.length < 2)
        throw new InputError(
          file,
          `does not fit profile ${profile.name}: its summary line has no values line after it`,
        );
      return { dataEnd: tailStart + start, after };
    }
    // The summary's values line: the one line right after the end line (checked once that is found).
    const isValues =
      summary &&
      i > 0 &&
      end.test(
        bounded(
          decodeLine(
            profile,
            tail.subarray(all[i - 1]!.start, all[i - 1]!.end),
            file,
            `${all.length - i + 1} from the end`,
          ),
        ),
      );
    if (isValues || profile.lines.after.some((p) => p.test(text))) {
      after.unshift(text);
      continue;
    }
    throw new InputError(
      file,
      `does not fit profile ${profile.name}: its table must end with a line matching /${end.source}/${profile.lines.after.length > 0 ? `, followed only by lines matching ${describe(profile.lines.after)}` : ''}; line ${all.length - i} from the end is "${clip(text)}" (is the file cut short?)`,
    );
  }
  throw new InputError(
    file,
    `does not fit profile ${profile.name}: no line matching /${end.source}/ ends its table (is the file cut short?)`,
  );
}

/** The figures each control total reads from the lines after the table (`tail.after`). */
export function readFigures(profile: Profile, after: readonly string[], file: string): Figures[] {
  return profile.totals.map((total) => {
    let named: Map<string, string>;
    if (total.line) {
      const m = after.map((l) => total.line!.exec(l)).find((x) => x !== null);
      if (!m) throw new InputError(file, `has no line matching /${total.line.source}/ after its table`);
      named = new Map(m.slice(1).map((v, i) => [String(i + 1), v ?? '']));
    } else {
      const names = splitValues(profile, after[0] ?? '');
      const values = splitValues(profile, after[1] ?? '');
      if (after.length < 2 || values.length !== names.length)
        throw new InputError(
          file,
          `its summary has ${names.length} names but ${after.length < 2 ? 'no values line' : `${values.length} values`}`,
        );
      named = new Map(names.map((n, i) => [n, values[i]!]));
    }
    const figure = (name: string): string => {
      const v = named.get(name);
      if (v === undefined) throw new InputError(file, `its summary has no figure "${name}"`);
      return v;
    };
    const out: Figures = { total, sums: new Map() };
    if (total.count !== undefined) {
      const c = figure(total.count);
      if (!/^\d{1,15}$/.test(c)) throw new InputError(file, `summary figure "${total.count}" is "${c}", not a count`);
      out.count = Number(c);
    }
    for (const name of Object.keys(total.sums)) {
      const v = minorUnits(figure(name), total.decimals);
      if (v === null)
        throw new InputError(
          file,
          `summary figure "${name}" is "${figure(name)}", not an amount with ${total.decimals} decimals`,
        );
      out.sums.set(name, v);
    }
    return out;
  });
}

/** A decimal string in major units → integer minor units; null when it is not one (or has a fraction of a minor unit). */
export function minorUnits(text: string, decimals: number): number | null {
  const m = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const frac = m[3] ?? '';
  if (frac.length > decimals && /[1-9]/.test(frac.slice(decimals))) return null;
  const v = Number(m[2]) * 10 ** decimals + Number(frac.slice(0, decimals).padEnd(decimals, '0') || '0');
  return m[1] === '-' ? -v : v;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
