import { sign as cryptoSign } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import { pemToBase64 } from '../../pki/certificate.js';
import {
  C14N, DIGEST_ALGORITHMS, DS_NS, ENVELOPED_SIGNATURE, RSA_SHA256, SHA256, SIGNATURE_ALGORITHMS, SOAP_NS, XPATH_TRANSFORM,
} from './algorithms.js';
import { canonicalizeSubset } from './c14n.js';
import { canonicalEnvelope, digest, privateKeyObject } from './digest.js';
import { childrenNS, descendantsNS, escapeAttr, escapeText, inScopeNamespaces, parseXml } from './xml.js';
import { DEFAULT_EXCLUDED_ACTORS, ebmsXPathExpression } from './xpath-filter.js';

/** A MIME part of the message, as decoded bytes (no Content-Transfer-Encoding). */
export interface SignatureAttachment {
  /** Content-ID without angle brackets, e.g. `payload-1@gemeente.example.nl`. */
  contentId: string;
  content: Buffer;
}

export interface SignOptions {
  keyPem: string;
  certPem: string;
  /** SignatureMethod URI from the CPA's SenderNonRepudiation; default RSA-SHA256 (DK-27). */
  signatureAlgorithm?: string;
  /** DigestMethod URI from the CPA's SenderNonRepudiation; default SHA-256 (DK-27). */
  digestAlgorithm?: string;
}

interface SignatureParts {
  soapPrefix: string;
  signatureAlgorithm: string;
  digestAlgorithm: string;
  attachments: { uri: string; digest: string }[];
  envelopeDigest: string;
  signatureValue: string;
  certBase64: string;
}

