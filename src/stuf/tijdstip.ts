/**
 * StUF:Tijdstip (`[0-9]{8,17}`: yyyyMMdd[HH[mm[ss[fff]]]]) in Dutch local time (Europe/Amsterdam), as the
 * chain's examples show (`20160421132514`). We always write the full 17 digits, yyyyMMddHHmmssfff.
 */
import { TIJDSTIP_PATTERN } from './model.js';

const ZONE = 'Europe/Amsterdam';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function partsOf(date: Date): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of wallClock.formatToParts(date)) parts[p.type] = p.value;
  return parts;
}

/** `date` (default now) as yyyyMMddHHmmssfff in Europe/Amsterdam. */
export function formatTijdstip(date: Date = new Date()): string {
  const p = partsOf(date);
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}${ms}`;
}

/**
 * Reads a StUF:Tijdstip as an instant (Europe/Amsterdam wall clock; missing trailing parts are zero).
 * Returns undefined when the value does not match the pattern or is not a real calendar time.
 */
export function parseTijdstip(value: string): Date | undefined {
  if (!TIJDSTIP_PATTERN.test(value)) return undefined;
  const num = (from: number, len: number): number => (value.length >= from + len ? Number(value.slice(from, from + len)) : 0);
  const [y, mo, d, h, mi, s] = [num(0, 4), num(4, 2), num(6, 2), num(8, 2), num(10, 2), num(12, 2)];
  const ms = value.length > 14 ? Number(value.slice(14).padEnd(3, '0')) : 0;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  // Shift by the zone offset at that instant; a second pass settles the DST changeover hours.
  let instant = asUtc - offsetAt(new Date(asUtc));
  instant = asUtc - offsetAt(new Date(instant));
  return new Date(instant);
}

/** Europe/Amsterdam offset from UTC at `date`, in milliseconds. */
function offsetAt(date: Date): number {
  const p = partsOf(date);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - (date.getTime() - date.getUTCMilliseconds());
}
