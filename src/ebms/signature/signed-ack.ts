import { XMLSerializer } from '@xmldom/xmldom';
import { EbmsError } from '../errors.js';
import { DS_NS, XMLNS_NS } from './algorithms.js';
import { base64Content, childrenNS, descendantsNS, inScopeNamespaces, isBase64, parseXml } from './xml.js';

/**
 * Signed acknowledgments (ebMS 2.0 §7.3.1/§7.3.2, DK-26): the Acknowledgment carries the ds:Reference elements of
 * the acknowledged message's SignedInfo, and the sender checks that they equal the ones it signed (as ebms-core's
 * EbMSSignatureValidator does for an Ack).
 */

/**
 * A ds:Reference as standalone XML: `xmlns:ds` is declared on it, and a ds:XPath whose expression relies on a
 * prefix declared higher up (ebms-core writes `soap-env:actor` without a declaration on ds:XPath) gets that
 * declaration copied, so the fragment can be placed in an eb:Acknowledgment on its own.
 */
export function serializeReference(ref: Element): string {
  const clone = ref.cloneNode(true) as Element;
  if (!clone.hasAttribute('xmlns:ds') && clone.prefix === 'ds') clone.setAttributeNS(XMLNS_NS, 'xmlns:ds', DS_NS);
  const originals = descendantsNS(ref, DS_NS, 'XPath');
  descendantsNS(clone, DS_NS, 'XPath').forEach((x, i) => {
    const expr = x.textContent ?? '';
    for (const b of inScopeNamespaces(originals[i]!)) {
      if (b.prefix && new RegExp(`(^|[^\\w.-])${b.prefix.replace(/[.-]/g, '\\$&')}:`).test(expr) && !x.hasAttribute(`xmlns:${b.prefix}`)) {
        x.setAttributeNS(XMLNS_NS, `xmlns:${b.prefix}`, b.namespaceURI);
      }
    }
  });
  return new XMLSerializer().serializeToString(clone);
}

interface ReferenceKey { uri: string; key: string }

function referenceKey(xml: string, location: string): ReferenceKey {
  const bad = (reason: string) => new EbmsError('SecurityFailure', location, `invalid ds:Reference: ${reason}`);
  const doc = parseXml(xml, bad, 1024 * 1024);
  const el = doc.documentElement;
  if (el.namespaceURI !== DS_NS || el.localName !== 'Reference') throw bad('not a ds:Reference element');
  const uri = el.getAttribute('URI') ?? '';
  const method = childrenNS(el, DS_NS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
  const dv = childrenNS(el, DS_NS, 'DigestValue')[0];
  if (!dv || !isBase64(dv)) throw bad(`DigestValue of URI="${uri}" is missing or not base64`);
  return { uri, key: `${uri}\u0000${method}\u0000${base64Content(dv).toString('base64')}` };
}

/**
 * Check that the ds:Reference set of a received signed Acknowledgment equals the references of the message we
 * signed (order-insensitive; compared on URI, DigestMethod and the decoded DigestValue). Throws SecurityFailure
 * with the location of the first reference that is missing, extra or different.
 */
export function verifySignedAckReferences(ackReferences: string[], sentReferences: string[]): void {
  const base = '//Header/Acknowledgment/Reference';
  const ack = ackReferences.map((x) => referenceKey(x, base));
  const sent = sentReferences.map((x) => referenceKey(x, base));
  const remaining = new Map<string, number>();
  for (const a of ack) remaining.set(a.key, (remaining.get(a.key) ?? 0) + 1);
  for (const s of sent) {
    const n = remaining.get(s.key) ?? 0;
    if (n === 0) {
      throw new EbmsError('SecurityFailure', `${base}[@URI="${s.uri}"]`,
        `the Acknowledgment does not carry the signed reference URI="${s.uri}" of the acknowledged message (or its digest differs)`);
    }
    remaining.set(s.key, n - 1);
  }
  const extra = ack.find((a) => (remaining.get(a.key) ?? 0) > 0);
  if (extra) {
    throw new EbmsError('SecurityFailure', `${base}[@URI="${extra.uri}"]`, `the Acknowledgment carries a reference URI="${extra.uri}" that the acknowledged message did not sign`);
  }
}

const EB_NS = 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd';

/** The ds:Reference elements of the SignedInfo of a signed envelope we produced (kept to check the signed Ack later). */
export function extractSignedInfoReferences(signedEnvelopeXml: string): string[] {
  const doc = parseXml(signedEnvelopeXml, (r) => new EbmsError('SecurityFailure', '//Header/Signature', `envelope cannot be parsed: ${r}`));
  return descendantsNS(doc, DS_NS, 'SignedInfo').slice(0, 1).flatMap((si) => childrenNS(si, DS_NS, 'Reference')).map(serializeReference);
}

/** The ds:Reference elements carried in the eb:Acknowledgment of a received Ack envelope (ebMS 2.0 §7.3.1). */
export function extractAcknowledgmentReferences(ackEnvelopeXml: string): string[] {
  const doc = parseXml(ackEnvelopeXml, (r) => new EbmsError('SecurityFailure', '//Header/Acknowledgment', `envelope cannot be parsed: ${r}`));
  return descendantsNS(doc, EB_NS, 'Acknowledgment').slice(0, 1).flatMap((ack) => childrenNS(ack, DS_NS, 'Reference')).map(serializeReference);
}