/** The ds:Signature of ebMS 2.0 §4.1.3, as text; no indentation (white space would become signed content). */
function signatureXml(p: SignatureParts): string {
  const dm = `<ds:DigestMethod Algorithm="${escapeAttr(p.digestAlgorithm)}"/>`;
  return `<ds:Signature xmlns:ds="${DS_NS}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${escapeAttr(p.signatureAlgorithm)}"/>` +
    `<ds:Reference URI=""><ds:Transforms>` +
    `<ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"/>` +
    `<ds:Transform Algorithm="${XPATH_TRANSFORM}"><ds:XPath xmlns:${p.soapPrefix}="${SOAP_NS}">` +
    `${escapeText(ebmsXPathExpression(p.soapPrefix))}</ds:XPath></ds:Transform>` +
    `<ds:Transform Algorithm="${C14N}"/>` +
    `</ds:Transforms>${dm}<ds:DigestValue>${p.envelopeDigest}</ds:DigestValue></ds:Reference>` +
    p.attachments.map((a) => `<ds:Reference URI="${escapeAttr(a.uri)}">${dm}<ds:DigestValue>${a.digest}</ds:DigestValue></ds:Reference>`).join('') +
    `</ds:SignedInfo><ds:SignatureValue>${p.signatureValue}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${p.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `</ds:Signature>`;
}

/** `cid:` URL of a Content-ID (RFC 2392: characters outside the URL set are %-encoded). */
export function cidUri(contentId: string): string {
  const id = contentId.replace(/^<|>$/g, '');
  return `cid:${id.replace(/[^A-Za-z0-9!$&'()*+,;=:@._~\-/?]/g, (c) => encodeURIComponent(c))}`;
}

function invalid(message: string): GatewayError {
  return new GatewayError('ERR_VALIDATION', message, { problems: [{ path: 'envelope', message }] });
}

/** Prefix for the SOAP namespace in ds:XPath: the envelope's own, or `SOAP` (first free variant) for a default namespace. */
function chooseSoapPrefix(envelope: Element, header: Element): string {
  if (envelope.prefix && envelope.prefix !== 'ds') return envelope.prefix;
  const bound = new Map(inScopeNamespaces(header).map((b) => [b.prefix, b.namespaceURI]));
  for (let i = 0; ; i++) {
    const p = i === 0 ? 'SOAP' : `SOAP${i}`;
    if (!bound.has(p) || bound.get(p) === SOAP_NS) return p;
  }
}

/** Replace comments, CDATA sections and PIs by blanks of equal length, so that tags can be found by position. */
function maskNonMarkup(text: string): string {
  return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (m) => ' '.repeat(m.length));
}

/** Insert `fragment` as last child of the (single) SOAP Header in the original text, keeping every other byte. */
function spliceIntoHeader(text: string, headerTag: string, fragment: string): string {
  const masked = maskNonMarkup(text);
  const q = headerTag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ends = [...masked.matchAll(new RegExp(`</${q}\\s*>`, 'g'))];
  if (ends.length === 1) return text.slice(0, ends[0]!.index) + fragment + text.slice(ends[0]!.index);
  const empties = [...masked.matchAll(new RegExp(`<${q}(\\s[^>]*)?/>`, 'g'))];
  if (ends.length === 0 && empties.length === 1) {
    const m = empties[0]!;
    const open = text.slice(m.index, m.index + m[0].length - 2).replace(/\s+$/, '');
    return `${text.slice(0, m.index)}${open}>${fragment}</${headerTag}>${text.slice(m.index + m[0].length)}`;
  }
  throw invalid(`cannot locate the end of ${headerTag} in the envelope text`);
}

/**
 * Sign an ebMS envelope (ebMS 2.0 §4.1.3; profiles osb-*-s and osb-*-e): a ds:Signature is appended as the last
 * child of SOAP:Header with a `URI=""` reference (enveloped-signature -> XPath nextMSH/next filter -> inclusive
 * C14N) and one `cid:` reference per attachment over its decoded bytes; KeyInfo carries the signing certificate.
 * The Signature is inserted first and the digest computed afterwards, because enveloped-signature removes only
 * the element and not the white space around it. The returned text is the input with the Signature spliced in;
 * nothing else is re-serialized, and it must not be re-indented afterwards.
 */
export function signEnvelope(envelopeXml: string, attachments: SignatureAttachment[], opts: SignOptions): string {
  const signatureAlgorithm = opts.signatureAlgorithm ?? RSA_SHA256;
  const digestAlgorithm = opts.digestAlgorithm ?? SHA256;
  const sigHash = SIGNATURE_ALGORITHMS[signatureAlgorithm];
  const digestHash = DIGEST_ALGORITHMS[digestAlgorithm];
  if (!sigHash) throw invalid(`unsupported SignatureMethod ${signatureAlgorithm}`);
  if (!digestHash) throw invalid(`unsupported DigestMethod ${digestAlgorithm}`);

  const doc = parseXml(envelopeXml, (reason) => invalid(`envelope cannot be signed: ${reason}`));
  const envelope = doc.documentElement;
  if (envelope.namespaceURI !== SOAP_NS || envelope.localName !== 'Envelope') throw invalid('the document element is not a SOAP 1.1 Envelope');
  const header = childrenNS(envelope, SOAP_NS, 'Header')[0];
  if (!header) throw invalid('the envelope has no SOAP Header');
  if (descendantsNS(doc, DS_NS, 'Signature').length > 0) throw invalid('the envelope is already signed (DK-25: one signature only)');

  const seen = new Set<string>();
  const parts: SignatureParts = {
    soapPrefix: chooseSoapPrefix(envelope, header),
    signatureAlgorithm,
    digestAlgorithm,
    attachments: attachments.map((a) => {
      const uri = cidUri(a.contentId);
      if (seen.has(uri)) throw invalid(`duplicate attachment Content-ID ${a.contentId}`);
      seen.add(uri);
      return { uri, digest: digest(digestHash, a.content).toString('base64') };
    }),
    envelopeDigest: '',
    signatureValue: '',
    certBase64: pemToBase64(opts.certPem),
  };

  const sigEl = doc.importNode(parseXml(signatureXml(parts), invalid).documentElement, true) as Element;
  header.appendChild(sigEl);
  parts.envelopeDigest = digest(digestHash, canonicalEnvelope(doc, sigEl, DEFAULT_EXCLUDED_ACTORS, C14N)).toString('base64');
  const signedInfo = childrenNS(sigEl, DS_NS, 'SignedInfo')[0]!;
  childrenNS(childrenNS(signedInfo, DS_NS, 'Reference')[0]!, DS_NS, 'DigestValue')[0]!.textContent = parts.envelopeDigest;
  let key;
  try {
    key = privateKeyObject(opts.keyPem);
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', 'signing key cannot be parsed', { cause: e });
  }
  parts.signatureValue = cryptoSign(sigHash, Buffer.from(canonicalizeSubset(signedInfo, C14N), 'utf8'), key).toString('base64');
  return spliceIntoHeader(envelopeXml, header.tagName, signatureXml(parts));
}
