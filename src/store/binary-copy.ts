/**
 * PostgreSQL COPY ... (FORMAT binary) encoding, for the few tables whose rows carry bytes (window
 * segments): no hex escaping, no parsing on the server side.
 */

const SIGNATURE = Uint8Array.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's date epoch. */
const PG_EPOCH_DAY = 10_957;

export type BinaryValue = { date: number } | { int4: number } | { bytes: Uint8Array };

/** Encodes rows (each a list of typed values) as one COPY binary stream. */
export function encodeBinaryCopy(rows: readonly (readonly BinaryValue[])[]): Uint8Array[] {
  const parts: Uint8Array[] = [binaryCopyHeader()];
  for (const row of rows) {
    let fixed = 2;
    for (const v of row) fixed += 4 + ('bytes' in v ? 0 : 4);
    const head = new Uint8Array(fixed);
    const dv = new DataView(head.buffer);
    dv.setInt16(0, row.length);
    let at = 2;
    const tail: Uint8Array[] = [];
    // Fixed-width fields are written in place; a bytea field closes this piece and its bytes follow.
    let piece = head;
    let pieceView = dv;
    for (const v of row) {
      if ('bytes' in v) {
        pieceView.setInt32(at, v.bytes.length);
        at += 4;
        tail.push(piece.subarray(0, at), v.bytes);
        piece = new Uint8Array(fixed);
        pieceView = new DataView(piece.buffer);
        at = 0;
      } else {
        pieceView.setInt32(at, 4);
        pieceView.setInt32(at + 4, 'date' in v ? v.date - PG_EPOCH_DAY : v.int4);
        at += 8;
      }
    }
    if (at > 0) tail.push(piece.subarray(0, at));
    parts.push(...tail);
  }
  parts.push(binaryCopyTrailer());
  return parts;
}

/**
 * Decodes a COPY … TO (FORMAT binary) stream: each row as its fields' bytes (views into `data`),
 * null for NULL.
 */
export function decodeBinaryCopy(data: Uint8Array): (Uint8Array | null)[][] {
  const rows: (Uint8Array | null)[][] = [];
  if (data.length === 0) return rows;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < SIGNATURE.length; i++)
    if (data[i] !== SIGNATURE[i]) throw new Error('COPY binary: bad signature');
  let at = SIGNATURE.length + 4;
  at += 4 + dv.getInt32(at); // header extension
  for (;;) {
    const fields = dv.getInt16(at);
    at += 2;
    if (fields === -1) break;
    const row: (Uint8Array | null)[] = [];
    for (let f = 0; f < fields; f++) {
      const len = dv.getInt32(at);
      at += 4;
      if (len < 0) row.push(null);
      else {
        row.push(data.subarray(at, at + len));
        at += len;
      }
    }
    rows.push(row);
  }
  return rows;
}

/** A binary int4 field. */
export function int4(field: Uint8Array | null): number {
  if (field?.length !== 4) throw new Error('COPY binary: expected an int4');
  return new DataView(field.buffer, field.byteOffset, 4).getInt32(0);
}

/** The header of a COPY binary stream (signature, flags, no extension). */
export function binaryCopyHeader(): Uint8Array {
  const header = new Uint8Array(SIGNATURE.length + 8);
  header.set(SIGNATURE);
  return header;
}

/** The trailer of a COPY binary stream. */
export function binaryCopyTrailer(): Uint8Array {
  return Uint8Array.from([0xff, 0xff]);
}
