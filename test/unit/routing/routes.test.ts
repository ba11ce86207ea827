import { ValidationError } from '../../../src/errors.js';
import { richtingOf } from '../../../src/routing/routes.js';
import { cpa, NOW, OIN, world, type World } from './helpers.js';

async function problems(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ValidationError) return e.problems;
    throw e;
  }
  throw new Error('no ValidationError');
}

describe('RoutingTableService', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(() => w.store.close());

  test('richting follows the catalogue: a gemeente sends 301/319/325 and the retours of what it receives', () => {
    expect(['JW301', 'JW306', 'JW319', 'JW325', 'WMO316'].map(richtingOf)).toEqual(['verzenden', 'verzenden', 'verzenden', 'verzenden', 'verzenden']);
    expect(['JW302', 'JW305', 'JW315', 'JW320', 'WMO323'].map(richtingOf)).toEqual(['ontvangen', 'ontvangen', 'ontvangen', 'ontvangen', 'ontvangen']);
    expect(richtingOf('JW999')).toBeUndefined();
  });

  test('every problem of a route is listed with its field', async () => {
    expect(await problems(w.routes.set({ gemeentecode: '363', berichtstroom: 'wlz', berichttype: 'JW999', richting: 'heen', kanaal: 'fax', stufVersie: '0204' }))).toEqual([
      { path: 'gemeentecode', message: 'must be 4 digits (CBS gemeentecode)' },
      { path: 'berichtstroom', message: 'must be one of ijw, iwmo' },
      { path: 'richting', message: 'must be one of verzenden, ontvangen' },
      { path: 'berichttype', message: 'JW999 is not an iWmo/iJw 3.x berichttype' },
      { path: 'kanaal', message: 'must be one of digikoppeling, portaal' },
      { path: 'stufVersie', message: 'must be one of 0210, 0310' },
    ]);
    expect(await problems(w.routes.set({ gemeentecode: '0999', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'portaal', cpaId: 'X' }))).toEqual([
      { path: 'gemeentecode', message: 'gemeente 0999 is not registered' },
      { path: 'cpaId', message: 'not used for kanaal portaal' },
    ]);
  });

  test('a Digikoppeling route needs a CPA of that gemeente, for that berichtstroom, not withdrawn', async () => {
    const base = { gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'digikoppeling' };
    expect(await problems(w.routes.set({ ...base, cpaId: 'NOPE' }))).toEqual([{ path: 'cpaId', message: 'CPA NOPE bestaat niet' }]);
    expect(await problems(w.routes.set({ ...base, cpaId: 'CPA-0518' }))).toEqual([{ path: 'cpaId', message: `CPA CPA-0518 hoort niet bij gemeente:0363 (partij ${OIN.g0518})` }]);
    const ev = { at: NOW.toISOString(), event: 'test', detail: null };
    await w.store.cpas.insert(cpa('CPA-0363-WMO', OIN.g0363, { berichtstroom: 'iwmo' }), ev);
    expect(await problems(w.routes.set({ ...base, cpaId: 'CPA-0363-WMO' }))).toEqual([{ path: 'cpaId', message: 'CPA CPA-0363-WMO is voor berichtstroom iwmo, niet ijw' }]);
    await w.store.cpas.insert(cpa('CPA-0363-OUD', OIN.g0363, { status: 'ingetrokken' }), ev);
    expect(await problems(w.routes.set({ ...base, cpaId: 'CPA-0363-OUD' }))).toEqual([{ path: 'cpaId', message: 'CPA CPA-0363-OUD heeft status ingetrokken' }]);
    // a CPA not yet activated may be assigned; traffic waits for the Ping Pong (IB101 until then)
    await w.store.cpas.insert(cpa('CPA-0363-NIEUW', OIN.g0363, { status: 'gegenereerd' }), ev);
    const [route] = await w.routes.set({ ...base, cpaId: 'CPA-0363-NIEUW', stufVersie: '0310' }, 'tester');
    expect(route).toEqual({ ...base, cpaId: 'CPA-0363-NIEUW', stufVersie: '0310', updatedAt: NOW.toISOString(), updatedBy: 'tester' });
    expect(await w.routes.get({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen' })).toEqual(route);
  });

  test('switching to Portaal drops the CPA; list filters', async () => {
    await w.routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'portaal' });
    expect((await w.routes.get({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen' }))!.cpaId).toBeNull();
    expect((await w.routes.list({ gemeentecode: '0518' })).map((r) => r.berichttype)).toEqual(['JW302', 'JW305', 'JW307', 'JW315', 'JW317', 'JW320', 'JW323']);
    expect(await w.routes.list({ richting: 'verzenden' })).toEqual([]);
  });

  test('the chain partner must be a ketenpartner with its own CPA', async () => {
    expect(await problems(w.routes.setKetenpartner({ berichtstroom: 'iwmo', organisation: '0363', cpaId: 'CPA-0363' }))).toEqual([
      { path: 'organisation', message: 'gemeente:0363 is not a ketenpartner' },
    ]);
    expect(await problems(w.routes.setKetenpartner({ berichtstroom: 'iwmo', organisation: OIN.vecozo, cpaId: 'CPA-0363' }))).toEqual([
      { path: 'cpaId', message: `CPA CPA-0363 hoort niet bij ketenpartner:${OIN.vecozo} (partij ${OIN.g0363})` },
    ]);
    expect(await problems(w.routes.setKetenpartner({ berichtstroom: 'iwmo', organisation: '00000099000000012345' }))).toEqual([
      { path: 'organisation', message: 'no organisation 00000099000000012345' },
      { path: 'cpaId', message: 'required: the CPA between the hub and the ketenpartner' },
    ]);
    await w.store.cpas.insert(cpa('CPA-VECOZO-WMO', OIN.vecozo, { berichtstroom: 'iwmo' }), { at: NOW.toISOString(), event: 'test', detail: null });
    const k = await w.routes.setKetenpartner({ berichtstroom: 'iwmo', organisation: `ketenpartner:${OIN.vecozo}`, cpaId: 'CPA-VECOZO-WMO' });
    expect(k).toEqual({ berichtstroom: 'iwmo', organisationId: `ketenpartner:${OIN.vecozo}`, cpaId: 'CPA-VECOZO-WMO', stufVersie: '0210', updatedAt: NOW.toISOString(), updatedBy: null });
    expect((await w.routes.listKetenpartners()).map((x) => x.berichtstroom)).toEqual(['ijw', 'iwmo']);
  });
});
