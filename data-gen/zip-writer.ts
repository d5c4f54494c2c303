/**
 * Zip archives as Alipay and UnionPay deliver their files, for the generator's bill layouts and the
 * tests (recon reads them with src/inputs/zip.ts).
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { encodeGbk } from '../src/core/gbk.js';

/**
 * A zip archive of `entries`, deflated, as Alipay and UnionPay deliver their files: entry names in
 * GBK without the UTF-8 flag (or UTF-8, flagged or not, as other tools write them), and an
 * optional archive comment; no zip64.
 */
export function zipOf(
  entries: readonly { name: string; data: Uint8Array }[],
  names: 'gbk' | 'utf8' | 'utf8-unflagged' = 'gbk',
  comment = new Uint8Array(0),
): Uint8Array {
  const utf8Names = names !== 'gbk';
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(utf8Names ? new TextEncoder().encode(e.name) : encodeGbk(e.name));
    const data = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const flags = names === 'utf8' ? 0x800 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return new Uint8Array(Buffer.concat([...parts, dir, end, comment]));
}
