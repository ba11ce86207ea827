import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailboxService } from '../../../src/routing/mailbox.js';
import { buildZip, zipStream } from '../../../src/routing/zip.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { OrganisationService } from '../../../src/registry/organisations.js';

describe('ZIP writer (yazl)', () => {
  test('unzip and Python zipfile read the archive: names (UTF-8), contents and CRCs; lazy contents fetched when written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    const zip = join(dir, 'a.zip');
    const fetched: string[] = [];
    writeFileSync(zip, await buildZip([
      { name: 'JW302_één.xml', content: Buffer.from('<a>é</a>') },
      { name: 'leeg.xml', content: Buffer.alloc(0) },
      { name: 'groot.bin', content: async () => { fetched.push('groot.bin'); return Buffer.alloc(300_000, 7); } },
    ]));
    expect(fetched).toEqual(['groot.bin']);
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toContain('No errors detected in compressed data');
    const py = 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print([(i.filename,i.file_size) for i in z.infolist()]);print(z.read("JW302_één.xml").decode())';
    expect(execFileSync('python3', ['-c', py, zip], { encoding: 'utf8' }))
      .toBe("[('JW302_één.xml', 9), ('leeg.xml', 0), ('groot.bin', 300000)]\n<a>é</a>\n");
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
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    writeFileSync(join(dir, 'p.zip'), zip);
    expect(execFileSync('zipinfo', ['-1', join(dir, 'p.zip')], { encoding: 'utf8' })).toBe('JW302.xml\nJW302-2.xml\nJW302-3.xml\n');
    await expect(mailbox.downloadZip(own, [a.id, c.id])).rejects.toThrow(`no mailbox item ${c.id}`);
  });
});
