/**
 * ZIP writing for mailbox downloads ("Download selectie", seed 001 §4.2) with yazl (PKWARE APPNOTE 6.3.x:
 * deflate, CRC-32, UTF-8 names, ZIP64 when needed). Streaming: each entry's content is fetched only when yazl
 * reaches it, so a selection is never held in memory as a whole. Names are checked before anything is written.
 */
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';

export interface ZipEntry {
  name: string;
  /** The bytes, or a function that fetches them when the entry is written. */
  content: Buffer | (() => Promise<Buffer>);
  /** Modification time written in the entry (DOS format, local time); default now. */
  modified?: Date;
}

/** Names must be unique, relative, without `..` segments or backslashes. Throws RangeError before any output. */
function checkNames(entries: readonly ZipEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.name === '' || e.name.includes('\\') || e.name.startsWith('/') || /^[A-Za-z]:/.test(e.name) || e.name.split('/').includes('..')) {
      throw new RangeError(`zip: unsafe entry name ${JSON.stringify(e.name)}`);
    }
    if (seen.has(e.name)) throw new RangeError(`zip: duplicate entry name ${e.name}`);
    seen.add(e.name);
  }
}

/** The archive as a stream; a failing content fetch fails the stream. */
export function zipStream(entries: readonly ZipEntry[]): Readable {
  checkNames(entries);
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.on('error', (err: Error) => out.destroy(err));
  for (const e of entries) {
    const options = { mtime: e.modified ?? new Date(), mode: 0o100644 };
    if (Buffer.isBuffer(e.content)) {
      zip.addBuffer(e.content, e.name, options);
      continue;
    }
    const fetch = e.content;
    zip.addReadStreamLazy(e.name, options, (cb) => {
      fetch().then((data) => {
        const s = new PassThrough();
        s.end(data);
        cb(null, s);
      }, (err: Error) => cb(err, undefined as unknown as Readable));
    });
  }
  zip.end();
  zip.outputStream.pipe(out);
  return out;
}

/** The whole archive in memory (small selections, tests). */
export async function buildZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of zipStream(entries) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
