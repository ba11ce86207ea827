/**
 * Dev-time generator: reads the official iJw/iWmo 3.2 XSDs from ../shared/schemas and writes our own compact
 * schema description (src/istandaarden/generated/*.ts, see src/istandaarden/schema-model.ts). The XSDs are never
 * copied into the repository nor read at run time; test/unit/istandaarden/catalogue.test.ts checks that the
 * committed files equal what this script produces ("generated schema data").
 *
 * Run from the repository root:
 *   npx tsc scripts/gen-istandaarden.ts --outDir node_modules/.cache/knooppunt-gen --module nodenext \
 *     --moduleResolution nodenext --target es2022 --skipLibCheck --types node \
 *   && node node_modules/.cache/knooppunt-gen/scripts/gen-istandaarden.js
 *
 * Derived definitions (no official XSD available to us): the iWmo 3.2 retourberichten (WMO302, 306, 308, 316, 318,
 * 320, 325) are built from the iJw 3.2 retour XSD of the same number, with the iWmo namespace and BerichtCode, and
 * without the elements the iWmo heenbericht lacks compared with the iJw one (WMO316 has no GezagsdragerBekend,
 * WMO320 no Woonplaatsbeginsel) — iwmo-ijw-stuf.md (b) "iWmo 3.2 vs iJw 3.2 differences".
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { BuiltinBase, ComplexTypeDef, ElementDef, SchemaSet, SimpleTypeDef } from '../src/istandaarden/schema-model.js';

const XS = 'http://www.w3.org/2001/XMLSchema';
type El = Element;

/** A simple type before flattening: one restriction step on top of a base (built-in or named). */
interface RawSimple { base: string; patterns: string[]; enumeration: string[]; facets: Record<string, string> }

interface Parsed { raw: Map<string, RawSimple>; complex: Map<string, ComplexTypeDef> }

const BUILTIN: Record<string, BuiltinBase> = { 'xs:string': 'string', 'xs:integer': 'integer', 'xs:date': 'date', 'xs:time': 'time' };

function children(el: El, local: string): El[] {
  const out: El[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as El).namespaceURI === XS && (n as El).localName === local) out.push(n as El);
  }
  return out;
}

function one(el: El, local: string): El | undefined {
  return children(el, local)[0];
}

