/**
 * The compact schema description our structural validator runs on. It is our own TypeScript data, generated
 * once from the official iJw/iWmo 3.2 XSDs by scripts/gen-istandaarden.ts (src/istandaarden/generated/), never
 * loaded from an XSD at run time.
 *
 * The iStandaarden XSDs use a small subset of XML Schema 1.0, which is all this model describes:
 * - every complex type is one `xs:sequence` of local elements (no choice/all/any, no attributes, no mixed
 *   content, no recursion);
 * - every simple type is an `xs:restriction` chain ending in xs:string, xs:integer, xs:date or xs:time with the
 *   facets pattern, enumeration, minLength, maxLength, minInclusive and maxInclusive.
 */

/** The built-in type at the bottom of a simple type's restriction chain. */
export type BuiltinBase = 'string' | 'integer' | 'date' | 'time';

export interface SimpleTypeDef {
  /** The named basisschema type (e.g. LDT_Gemeente) or, for an anonymous restriction, the named type it restricts. */
  name: string;
  base: BuiltinBase;
  /**
   * XSD regular expressions, verbatim from the XSD. Each inner list is one derivation step (alternatives within a
   * step are OR-ed); the steps are AND-ed (XML Schema 1.0 Part 2 §4.3.4.3).
   */
  patterns?: string[][];
  /** Allowed values (the codelijst); if several steps enumerate, their intersection. */
  enumeration?: string[];
  minLength?: number;
  maxLength?: number;
  /** Integer bounds as decimal strings (values beyond 2^53 stay exact). */
  minInclusive?: string;
  maxInclusive?: string;
}

export interface ElementDef {
  name: string;
  /** Key into `SchemaSet.simpleTypes` or `SchemaSet.complexTypes`. */
  type: string;
  /** Defaults: 1. */
  minOccurs?: number;
  /** Defaults: 1; -1 = unbounded. */
  maxOccurs?: number;
}

export interface ComplexTypeDef {
  /** Namespace of the child elements (elementFormDefault="qualified"): the message's or the basisschema's. */
  ns: 'message' | 'basis';
  sequence: ElementDef[];
}

export interface MessageDef {
  /** Complex type key of the root element `Bericht`. */
  root: string;
  /**
   * Set when no official XSD of this release was available and the definition was derived (see the generator);
   * the reason is stated here.
   */
  derivedFrom?: string;
}

export interface SchemaSet {
  stroom: 'ijw' | 'iwmo';
  /** Release of the XSDs the data was generated from, e.g. "3.2". */
  release: string;
  simpleTypes: Record<string, SimpleTypeDef>;
  complexTypes: Record<string, ComplexTypeDef>;
  /** Keyed by berichttype, e.g. JW301. */
  messages: Record<string, MessageDef>;
}
