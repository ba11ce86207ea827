/**
 * ZIP intake (issue 16 item 3; seed 002 §3.1 and §5; seed 001 §3.2, §4.1): whole-file refusals with the seed's
 * texts and no verslag; per-entry refusals with code and reason; correct entries routed exactly as over
 * Digikoppeling; a re-upload delivers nothing twice; zip bombs, traversal, encrypted entries.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntakeService, type IntakeLimits } from '../../../src/routing/intake/service.js';
import { statusText } from '../../../src/routing/intake/estimate.js';
import type { UploadEntry } from '../../../src/store/store.js';
import { di01, NOW, OIN, payload, world, type World } from '../routing/helpers.js';
import { markEncrypted, renameEntry, stream, zipOf } from './zips.js';

const LIMITS: IntakeLimits = { maxUploadBytes: 1024 * 1024 * 1024, maxEntries: 1000, maxUncompressedBytes: 100 * 1024 * 1024, maxCompressionRatio: 100 };

describe('IntakeService', () => {
  let w: World;
  let intake: IntakeService;
  let dataDir: string;
  const make = (limits: Partial<IntakeLimits> = {}) => new IntakeService({ store: w.store, processor: w.hub, dataDir, limits: { ...LIMITS, ...limits }, now: () => NOW });

  beforeEach(async () => {
    w = await world();
    dataDir = mkdtempSync(join(tmpdir(), 'intake-'));
    intake = make();
  });
  afterEach(async () => { await intake.stop(); await w.store.close(); });

  async function upload(zip: Buffer, opts: { name?: string; org?: string; stroom?: 'ijw' | 'iwmo'; service?: IntakeService } = {}) {
    const svc = opts.service ?? intake;
    const r = await svc.receive({ organisationId: opts.org ?? 'gemeente:0363', berichtstroom: opts.stroom ?? 'ijw', bestandsnaam: opts.name ?? 'aanlevering.zip', content: stream(zip) });
    await svc.idle();
    return { ...r, ...(await svc.get({ organisationId: null }, r.upload.id)) };
  }

  const brief = (e: UploadEntry) => ({ bestandsnaam: e.bestandsnaam, resultaat: e.resultaat, foutcode: e.foutcode, reden: e.reden });

  describe('whole-file refusals: the seed\'s message, no verslag (seed 002 §5 category 1)', () => {
    test('not .zip', async () => {
      const r = await upload(Buffer.from('hello'), { name: 'berichten.rar' });
      expect(r.refused).toBe(true);
      expect(r.upload).toMatchObject({ status: 'afgekeurd', foutmelding: 'Bestand heeft niet de extensie “.zip”' });
      expect(r.verslag).toEqual([]);
    });

    test('over the size cap: "Bestand groter dan 1GB" with the default cap; nothing left on disk', async () => {
      const zip = await zipOf([{ name: 'a.xml', content: di01() }]);
      const small = make({ maxUploadBytes: zip.length - 1 });
      const r = await upload(zip, { service: small });
      expect(r.upload).toMatchObject({ status: 'afgekeurd', foutmelding: `Bestand groter dan ${zip.length - 1} bytes` });
      expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
      const { fileTooLarge } = await import('../../../src/routing/intake/refusals.js');
      expect(fileTooLarge(LIMITS.maxUploadBytes)).toBe('Bestand groter dan 1GB');
      expect((await upload(zip, { service: make({ maxUploadBytes: zip.length }) })).refused).toBe(false);
    });

    test('not a valid ZIP (named .zip; and a truncated one)', async () => {
      const r = await upload(Buffer.from('<xml/>'), { name: 'x.ZIP' });
      expect(r.upload).toMatchObject({ status: 'afgekeurd', foutmelding: 'Het bestand is geen geldig zip-bestand' });
      const zip = await zipOf([{ name: 'a.xml', content: di01() }]);
      expect((await upload(zip.subarray(0, zip.length - 10))).upload.foutmelding).toBe('Het bestand is geen geldig zip-bestand');
      expect(w.sender.calls).toHaveLength(0);
    });

    test('entry count cap and total uncompressed size cap (zip bomb) refuse the whole file', async () => {
      const zip = await zipOf([{ name: 'a.xml', content: 'x' }, { name: 'b.xml', content: 'y' }, { name: 'c.xml', content: 'z' }]);
      expect((await upload(zip, { service: make({ maxEntries: 2 }) })).upload.foutmelding).toBe('Het zip-bestand bevat 3 bestanden, maximaal 2 toegestaan');
      const bomb = await zipOf([{ name: 'a.xml', content: Buffer.alloc(600_000, 0x20) }, { name: 'b.xml', content: Buffer.alloc(600_000, 0x20) }]);
      expect((await upload(bomb, { service: make({ maxUncompressedBytes: 1_000_000 }) })).upload.foutmelding)
        .toBe('De bestanden in het zip-bestand zijn uitgepakt samen groter dan 1000000 bytes (zip-bom)');
    });
  });

  test('a mixed ZIP: the good entry is routed as over Digikoppeling, each bad one named with code and reason → Afgekeurd', async () => {
    const good = di01({ referentienummer: randomUUID() });
    const zip = await zipOf([
      { name: 'goed.xml', content: good },
      { name: 'map/', content: '' },
      { name: 'leesmij.txt', content: 'hallo' },
      { name: 'andere-gemeente.xml', content: di01({ referentienummer: randomUUID(), zender: { organisatie: '0518', applicatie: 'JeugdApp' } }, payload('jw301', { afzender: '0518' })) },
      { name: 'zonder-bsn.xml', content: di01({ referentienummer: randomUUID() }, payload('jw301').replace('<jw301:Bsn>999993653</jw301:Bsn>', '')) },
      { name: 'verkeerd-type.xml', content: di01({ referentienummer: randomUUID() }, payload('jw302')) },
      { name: 'wmo-op-ijw.xml', content: di01({ referentienummer: randomUUID(), functie: 'WMO301' }, payload('wmo301')) },
    ]);
    const r = await upload(zip);
    expect(r.upload).toMatchObject({ status: 'afgekeurd', foutmelding: null, entryCount: 7 });
    expect(statusText(r.upload)).toBe('Afgekeurd');
    expect(r.verslag.map(brief)).toEqual([
      { bestandsnaam: 'goed.xml', resultaat: 'doorgestuurd', foutcode: null, reden: null },
      { bestandsnaam: 'map/', resultaat: 'geweigerd', foutcode: 'ZIP001', reden: 'Het zip-bestand bevat een map; mappen zijn niet toegestaan: map/' },
      { bestandsnaam: 'leesmij.txt', resultaat: 'geweigerd', foutcode: 'ZIP002', reden: 'Bestand heeft niet de extensie .xml' },
      { bestandsnaam: 'andere-gemeente.xml', resultaat: 'geweigerd', foutcode: 'IB002',
        reden: 'Organisatie is niet geautoriseerd. GGK:stuurgegevens/StUF:zender/StUF:organisatie: organisatie gemeente:0363 mag niet optreden voor gemeente 0518' },
      { bestandsnaam: 'zonder-bsn.xml', resultaat: 'geweigerd', foutcode: 'StUF055',
        reden: 'Berichtbody is niet conform schema in sectormodel. /Bericht/Client/Bsn: minOccurs: required element Bsn is missing before Geboortedatum' },
      { bestandsnaam: 'verkeerd-type.xml', resultaat: 'geweigerd', foutcode: 'IB240',
        reden: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW301 hoort bij BerichtCode 436, het bericht heeft BerichtCode 437' },
      { bestandsnaam: 'wmo-op-ijw.xml', resultaat: 'geweigerd', foutcode: 'IB240',
        reden: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: WMO301 hoort niet bij product iJw' },
    ]);
    expect(r.verslag[0]!.berichttype).toBe('JW301');
    // Routed exactly as over Digikoppeling: the same envelope bytes to the chain partner's CPA, action = StUF element.
    expect(w.sender.calls).toHaveLength(1);
    expect(w.sender.last()).toMatchObject({ cpaId: 'CPA-VECOZO', action: 'envelopHeenbericht-ggk_Di01' });
    expect(w.sender.text()).toBe(good);
    // No Fo01 for a Portaal refusal; every StUF entry has its Berichtenlog row, naming the upload.
    const log = await w.store.routing.listLog();
    expect(log).toHaveLength(5);
    expect(new Set(log.map((l) => l.uploadId))).toEqual(new Set([r.upload.id]));
    expect(log.find((l) => l.outcome === 'doorgestuurd')).toMatchObject({ cpaId: '', targetCpaId: 'CPA-VECOZO', gemeentecode: '0363' });
  });

  test('a samenwerkingsverband uploads for the gemeenten its OIN may act for (IB002 as over Digikoppeling)', async () => {
    await w.organisations.add({ kind: 'gemeente', code: '0599', name: 'SWV Delfland', oins: [OIN.swv] });
    const ok = di01({ referentienummer: randomUUID(), zender: { organisatie: '0503', applicatie: 'JeugdApp' } }, payload('jw301', { afzender: '0503' }));
    const r = await upload(await zipOf([{ name: 'delft.xml', content: ok }]), { org: 'gemeente:0599' });
    expect(r.verslag.map(brief)).toEqual([{ bestandsnaam: 'delft.xml', resultaat: 'doorgestuurd', foutcode: null, reden: null }]);
    expect(r.upload.status).toBe('afgeleverd');
    expect(statusText(r.upload)).toBe('Afgeleverd');
  });

  test('a service provider\'s OIN shared by two gemeenten does not let one upload for the other (IB002)', async () => {
    const sp = '00000099000000555500';
    await w.organisations.add({ kind: 'ketenpartner', code: sp, name: 'Leverancier' });
    await w.store.organisations.addOin('gemeente:0363', sp);
    await w.store.organisations.addOin('gemeente:0518', sp);
    const other = di01({ referentienummer: randomUUID(), zender: { organisatie: '0518', applicatie: 'JeugdApp' } }, payload('jw301', { afzender: '0518' }));
    const r = await upload(await zipOf([{ name: 'den-haag.xml', content: other }]));
    expect(r.verslag.map((e) => [e.resultaat, e.foutcode])).toEqual([['geweigerd', 'IB002']]);
    expect(w.sender.calls).toHaveLength(0);
  });

  test('uploading the same file again: no problem and no double delivery (seed 002 §5)', async () => {
    const zip = await zipOf([{ name: 'a.xml', content: di01({ referentienummer: randomUUID() }) }, { name: 'b.xml', content: di01({ referentienummer: randomUUID() }) }]);
    const first = await upload(zip);
    expect(first.upload.status).toBe('afgeleverd');
    expect(w.sender.calls).toHaveLength(2);
    const second = await upload(zip);
    expect(second.upload.status).toBe('afgeleverd');
    expect(second.verslag.map((e) => [e.bestandsnaam, e.resultaat, e.berichttype])).toEqual([['a.xml', 'dubbel', 'JW301'], ['b.xml', 'dubbel', 'JW301']]);
    expect(second.verslag[0]!.reden).toBe(`Al eerder afgeleverd (upload ${first.upload.id}, a.xml); niet opnieuw verstuurd`);
    expect(w.sender.calls).toHaveLength(2);
    // Another message reusing a referentienummer is still the hub's IB216.
    const ref = first.verslag[0]!.referentienummer!;
    const reuse = await upload(await zipOf([{ name: 'c.xml', content: di01({ referentienummer: ref, tijdstipBericht: '20240701150000000' }) }]));
    expect(reuse.verslag.map((e) => [e.resultaat, e.foutcode])).toEqual([['geweigerd', 'IB216']]);
  });

  test('hostile entries: traversal, absolute names, encrypted, compression ratio (zip bomb) — each refused with its reason', async () => {
    let zip = await zipOf([
      { name: 'xx/evil.xml', content: di01() },
      { name: 'Zetc/p.xml', content: di01() },
      { name: 'bom.xml', content: Buffer.alloc(2_000_000, 0x20) },
    ]);
    zip = renameEntry(renameEntry(zip, 'xx/evil.xml', '../evil.xml'), 'Zetc/p.xml', '/etc/p.xml');
    const r = await upload(zip);
    expect(r.verslag.map(brief)).toEqual([
      { bestandsnaam: '../evil.xml', resultaat: 'geweigerd', foutcode: 'ZIP003', reden: 'Onveilige bestandsnaam (absoluut pad, .. of \\): ../evil.xml' },
      { bestandsnaam: '/etc/p.xml', resultaat: 'geweigerd', foutcode: 'ZIP003', reden: 'Onveilige bestandsnaam (absoluut pad, .. of \\): /etc/p.xml' },
      { bestandsnaam: 'bom.xml', resultaat: 'geweigerd', foutcode: 'ZIP005', reden: expect.stringMatching(/^Compressieverhouding te hoog \(zip-bom\): \d+:1, maximaal 100:1$/) },
    ]);
    const enc = await upload(markEncrypted(await zipOf([{ name: 'geheim.xml', content: di01() }])));
    expect(enc.verslag.map(brief)).toEqual([{ bestandsnaam: 'geheim.xml', resultaat: 'geweigerd', foutcode: 'ZIP004', reden: 'Versleutelde bestanden worden niet verwerkt' }]);
    expect(w.sender.calls).toHaveLength(0);
  });

  test('a corrupted entry (CRC) is refused; an envelope over 25 MB is IB007 without being read', async () => {
    const good = di01({ referentienummer: randomUUID() });
    const zip = await zipOf([{ name: 'a.xml', content: good, store: true }]);
    const at = zip.indexOf(Buffer.from('JeugdApp'));
    zip[at] = 0x58; // flip a byte of the stored data
    const r = await upload(zip);
    expect(r.verslag.map(brief)).toEqual([{ bestandsnaam: 'a.xml', resultaat: 'geweigerd', foutcode: 'ZIP006', reden: 'Bestand kan niet worden uitgepakt: CRC-32 klopt niet: het bestand is beschadigd' }]);
    const big = await zipOf([{ name: 'groot.xml', content: Buffer.alloc(25 * 1024 * 1024 + 1, 0x41) }]);
    const r2 = await upload(big);
    expect(r2.verslag.map(brief)).toEqual([{ bestandsnaam: 'groot.xml', resultaat: 'geweigerd', foutcode: 'IB007', reden: `Bericht is te groot. Envelop is ${25 * 1024 * 1024 + 1} bytes, maximaal ${25 * 1024 * 1024} bytes toegestaan` }]);
  });

  test('a message (decoded xmlBestand) over 10 MB is IB007 "Bericht is te groot" (seed 002 Berichtenstandaard)', async () => {
    const xml = payload('jw301').replace('<jw301:Bsn>', `<!--${'x'.repeat(10 * 1024 * 1024)}--><jw301:Bsn>`);
    const r = await upload(await zipOf([{ name: 'groot.xml', content: di01({ referentienummer: randomUUID() }, xml), store: true }]));
    expect(r.verslag.map(brief)).toEqual([{ bestandsnaam: 'groot.xml', resultaat: 'geweigerd', foutcode: 'IB007',
      reden: `Bericht is te groot. GGK:parameters/GGK:bericht/GGK:xmlBestand: Bericht is ${Buffer.byteLength(xml)} bytes, maximaal ${10 * 1024 * 1024} bytes toegestaan` }]);
  });

  test('scoping: another organisation cannot see the upload', async () => {
    const r = await upload(await zipOf([{ name: 'a.xml', content: di01({ referentienummer: randomUUID() }) }]));
    await expect(intake.get({ organisationId: 'gemeente:0518' }, r.upload.id)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect(await intake.list({ organisationId: 'gemeente:0518' })).toEqual([]);
    expect((await intake.list({ organisationId: 'gemeente:0363' })).map((u) => u.id)).toEqual([r.upload.id]);
  });
});
