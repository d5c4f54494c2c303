/**
 * WeChat Pay's trade bill (微信支付交易账单, ALL; profiles/wechat-trade-bill.json): a CSV a day with
 * its own header, every value prefixed with a backtick, CRLF, a BOM now and then, and a summary of
 * the day's rows and amounts at the end. One row per payment (SUCCESS), refund (REFUND, beside its
 * payment's numbers) or reversal (REVOKED).
 */
import type { DayFiles } from '../day-files.js';
import { FileSink, type FileStyle } from '../file-sink.js';
import { billTime, pad, yuan } from '../text.js';
import type { Merchant } from '../world.js';
import type { ClearingLayout, ClearingRow } from './layout.js';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
/** The first WeChat merchant number (商户号); merchant i has FIRST_NUMBER + i. */
const FIRST_NUMBER = 1_900_000_000;

/** 23 digits standing for WeChat's number of a merchant's payment (its order number): the same for its refunds. */
function wechatTradeNo(merchant: string, order: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const ch of `${merchant}:${order}`) {
    const c = ch.codePointAt(0)!;
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x85ebca6b) >>> 0;
  }
  return `${String(a).padStart(10, '0')}${String(b).padStart(10, '0')}${String((a ^ b) % 1000).padStart(3, '0')}`;
}

/** What a bill's summary states: its rows, and its amounts in fen. */
interface Totals {
  rows: number;
  settled: number;
  refunds: number;
  fees: number;
}

export class WechatBill implements ClearingLayout {
  readonly keyless = true;
  private readonly numbers = new Map<Merchant, string>();
  private readonly totals = new Map<number, Totals>();

  constructor(
    private readonly files: DayFiles,
    merchants: readonly Merchant[],
    private readonly zone: number,
  ) {
    for (const [i, m] of merchants.entries()) this.numbers.set(m, String(FIRST_NUMBER + i));
  }

  alias(m: Merchant): string {
    return `wechat:${this.numbers.get(m)}`;
  }

  row(r: ClearingRow): void {
    const t = r.t;
    const refund = r.type === 'REFUND';
    const state = refund ? 'REFUND' : r.type === 'REVERSAL' ? 'REVOKED' : 'SUCCESS';
    const order = refund || r.type === 'REVERSAL' ? t.origRrn : t.orderNo;
    // WeChat's own number of the payment: a refund's row carries its payment's, not a new one.
    const payment = refund ? t.origRrn : order;
    const amount = yuan(r.gross);
    const row = [
      billTime(r.time, this.zone),
      'wx8888888888888888',
      this.numbers.get(t.merchant)!,
      '0',
      '',
      `42000${wechatTradeNo(t.merchant.id, payment)}`,
      order,
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      'NATIVE',
      state,
      'OTHERS',
      'CNY',
      refund ? '0.00' : amount,
      '0.00',
      refund ? `50300${pad(r.seq, 24)}` : '0',
      refund ? t.orderNo : '0',
      refund ? amount : '0.00',
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      '商品, 数量 1',
      '',
      `${yuan(r.fee)}000`,
      '0.60%',
      refund ? '0.00' : amount,
      refund ? amount : '0.00',
      '',
    ];
    this.sink(r.day).line(row.map((x) => `\`${x}`).join(','));
    const totals = this.totals.get(r.day)!;
    totals.rows++;
    totals.fees += r.fee;
    if (refund) totals.refunds += r.gross;
    else totals.settled += r.gross;
  }

  closeStreams(d: number): void {
    this.sink(d).close();
  }

  private sink(day: number): FileSink {
    return this.files.sink('clearing', day, (path, style) => this.open(path, day, style));
  }

  /** A day's bill: its header (after a BOM when the day's style has one), its summary written at the end. */
  private open(path: string, day: number, style: FileStyle): FileSink {
    const sink = new FileSink(path, '\r\n');
    sink.raw(`${style.bom ? '\uFEFF' : ''}${HEADER}\r\n`);
    const totals: Totals = { rows: 0, settled: 0, refunds: 0, fees: 0 };
    this.totals.set(day, totals);
    sink.trailer = () => [
      SUMMARY_HEADER,
      [
        String(totals.rows),
        yuan(totals.settled),
        yuan(totals.refunds),
        '0.00',
        `${yuan(totals.fees)}000`,
        yuan(totals.settled),
        yuan(totals.refunds),
      ]
        .map((v) => `\`${v}`)
        .join(','),
    ];
    return sink;
  }
}
