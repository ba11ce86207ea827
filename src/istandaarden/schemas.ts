/**
 * The compiled message definitions per (berichtstroom, release): element particles with their namespace URI and
 * a compiled child type, ready for the streaming validator.
 *
 * Releases 3.0 and 3.1: their XSDs are not documented in iwmo-ijw-stuf.md, so (as agreed) the 3.2 structure is
 * assumed under the 3.0/3.1 namespaces, with BerichtSubversie fixed to the release's minor number instead of 2.
 * A real 3.0/3.1 difference (e.g. a codelijst value added in 3.2) is therefore not caught. DERIVED.
 */
import { basisschemaNamespace, berichtByType, messageNamespace } from './catalogue.js';
import type { Berichtstroom, IstandaardVersion } from './catalogue.js';
import { ijw32 } from './generated/ijw-3-2.js';
import { iwmo32 } from './generated/iwmo-3-2.js';
import type { SchemaSet } from './schema-model.js';
import { compileSimpleType } from './simple-types.js';
import type { CompiledSimpleType } from './simple-types.js';

export interface Particle {
  name: string;
  /** Namespace URI the element must be in. */
  uri: string;
  minOccurs: number;
  /** Infinity for unbounded. */
  maxOccurs: number;
  complex?: CompiledComplexType;
  simple?: CompiledSimpleType;
}

export interface CompiledComplexType {
  key: string;
  particles: Particle[];
}

export interface CompiledMessage {
  berichttype: string;
  version: IstandaardVersion;
  /** Namespace of Bericht and the message's own elements. */
  uri: string;
  root: CompiledComplexType;
  /** Set when the definition is derived rather than generated from an official XSD (see the generator). */
  derivedFrom?: string;
}

export const SCHEMA_SETS: Record<Berichtstroom, SchemaSet> = { ijw: ijw32, iwmo: iwmo32 };

const cache = new Map<string, CompiledMessage>();

function compileMessage(berichttype: string, version: IstandaardVersion): CompiledMessage {
  const bericht = berichtByType(berichttype);
  if (!bericht) throw new RangeError(`unknown berichttype ${berichttype}`);
  const set = SCHEMA_SETS[bericht.berichtstroom];
  const msg = set.messages[bericht.berichttype];
  if (!msg) throw new RangeError(`no definition for ${berichttype}`);
  const uri = messageNamespace(bericht.berichttype, version);
  const basisUri = basisschemaNamespace(bericht.berichtstroom, version);
  const minor = version.split('.')[1]!;
  const complexDone = new Map<string, CompiledComplexType>();
  const simpleDone = new Map<string, CompiledSimpleType>();

  const simple = (key: string): CompiledSimpleType => {
    let c = simpleDone.get(key);
    if (c) return c;
    const def = set.simpleTypes[key];
    if (!def) throw new Error(`${berichttype}: unknown simple type ${key}`);
    // 3.0/3.1 under the 3.2 structure: only BerichtSubversie's fixed value differs (see the file comment).
    const adjusted = key.endsWith('.Header.BerichtSubversie') && version !== set.release ? { ...def, patterns: [[minor]] } : def;
    c = compileSimpleType(adjusted);
    simpleDone.set(key, c);
    return c;
  };
  const complex = (key: string): CompiledComplexType => {
    let c = complexDone.get(key);
    if (c) return c;
    const def = set.complexTypes[key]!;
    c = { key, particles: [] };
    complexDone.set(key, c);
    for (const e of def.sequence) {
      const p: Particle = {
        name: e.name,
        uri: def.ns === 'message' ? uri : basisUri,
        minOccurs: e.minOccurs ?? 1,
        maxOccurs: e.maxOccurs === -1 ? Infinity : (e.maxOccurs ?? 1),
      };
      if (set.complexTypes[e.type]) p.complex = complex(e.type);
      else p.simple = simple(e.type);
      c.particles.push(p);
    }
    return c;
  };
  const out: CompiledMessage = { berichttype: bericht.berichttype, version, uri, root: complex(msg.root) };
  if (msg.derivedFrom) out.derivedFrom = msg.derivedFrom;
  return out;
}

/** The compiled definition of one berichttype in one release (cached). */
export function messageSchema(berichttype: string, version: IstandaardVersion): CompiledMessage {
  const k = `${berichttype.toUpperCase()}@${version}`;
  let c = cache.get(k);
  if (!c) cache.set(k, (c = compileMessage(berichttype, version)));
  return c;
}
