import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalizeTree, stripComments } from './c14n.js';
import { applyActorFilter } from './xpath-filter.js';

/**
 * The `URI=""` reference of ebMS 2.0 §4.1.3: the whole SOAP envelope, then the transforms
 * enveloped-signature -> XPath filter (nextMSH/next actors) -> C14N. Shared by signing and verification.
 */

/** Index path from the document element down to `node`. */
function pathFromRoot(doc: Document, node: Node): number[] {
  const path: number[] = [];
  for (let n: Node = node; n !== doc.documentElement; n = n.parentNode!) {
    path.unshift(Array.prototype.indexOf.call(n.parentNode!.childNodes, n));
  }
  return path;
}

/**
 * Canonical octets of the `URI=""` reference. The document is not changed: a copy of the document element is
 * made, the ds:Signature removed from it at the same position (enveloped-signature: only the element, the white
 * space around it stays), comments removed (same-document reference, XMLDSig §4.3.3.3), the actor filter applied
 * and the result canonicalized. Processing instructions beside the document element are rendered as C14N §2.1
 * prescribes for a document node (SOAP forbids them, but the digest must still match other engines).
 */
export function canonicalEnvelope(doc: Document, signatureEl: Element, actors: ReadonlySet<string>, c14n: string, inclusivePrefixes: string[] = []): string {
  const root = doc.documentElement;
  const clone = root.cloneNode(true) as Element;
  let target: Node = clone;
  for (const i of pathFromRoot(doc, signatureEl)) target = target.childNodes[i]!;
  target.parentNode!.removeChild(target);
  stripComments(clone);
  applyActorFilter(clone, actors);
  const body = canonicalizeTree(clone, c14n, inclusivePrefixes);
  let before = '';
  let after = '';
  let seenRoot = false;
  for (let c = doc.firstChild; c; c = c.nextSibling) {
    if (c === root) seenRoot = true;
    else if (c.nodeType === 7 && (c as ProcessingInstruction).target !== 'xml') {
      const pi = `<?${(c as ProcessingInstruction).target}${(c as ProcessingInstruction).data ? ` ${(c as ProcessingInstruction).data}` : ''}?>`;
      if (seenRoot) after += `\n${pi}`;
      else before += `${pi}\n`;
    }
  }
  return before + body + after;
}

export function digest(hashName: string, data: string | Buffer): Buffer {
  return createHash(hashName).update(data).digest();
}

// Parsing an RSA key costs more than the signature itself; callers sign/verify with a handful of keys.
const keyCache = new Map<string, KeyObject>();
function cached(pem: string, make: (pem: string) => KeyObject): KeyObject {
  let k = keyCache.get(pem);
  if (!k) {
    k = make(pem);
    if (keyCache.size >= 64) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(pem, k);
  }
  return k;
}

export function privateKeyObject(pem: string): KeyObject {
  return cached(pem, (p) => createPrivateKey(p));
}

export function certificatePublicKey(certPem: string): KeyObject {
  return cached(`cert:${certPem}`, (p) => new X509Certificate(p.slice(5)).publicKey);
}
