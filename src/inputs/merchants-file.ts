/**
 * Reads the merchants reference file (DESIGN §3.3): `merchant_id, cycle (T1|D1|T0), mdr_bps,
 * fee_cap_minor`, and optionally `aliases`: the merchant's numbers at payment platforms, for bills
 * read through a profile (DESIGN §3.4), as `platform:number` pairs separated by `;`
 * (`wechat:1900000001;alipay:2088000000000001`). Reference data must be right, so a bad line fails
 * the run with file, line and column instead of being quarantined.
 */
import { readFileSync } from 'node:fs';
import { CYCLE_D1, CYCLE_T0, CYCLE_T1 } from '../core/dates.js';
import type { MerchantTable } from '../core/merchants.js';
import { CsvSyntaxError, parseSmallCsv } from '../core/small-csv.js';
import { InputError } from './errors.js';

const COLUMNS = ['merchant_id', 'cycle', 'mdr_bps', 'fee_cap_minor', 'aliases'] as const;
const CYCLES: Record<string, number> = { T1: CYCLE_T1, D1: CYCLE_D1, T0: CYCLE_T0 };

export function parseMerchants(text: string, file: string): MerchantTable {
  let records: ReturnType<typeof parseSmallCsv>;
  try {
    records = parseSmallCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InputError(file, e.message, e.line);
    throw e;
  }
  const header = records.shift();
  if (!header) throw new InputError(file, 'empty file (no header)');
  const at = new Map(header.fields.map((h, i) => [h.trim(), i]));
  for (const h of header.fields) {
    if (!(COLUMNS as readonly string[]).includes(h.trim()))
      throw new InputError(file, `unknown column "${h.trim()}" in the merchants header`, 1, h.trim());
  }
  for (const c of ['merchant_id', 'cycle'] as const) {
    if (!at.has(c)) throw new InputError(file, `missing column "${c}" in the merchants header`, 1, c);
  }
  const n = records.length;
  const ids = new Float64Array(n);
  const cycle = new Uint8Array(n);
  const mdrBps = new Int32Array(n).fill(-1);
  const feeCap = new Float64Array(n).fill(-1);
  const seen = new Set<string>();
  const platforms: string[] = [];
  const aliasPlatform: number[] = [];
  const aliasId: number[] = [];
  const aliasMerchant: number[] = [];
  const aliasLine = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.fields.length !== header.fields.length)
      throw new InputError(file, `expected ${header.fields.length} fields, found ${r.fields.length}`, r.line);
    const get = (c: string): string => (at.has(c) ? r.fields[at.get(c)!]!.trim() : '');
    const id = get('merchant_id');
    if (!/^\d{15}$/.test(id))
      throw new InputError(file, `merchant_id must be 15 digits, found "${id}"`, r.line, 'merchant_id');
    if (seen.has(id)) throw new InputError(file, `merchant ${id} is listed twice`, r.line, 'merchant_id');
    seen.add(id);
    const cy = get('cycle');
    const code = cy === '' ? CYCLE_T1 : CYCLES[cy];
    if (code === undefined) throw new InputError(file, `cycle must be T1, D1 or T0, found "${cy}"`, r.line, 'cycle');
    cycle[i] = code;
    const mdr = get('mdr_bps');
    if (mdr !== '') {
      if (!/^\d{1,5}$/.test(mdr) || Number(mdr) > 10_000)
        throw new InputError(file, `mdr_bps must be an integer 0..10000, found "${mdr}"`, r.line, 'mdr_bps');
      mdrBps[i] = Number(mdr);
    }
    const cap = get('fee_cap_minor');
    if (cap !== '') {
      if (!/^\d{1,15}$/.test(cap))
        throw new InputError(
          file,
          `fee_cap_minor must be a non-negative integer, found "${cap}"`,
          r.line,
          'fee_cap_minor',
        );
      feeCap[i] = Number(cap);
    }
    for (const pair of get('aliases').split(';')) {
      const alias = pair.trim();
      if (alias === '') continue;
      const m = /^([a-z][a-z0-9_-]*):(\d{1,16})$/.exec(alias);
      if (!m)
        throw new InputError(
          file,
          `aliases must be platform:number pairs separated by ";" (wechat:1900000001), found "${alias}"`,
          r.line,
          'aliases',
        );
      const key = `${m[1]}:${Number(m[2])}`;
      const before = aliasLine.get(key);
      if (before !== undefined)
        throw new InputError(file, `alias ${alias} is also given on line ${before}`, r.line, 'aliases');
      aliasLine.set(key, r.line);
      let p = platforms.indexOf(m[1]!);
      if (p < 0) p = platforms.push(m[1]!) - 1;
      if (p > 255) throw new InputError(file, 'more than 256 alias platforms', r.line, 'aliases');
      aliasPlatform.push(p);
      aliasId.push(Number(m[2]));
      aliasMerchant.push(i);
    }
    ids[i] = Number(id);
  });
  const table: MerchantTable = { count: n, ids, cycle, mdrBps, feeCap };
  if (aliasId.length > 0)
    table.aliases = {
      platforms,
      platform: Uint8Array.from(aliasPlatform),
      id: Float64Array.from(aliasId),
      merchant: Int32Array.from(aliasMerchant),
    };
  return table;
}

export function loadMerchants(file: string): MerchantTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read the merchants file: ${(e as Error).message}`, undefined, undefined, {
      cause: e,
    });
  }
  return parseMerchants(text, file);
}
