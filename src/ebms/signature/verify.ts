import { timingSafeEqual, verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { EbmsError } from '../errors.js';
import { base64ToPem } from '../../pki/certificate.js';
import {
  CANONICALIZATION_ALGORITHMS, DIGEST_ALGORITHMS, DS_NS, ENVELOPED_SIGNATURE, EXC_C14N, SHA1_ALGORITHMS,
  SIGNATURE_ALGORITHMS, SOAP_NS, XPATH_TRANSFORM,
} from './algorithms.js';
import { canonicalizeSubset } from './c14n.js';
import { canonicalEnvelope, certificatePublicKey, digest } from './digest.js';
import { serializeReference } from './signed-ack.js';
import type { SignatureAttachment } from './sign.js';
import { base64Content, childElements, childrenNS, descendantsNS, isBase64, parseXml } from './xml.js';
import { matchEbmsXPath } from './xpath-filter.js';

export interface VerifyOptions {
  /** The signing certificate of the sending party from the CPA; KeyInfo must carry exactly this certificate. */
  expectedCertPem?: string;
  /** Accept xmldsig#sha1 / xmldsig#rsa-sha1 (only where the CPA explicitly allows legacy SHA-1; DK-27). */
  allowSha1?: boolean;
  /** The `xlink:href` values of eb:Manifest/eb:Reference; each must be covered by a signed `cid:` reference. */
  manifestHrefs?: string[];
  maxEnvelopeChars?: number;
}

export interface VerifiedSignature {
  /** Each ds:Reference of SignedInfo as standalone XML (for a signed Acknowledgment, ebMS 2.0 §7.3.2). */
  signedInfoReferences: string[];
  /** The certificate whose key verified the signature. */
  certPem: string;
  signatureAlgorithm: string;
  /** DigestMethod of the `URI=""` reference. */
  digestAlgorithm: string;
  canonicalizationAlgorithm: string;
}

const SIG = '//Header/Signature';
const SI = `${SIG}/SignedInfo`;
const refLocation = (uri: string) => `${SI}/Reference[@URI="${uri}"]`;

function fail(location: string, description: string): EbmsError {
  return new EbmsError('SecurityFailure', location, description);
}

/** Content-ID of a `cid:` URL (RFC 2392 %-decoding; angle brackets never belong to it). */
export function contentIdOf(uri: string): string {
  const raw = uri.replace(/^cid:/i, '');
  try {
    return decodeURIComponent(raw).replace(/^<|>$/g, '');
  } catch {
    return raw;
  }
}

function algorithmOf(el: Element | undefined): string {
  return el?.getAttribute('Algorithm') ?? '';
}

function checkAlgorithm(uri: string, table: Readonly<Record<string, string>>, allowSha1: boolean, location: string, what: string): string {
  const hash = table[uri];
  if (!hash) throw fail(location, `${what} "${uri}" is not supported`);
  if (SHA1_ALGORITHMS.has(uri) && !allowSha1) throw fail(location, `${what} "${uri}" uses SHA-1, which the CPA does not allow (DK-27: SHA-2 required)`);
  return hash;
}

/** PrefixList of an ec:InclusiveNamespaces child (exclusive C14N only). */
function inclusivePrefixes(el: Element): string[] {
  const inc = childElements(el).find((c) => c.localName === 'InclusiveNamespaces');
  return (inc?.getAttribute('PrefixList') ?? '').split(/\s+/).filter(Boolean);
}

interface EnvelopeTransforms { actors: Set<string>; c14n: string; prefixes: string[] }

/** The `URI=""` reference must have exactly enveloped-signature -> ebMS XPath -> (exclusive) C14N (ebMS 2.0 §4.1.3). */
function checkEnvelopeTransforms(ref: Element): EnvelopeTransforms {
  const loc = `${refLocation('')}/Transforms`;
  const transformsEl = childrenNS(ref, DS_NS, 'Transforms')[0];
  const transforms = transformsEl ? childrenNS(transformsEl, DS_NS, 'Transform') : [];
  const algs = transforms.map((t) => algorithmOf(t));
  if (transforms.length !== 3 || algs[0] !== ENVELOPED_SIGNATURE || algs[1] !== XPATH_TRANSFORM || !CANONICALIZATION_ALGORITHMS.has(algs[2]!)) {
    throw fail(loc, `the URI="" reference must have exactly the transforms enveloped-signature, XPath, C14N; found [${algs.join(', ')}]`);
  }
  const xpathEls = childrenNS(transforms[1]!, DS_NS, 'XPath');
  const actors = xpathEls.length === 1 ? matchEbmsXPath(xpathEls[0]!) : null;
  if (!actors) {
    throw fail(`${loc}/Transform/XPath`, `the XPath transform is not the ebMS nextMSH/next filter: "${(xpathEls[0]?.textContent ?? '').trim()}"`);
  }
  return { actors, c14n: algs[2]!, prefixes: algs[2] === EXC_C14N ? inclusivePrefixes(transforms[2]!) : [] };
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The KeyInfo certificate, checked against the CPA's certificate when given. */
/** DER of a PEM certificate; the CPA's certificate is the same for every message of a party, so it is cached. */
const derCache = new Map<string, Buffer>();
function derOf(pem: string): Buffer {
  let der = derCache.get(pem);
  if (!der) {
    der = new X509Certificate(pem).raw;
    if (derCache.size >= 1000) derCache.clear();
    derCache.set(pem, der);
  }
  return der;
}

function signingCertificate(sig: Element, expectedCertPem: string | undefined): { pem: string; key: KeyObject } {
  const loc = `${SIG}/KeyInfo/X509Data/X509Certificate`;
  const keyInfo = childrenNS(sig, DS_NS, 'KeyInfo')[0];
  const certEls = keyInfo ? childrenNS(keyInfo, DS_NS, 'X509Data').flatMap((d) => childrenNS(d, DS_NS, 'X509Certificate')) : [];
  let expectedDer: Buffer | undefined;
  if (expectedCertPem) expectedDer = derOf(expectedCertPem);
  if (certEls.length === 0) {
    if (!expectedCertPem) throw fail(`${SIG}/KeyInfo`, 'the signature carries no X509Certificate and no certificate is configured for the sender');
    return { pem: expectedCertPem, key: certificatePublicKey(expectedCertPem) };
  }
  const ders = certEls.map((el) => (isBase64(el) ? base64Content(el) : Buffer.alloc(0)));
  const chosen = expectedDer ? ders.find((d) => d.equals(expectedDer!)) : ders[0];
  if (!chosen) throw fail(loc, 'the KeyInfo certificate is not the signing certificate of the sending party in the CPA');
  const pem = base64ToPem(chosen.toString('base64'));
  try {
    return { pem, key: certificatePublicKey(pem) };
  } catch {
    throw fail(loc, 'the KeyInfo certificate cannot be parsed');
  }
}

/**
 * Verify the ds:Signature of a received ebMS message (ebMS 2.0 §4.1.3, DK-25, DK-27). Every failure is an
 * EbmsError SecurityFailure with the location of the offending element.
 */
export function verifyEnvelope(envelopeXml: string, attachments: SignatureAttachment[], opts: VerifyOptions = {}): VerifiedSignature {
  const allowSha1 = opts.allowSha1 ?? false;
  const doc = parseXml(envelopeXml, (reason) => fail('//Envelope', `envelope cannot be parsed: ${reason}`), opts.maxEnvelopeChars);

  const sigs = descendantsNS(doc, DS_NS, 'Signature');
  if (sigs.length === 0) throw fail(SIG, 'the message is not signed');
  if (sigs.length > 1) throw fail(SIG, `the message has ${sigs.length} ds:Signature elements; exactly one is allowed (DK-25)`);
  const sig = sigs[0]!;
  const header = sig.parentNode as Element | null;
  if (!header || header.namespaceURI !== SOAP_NS || header.localName !== 'Header' || header.parentNode !== doc.documentElement
    || doc.documentElement.namespaceURI !== SOAP_NS || doc.documentElement.localName !== 'Envelope') {
    throw fail(SIG, 'ds:Signature must be a child of SOAP:Header (ebMS 2.0 §4.1.3)');
  }

  const signedInfos = childrenNS(sig, DS_NS, 'SignedInfo');
  if (signedInfos.length !== 1) throw fail(SI, 'ds:Signature must have exactly one ds:SignedInfo');
  const si = signedInfos[0]!;
  const c14nEl = childrenNS(si, DS_NS, 'CanonicalizationMethod')[0];
  const c14n = algorithmOf(c14nEl);
  if (!CANONICALIZATION_ALGORITHMS.has(c14n)) throw fail(`${SI}/CanonicalizationMethod`, `CanonicalizationMethod "${c14n}" is not supported`);
  const signatureAlgorithm = algorithmOf(childrenNS(si, DS_NS, 'SignatureMethod')[0]);
  const sigHash = checkAlgorithm(signatureAlgorithm, SIGNATURE_ALGORITHMS, allowSha1, `${SI}/SignatureMethod`, 'SignatureMethod');

  // Structure of the references first, so that a missing or foreign reference is named precisely.
  const refs = childrenNS(si, DS_NS, 'Reference');
  let envelopeRef: { el: Element; hash: string; transforms: EnvelopeTransforms } | undefined;
  const cidRefs = new Map<string, { el: Element; hash: string; uri: string }>();
  let digestAlgorithm = '';
  for (const el of refs) {
    if (!el.hasAttribute('URI')) throw fail(`${SI}/Reference`, 'a ds:Reference without URI is not allowed');
    const uri = el.getAttribute('URI')!;
    const loc = refLocation(uri);
    const method = algorithmOf(childrenNS(el, DS_NS, 'DigestMethod')[0]);
    const hash = checkAlgorithm(method, DIGEST_ALGORITHMS, allowSha1, `${loc}/DigestMethod`, 'DigestMethod');
    const dv = childrenNS(el, DS_NS, 'DigestValue')[0];
    if (!dv || !isBase64(dv)) throw fail(`${loc}/DigestValue`, 'DigestValue is missing or not base64');
    if (uri === '') {
      if (envelopeRef) throw fail(loc, 'more than one URI="" reference');
      envelopeRef = { el, hash, transforms: checkEnvelopeTransforms(el) };
      digestAlgorithm = method;
    } else if (/^cid:/i.test(uri)) {
      if (childrenNS(el, DS_NS, 'Transforms').length > 0) throw fail(`${loc}/Transforms`, 'a cid: reference must not have transforms (digest over the MIME part content)');
      const id = contentIdOf(uri);
      if (cidRefs.has(id)) throw fail(loc, 'the same attachment is referenced twice');
      cidRefs.set(id, { el, hash, uri });
    } else {
      throw fail(loc, 'only URI="" and cid: references are allowed (ebMS 2.0 §4.1.3)');
    }
  }
  if (!envelopeRef) throw fail(refLocation(''), 'the signature has no URI="" reference to the SOAP envelope');
  for (const href of opts.manifestHrefs ?? []) {
    if (!cidRefs.has(contentIdOf(href))) throw fail(`//Body/Manifest/Reference[@href="${href}"]`, `payload ${href} is not covered by a signed cid: reference`);
  }

  const cert = signingCertificate(sig, opts.expectedCertPem);
  const sigValueEl = childrenNS(sig, DS_NS, 'SignatureValue')[0];
  if (!sigValueEl || !isBase64(sigValueEl)) throw fail(`${SIG}/SignatureValue`, 'SignatureValue is missing or not base64');
  const signedBytes = Buffer.from(canonicalizeSubset(si, c14n, c14n === EXC_C14N ? inclusivePrefixes(c14nEl!) : []), 'utf8');
  let valid = false;
  try {
    valid = cryptoVerify(sigHash, signedBytes, cert.key, base64Content(sigValueEl));
  } catch {
    valid = false;
  }
  if (!valid) throw fail(`${SIG}/SignatureValue`, 'SignatureValue does not verify with the signing certificate');

  const { actors, c14n: refC14n, prefixes } = envelopeRef.transforms;
  const envelopeDigest = digest(envelopeRef.hash, canonicalEnvelope(doc, sig, actors, refC14n, prefixes));
  if (!sameDigest(envelopeDigest, base64Content(childrenNS(envelopeRef.el, DS_NS, 'DigestValue')[0]!))) {
    throw fail(refLocation(''), 'the SOAP envelope was changed after signing (digest mismatch)');
  }
  const byId = new Map(attachments.map((a) => [a.contentId.replace(/^<|>$/g, ''), a.content]));
  for (const [id, ref] of cidRefs) {
    const content = byId.get(id);
    if (!content) throw fail(refLocation(ref.uri), `signed attachment ${ref.uri} is not in the message`);
    if (!sameDigest(digest(ref.hash, content), base64Content(childrenNS(ref.el, DS_NS, 'DigestValue')[0]!))) {
      throw fail(refLocation(ref.uri), `attachment ${ref.uri} was changed after signing (digest mismatch)`);
    }
  }

  return {
    signedInfoReferences: refs.map(serializeReference),
    certPem: cert.pem,
    signatureAlgorithm,
    digestAlgorithm,
    canonicalizationAlgorithm: c14n,
  };
}
