/**
 * The rule table of recon's fields (src/core/field-rules.ts, the columns of src/core/schema.ts): a
 * rule for every column, and every reader of a record keeping it alike at its limits — the
 * scanner's generated fast path and its careful path (the same rows, values and rejects), the
 * careful path's reasons those of the rule, and a profile's readers (its generated code and its
 * interpreter) the same reason for a value read as it stands.
 */
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/core/dates.js';
import { CLASS, type ColumnDef, type FieldKind } from '../../src/core/field-rules.js';
import { emptyMerchants } from '../../src/core/merchants.js';
import { planRecords, readRecord, rejectOf } from '../../src/core/profile-record.js';
import { R_EMPTY } from '../../src/core/reject.js';
import {
  CLEARING_COLUMNS,
  CLEARING_HEADER,
  FIELD_COUNT,
  JOURNAL_COLUMNS,
  JOURNAL_HEADER,
  mapHeader,
  RRN_LO,
  type Side,
  STATE_COLUMNS,
  VALS_LENGTH,
} from '../../src/core/schema.js';
import { strAt } from '../../src/core/utf8.js';
import { loadCalendar } from '../../src/inputs/calendar.js';
import { parseProfile } from '../../src/inputs/profiles/profile-file.js';
import { scanBytes, warmLinesFor } from '../../workers/scan.js';

const KINDS: FieldKind[] = [
  'digits',
  'alnum',
  'alnum-pair',
  'text',
  'card',
  'code',
  'enum',
  'timestamp',
  'date',
  'amount',
  'count',
];

describe('the rule table', () => {
  it('has a rule for every column of each side and of the open-item store, in header order', () => {
    expect(JOURNAL_COLUMNS.map((c) => c.name)).toEqual([...JOURNAL_HEADER]);
    expect(CLEARING_COLUMNS.map((c) => c.name)).toEqual([...CLEARING_HEADER]);
    const fields = new Set<number>();
    for (const columns of [JOURNAL_COLUMNS, CLEARING_COLUMNS, STATE_COLUMNS]) {
      expect(new Set(columns.map((c) => c.field)).size, 'a field per column').toBe(columns.length);
      for (const c of columns) {
        fields.add(c.field);
        expect(KINDS, c.name).toContain(c.kind);
        expect(c.title, c.name).not.toBe('');
        expect(c.min, c.name).toBeLessThanOrEqual(c.max);
        if (!c.optional) expect(c.reasons.empty, `${c.name}: why empty fails`).toBeGreaterThan(0);
        if (['digits', 'alnum', 'alnum-pair', 'code'].includes(c.kind)) expect(c.min, c.name).toBe(c.max);
        if (['digits', 'alnum', 'alnum-pair', 'text', 'card', 'code'].includes(c.kind)) {
          expect(c.chars, c.name).toBeGreaterThan(0);
          expect([c.reasons.length, c.reasons.chars], c.name).not.toContain(0);
        }
        if (c.kind === 'alnum') expect(c.max, `${c.name} packs into one number`).toBeLessThanOrEqual(8);
        if (c.kind === 'alnum-pair') expect([c.max % 2, c.max <= 16, c.lo], c.name).toEqual([0, true, RRN_LO]);
        if (c.kind === 'enum') {
          expect(c.enumCodes!.map((k) => c.enumNames![k])).toEqual(
            c.enumBytes!.map((b) => new TextDecoder().decode(b)),
          );
          expect(c.reasons.form, c.name).toBeGreaterThan(0);
        }
      }
    }
    expect([...fields].sort((a, b) => a - b)).toEqual(Array.from({ length: FIELD_COUNT }, (_, k) => k));
  });
});

/** Bytes of a class, as a string to pick from. */
function classChars(chars: number): string {
  return String.fromCharCode(...Array.from({ length: 128 }, (_, c) => c).filter((c) => (CLASS[c]! & chars) !== 0));
}

