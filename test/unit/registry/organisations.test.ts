import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { OrganisationService, validateOrganisation } from '../../../src/registry/organisations.js';
import { GatewayError, ValidationError } from '../../../src/errors.js';

describe('organisation registry validation', () => {
  test.each([
    [{ kind: 'gemeente', code: '363', name: 'A', oins: ['00000099000000036300'] }, [{ path: 'code', message: 'gemeentecode must be 4 digits (CBS)' }]],
    [{ kind: 'gemeente', code: '0363', name: 'A' }, [{ path: 'oins', message: 'a gemeente needs at least one OIN authorised to act for it' }]],
    [{ kind: 'gemeente', code: '0363', name: 'A', oins: ['1234'] }, [{ path: 'oins.0', message: 'OIN must be 20 digits' }]],
    [{ kind: 'zorgaanbieder', code: '1234567', name: 'Zorg BV' }, [{ path: 'code', message: 'AGB code must be 8 digits' }]],
    [{ kind: 'ketenpartner', code: '0000009900000009000', name: 'VECOZO' }, [{ path: 'code', message: 'OIN must be 20 digits' }]],
    [{ kind: 'bank', code: '1', name: '' }, [{ path: 'kind', message: 'must be one of gemeente, zorgaanbieder, ketenpartner, knooppunt' }, { path: 'name', message: 'required' }]],
  ])('%j is refused with every problem', (input, expected) => {
    expect(validateOrganisation(input)).toEqual(expected);
  });

  test('valid organisations of every kind pass', () => {
    expect(validateOrganisation({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] })).toEqual([]);
    expect(validateOrganisation({ kind: 'zorgaanbieder', code: '12345678', name: 'Zorg BV' })).toEqual([]);
    expect(validateOrganisation({ kind: 'ketenpartner', code: '00000099000000090000', name: 'VECOZO' })).toEqual([]);
  });
});

describe('OrganisationService', () => {
  let store: SqliteStore;
  let svc: OrganisationService;
  beforeEach(async () => { store = await SqliteStore.open(':memory:'); svc = new OrganisationService(store); });
  afterEach(() => store.close());

  test('add, duplicate refused, resolve by code, AGB and OIN', async () => {
    await svc.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    await svc.add({ kind: 'zorgaanbieder', code: '12345678', name: 'Zorg BV' });
    await svc.add({ kind: 'ketenpartner', code: '00000099000000090000', name: 'VECOZO' });
    await expect(svc.add({ kind: 'gemeente', code: '0363', name: 'Again', oins: ['00000099000000036300'] }))
      .rejects.toMatchObject({ code: 'ERR_CONFLICT', message: 'organisation gemeente:0363 already exists' });
    expect((await svc.resolve('0363')).id).toBe('gemeente:0363');
    expect((await svc.resolve('12345678')).id).toBe('zorgaanbieder:12345678');
    expect((await svc.resolve('00000099000000090000')).id).toBe('ketenpartner:00000099000000090000');
    expect((await svc.resolve('00000099000000036300')).id).toBe('gemeente:0363');
    await expect(svc.resolve('9999')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  test('invalid input raises a ValidationError listing each field', async () => {
    const err = await svc.add({ kind: 'gemeente', code: 'x', name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as GatewayError).problems.map((p) => p.path)).toEqual(['code', 'name', 'oins']);
  });
});
