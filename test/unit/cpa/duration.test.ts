import { addDuration, durationToMs, formatDuration, parseDuration } from '../../../src/cpa/duration.js';

describe('xs:duration', () => {
  test.each([
    ['PT3H', 3 * 3600_000], ['P1D', 86_400_000], ['PT5M', 300_000], ['PT30M', 1_800_000], ['P2DT1H30M', 2 * 86_400_000 + 5_400_000],
    ['PT0.5S', 500], ['-PT1H', -3600_000], ['P0D', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(durationToMs(text, new Date('2025-03-01T00:00:00Z'))).toBe(ms);
  });

  test('months and years use the calendar from the reference date', () => {
    expect(durationToMs('P1M', new Date('2025-02-01T00:00:00Z'))).toBe(28 * 86_400_000);
    expect(durationToMs('P1Y', new Date('2024-01-01T00:00:00Z'))).toBe(366 * 86_400_000);
    expect(addDuration(new Date('2025-01-31T00:00:00Z'), parseDuration('P1M')!).toISOString()).toBe('2025-02-28T00:00:00.000Z');
  });

  test.each(['', 'P', 'PT', 'P1H', 'PT1D', '3h', 'P1DT', 'P-1D', 'PT1.S', '1D'])('"%s" is not an xs:duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  test('durationToMs throws a RangeError on bad text', () => {
    expect(() => durationToMs('3 hours')).toThrow(new RangeError('not an xs:duration: "3 hours"'));
  });

  test('formatDuration', () => {
    expect(formatDuration(3 * 3600_000)).toBe('PT3H');
    expect(formatDuration(86_400_000)).toBe('P1D');
    expect(formatDuration(90_061_500)).toBe('P1DT1H1M1.5S');
    expect(formatDuration(0)).toBe('PT0S');
  });
});
