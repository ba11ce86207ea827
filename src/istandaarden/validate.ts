/**
 * Streaming structural validation of an iWmo/iJw 3.x payload against our schema description (no XSD at run time).
 * The root namespace selects berichttype and release; every problem is collected with an XPath-like location, the
 * rule that failed and a message. A payload with problems is refused by the caller with Fo01 StUF055 (GGk spec
 * §2.3; IV028 controleniveau 1: no retourbericht for an XSD-invalid heenbericht).
 */
import { lookupNamespace } from './catalogue.js';
import type { IstandaardVersion } from './catalogue.js';
import { messageSchema } from './schemas.js';
import type { CompiledComplexType, Particle } from './schemas.js';
import { checkSimpleValue } from './simple-types.js';
import type { CompiledSimpleType, SimpleRule } from './simple-types.js';
import { PayloadReadError, payloadText } from './xml-input.js';
import { scanXml } from './xml-scan.js';
import type { ScanAttribute } from './xml-scan.js';
import type { InputRule } from './xml-input.js';

export type PayloadRule = InputRule | SimpleRule | 'namespace' | 'root' | 'minOccurs' | 'maxOccurs' | 'order'
  | 'unexpected' | 'attribute' | 'text' | 'limit';

export interface PayloadProblem {
  /** XPath-like location, e.g. /Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum */
  element: string;
  rule: PayloadRule;
  message: string;
}

export interface PayloadValidation {
  /** e.g. JW301; null when the root namespace is no iWmo/iJw 3.x message namespace. */
  berichttype: string | null;
  version: IstandaardVersion | null;
  valid: boolean;
  problems: PayloadProblem[];
}

/** Beyond this many problems the rest are summarised in one 'limit' problem. */
export const MAX_PROBLEMS = 200;

const XSI_URI = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_WS = /^[ \t\n\r]*$/;

interface Frame {
  path: string;
  complex?: CompiledComplexType;
  simple?: CompiledSimpleType;
  /** Element content: index of the current particle and how often it occurred; per-particle occurrence counts. */
  idx: number;
  count: number;
  seen?: number[];
  text: string;
  hasChildElement: boolean;
  /** Unknown or misplaced subtree: not validated further. */
  skip: boolean;
}

function frame(path: string, skip: boolean, complex?: CompiledComplexType, simple?: CompiledSimpleType): Frame {
  const f: Frame = { path, idx: 0, count: 0, text: '', hasChildElement: false, skip };
  if (complex) { f.complex = complex; f.seen = new Array<number>(complex.particles.length).fill(0); }
  if (simple) f.simple = simple;
  return f;
}

