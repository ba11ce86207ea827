import { LEGACY_NEXT_MSH_ACTOR, NEXT_MSH_ACTOR, SOAP_NEXT_ACTOR, SOAP_NS } from './algorithms.js';
import { childElements, inScopeNamespaces } from './xml.js';

/**
 * The XPath filter transform of the ebMS 2.0 `URI=""` reference (ebMS 2.0 §4.1.3): header blocks addressed to
 * the next MSH (`eb:SyncReply`, a nextMSH `eb:AckRequested`) may be changed by intermediaries, so they are left
 * out of the digest. xml-crypto can neither write nor read the `ds:XPath` parameter (node-stack.md §1.1), so the
 * filter is implemented here.
 */

/** The filter expression with the given prefix for the SOAP 1.1 envelope namespace. */
export function ebmsXPathExpression(soapPrefix: string): string {
  return `not(ancestor-or-self::node()[@${soapPrefix}:actor="${NEXT_MSH_ACTOR}"] | ` +
    `ancestor-or-self::node()[@${soapPrefix}:actor="${SOAP_NEXT_ACTOR}"])`;
}

/** Remove white space outside string literals (XPath tokens never need it in this expression). */
function stripBlanks(expr: string): string {
  let out = '';
  let quote: string | null = null;
  for (const ch of expr) {
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      out += ch;
    } else if (!/\s/.test(ch)) out += ch;
  }
  return out;
}

const CLAUSE = String.raw`ancestor-or-self::node\(\)\[@([A-Za-z_][\w.-]*):actor=(?:"([^"]*)"|'([^']*)')\]`;
const FILTER_RE = new RegExp(`^not\\(${CLAUSE}\\|${CLAUSE}\\)$`);

/**
 * Compare a received `ds:XPath` semantically with the ebMS filter: white space is ignored, any prefix is accepted
 * as long as it resolves (in the scope of the ds:XPath element) to the SOAP 1.1 namespace (ebms-core writes the
 * document's own prefix, e.g. `soap-env`, and no blanks), the two clauses may come in either order, and the old
 * `urn:oasis:names:tc:ebxml-msg:service:nextMSH` form of older ebms-core versions is accepted.
 * Returns the set of excluded actor URIs, or null when the expression is anything else. Arbitrary expressions are
 * refused on purpose: a filter such as `not(ancestor-or-self::eb:MessageHeader)` would leave the header unsigned.
 */
export function matchEbmsXPath(xpathEl: Element): Set<string> | null {
  const m = FILTER_RE.exec(stripBlanks(xpathEl.textContent ?? ''));
  if (!m) return null;
  const bindings = new Map(inScopeNamespaces(xpathEl).map((b) => [b.prefix, b.namespaceURI]));
  if (bindings.get(m[1]!) !== SOAP_NS || bindings.get(m[4]!) !== SOAP_NS) return null;
  const actors = new Set([m[2] ?? m[3]!, m[5] ?? m[6]!]);
  const hasNext = actors.has(SOAP_NEXT_ACTOR);
  const hasNextMsh = actors.has(NEXT_MSH_ACTOR) || actors.has(LEGACY_NEXT_MSH_ACTOR);
  return actors.size === 2 && hasNext && hasNextMsh ? actors : null;
}

/**
 * Apply the filter to a detached copy of the document element: every element whose `SOAP:actor` (matched by
 * namespace URI, not prefix) is in `actors` is removed with its subtree. Equivalent to the node-set filter for
 * this `ancestor-or-self` expression: all descendants of an excluded element are excluded too, and the white
 * space around it stays (as with xmlsec1, the JDK and Santuario).
 */
export function applyActorFilter(root: Element, actors: ReadonlySet<string>): Element {
  const doomed: Element[] = [];
  const walk = (el: Element): void => {
    const actor = el.getAttributeNS(SOAP_NS, 'actor');
    if (actor && actors.has(actor)) {
      doomed.push(el);
      return;
    }
    for (const c of childElements(el)) walk(c);
  };
  walk(root);
  if (doomed.includes(root)) throw new Error('the XPath filter excludes the document element');
  for (const el of doomed) el.parentNode!.removeChild(el);
  return root;
}

export const DEFAULT_EXCLUDED_ACTORS: ReadonlySet<string> = new Set([NEXT_MSH_ACTOR, SOAP_NEXT_ACTOR]);
