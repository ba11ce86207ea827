/** HubProcessor: every refusal code with the exact Fo01 sent back to the sender (issue 6 §3). */
import { randomUUID } from 'node:crypto';
import { HubProcessor } from '../../../src/routing/hub-processor.js';
import { parseFo01 } from '../../../src/stuf/parse.js';
import { MAX_ENVELOPE_BYTES } from '../../../src/stuf/model.js';
import { AGB, di01, du01, FROM_0363, FROM_VECOZO, inbound, OIN, payload, world, type World } from './helpers.js';

interface Expected { code: string; plek: 'client' | 'server'; omschrijving: string; crossRefnummer: string; ontvanger: Record<string, string>; details?: string }

/** The one call the fake sender got is a Fo01 back over the inbound CPA, referring to the inbound ebMS message. */
function expectFo01(w: World, msg: ReturnType<typeof inbound>, e: Expected): void {
  expect(w.sender.calls).toHaveLength(1);
  const call = w.sender.last();
  expect({ cpaId: call.cpaId, action: call.action, refToMessageId: call.refToMessageId, conversationId: call.conversationId })
    .toEqual({ cpaId: msg.cpaId, action: 'Fo01Bericht', refToMessageId: msg.ebmsMessageId, conversationId: msg.conversationId });
  expect(call.parts[0]!.contentType).toBe('text/xml; charset=UTF-8');
  const fo01 = parseFo01(call.parts[0]!.content);
  expect(fo01.stuurgegevens.zender).toEqual({ organisatie: 'IB', applicatie: 'GGK' });
  expect(fo01.stuurgegevens.ontvanger).toEqual(e.ontvanger);
  expect(fo01.stuurgegevens.crossRefnummer).toBe(e.crossRefnummer);
  expect(fo01.stuurgegevens.tijdstipBericht).toBe('20240701140000000'); // NOW in Europe/Amsterdam
  const body: Record<string, string> = { code: e.code, plek: e.plek, omschrijving: e.omschrijving };
  if (e.details) body.details = e.details;
  expect(fo01.body).toEqual(body);
}

const GEMEENTE_ZENDER = { organisatie: '0363', applicatie: 'JeugdApp' };
const AANBIEDER_ZENDER = { organisatie: AGB, applicatie: 'ZorgApp' };

