/**
 * Alipay's 业务明细 (profiles/alipay-trade-bill.json): one GBK bill per merchant and day, `#` lines
 * before and after its rows (with the footer's totals), zipped beside its summary entry as
 * clearing/D-<PID>.csv.zip. One row per payment (交易) or refund (退款, negative, as Alipay writes
 * refunds); values are never quoted.
 */

import { writeFileSync } from 'node:fs';
import { formatIsoDate } from '../../src/core/dates.js';
import { encodeGbk } from '../../src/core/gbk.js';
import type { DayFiles } from '../day-files.js';
import { billTime, pad, yuan } from '../text.js';
import type { Merchant } from '../world.js';
import { zipOf } from '../zip-writer.js';
import { ByDayAndMerchant, type ClearingLayout, type ClearingRow } from './layout.js';

const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
/** The first Alipay PID (16 digits); merchant i has FIRST_PID + i. */
const FIRST_PID = 2_088_000_000_000_000;

/** A merchant's bill of a day: its rows and its footer's totals (fen). */
interface Bill {
  lines: string[];
  trades: number;
  tradeSum: number;
  refunds: number;
  refundSum: number;
}

export class AlipayBill implements ClearingLayout {
  readonly keyless = true;
  private readonly pids = new Map<Merchant, string>();
  private readonly bills = new ByDayAndMerchant<Bill>(() => ({
    lines: [],
    trades: 0,
    tradeSum: 0,
    refunds: 0,
    refundSum: 0,
  }));

  constructor(
    private readonly files: DayFiles,
    merchants: readonly Merchant[],
    private readonly zone: number,
  ) {
    for (const [i, m] of merchants.entries()) this.pids.set(m, String(FIRST_PID + i));
  }

  alias(m: Merchant): string {
    return `alipay:${this.pids.get(m)}`;
  }

  row(r: ClearingRow): void {
    const t = r.t;
    const refund = r.type === 'REFUND';
    const b = this.bills.get(r.day, t.merchant);
    const amount = yuan(refund ? -r.gross : r.gross);
    b.lines.push(
      [
        `${formatIsoDate(r.day).replaceAll('-', '')}22001400${pad(r.seq, 12)}\t`,
        `${refund ? t.origRrn : t.orderNo}\t`,
        refund ? '退款\t' : '交易\t',
        '商品 数量1', // Alipay's values are not quoted: a comma in one would split it
        billTime(t.time, this.zone),
        billTime(r.time, this.zone),
        '\t',
        '\t',
        '\t',
        '\t',
        '**明(138******00)\t',
        amount,
        amount,
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00\t',
        '0.00',
        `${refund ? t.orderNo : ''}\t`,
        yuan(refund ? r.fee : -r.fee),
        '0.00',
        '',
      ].join(','),
    );
    if (refund) {
      b.refunds++;
      b.refundSum -= r.gross;
    } else {
      b.trades++;
      b.tradeSum += r.gross;
    }
  }

  /** Day d's bills: one csv.zip per merchant, its 业务明细 in GBK beside its summary entry. */
  writeWhole(d: number): void {
    const ymd = formatIsoDate(d).replaceAll('-', '');
    const [y, mo, dd] = formatIsoDate(d).split('-');
    for (const [m, b] of this.bills.take(d)) {
      const pid = this.pids.get(m)!;
      const text = [
        '#支付宝业务明细查询',
        `#账号：[${pid}0156]`,
        `#起始日期：[${y}年${mo}月${dd}日 00:00:00]   终止日期：[${formatIsoDate(d + 1).replace(/^(\d+)-(\d+)-(\d+)$/, '$1年$2月$3日')} 00:00:00]`,
        `#${'-'.repeat(41)}业务明细列表${'-'.repeat(40)}`,
        HEADER,
        ...b.lines,
        `#${'-'.repeat(41)}业务明细列表结束${'-'.repeat(36)}`,
        `#交易合计：${b.trades}笔，商家实收共${yuan(b.tradeSum)}元，商家优惠共0.00元`,
        `#退款合计：${b.refunds}笔，商家实收退款共${yuan(b.refundSum)}元，商家优惠退款共0.00元`,
        `#导出时间：[${y}年${mo}月${dd}日 23:59:59]`,
        '',
      ].join('\r\n');
      writeFileSync(
        this.files.clearingFile(`${formatIsoDate(d)}-${pid}.csv.zip`),
        zipOf([
          { name: `${pid}0156_${ymd}_业务明细.csv`, data: encodeGbk(text) },
          { name: `${pid}0156_${ymd}_业务明细(汇总).csv`, data: encodeGbk('#支付宝业务汇总查询\r\n') },
        ]),
      );
    }
  }
}
