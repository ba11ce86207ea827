import { generateCpa } from '../../../src/cpa/generate.js';
import { canTransition, effectiveStatus, expiryWarnings, WARNING_DAYS } from '../../../src/cpa/lifecycle.js';
import type { CpaRecord, CpaStatus } from '../../../src/store/store.js';
import { adapterFields, hubIdentity, isoDay } from './cpa-fixtures.js';

const DAY = 86_400_000;
const STATES: CpaStatus[] = ['aangevraagd', 'gegenereerd', 'geactiveerd', 'verlopen', 'ingetrokken'];

describe('CPA lifecycle (aangevraagd → gegenereerd → geactiveerd → verlopen | ingetrokken)', () => {
  test('the complete transition table', () => {
    const allowed = STATES.flatMap((from) => STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual([
      'aangevraagd→gegenereerd', 'aangevraagd→ingetrokken',
      'gegenereerd→geactiveerd', 'gegenereerd→verlopen', 'gegenereerd→ingetrokken',
      'geactiveerd→geactiveerd', 'geactiveerd→verlopen', 'geactiveerd→ingetrokken',
    ]);
  });

  test('effectiveStatus: a generated or active CPA whose End passed is verlopen; final states stay', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const rec = (status: CpaStatus, endAt: string) => ({ status, endAt }) as CpaRecord;
    expect(effectiveStatus(rec('gegenereerd', '2027-05-31T23:59:59Z'), now)).toBe('verlopen');
    expect(effectiveStatus(rec('geactiveerd', '2027-05-31T23:59:59Z'), now)).toBe('verlopen');
    expect(effectiveStatus(rec('geactiveerd', '2027-06-01T00:00:00Z'), now)).toBe('geactiveerd'); // End itself still counts
    expect(effectiveStatus(rec('ingetrokken', '2027-05-31T23:59:59Z'), now)).toBe('ingetrokken');
    expect(effectiveStatus(rec('aangevraagd', '2027-05-31T23:59:59Z'), now)).toBe('aangevraagd');
  });

  test('expiry warnings: none from 30 days, threshold 30 below it, 7 below 7 days, none after the End', () => {
    expect(WARNING_DAYS).toEqual([30, 7]);
    const { cpa, cpaId } = generateCpa(adapterFields({ einddatum: isoDay(200) }), { hub: hubIdentity() });
    const end = cpa.End.getTime();
    const day = cpa.End.toISOString().slice(0, 10);
    const at = (ms: number) => expiryWarnings(cpa, new Date(end - ms)).map((w) => [w.what, w.ref, w.threshold, w.daysLeft, w.message, w.expiresAt]);
    expect(at(30 * DAY)).toEqual([]);
    expect(at(30 * DAY - 1)).toEqual([['cpa', cpaId, 30, 29, `CPA ${cpaId} ends in 29 days (${day})`, cpa.End.toISOString()]]);
    expect(at(7 * DAY)).toEqual([['cpa', cpaId, 30, 7, `CPA ${cpaId} ends in 7 days (${day})`, cpa.End.toISOString()]]);
    expect(at(7 * DAY - 1)).toEqual([['cpa', cpaId, 7, 6, `CPA ${cpaId} ends in 6 days (${day})`, cpa.End.toISOString()]]);
    expect(at(DAY + 1)).toEqual([['cpa', cpaId, 7, 1, `CPA ${cpaId} ends in 1 day (${day})`, cpa.End.toISOString()]]);
    expect(at(1)).toEqual([['cpa', cpaId, 7, 0, `CPA ${cpaId} ends in 0 days (${day})`, cpa.End.toISOString()]]);
    expect(at(-1)).toEqual([]);
  });
});
