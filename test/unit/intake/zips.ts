/** ZIP files for the intake tests, made with yazl; hostile variants are patched at the byte level. */
import { Readable } from 'node:stream';
import yazl from 'yazl';

export interface Entry { name: string; content: string | Buffer; store?: boolean }

export async function zipOf(entries: Entry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name);
    else zip.addBuffer(Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content, 'utf8'), e.name, { compress: !e.store });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Replaces an entry name (same length) in the local and central headers: names yazl itself refuses to write. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('same length only');
  const out = Buffer.from(zip);
  const a = Buffer.from(from);
  let i = out.indexOf(a);
  let n = 0;
  while (i >= 0) { Buffer.from(to).copy(out, i); n++; i = out.indexOf(a, i + 1); }
  if (n !== 2) throw new Error(`name found ${n} times`);
  return out;
}

/** Sets general-purpose bit 0 (traditional PKWARE encryption) on every entry, local and central. */
export function markEncrypted(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50) out.writeUInt16LE(out.readUInt16LE(i + 6) | 1, i + 6);
    else if (sig === 0x02014b50) out.writeUInt16LE(out.readUInt16LE(i + 8) | 1, i + 8);
  }
  return out;
}

export const stream = (b: Buffer | string): Readable => Readable.from([Buffer.isBuffer(b) ? b : Buffer.from(b)]);
