/** HubProcessor happy paths: forwarding to the chain partner, retours back to the gemeente by its routing, Fo01s. */
import { randomUUID } from 'node:crypto';
import { buildFo01 } from '../../../src/stuf/fo01.js';
import { StufError } from '../../../src/stuf/errors.js';
import { parseFo01 } from '../../../src/stuf/parse.js';
import { xmllint } from '../stuf/helpers.js';
import { AGB, di01, du01, FROM_0363, FROM_VECOZO, inbound, OIN, payload, world, type World } from './helpers.js';

describe('HubProcessor routing', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(() => w.store.close());

  test('JW301 Di01 from gemeente 0363 (OIN authorised) goes to the chain partner CPA with the same envelope bytes', async () => {
    const ref = randomUUID();
    const xml = di01({ referentienummer: ref });
    const msg = inbound(xml, FROM_0363);
    const out = await w.hub.process(msg);
    expect(out).toEqual({
      outcome: 'doorgestuurd', detail: `doorgestuurd naar ketenpartner:${OIN.vecozo} via CPA CPA-VECOZO`, referentienummer: ref,
      forwarded: { cpaId: 'CPA-VECOZO', messageId: `${ref}@hub.example` }, logId: expect.any(String), berichttype: 'JW301', gemeentecode: '0363',
    });
    expect(w.sender.calls).toEqual([{
      cpaId: 'CPA-VECOZO', action: 'envelopHeenbericht-ggk_Di01', conversationId: msg.conversationId, messageId: `${ref}@hub.example`,
      parts: [{ contentId: msg.parts[0]!.contentId, contentType: 'text/xml; charset=UTF-8', content: Buffer.from(xml) }],
    }]);
    const [row] = await w.store.routing.listLog();
    expect(row).toEqual({
      id: out.logId, at: '2024-07-01T12:00:00.000Z', ebmsMessageId: msg.ebmsMessageId, cpaId: 'CPA-0363', senderOin: OIN.g0363,
      stufElement: 'envelopHeenbericht-ggk_Di01', berichtstroom: 'ijw', berichttype: 'JW301', gemeentecode: '0363', zenderOrganisatie: '0363',
      ontvangerOrganisatie: AGB, referentienummer: ref, crossRefnummer: null, outcome: 'doorgestuurd', foutcode: null,
      detail: out.detail, targetOrganisationId: `ketenpartner:${OIN.vecozo}`, targetCpaId: 'CPA-VECOZO',
      forwardedMessageId: `${ref}@hub.example`, mailboxItemId: null, uploadId: null,
    });
  });

  test('JW302 Du01 from the partner goes back to gemeente 0363 by its Digikoppeling route, RefToMessageId = the JW301 as it came in', async () => {
    const heenRef = randomUUID();
    const heen = inbound(di01({ referentienummer: heenRef }), FROM_0363);
    await w.hub.process(heen);
    const ref = randomUUID();
    const xml = du01(heenRef, { referentienummer: ref });
    const msg = inbound(xml, FROM_VECOZO);
    const out = await w.hub.process(msg);
    expect(out).toMatchObject({ outcome: 'doorgestuurd', forwarded: { cpaId: 'CPA-0363', messageId: `${ref}@hub.example` } });
    expect(w.sender.last()).toEqual({
      cpaId: 'CPA-0363', action: 'envelopRetourbericht-ggk_Du01', conversationId: msg.conversationId, refToMessageId: heen.ebmsMessageId,
      messageId: `${ref}@hub.example`, parts: [{ contentId: msg.parts[0]!.contentId, contentType: 'text/xml; charset=UTF-8', content: Buffer.from(xml) }],
    });
  });

  test('a retour whose heenbericht the hub never saw is still routed by the gemeente\'s routing (no RefToMessageId)', async () => {
    const out = await w.hub.process(inbound(du01(randomUUID()), FROM_VECOZO));
    expect(out.outcome).toBe('doorgestuurd');
    expect(w.sender.last().refToMessageId).toBeUndefined();
    expect(w.sender.last().cpaId).toBe('CPA-0363');
  });

  test('JW302 for gemeente 0518 (exchange set to Portaal) lands in its mailbox', async () => {
    const ref = randomUUID();
    const xml = du01(randomUUID(), { referentienummer: ref, ontvanger: { organisatie: '0518', applicatie: 'GGk' } }, payload('jw302', { afzender: '0518' }));
    const msg = inbound(xml, FROM_VECOZO);
    const out = await w.hub.process(msg);
    expect(out).toMatchObject({ outcome: 'postbus', detail: 'in de postbus van gemeente:0518', mailboxItemId: expect.any(String) });
    expect(w.sender.calls).toHaveLength(0);
    const item = await w.store.mailbox.get(out.mailboxItemId!);
    expect(item).toMatchObject({ organisationId: 'gemeente:0518', berichttype: 'JW302', bestandsnaam: `JW302_${ref}.xml`, referentienummer: ref,
      ebmsMessageId: msg.ebmsMessageId, readAt: null, deletedAt: null, size: Buffer.byteLength(xml) });
    expect((await w.store.mailbox.content(item!.id))!.toString()).toBe(xml);
    const [row] = await w.store.routing.listLog();
    expect(row).toMatchObject({ outcome: 'postbus', gemeentecode: '0518', mailboxItemId: item!.id, targetOrganisationId: 'gemeente:0518' });
  });

  test('JW315 from the partner for gemeente 0518 goes to the mailbox; the gemeente\'s answer JW301 goes to the partner', async () => {
    const vot = di01({ zender: { organisatie: AGB, applicatie: 'ZorgApp' }, ontvanger: { organisatie: '0518', applicatie: 'GGk' }, functie: 'JW315' }, payload('jw315'));
    expect((await w.hub.process(inbound(vot, FROM_VECOZO))).outcome).toBe('postbus');
    const answer = di01({ zender: { organisatie: '0518', applicatie: 'JeugdApp' } }, payload('jw301', { afzender: '0518' }));
    const out = await w.hub.process(inbound(answer, { oin: OIN.g0518, cpaId: 'CPA-0518' }));
    expect(out).toMatchObject({ outcome: 'doorgestuurd', forwarded: { cpaId: 'CPA-VECOZO' } });
  });

  test('a samenwerkingsverband OIN acts for two gemeenten (0503 and 0603)', async () => {
    const swv = { oin: OIN.swv, cpaId: 'CPA-SWV' };
    for (const code of ['0503', '0603']) {
      const out = await w.hub.process(inbound(di01({ zender: { organisatie: code, applicatie: 'SwvApp' } }, payload('jw301', { afzender: code })), swv));
      expect(out).toMatchObject({ outcome: 'doorgestuurd', forwarded: { cpaId: 'CPA-VECOZO' } });
    }
    // …but not for a gemeente it is not authorised for
    const refused = await w.hub.process(inbound(di01({ zender: { organisatie: '0363', applicatie: 'SwvApp' } }), swv));
    expect(refused).toMatchObject({ outcome: 'geweigerd', foutcode: 'IB002' });
    expect((await w.store.routing.listLog({ gemeentecode: '0503' }))).toHaveLength(1);
  });

  test('a gemeente with a verzenden route: its CPA and version are honoured', async () => {
    await w.routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW301', richting: 'verzenden', kanaal: 'digikoppeling', cpaId: 'CPA-0363' });
    expect((await w.hub.process(inbound(di01(), FROM_0363))).outcome).toBe('doorgestuurd');
  });

  test('the Fo01 the hub sends validates against the official ggk0210 XSD (xmllint)', async () => {
    await w.hub.process(inbound(di01({ zender: { organisatie: '0999', applicatie: 'JeugdApp' } }), FROM_0363));
    const fo01 = w.sender.last().parts[0]!.content;
    const lint = xmllint(fo01);
    expect(lint.output).toContain('validates');
    expect(lint.valid).toBe(true);
  });

  test('a Fo01 from the partner about a forwarded JW301 goes back to the gemeente over the CPA the JW301 came in on', async () => {
    const heenRef = randomUUID();
    const heen = inbound(di01({ referentienummer: heenRef }), FROM_0363);
    await w.hub.process(heen);
    const fo01 = buildFo01({ zender: { organisatie: '0363', applicatie: 'JeugdApp' }, ontvanger: { organisatie: AGB, applicatie: 'GGk' }, referentienummer: heenRef },
      new StufError('StUF055', 'ongeldig', { element: '/Bericht/Client' }));
    const msg = inbound(fo01, FROM_VECOZO, 'Fo01Bericht');
    const out = await w.hub.process(msg);
    expect(out).toMatchObject({ outcome: 'doorgestuurd', detail: 'Fo01 StUF055 teruggestuurd via CPA CPA-0363' });
    expect(w.sender.last()).toEqual({
      cpaId: 'CPA-0363', action: 'Fo01Bericht', conversationId: msg.conversationId, refToMessageId: heen.ebmsMessageId,
      parts: [{ contentId: msg.parts[0]!.contentId, contentType: 'text/xml; charset=UTF-8', content: Buffer.from(fo01) }],
    });
    expect(parseFo01(w.sender.last().parts[0]!.content).stuurgegevens.crossRefnummer).toBe(heenRef);
  });

  test('a Fo01 about nothing the hub forwarded over that CPA is logged and never answered with a Fo01', async () => {
    const heenRef = randomUUID();
    await w.hub.process(inbound(di01({ referentienummer: heenRef }), FROM_0363));
    w.sender.calls.length = 0;
    const fo01 = buildFo01({ zender: { organisatie: '0363', applicatie: 'JeugdApp' }, ontvanger: { organisatie: AGB, applicatie: 'GGk' }, referentienummer: heenRef },
      new StufError('StUF055'));
    // from gemeente 0518 over its own CPA: it never received that message
    const out = await w.hub.process(inbound(fo01, { oin: OIN.g0518, cpaId: 'CPA-0518' }, 'Fo01Bericht'));
    expect(out).toMatchObject({ outcome: 'geweigerd', detail: 'Fo01 verwijst naar geen bericht dat over CPA CPA-0518 is doorgestuurd' });
    expect(w.sender.calls).toHaveLength(0);
  });
});