function readRestriction(restriction: El, resolveRef: (q: string) => string): RawSimple {
  const base = restriction.getAttribute('base') ?? '';
  const facets: Record<string, string> = {};
  for (const f of ['minLength', 'maxLength', 'minInclusive', 'maxInclusive']) {
    const e = one(restriction, f);
    if (e) facets[f] = e.getAttribute('value') ?? '';
  }
  for (let n = restriction.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const ln = (n as El).localName;
    if (!['annotation', 'pattern', 'enumeration', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive'].includes(ln)) {
      throw new Error(`unsupported facet xs:${ln}`);
    }
  }
  return {
    base: BUILTIN[base] !== undefined ? base : resolveRef(base),
    patterns: children(restriction, 'pattern').map((p) => p.getAttribute('value') ?? ''),
    enumeration: children(restriction, 'enumeration').map((p) => p.getAttribute('value') ?? ''),
    facets,
  };
}

/** Parse one XSD; local type names get `keyPrefix` (basisschema: none; message XSD: "JW301."). */
function parseXsd(file: string, keyPrefix: string, ns: 'message' | 'basis', into: Parsed): void {
  const doc = new DOMParser().parseFromString(readFileSync(file, 'utf8'), 'text/xml');
  const schema = doc.documentElement as El;
  const tns = schema.getAttribute('targetNamespace');
  const resolveRef = (q: string): string => {
    const [prefix, local] = q.includes(':') ? q.split(':') as [string, string] : ['', q];
    if (prefix === 'xs') return q;
    const uri = schema.lookupNamespaceURI(prefix);
    return uri === tns ? keyPrefix + local : local; // imported basisschema types keep their plain name
  };
  const readElement = (owner: string, e: El): ElementDef => {
    const name = e.getAttribute('name') ?? '';
    let type = e.getAttribute('type');
    if (!type) {
      const st = one(e, 'simpleType');
      if (!st || one(e, 'complexType')) throw new Error(`${file}: element ${name} without supported type`);
      type = `${owner}.${name}`;
      into.raw.set(type, readRestriction(one(st, 'restriction')!, resolveRef));
    } else {
      type = BUILTIN[type] !== undefined ? type : resolveRef(type);
    }
    const def: ElementDef = { name, type };
    const min = e.getAttribute('minOccurs');
    const max = e.getAttribute('maxOccurs');
    if (min && min !== '1') def.minOccurs = Number(min);
    if (max && max !== '1') def.maxOccurs = max === 'unbounded' ? -1 : Number(max);
    return def;
  };
  for (const st of children(schema, 'simpleType')) {
    into.raw.set(keyPrefix + st.getAttribute('name'), readRestriction(one(st, 'restriction')!, resolveRef));
  }
  for (const ct of children(schema, 'complexType')) {
    const key = keyPrefix + ct.getAttribute('name');
    const seq = one(ct, 'sequence');
    if (!seq) throw new Error(`${file}: complexType ${key} is not a sequence`);
    into.complex.set(key, { ns, sequence: children(seq, 'element').map((e) => readElement(key, e)) });
  }
}

function flatten(key: string, raw: Map<string, RawSimple>): SimpleTypeDef {
  const steps: RawSimple[] = [];
  let k = key;
  let name = key.includes('.') ? '' : key;
  while (BUILTIN[k] === undefined) {
    const r = raw.get(k);
    if (!r) throw new Error(`unknown simple type ${k}`);
    steps.unshift(r);
    k = r.base;
    if (!name && BUILTIN[k] === undefined) name = k;
  }
  const def: SimpleTypeDef = { name: name || k, base: BUILTIN[k]! };
  for (const s of steps) {
    if (s.patterns.length > 0) (def.patterns ??= []).push(s.patterns);
    if (s.enumeration.length > 0) {
      def.enumeration = def.enumeration ? def.enumeration.filter((v) => s.enumeration.includes(v)) : [...s.enumeration];
    }
    const f = s.facets;
    if (f.minLength !== undefined) def.minLength = Math.max(def.minLength ?? 0, Number(f.minLength));
    if (f.maxLength !== undefined) def.maxLength = Math.min(def.maxLength ?? Infinity, Number(f.maxLength));
    if (f.minInclusive !== undefined) def.minInclusive = f.minInclusive;
    if (f.maxInclusive !== undefined) def.maxInclusive = f.maxInclusive;
  }
  return def;
}

const RETOUR_OF: Record<string, string> = { '302': '301', '306': '305', '308': '307', '316': '315', '318': '317', '320': '319', '325': '323' };
const CODES: Record<string, string> = {
  WMO302: '415', WMO306: '419', WMO308: '421', WMO316: '445', WMO318: '481', WMO320: '483', WMO325: '485',
};

/** Copy JWnnn (retour) as WMOnnn, see the file comment for the rule. */
function deriveWmoRetour(jw: Parsed, wmo: Parsed, num: string): void {
  const heen = RETOUR_OF[num]!;
  for (const [key, ct] of jw.complex) {
    if (!key.startsWith(`JW${num}.`)) continue;
    const local = key.slice(`JW${num}.`.length);
    const jwHeen = jw.complex.get(`JW${heen}.${local}`);
    const wmoHeen = wmo.complex.get(`WMO${heen}.${local}`);
    const dropped = new Set(jwHeen && wmoHeen
      ? jwHeen.sequence.filter((e) => !wmoHeen.sequence.some((w) => w.name === e.name)).map((e) => e.name) : []);
    const rename = (t: string): string => (t.startsWith(`JW${num}.`) ? `WMO${num}.${t.slice(`JW${num}.`.length)}` : t);
    wmo.complex.set(`WMO${num}.${local}`, {
      ns: ct.ns,
      sequence: ct.sequence.filter((e) => !dropped.has(e.name)).map((e) => ({ ...e, type: rename(e.type) })),
    });
  }
  for (const [key, r] of jw.raw) {
    if (!key.startsWith(`JW${num}.`)) continue;
    const local = key.slice(`JW${num}.`.length);
    const copy = { ...r, patterns: local === 'Header.BerichtCode' ? [CODES[`WMO${num}`]!] : r.patterns };
    wmo.raw.set(`WMO${num}.${local}`, copy);
  }
}

/** Keep only types reachable from a message root, in a stable order. */
function assemble(stroom: 'ijw' | 'iwmo', p: Parsed, roots: string[], derived: Map<string, string>): SchemaSet {
  const set: SchemaSet = { stroom, release: '3.2', simpleTypes: {}, complexTypes: {}, messages: {} };
  const complexKeys = new Set<string>();
  const simpleKeys = new Set<string>();
  const visit = (key: string): void => {
    const ct = p.complex.get(key);
    if (!ct) { simpleKeys.add(key); return; }
    if (complexKeys.has(key)) return;
    complexKeys.add(key);
    for (const e of ct.sequence) visit(e.type);
  };
  for (const r of roots) {
    const root = `${r}.Root`;
    visit(root);
    set.messages[r] = derived.has(r) ? { root, derivedFrom: derived.get(r)! } : { root };
  }
  for (const k of [...complexKeys].sort()) set.complexTypes[k] = p.complex.get(k)!;
  for (const k of [...simpleKeys].sort()) set.simpleTypes[k] = flatten(k, p.raw);
  return set;
}

function parseDir(dir: string, prefix: 'JW' | 'WMO'): { parsed: Parsed; types: string[] } {
  const parsed: Parsed = { raw: new Map(), complex: new Map() };
  parseXsd(join(dir, 'basisschema.xsd'), '', 'basis', parsed);
  const types = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.xsd')).map((f) => f.slice(0, -4)).sort();
  for (const t of types) parseXsd(join(dir, `${t}.xsd`), `${t}.`, 'message', parsed);
  return { parsed, types };
}

/** Build both schema sets from the official XSD folders under `schemasDir` (…/shared/schemas). */
export function generateSchemaSets(schemasDir: string): { ijw: SchemaSet; iwmo: SchemaSet } {
  const jw = parseDir(join(schemasDir, 'ijw-3.2'), 'JW');
  const wmo = parseDir(join(schemasDir, 'iwmo-3.2'), 'WMO');
  const derived = new Map<string, string>();
  for (const num of Object.keys(RETOUR_OF)) {
    if (wmo.types.includes(`WMO${num}`)) continue;
    deriveWmoRetour(jw.parsed, wmo.parsed, num);
    wmo.types.push(`WMO${num}`);
    derived.set(`WMO${num}`, `JW${num}.xsd (iJw 3.2) minus the elements WMO${RETOUR_OF[num]} lacks; no official iWmo 3.2 XSD at hand`);
  }
  wmo.types.sort();
  return { ijw: assemble('ijw', jw.parsed, jw.types, new Map()), iwmo: assemble('iwmo', wmo.parsed, wmo.types, derived) };
}

/** The TypeScript module text for one schema set. */
export function renderModule(set: SchemaSet, constName: string): string {
  const lines = [
    `// GENERATED by scripts/gen-istandaarden.ts from the official ${set.stroom === 'ijw' ? 'iJw' : 'iWmo'} ${set.release} XSDs. Do not edit.`,
    `// Our own compact description of the element trees and simple types (see ../schema-model.ts).`,
    `import type { SchemaSet } from '../schema-model.js';`,
    '',
    `export const ${constName}: SchemaSet = {`,
    `  stroom: '${set.stroom}',`,
    `  release: '${set.release}',`,
    '  messages: {',
    ...Object.entries(set.messages).map(([k, v]) => `    ${k}: ${JSON.stringify(v)},`),
    '  },',
    '  complexTypes: {',
    ...Object.entries(set.complexTypes).flatMap(([k, v]) => {
      const oneLine = `    '${k}': { ns: '${v.ns}', sequence: [${v.sequence.map((e) => JSON.stringify(e)).join(', ')}] },`;
      return oneLine.length <= 160 ? [oneLine] : [
        `    '${k}': { ns: '${v.ns}', sequence: [`,
        ...v.sequence.map((e) => `      ${JSON.stringify(e)},`),
        '    ] },',
      ];
    }),
    '  },',
    '  simpleTypes: {',
    ...Object.entries(set.simpleTypes).map(([k, v]) => `    '${k}': ${JSON.stringify(v)},`),
    '  },',
    '};',
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const root = process.cwd();
  const sets = generateSchemaSets(resolve(root, '..', 'shared', 'schemas'));
  const out = resolve(root, 'src', 'istandaarden', 'generated');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'ijw-3-2.ts'), renderModule(sets.ijw, 'ijw32'));
  writeFileSync(join(out, 'iwmo-3-2.ts'), renderModule(sets.iwmo, 'iwmo32'));
  console.log(`wrote ${Object.keys(sets.ijw.messages).length} iJw and ${Object.keys(sets.iwmo.messages).length} iWmo message definitions to ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('gen-istandaarden.js')) main();
