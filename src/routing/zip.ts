/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.x): STORED entries (method 0), CRC-32, UTF-8 names (general purpose
 * bit 11), no ZIP64 — enough for a selection of mailbox files (each ≤ 25 MB). Sizes are checked so the
 * result never silently exceeds the 32-bit limits. No dependency: CRC-32 from node:zlib (Node ≥ 20.15),
 * with a table fallback for older runtimes.
 */
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  content: Buffer;
  /** Modification time written in DOS format (local time); default now. */
  modified?: Date;
}

const LIMIT = 0xffffffff;

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320), as ZIP uses it. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (typeof native === 'function') return native(data) >>> 0;
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, Math.min(2107, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Builds the whole archive in memory. Names must be unique, relative, without folders' `..`. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const e of entries) {
    if (e.name === '' || e.name.includes('\\') || e.name.startsWith('/') || e.name.split('/').includes('..')) {
      throw new RangeError(`zip: unsafe entry name ${JSON.stringify(e.name)}`);
    }
    if (seen.has(e.name)) throw new RangeError(`zip: duplicate entry name ${e.name}`);
    seen.add(e.name);
    const name = Buffer.from(e.name, 'utf8');
    const size = e.content.length;
    if (size >= LIMIT || offset >= LIMIT) throw new RangeError('zip: archive too large without ZIP64');
    const crc = crc32(e.content);
    const { time, date } = dosDateTime(e.modified ?? new Date());
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18); // compressed size
    local.writeUInt32LE(size, 22); // uncompressed size
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0); // central directory header signature
    header.writeUInt16LE(0x0314, 4); // version made by: 2.0, UNIX
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(size, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(0, 30); // extra
    header.writeUInt16LE(0, 32); // comment
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file rw-r--r--
    header.writeUInt32LE(offset, 42);
    chunks.push(local, name, e.content);
    central.push(header, name);
    offset += local.length + name.length + size;
  }
  const cd = Buffer.concat(central);
  if (entries.length > 0xffff || offset + cd.length >= LIMIT) throw new RangeError('zip: archive too large without ZIP64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...chunks, cd, end]);
}
