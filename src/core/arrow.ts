/**
 * RowBatch ⇄ apache-arrow RecordBatch, zero copy (makeData over the same buffers). Kept apart from
 * batch.ts so that the workers, which never need it, do not load apache-arrow.
 */
import {
  Utf8 as ArrowUtf8,
  type Data,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Uint8,
  Uint16,
  Uint32,
} from 'apache-arrow';
import { COLUMNS, type ColumnKind, type FixedName, type RowBatch, shapeBatch, type Utf8Name } from './batch.js';

function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'u8':
      return new Uint8();
    case 'u16':
      return new Uint16();
    case 'u32':
      return new Uint32();
    case 'i32':
      return new Int32();
    case 'f64':
      return new Float64();
    case 'date':
      // Epoch days as batch.ts keeps them (Uint16): a plain unsigned column to Arrow.
      return new Uint16();
    case 'i64':
      return new Int64();
    case 'time':
      return new TimestampMillisecond();
    case 'utf8':
      return new ArrowUtf8();
  }
}

/** Wraps a batch's buffers as an Arrow RecordBatch (zero copy: makeData over the same memory). */
export function toArrow(b: RowBatch): RecordBatch {
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const [name, kind] of COLUMNS) {
    const type = arrowType(kind);
    fields.push(new Field(name, type, false));
    if (kind === 'utf8') {
      const col = b[name as Utf8Name];
      children.push(
        makeData({ type: type as ArrowUtf8, length: b.length, valueOffsets: col.offsets, data: col.bytes }),
      );
    } else if (kind === 'i64' || kind === 'time') {
      const words = b[name as FixedName] as Int32Array;
      const data = new BigInt64Array(words.buffer, words.byteOffset, b.length);
      children.push(makeData({ type: type as Int64, length: b.length, data }));
    } else {
      children.push(makeData({ type: type as Int32, length: b.length, data: b[name as FixedName] as Int32Array }));
    }
  }
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: b.length, children, nullCount: 0 });
  return new RecordBatch(schema, data);
}

/** The inverse of `toArrow`: views over an Arrow RecordBatch's buffers in this layout. */
export function fromArrow(rb: RecordBatch): RowBatch {
  const out: Record<string, unknown> = { length: rb.numRows };
  for (const [name, kind] of COLUMNS) {
    const child = rb.getChild(name);
    if (child?.data.length !== 1) throw new Error(`arrow batch: column ${name} missing or chunked`);
    const d = child.data[0]!;
    if (kind === 'utf8') {
      out[name] = { offsets: d.valueOffsets as Int32Array, bytes: d.values as Uint8Array };
    } else if (kind === 'i64' || kind === 'time') {
      const v = d.values as ArrayBufferView;
      out[name] = new Int32Array(v.buffer, v.byteOffset, rb.numRows * 2);
    } else {
      out[name] = d.values;
    }
  }
  return shapeBatch(rb.numRows, out);
}