/** `n` characters of a class. */
function of(chars: number, n: number): string {
  const pick = classChars(chars).replace(/[",|]/g, '');
  return Array.from({ length: n }, (_, k) => pick[(k * 7) % pick.length]).join('');
}

/** An ASCII byte outside the class (no quote, comma or line end). */
function outside(chars: number): string {
  const c = ['Q', '7', '-', '.', ' ', '\u0001'].find((x) => (CLASS[x.charCodeAt(0)]! & chars) === 0)!;
  return c;
}

/**
 * Values of a column at the limits of its rule, with the reason each must be rejected for (0:
 * taken), and its detail.
 */
function limits(c: ColumnDef): [string, number][] {
  const why = c.reasons;
  const empty: [string, number] = ['', c.optional ? 0 : why.empty];
  switch (c.kind) {
    case 'digits':
    case 'alnum':
    case 'alnum-pair':
    case 'text':
    case 'card':
    case 'code': {
      const out: [string, number][] = [
        empty,
        [of(c.chars, c.max), 0],
        [of(c.chars, c.max + 1), why.length],
        [`${outside(c.chars)}${of(c.chars, c.max - 1)}`, why.chars],
        [`${of(c.chars, c.min - 1)}${outside(c.chars)}`, why.chars],
      ];
      if (c.min > 1) out.push([of(c.chars, c.min - 1), why.length], [of(c.chars, c.min), 0]);
      return out;
    }
    case 'enum': {
      const names = c.enumBytes!.map((b) => new TextDecoder().decode(b));
      return [empty, ...names.map((n): [string, number] => [n, 0]), [`${names[0]}X`, why.form], ['sale', why.form]];
    }
    case 'timestamp': {
      const h = String(c.offsetHours).padStart(2, '0');
      const over = String(c.offsetHours! + 1).padStart(2, '0');
      return [
        empty,
        [`2026-11-19T10:00:00+${h}:59`, 0],
        [`2026-11-19T10:00:00-${over}:00`, why.form],
        ['2026-11-19T10:00:00', why.noOffset],
        ['1999-12-31T23:59:59Z', why.range],
        ['2026-02-29T10:00:00Z', why.form],
      ];
    }
    case 'date':
      return [empty, ['2099-12-31', 0], ['2100-01-01', why.range], ['2026-02-29', why.form], ['2026-1-01', why.form]];
    case 'amount':
      return [
        empty,
        ['9'.repeat(c.max), 0],
        ['1'.repeat(c.max + 1), why.form],
        ['-5', c.signed ? 0 : why.negative],
        ['5-', why.form],
      ];
    case 'count':
      return [
        empty,
        [String(c.limit), 0],
        [String(c.limit! + 1), why.form],
        [`${'0'.repeat(c.max - 1)}1`, 0],
        [`${'0'.repeat(c.max)}1`, why.form],
      ];
  }
}

/** Scans `lines` as a file of the layout, fast path and careful, into one partition. */
function scanLines(side: Side, fields: readonly number[], state: boolean, lines: string[], carefulOnly: boolean) {
  const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
  return scanBytes(bytes, 0, bytes.length, {
    chunk: 0,
    side,
    fields,
    state,
    fileNo: 1,
    runDay: parseIsoDate('2026-11-20'),
    partitions: 1,
    grace: 1,
    calendar: loadCalendar(undefined).spec,
    merchants: emptyMerchants(),
    carefulOnly,
  });
}

describe('the scanner keeps each rule alike on its fast and careful path', () => {
  for (const [side, state] of [
    ['journal', false],
    ['clearing', false],
    ['clearing', true],
  ] as const) {
    it(`at the limits of every ${side} column${state ? ' of the open-item store' : ''}: rows, values and rejects with the rule's reasons`, () => {
      const names = [
        ...(side === 'journal' ? JOURNAL_HEADER : CLEARING_HEADER),
        ...(state ? STATE_COLUMNS.map((c) => c.name) : []),
      ];
      const map = mapHeader(side, names, state);
      const columns = names.map(
        (n) =>
          [...(side === 'journal' ? JOURNAL_COLUMNS : CLEARING_COLUMNS), ...STATE_COLUMNS].find((c) => c.name === n)!,
      );
      const base = new TextDecoder()
        .decode(warmLinesFor(side, map.fields, state)[0])
        .replace(/\r?\n$/, '')
        .split(',');
      const lines: string[] = [];
      const want: [number, number, number][] = [];
      columns.forEach((c, i) => {
        for (const [value, reason] of limits(c)) {
          const cells = [...base];
          cells[i] = value;
          lines.push(cells.join(','));
          // An empty value the open-item store allows stands for its absence.
          const r = value === '' && state && c.storeEmpty !== undefined ? 0 : reason;
          if (r !== 0) want.push([lines.length - 1, i, r]);
        }
      });
      const outcome = (carefulOnly: boolean) => {
        const r = scanLines(side, map.fields, state, lines, carefulOnly);
        const b = r.batches[0]!;
        const columns = Object.entries(b)
          .filter(([k]) => k !== 'length')
          .map(([k, v]) => [
            k,
            'offsets' in v
              ? Array.from({ length: b.length }, (_, i) => strAt(v, i))
              : Array.from(v).slice(0, b.length * 2),
          ]);
        const rejects = Array.from({ length: r.rejects.length }, (_, i) => [
          r.rejects.line[i],
          r.rejects.column[i],
          r.rejects.reason[i],
          r.rejects.detail[i],
        ]);
        return { length: b.length, columns, rejects };
      };
      const fast = outcome(false);
      expect(fast).toEqual(outcome(true));
      expect(fast.rejects.map(([line, column, reason]) => [line, column, reason])).toEqual(want);
      expect(fast.length).toBe(lines.length - want.length);
    });
  }
});

describe("a profile's readers keep the target's rule", () => {
  it('reject a value read as it stands for the reason the scanner gives, in the generated code and the interpreter alike', () => {
    // A journal profile that reads each column as it stands from a field of the same name.
    const asItStands = JOURNAL_COLUMNS.filter((c) =>
      ['digits', 'alnum', 'alnum-pair', 'text', 'card', 'code'].includes(c.kind),
    );
    const columns: Record<string, object> = {
      txn_type: { value: 'SALE' },
      channel: { value: 'QR' },
      txn_time: { from: 'txn_time', pattern: 'YYYY-MM-DD hh:mm:ss', zone: '+08:00' },
      amount_minor: { from: 'amount_minor' },
    };
    for (const c of asItStands) columns[c.name] = { from: c.name };
    const header = [...asItStands.map((c) => c.name), 'txn_time', 'amount_minor'];
    const profile = parseProfile(
      {
        profile: 'as-it-stands',
        title: 't',
        side: 'journal',
        encoding: 'utf-8',
        lines: { header: '^merchant_id,' },
        layout: { kind: 'delimited', delimiter: '|' },
        columns,
      },
      'as-it-stands.json',
    );
    const ctx = { runDay: parseIsoDate('2026-11-20'), before: [], aliases: new Map() };
    const plan = planRecords(profile, header, ctx);
    const fast = plan.fast!;
    plan.fast = null;
    const vals = new Float64Array(VALS_LENGTH);
    const ts = new Int32Array(FIELD_COUNT);
    const te = new Int32Array(FIELD_COUNT);
    const row = (cells: string[]): Uint8Array => new TextEncoder().encode(`${cells.join('|')}\n`);
    const base = asItStands.map((c) => of(c.chars, c.max));
    asItStands.forEach((c, i) => {
      for (const [value, reason] of limits(c)) {
        const cells = [...base, '2026-11-20 10:00:00', '100'];
        cells[i] = value;
        const bytes = row(cells);
        const e = bytes.length - 1;
        vals.fill(0);
        const r = readRecord(plan, bytes, 0, e, vals, ts, te, ctx);
        const where = `${c.name} = ${JSON.stringify(value)}`;
        // A step the record needs and does not have is empty whatever its kind (a code's own reason is the scanner's).
        expect(r === 0 ? 0 : rejectOf(plan, r).reason, where).toBe(value === '' && reason !== 0 ? R_EMPTY : reason);
        if (r !== 0) expect(rejectOf(plan, r).field, where).toBe(i);
        const v2 = new Float64Array(VALS_LENGTH);
        expect(fast(bytes, plan.fs, plan.fe, v2, ts, te), where).toBe(r === 0);
        if (r === 0) expect([...v2], where).toEqual([...vals]);
        const next = plan.row!(bytes, 0, v2.fill(7), ts, te, new Float64Array(0), { merchantOf: () => -1 } as never);
        expect(next, where).toBe(r === 0 ? bytes.length : -1);
        if (r === 0) expect([...v2], where).toEqual([...vals]);
      }
    });
  });
});
