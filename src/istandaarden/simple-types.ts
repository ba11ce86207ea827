/**
 * Checking a text value against a simple type of our schema description, with XML Schema 1.0 Part 2 semantics:
 * xs:string keeps whitespace (whiteSpace=preserve), xs:integer/xs:date/xs:time collapse it first; patterns and
 * enumerations apply to that (normalised) lexical value; lengths count characters (code points), not UTF-16 units.
 */
import type { SimpleTypeDef } from './schema-model.js';
import { xsdPatternToRegExp } from './xsd-regex.js';

export type SimpleRule = 'type' | 'pattern' | 'enumeration' | 'minLength' | 'maxLength' | 'minInclusive' | 'maxInclusive';

export interface SimpleViolation { rule: SimpleRule; message: string }

export interface CompiledSimpleType {
  def: SimpleTypeDef;
  patterns: RegExp[][];
  enumeration?: Set<string>;
  min?: bigint;
  max?: bigint;
}

const regexCache = new Map<string, RegExp>();

function regex(p: string): RegExp {
  let r = regexCache.get(p);
  if (!r) regexCache.set(p, (r = xsdPatternToRegExp(p)));
  return r;
}

export function compileSimpleType(def: SimpleTypeDef): CompiledSimpleType {
  const c: CompiledSimpleType = { def, patterns: (def.patterns ?? []).map((step) => step.map(regex)) };
  if (def.enumeration) c.enumeration = new Set(def.enumeration);
  if (def.minInclusive !== undefined) c.min = BigInt(def.minInclusive);
  if (def.maxInclusive !== undefined) c.max = BigInt(def.maxInclusive);
  return c;
}

/** whiteSpace=collapse (Part 2 §4.3.6). */
function collapse(v: string): string {
  return /^[^\t\n\r ]*$/.test(v) ? v : v.replace(/[\t\n\r ]+/g, ' ').trim();
}

function codePointLength(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** A value quoted in a problem message, shortened so a huge value never floods a Fo01 or the log. */
function show(v: string): string {
  return v.length > 40 ? `'${v.slice(0, 37)}...'` : `'${v}'`;
}

const INTEGER = /^[+-]?[0-9]+$/;
const DATE = /^(-?)([0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

function validTimezone(tz: string | undefined): boolean {
  if (tz === undefined || tz === 'Z') return true;
  const hh = Number(tz.slice(1, 3));
  const mm = Number(tz.slice(4, 6));
  return mm <= 59 && (hh < 14 || (hh === 14 && mm === 0));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** xs:date lexical space (Part 2 §3.2.9): no year 0000, no leading zeros beyond four year digits. */
function isDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const [, sign, y, mo, d, tz] = m as unknown as [string, string, string, string, string, string | undefined];
  if (y.length > 4 && y.startsWith('0')) return false;
  const year = Number(sign + y);
  const month = Number(mo);
  const day = Number(d);
  if (year === 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month) && validTimezone(tz);
}

/** xs:time lexical space (Part 2 §3.2.8); 24:00:00 is accepted as midnight (XSD 1.0 2nd edition, libxml2). */
function isTime(v: string): boolean {
  const m = TIME.exec(v);
  if (!m) return false;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h === 24) return min === 0 && s === 0 && !/[1-9]/.test(m[4] ?? '') && validTimezone(m[5]);
  return h <= 23 && min <= 59 && s <= 59 && validTimezone(m[5]);
}

/** Every facet the value breaks; empty when it is valid. */
export function checkSimpleValue(raw: string, t: CompiledSimpleType): SimpleViolation[] {
  const { def } = t;
  const v = def.base === 'string' ? raw : collapse(raw);
  const out: SimpleViolation[] = [];
  if (def.base === 'integer') {
    if (!INTEGER.test(v)) return [{ rule: 'type', message: `${show(v)} is not an integer (${def.name})` }];
    const n = BigInt(v);
    if (t.min !== undefined && n < t.min) out.push({ rule: 'minInclusive', message: `${v} is below the minimum ${def.minInclusive} (${def.name})` });
    if (t.max !== undefined && n > t.max) out.push({ rule: 'maxInclusive', message: `${v} is above the maximum ${def.maxInclusive} (${def.name})` });
  } else if (def.base === 'date') {
    if (!isDate(v)) return [{ rule: 'type', message: `${show(v)} is not a valid xs:date (${def.name})` }];
  } else if (def.base === 'time') {
    if (!isTime(v)) return [{ rule: 'type', message: `${show(v)} is not a valid xs:time (${def.name})` }];
  } else {
    const len = codePointLength(v);
    if (def.minLength !== undefined && len < def.minLength) {
      out.push({ rule: 'minLength', message: `length ${len} is below the minimum ${def.minLength} (${def.name})` });
    }
    if (def.maxLength !== undefined && len > def.maxLength) {
      // Do not run patterns over an oversized value; it is invalid already.
      return [...out, { rule: 'maxLength', message: `length ${len} exceeds the maximum ${def.maxLength} (${def.name})` }];
    }
  }
  if (t.enumeration && !t.enumeration.has(v)) {
    out.push({ rule: 'enumeration', message: `${show(v)} is not in codelijst ${def.name}` });
  }
  for (let i = 0; i < t.patterns.length; i++) {
    if (!t.patterns[i]!.some((r) => r.test(v))) {
      out.push({ rule: 'pattern', message: `${show(v)} does not match ${def.patterns![i]!.join(' | ')} (${def.name})` });
    }
  }
  return out;
}
