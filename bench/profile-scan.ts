/**
 * Rows per second of the scan over a clearing file in recon's own layout against the same rows as
 * a WeChat Pay trade bill read through the `wechat-trade-bill` profile (issue 13: within 25%), one
 * thread, in memory (a generated day's file, its first 64 MB; the bill is built from the same rows:
 * each row's merchant gets a WeChat number in a merchants file with aliases, rows without an order
 * number get one).
 *
 *   node dist/bench/profile-scan.js bench/out/data-2000000
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIsoDate } from '../src/core/dates.js';
import { mapHeader } from '../src/core/schema.js';
import type { ScanResult } from '../src/core/tasks.js';
import { loadCalendar } from '../src/inputs/calendar.js';
import { parseMerchants } from '../src/inputs/merchants-file.js';
import { frameHead } from '../src/inputs/profiles/frame.js';
import { loadProfile } from '../src/inputs/profiles/profile-file.js';
import { scanBytes } from '../workers/scan.js';

const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

/** The merchants file with a WeChat number for each merchant, and the number of each merchant id. */
function withAliases(text: string): { text: string; wechat: Map<string, string> } {
  const lines = text.trim().split('\n');
  const at = lines[0]!.split(',').indexOf('merchant_id');
  const wechat = new Map<string, string>();
  const out = [`${lines[0]},aliases`];
  lines.slice(1).forEach((l, i) => {
    const number = String(1_900_000_000 + i);
    wechat.set(l.split(',')[at]!, number);
    out.push(`${l},wechat:${number}`);
  });
  return { text: `${out.join('\n')}\n`, wechat };
}

/** The values of one CSV line: quoted values may hold commas and doubled quotes. */
function csvValues(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let v = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return [];
        v += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        v += '"';
        i++;
      }
    } else {
      const c = line.indexOf(',', i);
      v = line.slice(i, c < 0 ? line.length : c);
      i = c < 0 ? line.length : c;
    }
    out.push(v);
    if (i >= line.length) return out;
    if (line[i] !== ',') return [];
    i++;
  }
}

/** The clearing rows of `csv` (recon's layout, canonical columns) as WeChat bill lines. */
function toBill(csv: string, wechat: Map<string, string>): string {
  const lines = csv.split('\n');
  const h = lines[0]!.replace(/^\uFEFF/, '').split(',');
  const col = (name: string): number => h.indexOf(name);
  const [m, o, r, s, t, g, f] = ['merchant_id', 'order_no', 'rrn', 'stan', 'txn_time', 'gross_minor', 'fee_minor'].map(
    col,
  );
  const out = [WECHAT_HEADER];
  const yuan = (v: number, places: number): string => (v / 100).toFixed(places);
  for (let i = 1; i < lines.length; i++) {
    const v = csvValues(lines[i]!);
    if (v.length !== h.length) continue;
    const number = wechat.get(v[m!]!);
    const gross = Number(v[g!]);
    const fee = Number(v[f!]);
    if (number === undefined || !Number.isFinite(gross) || !Number.isFinite(fee)) continue;
    const order = v[o!] || `R${v[r!] || v[s!]}${i}`;
    const time = v[t!]!.slice(0, 19).replace('T', ' ');
    out.push(
      [
        time,
        'wx1',
        number,
        '0',
        '',
        '4200001',
        order,
        'o1',
        'NATIVE',
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan(gross, 2),
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '商品',
        '',
        yuan(fee, 5),
        '0.60%',
        yuan(gross, 2),
        '0.00',
        '',
      ]
        .map((x) => `\`${x}`)
        .join(','),
    );
  }
  return `${out.join('\r\n')}\r\n`;
}

/** A measurement: rows a second, best of the rounds and their median. */
interface Rate {
  rows: number;
  rejected: number;
  best: number;
  median: number;
}

/**
 * Rows a second of the scans in `runs`, one round of each in turn (A B A B …), `rounds` times; and
 * per round, each scan's time over the first's (its median: the two rounds of a pair share the VM's
 * state of the moment, whose noise here is larger than the difference measured).
 */
