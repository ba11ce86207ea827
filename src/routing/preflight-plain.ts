/**
 * The preflight result as plain data, to cross a worker-thread boundary (structured clone keeps no classes: a
 * StufError would arrive as a bare Error without its code, plek or element). Envelop, Fo01 and header are plain
 * objects already; the problems are turned into their constructor arguments and rebuilt on the other side, and
 * the envelop's bericht.inhoud (a Buffer, which arrives as a bare Uint8Array) is a Buffer again.
 */
import { StufError, type StufFoutcode } from '../stuf/errors.js';
import type { StufPlek } from '../stuf/model.js';
import type { PreflightResult } from './preflight.js';

export interface PlainStufError {
  code: StufFoutcode;
  toelichting?: string;
  element?: string;
  details?: string;
  plek: StufPlek;
}

/** Each variant of PreflightResult with its problems as PlainStufError (distributed over the union). */
export type PlainPreflightResult = PreflightResult extends infer R ? R extends PreflightResult ? Omit<R, 'problems'> & { problems: PlainStufError[] } : never : never;

const plainError = (e: StufError): PlainStufError => ({
  code: e.code, plek: e.plek,
  ...(e.toelichting !== undefined ? { toelichting: e.toelichting } : {}),
  ...(e.element !== undefined ? { element: e.element } : {}),
  ...(e.details !== undefined ? { details: e.details } : {}),
});

export function toPlain(r: PreflightResult): PlainPreflightResult {
  return { ...r, problems: r.problems.map(plainError) } as PlainPreflightResult;
}

export function fromPlain(r: PlainPreflightResult): PreflightResult {
  const problems = r.problems.map((p) => new StufError(p.code, p.toelichting, {
    plek: p.plek, ...(p.element !== undefined ? { element: p.element } : {}), ...(p.details !== undefined ? { details: p.details } : {}),
  }));
  if (r.kind === 'envelop') {
    // A Buffer arrives as a plain Uint8Array: the same bytes, without copying, as a Buffer again.
    const { inhoud } = r.envelop.bericht;
    const bericht = { ...r.envelop.bericht, inhoud: Buffer.from(inhoud.buffer, inhoud.byteOffset, inhoud.byteLength) };
    return { ...r, envelop: { ...r.envelop, bericht }, problems };
  }
  return { ...r, problems } as PreflightResult;
}