/** Validate an iWmo/iJw 3.0–3.2 message; never throws for bad input. */
export function validatePayload(xml: string | Buffer | Uint8Array): PayloadValidation {
  const result: PayloadValidation = { berichttype: null, version: null, valid: false, problems: [] };
  const problems = result.problems;
  let dropped = 0;
  const report = (element: string, rule: PayloadRule, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ element, rule, message });
    else dropped++;
  };
  const stack: Frame[] = [];
  let stop = false;

  /** Advance the sequence of `f` to a particle named (uri, local); report skipped required particles. */
  const place = (f: Frame, uri: string, local: string): Particle | undefined => {
    const ps = f.complex!.particles;
    const cur = ps[f.idx];
    if (cur && cur.name === local && cur.uri === uri && f.count < cur.maxOccurs) {
      f.count++;
      f.seen![f.idx]!++;
      return cur;
    }
    let j = f.idx + 1;
    while (j < ps.length && !(ps[j]!.name === local && ps[j]!.uri === uri)) j++;
    if (j < ps.length) {
      for (let k = f.idx; k < j; k++) {
        const need = ps[k]!.minOccurs - (k === f.idx ? f.count : 0);
        if (need > 0) report(`${f.path}/${ps[k]!.name}`, 'minOccurs', `required element ${ps[k]!.name} is missing before ${local}`);
      }
      f.idx = j;
      f.count = 1;
      f.seen![j]!++;
      return ps[j];
    }
    const at = `${f.path}/${local}`;
    const earlier = ps.findIndex((p) => p.name === local && p.uri === uri);
    if (earlier >= 0 && earlier === f.idx) {
      report(at, 'maxOccurs', `${local} occurs more than ${cur!.maxOccurs} time(s)`);
    } else if (earlier >= 0) {
      report(at, 'order', `${local} is out of order: expected ${expectedAt(f)}`);
    } else if (ps.some((p) => p.name === local)) {
      report(at, 'namespace', `${local} is in namespace '${uri}', expected '${ps.find((p) => p.name === local)!.uri}'`);
    } else {
      report(at, 'unexpected', `element ${local} is not allowed here: expected ${expectedAt(f)}`);
    }
    return undefined;
  };

  const expectedAt = (f: Frame): string => {
    const ps = f.complex!.particles;
    const names: string[] = [];
    for (let k = f.idx; k < ps.length; k++) {
      if (k === f.idx && f.count >= ps[k]!.maxOccurs) continue;
      names.push(ps[k]!.name);
      if (ps[k]!.minOccurs > (k === f.idx ? f.count : 0)) break;
    }
    return names.length > 0 ? `one of ${names.join(', ')}` : 'no further element';
  };

  const checkAttributes = (attributes: ScanAttribute[], path: string): void => {
    for (const a of attributes) {
      if (a.uri === XSI_URI && (a.local === 'schemaLocation' || a.local === 'noNamespaceSchemaLocation')) continue;
      report(`${path}/@${a.name}`, 'attribute', `attribute ${a.name} is not allowed`);
    }
  };

  const open = (uri: string, local: string, attributes: ScanAttribute[]): void => {
    if (stop) return;
    const parent = stack[stack.length - 1];
    if (!parent) {
      const found = lookupNamespace(uri);
      if (!found) {
        report(`/${local}`, 'namespace', `'${uri}' is not an iWmo/iJw 3.x message namespace`);
        stop = true;
        return;
      }
      result.berichttype = found.bericht.berichttype;
      result.version = found.version;
      if (local !== 'Bericht') {
        report(`/${local}`, 'root', `root element must be Bericht, found ${local}`);
        stop = true;
        return;
      }
      const schema = messageSchema(found.bericht.berichttype, found.version);
      checkAttributes(attributes, '/Bericht');
      stack.push(frame('/Bericht', false, schema.root));
      return;
    }
    parent.hasChildElement = true;
    if (parent.skip) { stack.push(frame('', true)); return; }
    if (!parent.complex) {
      report(`${parent.path}/${local}`, 'unexpected', `element ${local} inside simple-typed ${parent.path.slice(parent.path.lastIndexOf('/') + 1)}`);
      stack.push(frame('', true));
      return;
    }
    const p = place(parent, uri, local);
    if (!p) { stack.push(frame('', true)); return; }
    const n = parent.seen![parent.complex.particles.indexOf(p)]!;
    const path = `${parent.path}/${p.name}${p.maxOccurs > 1 ? `[${n}]` : ''}`;
    checkAttributes(attributes, path);
    stack.push(frame(path, false, p.complex, p.simple));
  };
  const text = (chunk: string): void => {
    const f = stack[stack.length - 1];
    if (!f || f.skip || stop) return;
    if (f.simple) f.text += chunk;
    else if (!XML_WS.test(chunk)) {
      // Report once per element: mark by making text non-empty.
      if (f.text === '') report(f.path, 'text', `text is not allowed in element-only content of ${f.path.slice(f.path.lastIndexOf('/') + 1)}`);
      f.text = 'x';
    }
  };
  const close = (): void => {
    if (stop) return;
    const f = stack.pop();
    if (!f || f.skip) return;
    if (f.simple) {
      if (!f.hasChildElement) {
        for (const v of checkSimpleValue(f.text, f.simple)) report(f.path, v.rule, v.message);
      }
    } else if (f.complex) {
      const ps = f.complex.particles;
      for (let k = f.idx; k < ps.length; k++) {
        const need = ps[k]!.minOccurs - (k === f.idx ? f.count : 0);
        if (need > 0) report(`${f.path}/${ps[k]!.name}`, 'minOccurs', `required element ${ps[k]!.name} is missing${need > 1 ? ` (${need} more)` : ''}`);
      }
    }
  };

  try {
    scanXml(payloadText(xml), { open, text, close });
  } catch (e) {
    if (!(e instanceof PayloadReadError)) throw e;
    report('/', e.rule, e.message);
  }
  if (dropped > 0) problems.push({ element: '/', rule: 'limit', message: `${dropped} further problem(s) not listed` });
  result.valid = problems.length === 0;
  return result;
}

/** One line per problem in the Fo01 StUF055 style: element, rule, message. */
export function describeProblem(p: PayloadProblem): string {
  return `${p.element}: ${p.rule}: ${p.message}`;
}