function rates(runs: (() => ScanResult)[], rounds: number): { rates: Rate[]; pairRatio: number[] } {
  const times = runs.map(() => [] as number[]);
  const last = runs.map(() => ({ rows: 0, rejected: 0 }));
  for (let round = 0; round < rounds; round++)
    runs.forEach((run, k) => {
      const t0 = performance.now();
      const r = run();
      times[k]!.push(performance.now() - t0);
      last[k] = { rows: r.rows, rejected: r.rejects.length };
    });
  const pairRatio = times.map((t) => {
    const r = t.map((x, round) => x / times[0]![round]!).sort((a, b) => a - b);
    return r[r.length >> 1]!;
  });
  const out = times.map((t, k) => {
    const sorted = [...t].sort((a, b) => a - b);
    const { rows, rejected } = last[k]!;
    return { rows, rejected, best: (rows / sorted[0]!) * 1000, median: (rows / sorted[sorted.length >> 1]!) * 1000 };
  });
  return { rates: out, pairRatio };
}

export interface ProfileScanRates {
  /** Rows a second (median of the rounds) over recon's own clearing layout and over the same rows as a WeChat bill. */
  own: number;
  wechat: number;
  /** The bill's rows a second over the own layout's, from the median of the rounds' time ratios (same rows). */
  ratio: number;
}

/**
 * The scan's rows a second over `mb` MB of `dir`'s clearing file (a generated day) in recon's own
 * layout and as a WeChat bill, one round of each in turn, `rounds` times; prints both with `log`.
 */
export function profileScanRates(
  dir: string,
  mb: number,
  rounds: number,
  log: (line: string) => void,
): ProfileScanRates {
  const day = '2026-11-19';
  const raw = readFileSync(join(dir, 'clearing', `${day}.csv`)).subarray(0, mb << 20);
  const csv = new TextDecoder().decode(raw.subarray(0, raw.lastIndexOf(10)));
  const { text: merchantsText, wechat } = withAliases(readFileSync(join(dir, 'merchants.csv'), 'utf8'));
  const merchants = parseMerchants(merchantsText, 'merchants.csv');
  const common = {
    chunk: 0,
    side: 'clearing' as const,
    state: false,
    fileNo: 1,
    runDay: parseIsoDate(day),
    partitions: 16,
    grace: 1,
    calendar: loadCalendar(undefined).spec,
    merchants,
  };
  const nl = csv.indexOf('\n');
  const own = new TextEncoder().encode(csv.slice(nl + 1));
  const fields = mapHeader(
    'clearing',
    csv
      .slice(0, nl)
      .replace(/^\uFEFF/, '')
      .split(','),
  ).fields;
  const bill = new TextEncoder().encode(toBill(csv, wechat));
  const profile = loadProfile('wechat-trade-bill');
  const head = frameHead(profile, bill, 'bill', false);
  const body = bill.subarray(head.dataStart);
  const show = (label: string, r: Rate): void =>
    log(
      `${label.padEnd(36)} ${r.rows.toLocaleString('en-US').padStart(9)} rows ${String(r.rejected).padStart(4)} rejected ${Math.round(r.median).toLocaleString('en-US').padStart(10)} rows/s (median of ${rounds}; best ${Math.round(r.best).toLocaleString('en-US')})`,
    );
  const {
    rates: [a, b],
    pairRatio,
  } = rates(
    [
      () => scanBytes(own, 0, own.length, { ...common, fields }),
      () =>
        scanBytes(body, 0, body.length, {
          ...common,
          fields: [],
          profile: { profile, header: head.header, before: head.before },
        }),
    ],
    rounds,
  );
  show("recon's own layout", a!);
  show('WeChat bill (wechat-trade-bill)', b!);
  const out: ProfileScanRates = { own: a!.median, wechat: b!.median, ratio: 1 / pairRatio[1]! };
  return out;
}

function main(): void {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: node dist/bench/profile-scan.js <generated day directory (recon gen)>\n');
    process.exit(2);
  }
  const r = profileScanRates(dir, 64, 21, (l) => console.log(l));
  console.log(
    `WeChat bill / own layout: ${r.ratio.toFixed(2)}x the rows/s (median of the rounds' ratios; of the medians: ${(r.wechat / r.own).toFixed(2)}x)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