describe('HubProcessor refusals: Fo01 content per code', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(() => w.store.close());

  async function refused(xml: string | Buffer, from = FROM_0363, action?: string) {
    const msg = inbound(xml, from, action);
    const out = await w.hub.process(msg);
    expect(out.outcome).toBe('geweigerd');
    return { msg, out };
  }

  test('RIN001: envelope not conform the XSD (functie missing); Fo01 addressed from the readable stuurgegevens', async () => {
    const ref = randomUUID();
    const { msg, out } = await refused(di01({ referentienummer: ref }).replace('<StUF:functie>JW301</StUF:functie>', ''));
    expect(out.foutcode).toBe('RIN001');
    expectFo01(w, msg, { code: 'RIN001', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER,
      omschrijving: 'Asynchrone algemene fout. GGK:stuurgegevens/StUF:functie: envelop niet conform XSD: required element is missing' });
  });

  test('RIN001 without readable stuurgegevens: logged, no Fo01 can be addressed', async () => {
    const { out } = await refused('<not-stuf/>');
    expect(out).toMatchObject({ foutcode: 'RIN001', detail: expect.stringContaining('(geen Fo01: stuurgegevens onleesbaar)') });
    expect(w.sender.calls).toHaveLength(0);
    const [row] = await w.store.routing.listLog();
    expect(row).toMatchObject({ outcome: 'geweigerd', foutcode: 'RIN001', senderOin: OIN.g0363, referentienummer: null });
  });

  test('IB007: envelope over 25 MB is refused before parsing', async () => {
    const ref = randomUUID();
    const xml = di01({ referentienummer: ref });
    const big = Buffer.concat([Buffer.from(xml), Buffer.alloc(MAX_ENVELOPE_BYTES - Buffer.byteLength(xml) + 1, 0x20)]);
    const { msg } = await refused(big);
    expectFo01(w, msg, { code: 'IB007', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER,
      omschrijving: `Bericht is te groot. Envelop is ${MAX_ENVELOPE_BYTES + 1} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan` });
  });

  test('IB009: referentienummer is not a UUID version 4', async () => {
    const bad = '12345678-1234-1234-1234-123456789012';
    const { msg } = await refused(di01({ referentienummer: '3f2c8a9e-1b4d-4c6e-9f0a-7b8c9d0e1f2a' }).replace('3f2c8a9e-1b4d-4c6e-9f0a-7b8c9d0e1f2a', bad));
    expectFo01(w, msg, { code: 'IB009', plek: 'client', crossRefnummer: bad, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: `Referentienummer of crossRefnummer is geen UUID versie 4. GGK:stuurgegevens/StUF:referentienummer: "${bad}" is geen UUID versie 4` });
  });

  test('StUF055: payload not conform the iJw schema, naming element and rule', async () => {
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }, payload('jw301').replace('<jw301:Bsn>999993653</jw301:Bsn>', '')));
    expectFo01(w, msg, { code: 'StUF055', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Berichtbody is niet conform schema in sectormodel. /Bericht/Client/Bsn: minOccurs: required element Bsn is missing before Geboortedatum' });
  });

  test('IB240: functie JW301 carrying a JW302 payload', async () => {
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }, payload('jw302')));
    expectFo01(w, msg, { code: 'IB240', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW301 hoort bij BerichtCode 436, het bericht heeft BerichtCode 437' });
  });

  test('IB240: a heenbericht in a Du01; and an ebMS Action that names the other envelope', async () => {
    const ref = randomUUID();
    const { msg } = await refused(du01(randomUUID(), { referentienummer: ref, functie: 'JW301' }, payload('jw301')), FROM_VECOZO, 'envelopRetourbericht-ggk_Du01');
    expectFo01(w, msg, { code: 'IB240', plek: 'client', crossRefnummer: ref, ontvanger: AANBIEDER_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW301 (heenbericht) hoort in Di01, niet in Du01' });
    w.sender.calls.length = 0;
    const ref2 = randomUUID();
    const second = await refused(di01({ referentienummer: ref2 }), FROM_0363, 'envelopRetourbericht-ggk_Du01');
    expectFo01(w, second.msg, { code: 'IB240', plek: 'client', crossRefnummer: ref2, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:berichtcode: ebMS Action envelopRetourbericht-ggk_Du01 hoort niet bij envelopHeenbericht-ggk_Di01' });
  });

  test('IB213: zendende organisatie (gemeentecode) is not registered', async () => {
    const ref = randomUUID();
    const zender = { organisatie: '0999', applicatie: 'JeugdApp' };
    const { msg } = await refused(di01({ referentienummer: ref, zender }));
    expectFo01(w, msg, { code: 'IB213', plek: 'client', crossRefnummer: ref, ontvanger: zender, details: 'JW301-00010004',
      omschrijving: 'Zendende organisatie onbekend. GGK:stuurgegevens/StUF:zender/StUF:organisatie: Organisatie 0999' });
  });

  test('IB210: ontvangende organisatie unknown (gemeente not registered; not an AGB code)', async () => {
    const ref = randomUUID();
    const { msg } = await refused(du01(randomUUID(), { referentienummer: ref, ontvanger: { organisatie: '0999', applicatie: 'GGk' } }, payload('jw302', { afzender: '0999' })), FROM_VECOZO);
    expectFo01(w, msg, { code: 'IB210', plek: 'client', crossRefnummer: ref, ontvanger: AANBIEDER_ZENDER, details: 'JW302-00010004',
      omschrijving: 'Ontvangende organisatie onbekend. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: Organisatie 0999' });
    w.sender.calls.length = 0;
    const ref2 = randomUUID();
    const second = await refused(di01({ referentienummer: ref2, ontvanger: { organisatie: 'ZORG-BV', applicatie: 'GGk' } }));
    expectFo01(w, second.msg, { code: 'IB210', plek: 'client', crossRefnummer: ref2, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Ontvangende organisatie onbekend. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: Organisatie ZORG-BV' });
  });

  test('IB002: the sending OIN may not act for the gemeentecode in the StUF zender', async () => {
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }), { oin: OIN.g0518, cpaId: 'CPA-0518' });
    expectFo01(w, msg, { code: 'IB002', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: `Organisatie is niet geautoriseerd. GGK:stuurgegevens/StUF:zender/StUF:organisatie: OIN ${OIN.g0518} mag niet optreden voor gemeente 0363` });
  });

  test('IB002: the gemeentecode in the payload header is not one the OIN may act for', async () => {
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }, payload('jw301', { afzender: '0518' })));
    expectFo01(w, msg, { code: 'IB002', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: `Organisatie is niet geautoriseerd. /Bericht/Header/Afzender: OIN ${OIN.g0363} mag niet optreden voor gemeente 0518` });
  });

  test('IB002: a zorgaanbieder-side message from anyone but the configured chain partner', async () => {
    const ref = randomUUID();
    const { msg } = await refused(du01(randomUUID(), { referentienummer: ref }), FROM_0363, 'envelopRetourbericht-ggk_Du01');
    expectFo01(w, msg, { code: 'IB002', plek: 'client', crossRefnummer: ref, ontvanger: AANBIEDER_ZENDER, details: 'JW302-00010004',
      omschrijving: `Organisatie is niet geautoriseerd. GGK:stuurgegevens/StUF:zender/StUF:organisatie: OIN ${OIN.g0363} is niet de ketenpartner voor berichtstroom ijw` });
  });

  test('IB002: chain partner message whose payload gemeentecode differs from the StUF ontvanger', async () => {
    const ref = randomUUID();
    const { msg } = await refused(du01(randomUUID(), { referentienummer: ref }, payload('jw302', { afzender: '0518' })), FROM_VECOZO);
    expectFo01(w, msg, { code: 'IB002', plek: 'client', crossRefnummer: ref, ontvanger: AANBIEDER_ZENDER, details: 'JW302-00010004',
      omschrijving: 'Organisatie is niet geautoriseerd. /Bericht/Header/Afzender: gemeentecode 0518 in het bericht wijkt af van StUF ontvanger 0363' });
  });

  test('IB216: zender + referentienummer seen before', async () => {
    const ref = randomUUID();
    expect((await w.hub.process(inbound(di01({ referentienummer: ref }), FROM_0363))).outcome).toBe('doorgestuurd');
    w.sender.calls.length = 0;
    const { msg } = await refused(di01({ referentienummer: ref }));
    expectFo01(w, msg, { code: 'IB216', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: `Combinatie zender en referentienummer is niet uniek. GGK:stuurgegevens/StUF:referentienummer: zender 0363/JeugdApp gebruikte referentienummer ${ref} al eerder` });
    // another application of the same organisation may use the number (uniqueness is per zender)
    w.sender.calls.length = 0;
    const other = await w.hub.process(inbound(di01({ referentienummer: ref, zender: { organisatie: '0363', applicatie: 'WmoApp' } }), FROM_0363));
    expect(other.outcome).toBe('doorgestuurd');
  });

  test('IB798: the exchange is set to another StUF version; an envelope in another version', async () => {
    await w.routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW301', richting: 'verzenden', kanaal: 'digikoppeling', cpaId: 'CPA-0363', stufVersie: '0310' });
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }));
    expectFo01(w, msg, { code: 'IB798', plek: 'client', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Ontvangen StUF versie wijkt af van geconfigureerde versie. GGK:envelopHeenbericht-ggk_Di01: ontvangen StUF-versie 0210, ingesteld voor deze uitwisseling 0310' });
    w.sender.calls.length = 0;
    const ref2 = randomUUID();
    const old = di01({ referentienummer: ref2 }).replaceAll('koppelvlak/ggk0210', 'koppelvlak/ggk0310');
    const second = await refused(old);
    expectFo01(w, second.msg, { code: 'IB798', plek: 'client', crossRefnummer: ref2, ontvanger: GEMEENTE_ZENDER,
      omschrijving: 'Ontvangen StUF versie wijkt af van geconfigureerde versie. {http://www.stufstandaarden.nl/koppelvlak/ggk0310}envelopHeenbericht-ggk_Di01: ontvangen StUF-versie 0310, de knooppunt verwerkt 0210' });
  });

  test('IB101: the chain partner CPA is not activated', async () => {
    await w.store.cpas.setStatus('CPA-VECOZO', 'gegenereerd', { at: '2024-06-01T00:00:00.000Z', event: 'test', detail: null });
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }));
    expectFo01(w, msg, { code: 'IB101', plek: 'server', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Geen geldige CPA voor organisatie en berichttype. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: CPA CPA-VECOZO heeft status gegenereerd' });
  });

  test('IB101: the gemeente\'s receiving CPA has expired', async () => {
    const late = await world();
    const hub = new HubProcessor({
      store: late.store, organisations: late.organisations, sender: late.sender, hubIdentity: { oin: OIN.hub, name: 'x', stufZender: { organisatie: 'IB', applicatie: 'GGK' } },
      now: () => new Date('2026-02-01T00:00:00Z'),
    });
    const ref = randomUUID();
    const msg = inbound(du01(randomUUID(), { referentienummer: ref }), FROM_VECOZO, 'envelopRetourbericht-ggk_Du01');
    expect((await hub.process(msg)).foutcode).toBe('IB101');
    const fo01 = parseFo01(late.sender.last().parts[0]!.content);
    expect(fo01.body).toEqual({ code: 'IB101', plek: 'server', details: 'JW302-00010004',
      omschrijving: 'Geen geldige CPA voor organisatie en berichttype. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: CPA CPA-0363 is niet in werking (2024-01-01 – 2026-01-01)' });
    await late.store.close();
  });

  test('IB101: the message came in over another CPA than the gemeente set for sending', async () => {
    await w.store.cpas.insert({ ...(await w.store.cpas.get('CPA-0363'))!, cpaId: 'CPA-0363-B' }, { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null });
    await w.routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW301', richting: 'verzenden', kanaal: 'digikoppeling', cpaId: 'CPA-0363-B' });
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref }));
    expectFo01(w, msg, { code: 'IB101', plek: 'server', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'JW301-00010004',
      omschrijving: 'Geen geldige CPA voor organisatie en berichttype. GGK:stuurgegevens/StUF:zender/StUF:organisatie: JW301 van gemeente 0363 is ingesteld op CPA CPA-0363-B, ontvangen over CPA CPA-0363' });
  });

  test('IB102: no route for the gemeente and berichttype; and a refused referentienummer can be used again', async () => {
    const ref = randomUUID();
    const jw305 = di01({ referentienummer: ref, zender: { organisatie: AGB, applicatie: 'ZorgApp' }, ontvanger: { organisatie: '0363', applicatie: 'GGk' }, functie: 'JW305' },
      payload('jw305'));
    const { msg } = await refused(jw305, FROM_VECOZO);
    expectFo01(w, msg, { code: 'IB102', plek: 'server', crossRefnummer: ref, ontvanger: AANBIEDER_ZENDER, details: 'JW305-00010004',
      omschrijving: 'Geen routering voor organisatie en berichttype. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: geen routering voor gemeente 0363 en berichttype JW305' });
    await w.routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW305', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: 'CPA-0363' });
    expect((await w.hub.process(inbound(jw305, FROM_VECOZO))).outcome).toBe('doorgestuurd');
  });

  test('IB102: no chain partner for the berichtstroom (iWmo)', async () => {
    const ref = randomUUID();
    const { msg } = await refused(di01({ referentienummer: ref, functie: 'WMO301' }, payload('wmo301')));
    expectFo01(w, msg, { code: 'IB102', plek: 'server', crossRefnummer: ref, ontvanger: GEMEENTE_ZENDER, details: 'WMO301-00010004',
      omschrijving: 'Geen routering voor organisatie en berichttype. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: geen ketenpartner ingesteld voor berichtstroom iwmo' });
  });

  test('forwarding fails in the MSH: IB101 with plek server, and the referentienummer is free again', async () => {
    const ref = randomUUID();
    w.sender.fail = new Error('no delivery channel for action');
    const msg = inbound(di01({ referentienummer: ref }), FROM_0363);
    await expect(w.hub.process(msg)).rejects.toThrow('no delivery channel for action');
    // the Fo01 could not be queued either (same sender): the log row still records the refusal
    const [row] = await w.store.routing.listLog();
    expect(row).toMatchObject({ outcome: 'geweigerd', foutcode: 'IB101', referentienummer: ref,
      detail: 'Geen geldige CPA voor organisatie en berichttype. GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie: doorsturen via CPA CPA-VECOZO mislukt: no delivery channel for action' });
    w.sender.fail = null;
    expect((await w.hub.process(inbound(di01({ referentienummer: ref }), FROM_0363))).outcome).toBe('doorgestuurd');
  });
});
