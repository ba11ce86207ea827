/**
 * ISO 8601 durations as XML Schema `xs:duration` (XML Schema Part 2 §3.2.6): `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?`
 * with at least one component and no dangling `T`. Used for CPA RetryInterval, PersistDuration and timeToPerform
 * (EC release notes list CPA duration parsing as a recurring pain; the parser is strict and total).
 */

export interface Duration {
  negative: boolean;
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parse an xs:duration; returns null when the text is not one. */
export function parseDuration(text: string): Duration | null {
  const s = text.trim();
  const m = DURATION.exec(s);
  if (!m) return null;
  if (m.slice(2).every((g) => g === undefined)) return null; // "P" or "PT" alone
  if (s.endsWith('T')) return null;
  const n = (g: string | undefined): number => (g === undefined ? 0 : Number(g));
  return { negative: m[1] === '-', years: n(m[2]), months: n(m[3]), days: n(m[4]), hours: n(m[5]), minutes: n(m[6]), seconds: n(m[7]) };
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== null;
}

/** The instant `at + duration`, years and months added on the calendar (UTC) as XML Schema Appendix E does. */
export function addDuration(at: Date, d: Duration): Date {
  const sign = d.negative ? -1 : 1;
  const r = new Date(at.getTime());
  if (d.years !== 0 || d.months !== 0) {
    const day = r.getUTCDate();
    r.setUTCDate(1);
    r.setUTCMonth(r.getUTCMonth() + sign * (d.years * 12 + d.months));
    const lastDay = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
    r.setUTCDate(Math.min(day, lastDay));
  }
  const ms = (((d.days * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(r.getTime() + sign * Math.round(ms));
}

/**
 * Length of a duration in milliseconds, measured from `from` (default: now) so that months and years have their
 * calendar length. Throws a RangeError on text that is not an xs:duration.
 */
export function durationToMs(text: string, from: Date = new Date()): number {
  const d = parseDuration(text);
  if (!d) throw new RangeError(`not an xs:duration: "${text}"`);
  return addDuration(from, d).getTime() - from.getTime();
}

/** Format milliseconds as a day-time xs:duration (e.g. 10800000 -> PT3H, 86400000 -> P1D). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `${sign}P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
