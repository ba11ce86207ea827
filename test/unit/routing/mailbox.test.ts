import { crc32 as zlibCrc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { MailboxService } from '../../../src/routing/mailbox.js';
import { buildZip, zipStream } from '../../../src/routing/zip.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { OrganisationService } from '../../../src/registry/organisations.js';

interface ZipEntry { name: string; size: number; method: number; crc: number; content: Buffer }

/**
 * The archive read by an independent parser (yauzl: local headers, central directory, sizes, UTF-8 names), each
 * entry's stored CRC-32 checked against Node's zlib.crc32 of the content read back (yauzl itself skips the CRC).
 */
async function readZip(zip: Buffer): Promise<ZipEntry[]> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  const out: ZipEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (e: yauzl.Entry) => {
      file.openReadStream(e, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          const content = Buffer.concat(chunks);
          if (zlibCrc32(content) !== e.crc32) return reject(new Error(`CRC-32 of ${e.fileName}: stored ${e.crc32.toString(16)}, content ${zlibCrc32(content).toString(16)}`));
          out.push({ name: e.fileName, size: e.uncompressedSize, method: e.compressionMethod, crc: e.crc32, content });
          file.readEntry();
        });
      });
    });
    file.readEntry();
  });
  return out;
}

describe('ZIP writer (yazl)', () => {
  test('an independent reader (yauzl) reads the archive: names (UTF-8), sizes, contents and CRCs; lazy contents fetched when written', async () => {
    const fetched: string[] = [];
    const entries = await readZip(await buildZip([
      { name: 'JW302_één.xml', content: Buffer.from('<a>é</a>') },
      { name: 'leeg.xml', content: Buffer.alloc(0) },
      { name: 'groot.bin', content: async () => { fetched.push('groot.bin'); return Buffer.alloc(300_000, 7); } },
    ]));
    expect(fetched).toEqual(['groot.bin']);
    expect(entries.map((e) => [e.name, e.size, e.content.length])).toEqual([['JW302_één.xml', 9, 9], ['leeg.xml', 0, 0], ['groot.bin', 300000, 300000]]);
    expect(entries[0]!.content.toString('utf8')).toBe('<a>é</a>');
    expect(entries[2]!.content.equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  test('the reader is not fooled: a wrong stored CRC-32 fails the check', async () => {
    const zip = await buildZip([{ name: 'a.xml', content: Buffer.from('<a>x</a>') }]);
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // central directory file header
    zip[cd + 16] ^= 0xff; // its CRC-32 (APPNOTE 4.3.12), which the reader reports
    await expect(readZip(zip)).rejects.toThrow(/^CRC-32 of a\.xml: stored /);
  });

  test('refuses unsafe or duplicate names before writing anything', () => {
    expect(() => zipStream([{ name: '../etc/passwd', content: Buffer.alloc(1) }])).toThrow('zip: unsafe entry name "../etc/passwd"');
    expect(() => zipStream([{ name: '/abs', content: Buffer.alloc(1) }])).toThrow('unsafe entry name');
    expect(() => zipStream([{ name: 'a', content: Buffer.alloc(1) }, { name: 'a', content: Buffer.alloc(1) }])).toThrow('zip: duplicate entry name a');
  });

  test('a content fetch that fails fails the stream', async () => {
    await expect(buildZip([{ name: 'a.xml', content: async () => { throw new Error('gone'); } }])).rejects.toThrow('gone');
  });
});

describe('MailboxService', () => {
  let store: SqliteStore;
  let now = new Date('2024-07-01T12:00:00Z');
  let mailbox: MailboxService;
  beforeEach(async () => {
    store = await SqliteStore.open(':memory:');
    const orgs = new OrganisationService(store);
    await orgs.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    await orgs.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000051800'] });
    now = new Date('2024-07-01T12:00:00Z');
    mailbox = new MailboxService({ store, now: () => now });
  });
  afterEach(() => store.close());

  const deliver = (org: string, name: string) => mailbox.deliver({ organisationId: org, berichttype: 'JW302', bestandsnaam: name, content: Buffer.from(`<${name}/>`) });
  const own = { organisationId: 'gemeente:0363' };

  test('retention: read items go after 168 hours unless unmarked; everything after 60 days (seed 001 §4.2)', async () => {
    const read = await deliver('gemeente:0363', 'read.xml');
    const unmarked = await deliver('gemeente:0363', 'unmarked.xml');
    const unread = await deliver('gemeente:0363', 'unread.xml');
    await mailbox.download(own, read.id);
    await mailbox.download(own, unmarked.id);
    await mailbox.setRead(own, unmarked.id, false);
    now = new Date(now.getTime() + 168 * 3600 * 1000 - 1);
    expect(await mailbox.expire()).toBe(0);
    now = new Date(now.getTime() + 2);
    expect(await mailbox.expire()).toBe(1);
    expect((await mailbox.list(own)).map((i) => i.bestandsnaam).sort()).toEqual(['unmarked.xml', 'unread.xml']);
    now = new Date(Date.parse('2024-07-01T12:00:00Z') + 60 * 86_400_000 + 1000); // 60 days + 1 s
    expect(await mailbox.expire()).toBe(2);
    expect(await mailbox.list(own)).toEqual([]);
    expect((await store.mailbox.get(unread.id))!.deletedAt).toBe(now.toISOString());
  });

  test('ZIP of a selection with equal names gets distinct entry names; the operator may zip any mailbox', async () => {
    const a = await deliver('gemeente:0363', 'JW302.xml');
    const b = await deliver('gemeente:0363', 'JW302.xml');
    const c = await deliver('gemeente:0518', 'JW302.xml');
    const { zip, items } = await mailbox.downloadZip({ organisationId: null }, [a.id, b.id, c.id, a.id]);
    expect(items.map((i) => i.readAt)).toEqual([now.toISOString(), now.toISOString(), now.toISOString()]);
    expect((await readZip(zip)).map((e) => e.name)).toEqual(['JW302.xml', 'JW302-2.xml', 'JW302-3.xml']);
    await expect(mailbox.downloadZip(own, [a.id, c.id])).rejects.toThrow(`no mailbox item ${c.id}`);
  });
});
