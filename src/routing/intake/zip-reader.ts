/**
 * Reading an uploaded ZIP safely with yauzl (PKWARE APPNOTE 6.3.x), in two passes over the file on disk:
 *  1. `scanZip` reads the central directory only: a file yauzl cannot read is "geen geldig zip-bestand"
 *     (seed 002 §5, category 1); too many entries, a total uncompressed size over the cap or entries whose data
 *     overlap (the "overlapping files" zip bomb) refuse the whole file before any entry is processed.
 *  2. `eachEntry` visits the entries one by one; `readEntry` streams one entry's bytes with yauzl's size
 *     validation, a hard byte cap and a CRC-32 check. Names are decoded here (not by yauzl) so that an unsafe
 *     name refuses that entry only.
 * Nothing holds more than one entry (≤ 25 MB) in memory.
 */
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

/** A whole-file problem found while reading the central directory. */
export class ZipFileError extends Error {
  /** 'invalid': not a readable ZIP (the seed's message); 'refused': readable, but refused whole (bomb caps). */
  readonly kind: 'invalid' | 'refused';
  constructor(kind: 'invalid' | 'refused', message: string) {
    super(message);
    this.kind = kind;
    this.name = 'ZipFileError';
  }
}

/** One central-directory entry as the intake needs it. */
export interface ZipEntryInfo {
  idx: number;
  /** Decoded name (UTF-8 when flagged, otherwise CP437 as yauzl decodes it). */
  name: string;
  encrypted: boolean;
  compressionMethod: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
}

const LOCAL_HEADER = 30;

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
      (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function info(entry: yauzl.Entry, idx: number): ZipEntryInfo {
  const raw = entry.fileName as unknown as Buffer;
  return {
    idx, name: yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false),
    encrypted: entry.isEncrypted(), compressionMethod: entry.compressionMethod,
    compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, crc32: entry.crc32,
  };
}

function invalid(err: unknown): ZipFileError {
  const message = (err as Error).message ?? String(err);
  if (/strong encryption/i.test(message)) return new ZipFileError('refused', 'Het zip-bestand is versleuteld (strong encryption); versleutelde bestanden worden niet verwerkt');
  return new ZipFileError('invalid', message);
}

/** Pass 1: the central directory. Throws ZipFileError. */
export async function scanZip(path: string, limits: ZipLimits): Promise<{ entryCount: number; uncompressedBytes: number }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw invalid(err);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ZipFileError('refused', `Het zip-bestand bevat ${zip.entryCount} bestanden, maximaal ${limits.maxEntries} toegestaan`);
    }
    const ranges: [number, number][] = [];
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: unknown) => reject(invalid(err)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) {
          reject(new ZipFileError('refused', `De bestanden in het zip-bestand zijn uitgepakt samen groter dan ${limits.maxUncompressedBytes} bytes (zip-bom)`));
          return;
        }
        ranges.push([entry.relativeOffsetOfLocalHeader, entry.relativeOffsetOfLocalHeader + LOCAL_HEADER + entry.compressedSize]);
        zip.readEntry();
      });
      zip.readEntry();
    });
    // Entries must not share or overlap their data (one compressed block referenced many times is a zip bomb).
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i]![0] < ranges[i - 1]![1]) {
        throw new ZipFileError('refused', 'Bestanden in het zip-bestand overlappen elkaar (zip-bom)');
      }
    }
    return { entryCount: zip.entryCount, uncompressedBytes: total };
  } finally {
    zip.close();
  }
}

export interface OpenedZip {
  /** Visits every entry in central-directory order; `visit` may read the entry with `read`. */
  each(visit: (entry: ZipEntryInfo, read: (maxBytes: number) => Promise<Buffer>) => Promise<void>): Promise<void>;
  close(): void;
}

/** Pass 2: opens the ZIP again for reading entry by entry. */
export async function openForReading(path: string): Promise<OpenedZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw invalid(err);
  }
  return {
    close: () => zip.close(),
    each: (visit) => new Promise<void>((resolve, reject) => {
      let idx = 0;
      zip.on('error', (err: unknown) => reject(invalid(err)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const i = info(entry, idx++);
        visit(i, (max) => readEntry(zip, entry, i, max)).then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    }),
  };
}

/** An entry that cannot be unpacked (unsupported method, size or CRC mismatch, corrupt data). */
export class ZipEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipEntryError';
  }
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, i: ZipEntryInfo, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) { reject(new ZipEntryError(err.message)); return; }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          stream.destroy();
          reject(new ZipEntryError(`uitgepakt groter dan ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (e: Error) => reject(new ZipEntryError(e.message)));
      stream.on('end', () => {
        const data = Buffer.concat(chunks, size);
        if ((zlib.crc32(data) >>> 0) !== i.crc32 >>> 0) reject(new ZipEntryError('CRC-32 klopt niet: het bestand is beschadigd'));
        else resolve(data);
      });
    });
  });
}
