/**
 * Hand-written files in real layouts (docs/formats/), for the profile tests: a WeChat Pay trade bill
 * (UTF-8, backticks, summary computed from its rows), an Alipay 业务明细 (GBK, `#` comment block and
 * footer totals computed from its rows) and a UnionPay ZM file (GBK, fixed width by bytes).
 */
import { encodeGbk } from '../../src/core/gbk.js';
import { loadProfile } from '../../src/inputs/profiles/profile-file.js';

export const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

export interface WechatRow {
  time: string;
  mch: string;
  sub?: string;
  order: string;
  /** Yuan, as the bill writes it. */
  amount: string;
  fee: string;
  state?: string;
  refundNo?: string;
  refund?: string;
}

const cents = (s: string): number => Math.round(Number(s) * 100);
const yuan = (fen: number): string => (fen / 100).toFixed(2);

/** A WeChat ALL bill of `rows`, its summary computed from them; CRLF line ends and a BOM. */
export function wechatBill(rows: readonly WechatRow[]): string {
  const lines = rows.map((r) => {
    const refund = r.state === 'REFUND';
    return [
      r.time,
      'wx1',
      r.mch,
      r.sub ?? '0',
      '',
      '4200001',
      r.order,
      'o1',
      'NATIVE',
      r.state ?? 'SUCCESS',
      'OTHERS',
      'CNY',
      refund ? '0.00' : r.amount,
      '0.00',
      refund ? '5030001' : '0',
      r.refundNo ?? '0',
      refund ? (r.refund ?? '0.00') : '0.00',
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      'goods, with a comma',
      '',
      r.fee,
      '0.60%',
      refund ? '0.00' : r.amount,
      refund ? (r.refund ?? '0.00') : '0.00',
      '',
    ]
      .map((v) => `\`${v}`)
      .join(',');
  });
  const sum = (f: (r: WechatRow) => string | undefined): string =>
    yuan(rows.reduce((s, r) => s + (f(r) === undefined ? 0 : cents(f(r)!)), 0));
  const settled = sum((r) => (r.state === 'REFUND' ? undefined : r.amount));
  const refunds = sum((r) => (r.state === 'REFUND' ? r.refund : undefined));
  const fees = `${sum((r) => r.fee)}000`;
  return `\uFEFF${[
    WECHAT_HEADER,
    ...lines,
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    [String(rows.length), settled, refunds, '0.00', fees, settled, refunds].map((v) => `\`${v}`).join(','),
  ].join('\r\n')}\r\n`;
}

export const ALIPAY_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

export interface AlipayRow {
  kind: '交易' | '退款';
  order: string;
  time: string;
  /** Yuan; negative on refunds, as Alipay writes them. */
  amount: string;
  fee: string;
  refundNo?: string;
}

/** An Alipay 业务明细 of account `pid` (16 digits) for `day` (YYYY-MM-DD), in GBK, its footer totals computed. */
export function alipayBill(pid: string, day: string, rows: readonly AlipayRow[]): Uint8Array {
  const [y, m, d] = day.split('-');
  const lines = rows.map((r) =>
    [
      `2026111922001400000000000${r.order.length}\t`,
      `${r.order}\t`,
      `${r.kind}\t`,
      '商品',
      r.time,
      r.time,
      '\t',
      '\t',
      '\t',
      '\t',
      '**明(138******00)\t',
      r.amount,
      r.amount,
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00\t',
      '0.00',
      `${r.refundNo ?? ''}\t`,
      r.fee,
      '0.00',
      '',
    ].join(','),
  );
  const total = (kind: string): [number, string] => {
    const of = rows.filter((r) => r.kind === kind);
    return [of.length, yuan(of.reduce((s, r) => s + cents(r.amount), 0))];
  };
  const [tn, ta] = total('交易');
  const [rn, ra] = total('退款');
  const text = [
    '#支付宝业务明细查询',
    `#账号：[${pid}0156]`,
    `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${y}年${m}月${d}日 23:59:59]`,
    `#${'-'.repeat(41)}业务明细列表${'-'.repeat(40)}`,
    ALIPAY_HEADER,
    ...lines,
    `#${'-'.repeat(41)}业务明细列表结束${'-'.repeat(36)}`,
    `#交易合计：${tn}笔，商家实收共${ta}元，商家优惠共0.00元`,
    `#退款合计：${rn}笔，商家实收退款共${ra}元，商家优惠退款共0.00元`,
    `#导出时间：[${y}年${m}月${d}日 05:46:49]`,
    '',
  ].join('\n');
  return encodeGbk(text);
}

/** A ZM file: each record's fields by name, each padded with spaces to its width in GBK bytes. */
export function zmFile(records: readonly Record<string, string>[]): Uint8Array {
  const profile = loadProfile('unionpay-zm');
  if (profile.layout.kind !== 'fixed') throw new Error('unionpay-zm is fixed-width');
  const fields = profile.layout.fields;
  const out: number[] = [];
  for (const rec of records) {
    fields.forEach((f, i) => {
      const b = encodeGbk(rec[f.name] ?? '');
      if (b.length > f.bytes) throw new Error(`${f.name}: ${b.length} bytes, more than ${f.bytes}`);
      if (i > 0) out.push(32);
      out.push(...b, ...new Array<number>(f.bytes - b.length).fill(32));
    });
    out.push(13, 10);
  }
  return Uint8Array.from(out);
}

export { zipOf } from '../../data-gen/zip-writer.js';
