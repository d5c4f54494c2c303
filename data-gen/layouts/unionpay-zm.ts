/**
 * UnionPay's ZM file (银联全渠道对账文件 ZM; profiles/unionpay-zm.json): one fixed-width GBK file per
 * merchant and day, zipped beside an empty ZME file as clearing/D-<merId>.zip. One record per
 * purchase (01), refund (04) or cancellation (31).
 */
import { writeFileSync } from 'node:fs';
import { formatIsoDate } from '../../src/core/dates.js';
import { encodeGbk } from '../../src/core/gbk.js';
import type { DayFiles } from '../day-files.js';
import { isoTime, pad } from '../text.js';
import { zipOf } from '../zip-writer.js';
import { ByDayAndMerchant, type ClearingLayout, type ClearingRow } from './layout.js';

/** UnionPay's ZM layout: field names and widths in GBK bytes, one space between fields (profiles/unionpay-zm.json). */
const ZM_FIELDS: readonly [string, number][] = [
  ['交易代码', 3],
  ['代理机构标识码', 11],
  ['发送机构标识码', 11],
  ['系统跟踪号', 6],
  ['交易传输时间', 10],
  ['帐号', 19],
  ['交易金额', 12],
  ['商户类别', 4],
  ['终端类型', 2],
  ['查询流水号', 21],
  ['支付方式（旧）', 2],
  ['商户订单号', 32],
  ['支付卡类型', 2],
  ['原始交易的系统跟踪号', 6],
  ['原始交易日期时间', 10],
  ['商户手续费', 13],
  ['结算金额', 13],
  ['支付方式', 4],
  ['集团商户代码', 15],
  ['交易类型', 2],
  ['交易子类', 2],
  ['业务类型', 6],
  ['帐号类型', 2],
  ['账单类型', 4],
  ['账单号码', 32],
  ['交互方式', 1],
  ['原交易查询流水号', 21],
  ['商户代码', 15],
  ['分账入账方式', 1],
  ['二级商户代码', 15],
  ['二级商户简称', 32],
  ['二级商户分账入账金额', 13],
  ['清算净额', 13],
  ['终端号', 8],
  ['商户自定义域', 32],
  ['优惠金额', 13],
  ['发票金额', 13],
  ['分期付款附加手续费', 12],
  ['分期付款期数', 2],
  ['交易介质', 1],
  ['原始交易订单号', 32],
  ['保留使用', 98],
];

/** ZM records as the file's bytes: each field's GBK bytes padded with spaces to its width, CRLF. */
function zmBytes(records: readonly Record<string, string>[]): Uint8Array {
  const out: number[] = [];
  for (const r of records) {
    ZM_FIELDS.forEach(([name, width], i) => {
      const b = encodeGbk(r[name] ?? '');
      if (b.length > width) throw new Error(`ZM field ${name}: ${b.length} bytes, more than ${width}`);
      if (i > 0) out.push(32);
      for (const x of b) out.push(x);
      for (let k = b.length; k < width; k++) out.push(32);
    });
    out.push(13, 10);
  }
  return Uint8Array.from(out);
}

export class UnionpayZm implements ClearingLayout {
  readonly keyless = false;
  /** Per day and merchant: the records of its file (fields by name). */
  private readonly records = new ByDayAndMerchant<Record<string, string>[]>(() => []);

  constructor(
    private readonly files: DayFiles,
    private readonly zone: number,
  ) {}

  row(r: ClearingRow): void {
    const { t, type, gross, fee } = r;
    const code = type === 'REFUND' ? '04' : type === 'REVERSAL' ? '31' : '01';
    const local = isoTime(r.time, this.zone);
    const amount12 = (v: number): string => pad(v, 12);
    this.records.get(r.day, t.merchant).push({
      交易代码: type === 'SALE' ? 'S22' : type === 'REFUND' ? 'S30' : 'S31',
      代理机构标识码: '48022901',
      发送机构标识码: '00040000',
      系统跟踪号: t.stan,
      交易传输时间: `${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`,
      帐号: '622280*********0000',
      交易金额: amount12(gross),
      商户类别: '4900',
      终端类型: '07',
      查询流水号: `${formatIsoDate(r.day).replaceAll('-', '')}${pad(r.seq, 13)}`,
      商户订单号: t.orderNo,
      支付卡类型: '01',
      商户手续费: `D${amount12(fee)}`,
      结算金额: `C${amount12(gross - fee)}`,
      交易类型: code,
      业务类型: '000201',
      商户代码: t.merchant.id,
      二级商户代码: '000000000000000',
      二级商户分账入账金额: ` ${amount12(0)}`,
      清算净额: `C${amount12(gross - fee)}`,
      终端号: t.terminal.id,
      商户自定义域: '账户充值',
      交易介质: '7',
      原始交易订单号: type === 'SALE' ? '' : t.origRrn,
    });
  }

  /** Day d's files: one zip per merchant, its INN…ZM_<merId> beside an empty ZME file. */
  writeWhole(d: number): void {
    const yymmdd = formatIsoDate(d).replaceAll('-', '').slice(2);
    for (const [m, records] of this.records.take(d)) {
      writeFileSync(
        this.files.clearingFile(`${formatIsoDate(d)}-${m.id}.zip`),
        zipOf([
          { name: `INN${yymmdd}88ZM_${m.id}`, data: zmBytes(records) },
          { name: `INN${yymmdd}88ZME_${m.id}`, data: new Uint8Array(0) },
        ]),
      );
    }
  }
}
