/**
 * Test corpus for the validator/XSD agreement test: from our schema description, a minimal and a full valid
 * instance per berichttype, then mutated variants (missing required element, wrong order, pattern / enumeration /
 * length / range violations, extra element, bad dates, …) and edge variants whose verdict we do not presume
 * (whitespace, comments, CDATA, Unicode lengths). The official XSDs (xmllint) are the judge in the test.
 */
import { basisschemaNamespace, berichtByType } from '../../../src/istandaarden/catalogue.js';
import type { IstandaardVersion } from '../../../src/istandaarden/catalogue.js';
import { messageSchema } from '../../../src/istandaarden/schemas.js';
import type { CompiledComplexType, Particle } from '../../../src/istandaarden/schemas.js';
import { checkSimpleValue } from '../../../src/istandaarden/simple-types.js';
import type { CompiledSimpleType } from '../../../src/istandaarden/simple-types.js';

export interface XNode {
  name: string;
  uri: string;
  children: XNode[];
  text?: string;
  /** Serialised verbatim as the content (e.g. CDATA). */
  raw?: string;
  /** Serialised verbatim before the element (comments, PIs, stray elements). */
  before?: string;
  attrs?: string;
  particle?: Particle;
}

/** 'invalid': xmllint must reject it; 'valid': xmllint must accept it; 'edge': only agreement is asserted. */
export interface CorpusDoc { label: string; expect: 'valid' | 'invalid' | 'edge'; xml: string }

const CANDIDATES = ['0363', '98765432', '999993653', '1.0.0', 'A', 'Ab', 'Tekst', 'ID2024001', '1', '0201234567'];

function fits(v: string, t: CompiledSimpleType): boolean {
  return checkSimpleValue(v, t).length === 0;
}

/** A valid value; variant 1 prefers boundary values (maximum length in astral characters, maximum integer). */
export function sampleValue(t: CompiledSimpleType, variant: 0 | 1): string {
  const d = t.def;
  if (d.enumeration) return variant === 0 ? d.enumeration[0]! : d.enumeration[d.enumeration.length - 1]!;
  if (d.base === 'date') return variant === 0 ? '2024-03-04' : '2000-02-29';
  if (d.base === 'time') return variant === 0 ? '09:41:00' : '23:59:59.5';
  const literals = (d.patterns ?? []).flat().filter((p) => /^[0-9]+$/.test(p));
  if (literals.length > 0) return literals[0]!;
  if (d.base === 'integer') return variant === 0 ? (d.minInclusive ?? '0') : (d.maxInclusive ?? '99');
  const max = d.maxLength ?? 300;
  const tries = variant === 1 ? ['\u{1F600}'.repeat(max), 'é'.repeat(max), '9'.repeat(max), ...CANDIDATES] : CANDIDATES;
  const v = tries.find((c) => fits(c, t));
  if (v === undefined) throw new Error(`no sample value for ${d.name}`);
  return v;
}

function build(p: Particle, fill: 'minimal' | 'full', variant: 0 | 1): XNode[] {
  const n = fill === 'minimal' ? p.minOccurs : Math.max(1, p.minOccurs, Math.min(p.maxOccurs, 2));
  const out: XNode[] = [];
  for (let i = 0; i < n; i++) {
    const node: XNode = { name: p.name, uri: p.uri, children: [], particle: p };
    if (p.complex) node.children = children(p.complex, fill, variant);
    else node.text = sampleValue(p.simple!, (i % 2 === 0 ? variant : 1 - variant) as 0 | 1);
    out.push(node);
  }
  return out;
}

function children(ct: CompiledComplexType, fill: 'minimal' | 'full', variant: 0 | 1): XNode[] {
  return ct.particles.flatMap((p) => build(p, fill, variant));
}

