/**
 * Algorithm identifiers of XML Signature as used by ebMS 2.0 §4.1.3 and Digikoppeling (BEV SIGN001-SIGN004, DK-27).
 * SHA-1 identifiers are known so that a legacy CPA can explicitly allow them; everything else is refused.
 */
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const XPATH_TRANSFORM = 'http://www.w3.org/TR/1999/REC-xpath-19991116';

export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
export const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384';
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';

/** DigestMethod URI -> node:crypto hash name. */
export const DIGEST_ALGORITHMS: Readonly<Record<string, string>> = {
  [SHA1]: 'sha1',
  [SHA256]: 'sha256',
  [SHA384]: 'sha384',
  [SHA512]: 'sha512',
};

/** SignatureMethod URI -> node:crypto hash name (RSA PKCS#1 v1.5 signatures). */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  [RSA_SHA1]: 'sha1',
  [RSA_SHA256]: 'sha256',
  [RSA_SHA384]: 'sha384',
  [RSA_SHA512]: 'sha512',
};

/** SHA-1 based identifiers: refused unless the CPA explicitly allows legacy SHA-1 (DK-27, SIGN001). */
export const SHA1_ALGORITHMS: ReadonlySet<string> = new Set([SHA1, RSA_SHA1]);

/** Canonicalization algorithms accepted on input (DK-25 cites exclusive, ebMS/ebms-core use inclusive). */
export const CANONICALIZATION_ALGORITHMS: ReadonlySet<string> = new Set([C14N, EXC_C14N]);

/** The two SOAP actors whose header blocks the ebMS XPath transform excludes from the digest (ebMS 2.0 §4.1.3). */
export const NEXT_MSH_ACTOR = 'urn:oasis:names:tc:ebxml-msg:actor:nextMSH';
export const SOAP_NEXT_ACTOR = 'http://schemas.xmlsoap.org/soap/actor/next';
/** Old ebms-core typo for the nextMSH actor; still found in signatures of older peers (ebms2-digikoppeling.md b.6). */
export const LEGACY_NEXT_MSH_ACTOR = 'urn:oasis:names:tc:ebxml-msg:service:nextMSH';
