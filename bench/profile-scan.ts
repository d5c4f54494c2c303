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
import { loadCalendar } from '../src/calendar.js';
import { parseIsoDate } from '../src/core/dates.js';
import { mapHeader } from '../src/core/schema.js';
import { parseMerchants } from '../src/merchants-file.js';
import { frameHead } from '../src/profiles/frame.js';
import { loadProfile } from '../src/profiles/profile.js';
import { type ScanTask, scanBytes } from '../workers/scan.js';

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
    const v = lines[i]!.split(',');
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

/** Rows a second of the scan over `body` (best of `rounds`, and their median). */
function rate(
  body: Uint8Array,
  task: Omit<ScanTask, 'source'>,
  rounds: number,
): { rows: number; best: number; median: number } {
  let rows = 0;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    rows = scanBytes(body, 0, body.length, task).rows;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { rows, best: (rows / times[0]!) * 1000, median: (rows / times[times.length >> 1]!) * 1000 };
}

export interface ProfileScanRates {
  /** Rows a second (best of the rounds) over recon's own clearing layout and over the same rows as a WeChat bill. */
  own: number;
  wechat: number;
}

/**
 * The scan's rows a second over `mb` MB of `dir`'s clearing file (a generated day) in recon's own
 * layout and as a WeChat bill, alternating `pairs` times; prints each measurement with `log`.
 */
export function profileScanRates(
  dir: string,
  mb: number,
  pairs: number,
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
  const out: ProfileScanRates = { own: 0, wechat: 0 };
  const show = (label: string, r: { rows: number; best: number; median: number }): void =>
    log(
      `${label.padEnd(36)} ${r.rows.toLocaleString('en-US').padStart(9)} rows  ${Math.round(r.best).toLocaleString('en-US').padStart(10)} rows/s (best of ${rounds}; median ${Math.round(r.median).toLocaleString('en-US')})`,
    );
  for (let pair = 0; pair < pairs; pair++) {
    const a = rate(own, { ...common, fields }, rounds);
    show("recon's own layout", a);
    const b = rate(
      body,
      { ...common, fields: [], profile: { profile, header: head.header, before: head.before } },
      rounds,
    );
    show('WeChat bill (wechat-trade-bill)', b);
    out.own = Math.max(out.own, a.best);
    out.wechat = Math.max(out.wechat, b.best);
  }
  return out;
}

function main(): void {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: node dist/bench/profile-scan.js <generated day directory (recon gen)>\n');
    process.exit(2);
  }
  const r = profileScanRates(dir, 64, 2, 9, (l) => console.log(l));
  console.log(`WeChat bill / own layout: ${(r.wechat / r.own).toFixed(2)}x the rows/s`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
