import { randomUUID } from 'node:crypto';
import { FROM_0363, world } from './helpers.js';

describe('routing store (migration 0004)', () => {
  test('IB216 reservation is atomic per zender (organisatie + applicatie) and can be released', async () => {
    const w = await world();
    const ref = { zenderOrganisatie: '0363', zenderApplicatie: 'JeugdApp', referentienummer: randomUUID() };
    const at = '2024-07-01T12:00:00.000Z';
    expect(await Promise.all([w.store.routing.reserveReferentie(ref, at), w.store.routing.reserveReferentie(ref, at)])).toEqual([true, false]);
    expect(await w.store.routing.reserveReferentie({ ...ref, zenderApplicatie: 'WmoApp' }, at)).toBe(true);
    await w.store.routing.releaseReferentie(ref);
    expect(await w.store.routing.reserveReferentie(ref, at)).toBe(true);
    await w.store.close();
  });

  test('the schema refuses a Digikoppeling route without CPA and unknown outcomes', async () => {
    const w = await world();
    expect(() => w.store.db.prepare(`INSERT INTO routes (gemeentecode, berichtstroom, berichttype, richting, kanaal, cpa_id, stuf_versie, updated_at)
      VALUES ('0363', 'ijw', 'JW302', 'verzenden', 'digikoppeling', NULL, '0210', 'x')`).run()).toThrow('CHECK constraint failed');
    expect(() => w.store.db.prepare(`INSERT INTO routing_log (id, at, ebms_message_id, cpa_id, sender_oin, outcome)
      VALUES ('x', 'x', 'x', 'x', 'x', 'verloren')`).run()).toThrow('CHECK constraint failed');
    await w.store.close();
  });

  test('an ebMS message without any part is logged as refused (RIN001) without a Fo01', async () => {
    const w = await world();
    const out = await w.hub.process({ ebmsMessageId: 'm@x', cpaId: FROM_0363.cpaId, senderOin: FROM_0363.oin, action: 'envelopHeenbericht-ggk_Di01', conversationId: 'c', parts: [] });
    expect(out).toEqual({ outcome: 'geweigerd', foutcode: 'RIN001', detail: 'Asynchrone algemene fout. het ebMS-bericht bevat geen StUF-bericht (geen Fo01: stuurgegevens onleesbaar)', logId: expect.any(String), berichttype: null, gemeentecode: null });
    expect(w.sender.calls).toEqual([]);
    const log = await w.store.routing.listLog({ outcome: 'geweigerd' });
    expect(log.map((r) => [r.ebmsMessageId, r.foutcode])).toEqual([['m@x', 'RIN001']]);
    await w.store.close();
  });
});