export function buildInstance(berichttype: string, fill: 'minimal' | 'full', version: IstandaardVersion = '3.2', variant: 0 | 1 = 0): XNode {
  const m = messageSchema(berichttype, version);
  return { name: 'Bericht', uri: m.uri, children: children(m.root, fill, variant) };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function serialize(root: XNode, berichttype: string, version: IstandaardVersion = '3.2'): string {
  const def = berichtByType(berichttype)!;
  const basis = basisschemaNamespace(def.berichtstroom, version);
  const prefix = new Map([[root.uri, def.berichttype.toLowerCase()], [basis, def.berichtstroom]]);
  const q = (n: XNode): string => (prefix.has(n.uri) ? `${prefix.get(n.uri)}:${n.name}` : n.name);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const write = (n: XNode, depth: number): void => {
    const ind = '  '.repeat(depth);
    if (n.before) out.push(ind, n.before, '\n');
    const decl = depth === 0 ? ` xmlns:${prefix.get(root.uri)}="${root.uri}" xmlns:${def.berichtstroom}="${basis}"` : '';
    const open = `${ind}<${q(n)}${decl}${n.attrs ?? ''}>`;
    if (n.raw !== undefined) out.push(open, n.raw, `</${q(n)}>\n`);
    else if (n.text !== undefined && n.children.length === 0) out.push(open, esc(n.text), `</${q(n)}>\n`);
    else {
      out.push(open, '\n');
      for (const c of n.children) write(c, depth + 1);
      out.push(`${ind}</${q(n)}>\n`);
    }
  };
  write(root, 0);
  return out.join('');
}

function clone(n: XNode): XNode {
  return { ...n, children: n.children.map(clone) };
}

interface Located { node: XNode; parent: XNode | undefined; index: number }

function flatten(root: XNode): Located[] {
  const out: Located[] = [];
  const walk = (n: XNode, parent: XNode | undefined, index: number): void => {
    out.push({ node: n, parent, index });
    n.children.forEach((c, i) => walk(c, n, i));
  };
  walk(root, undefined, 0);
  return out;
}

/** Up to three spread positions of a candidate list. */
function spread<T>(xs: T[]): T[] {
  if (xs.length <= 3) return xs;
  return [xs[0]!, xs[Math.floor(xs.length / 2)]!, xs[xs.length - 1]!];
}

type Mutation = (l: Located) => void;

/** Apply `mutate` to a fresh copy at each chosen position of those matching `pick`. */
function variants(base: XNode, label: string, expect: CorpusDoc['expect'], pick: (l: Located) => boolean, mutate: Mutation,
  bt: string, version: IstandaardVersion): CorpusDoc[] {
  const positions = flatten(base).map((l, i) => [l, i] as const).filter(([l]) => pick(l)).map(([, i]) => i);
  return spread(positions).map((i) => {
    const copy = clone(base);
    const target = flatten(copy)[i]!;
    mutate(target);
    return { label: `${label}@${i}`, expect, xml: serialize(copy, bt, version) };
  });
}

const isLeaf = (l: Located): boolean => l.node.particle?.simple !== undefined;
const simpleOf = (l: Located): CompiledSimpleType => l.node.particle!.simple!;

/** The whole corpus for one berichttype. */
export function corpus(bt: string, version: IstandaardVersion = '3.2'): CorpusDoc[] {
  const min = buildInstance(bt, 'minimal', version);
  const full = buildInstance(bt, 'full', version);
  const full1 = buildInstance(bt, 'full', version, 1);
  const docs: CorpusDoc[] = [
    { label: 'minimal', expect: 'valid', xml: serialize(min, bt, version) },
    { label: 'full', expect: 'valid', xml: serialize(full, bt, version) },
    { label: 'full-boundary', expect: 'valid', xml: serialize(full1, bt, version) },
  ];
  const v = (label: string, expect: CorpusDoc['expect'], base: XNode, pick: (l: Located) => boolean, mutate: Mutation): void => {
    docs.push(...variants(base, label, expect, pick, mutate, bt, version));
  };
  const required = (l: Located): boolean => l.parent !== undefined && (l.node.particle?.minOccurs ?? 0) >= 1
    && l.parent.children.filter((c) => c.name === l.node.name).length <= l.node.particle!.minOccurs;
  v('missing-required', 'invalid', min, required, (l) => l.parent!.children.splice(l.index, 1));
  v('wrong-order', 'invalid', full, (l) => l.parent !== undefined && l.index > 0 && l.parent.children[l.index - 1]!.name !== l.node.name,
    (l) => { const c = l.parent!.children; [c[l.index - 1], c[l.index]] = [c[l.index]!, c[l.index - 1]!]; });
  v('too-many', 'invalid', full, (l) => l.parent !== undefined && l.node.particle?.maxOccurs === 1,
    (l) => l.parent!.children.splice(l.index, 0, clone(l.node)));
  v('extra-element', 'invalid', full, (l) => l.node.particle?.complex !== undefined || l.parent === undefined,
    (l) => l.node.children.push({ name: 'Extra', uri: l.node.uri, children: [], text: '1' }));
  v('wrong-namespace', 'invalid', full, (l) => l.parent !== undefined && l.node.uri.includes('basisschema'),
    (l) => { l.node.uri = l.parent!.uri.includes('basisschema') ? l.parent!.uri.replace('basisschema', bt.toLowerCase()) : l.parent!.uri; });
  v('pattern', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).patterns.length > 0 && simpleOf(l).def.base !== 'date' && simpleOf(l).def.base !== 'time',
    (l) => { l.node.text = ['  ', 'abcd', '999', '0'].find((x) => checkSimpleValue(x, simpleOf(l)).some((p) => p.rule === 'pattern')) ?? ' '; });
  v('enumeration', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).enumeration !== undefined, (l) => { l.node.text = 'Z'; });
  v('too-long', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.maxLength !== undefined,
    (l) => { l.node.text = '9'.repeat(simpleOf(l).def.maxLength! + 1); });
  v('empty', 'invalid', min, (l) => isLeaf(l) && (simpleOf(l).def.minLength ?? 0) >= 1, (l) => { l.node.text = ''; });
  v('bad-date', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '2023-02-29'; });
  v('date-timezone', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '2024-03-04Z'; });
  v('date-format', 'invalid', min, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '04-03-2024'; });
  v('bad-time', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'time', (l) => { l.node.text = '25:00:00'; });
  v('time-timezone', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'time', (l) => { l.node.text = '09:41:00+01:00'; });
  v('above-max', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.maxInclusive !== undefined && !simpleOf(l).def.patterns,
    (l) => { l.node.text = (BigInt(simpleOf(l).def.maxInclusive!) + 1n).toString(); });
  v('negative', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.minInclusive === '0' && !simpleOf(l).def.patterns, (l) => { l.node.text = '-1'; });
  v('not-integer', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'integer', (l) => { l.node.text = '1.5'; });
  v('text-in-complex', 'invalid', full, (l) => l.node.particle?.complex !== undefined, (l) => { l.node.children[0]!.before = 'tekst'; });
  v('attribute', 'invalid', full, (l) => l.parent !== undefined, (l) => { l.node.attrs = ' soort="x"'; });
  v('child-in-simple', 'invalid', full, isLeaf, (l) => { l.node.raw = `<${bt.toLowerCase()}:X>1</${bt.toLowerCase()}:X>`; });
  v('padded-string', 'invalid', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'string' && (simpleOf(l).def.patterns ?? []).flat().some((p) => p.startsWith('[0-9]')),
    (l) => { l.node.text = ` ${l.node.text} `; });
  // Edge variants: whitespace collapse, lexical forms, comments, CDATA, Unicode; agreement only.
  v('padded-value', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base !== 'string', (l) => { l.node.text = `\n  ${l.node.text}\t `; });
  v('plus-sign', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'integer', (l) => { l.node.text = `+${l.node.text}`; });
  v('leading-zero', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'integer', (l) => { l.node.text = `00${l.node.text}`; });
  v('negative-year', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '-0044-03-15'; });
  v('year-0000', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '0000-01-01'; });
  v('midnight-24', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'time', (l) => { l.node.text = '24:00:00'; });
  v('leap-1900', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'date', (l) => { l.node.text = '1900-02-29'; });
  v('comment', 'valid', full, (l) => l.parent !== undefined, (l) => { l.node.before = '<!-- opmerking --><?pi data?>'; });
  v('cdata', 'edge', full, (l) => isLeaf(l), (l) => { l.node.raw = `<![CDATA[${l.node.text}]]>`; });
  v('nbsp-only', 'edge', full, (l) => isLeaf(l) && (simpleOf(l).def.patterns ?? []).flat().includes('.*[^\\s].*'), (l) => { l.node.text = '\u00a0'; });
  v('newline-only', 'edge', full, (l) => isLeaf(l) && (simpleOf(l).def.patterns ?? []).flat().includes('.*[^\\s].*'), (l) => { l.node.text = '\r\n'; });
  v('astral-over', 'edge', full, (l) => isLeaf(l) && simpleOf(l).def.base === 'string' && simpleOf(l).def.maxLength !== undefined && !simpleOf(l).enumeration,
    (l) => { l.node.text = '\u{1F600}'.repeat(simpleOf(l).def.maxLength! + 1); });
  return docs;
}
