import { parseCertificate } from '../pki/certificate.js';
import type { AlgorithmRef, CollaborationProtocolAgreement, PartyInfo, Protocol } from './model.js';
import type { CpaProblem, ValidateOptions } from './validate-types.js';

/**
 * Security rules of the CPA validator: HTTPS transport with two-sided TLS >= 1.2 (DK-02, DK-29, DK-37), XMLDSig
 * with SHA-2 (DK-27), XML Encryption algorithms (DK-28), certificates parse and are valid.
 */

type Add = (p: CpaProblem) => void;

/** SHA-2 digest and RSA signature URIs (XMLDSig / RFC 6931) accepted for signing (BEV SIGN003/SIGN004). */
export const SHA2_HASH_FUNCTIONS = [
  'http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmldsig-more#sha384', 'http://www.w3.org/2001/04/xmlenc#sha512',
];
export const SHA2_SIGNATURE_ALGORITHMS = [
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
];
export const SHA1_HASH_FUNCTION = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const SHA1_SIGNATURE_ALGORITHM = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

/** XML Encryption algorithm URIs: data (block) and key transport, with their DK-28 standing. */
export const ENCRYPTION_ALGORITHMS: Record<string, { kind: 'data' | 'key'; standing: 'ok' | 'legacy' | 'forbidden' }> = {
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': { kind: 'data', standing: 'ok' },
  'http://www.w3.org/2009/xmlenc11#aes192-gcm': { kind: 'data', standing: 'ok' },
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': { kind: 'data', standing: 'ok' },
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': { kind: 'data', standing: 'legacy' },
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': { kind: 'data', standing: 'legacy' },
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': { kind: 'data', standing: 'legacy' },
  'http://www.w3.org/2001/04/xmlenc#tripledes-cbc': { kind: 'data', standing: 'forbidden' },
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p': { kind: 'key', standing: 'ok' },
  'http://www.w3.org/2009/xmlenc11#rsa-oaep': { kind: 'key', standing: 'ok' },
  'http://www.w3.org/2001/04/xmlenc#rsa-1_5': { kind: 'key', standing: 'legacy' },
};

/** The algorithm URI: the w3c attribute when present, else the text (EC CPAUtils). */
export function algorithmUri(a: AlgorithmRef): string {
  return a.w3c ?? a.value;
}

function tlsVersionOk(p: Protocol, loc: string, add: Add): void {
  if (p.value.toUpperCase() !== 'TLS' && p.value.toUpperCase() !== 'SSL') {
    add({ code: 'UNSUPPORTED', severity: 'error', location: loc, message: `unsupported: transport security protocol "${p.value}" (only TLS, DK-02)` });
    return;
  }
  const v = p.version ? Number.parseFloat(p.version) : Number.NaN;
  if (p.value.toUpperCase() === 'SSL' || (!Number.isNaN(v) && v < 1.2)) {
    add({ code: 'TLS', severity: 'error', location: `${loc}/@version`, message: `${p.value} ${p.version ?? ''}`.trim() + ' is not allowed; TLS 1.2 or higher is required (DK-29)' });
  } else if (Number.isNaN(v)) {
    add({ code: 'TLS', severity: 'warning', location: loc, message: 'TLS version not stated; TLS 1.2 or higher is required (DK-29)' });
  }
}

export function checkTransports(p: PartyInfo, base: string, add: Add): void {
  p.Transport.forEach((t, i) => {
    const loc = `${base}/Transport[${i + 1}]`;
    for (const [side, tp] of [['TransportSender', t.TransportSender?.TransportProtocol], ['TransportReceiver', t.TransportReceiver?.TransportProtocol]] as const) {
      if (tp && tp.value.toUpperCase() !== 'HTTP') {
        add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/${side}/TransportProtocol`, message: `unsupported: transport protocol "${tp.value}" (only HTTP over TLS, DK-02)` });
      }
    }
    const cs = t.TransportSender?.TransportClientSecurity;
    if (t.TransportSender && !cs) add({ code: 'TLS', severity: 'error', location: `${loc}/TransportSender`, message: 'no TransportClientSecurity: two-sided TLS is required (DK-02)' });
    if (cs) {
      tlsVersionOk(cs.TransportSecurityProtocol, `${loc}/TransportSender/TransportClientSecurity/TransportSecurityProtocol`, add);
      if (cs.ClientCertificateRef === undefined) add({ code: 'TLS', severity: 'error', location: `${loc}/TransportSender/TransportClientSecurity`, message: 'no ClientCertificateRef: client authentication is mandatory (DK-37)' });
    }
    const rc = t.TransportReceiver;
    if (!rc) {
      add({ code: 'TRANSPORT', severity: 'error', location: loc, message: 'no TransportReceiver: the party cannot receive messages or signals' });
      return;
    }
    if (rc.Endpoint.length > 1) add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/TransportReceiver`, message: `unsupported: ${rc.Endpoint.length} endpoints in one transport (one allPurpose endpoint only)` });
    rc.Endpoint.forEach((e, k) => {
      if (!/^https:\/\/[^/\s]+/i.test(e.uri)) add({ code: 'TRANSPORT', severity: 'error', location: `${loc}/TransportReceiver/Endpoint[${k + 1}]/@uri`, message: `endpoint "${e.uri}" is not an https URL (DK-02)` });
    });
    if (!rc.TransportServerSecurity) add({ code: 'TLS', severity: 'error', location: `${loc}/TransportReceiver`, message: 'no TransportServerSecurity: HTTPS with TLS is required (DK-02)' });
    else tlsVersionOk(rc.TransportServerSecurity.TransportSecurityProtocol, `${loc}/TransportReceiver/TransportServerSecurity/TransportSecurityProtocol`, add);
  });
}

function checkSignatureAlgorithms(hash: string, algs: AlgorithmRef[], loc: string, opts: ValidateOptions, add: Add): void {
  const sha1 = (msg: string, where: string) => add(opts.allowLegacySha1
    ? { code: 'SIGNING', severity: 'warning', location: where, message: `${msg} is SHA-1, accepted as legacy (allowLegacySha1); DK-27 requires SHA-2` }
    : { code: 'SIGNING', severity: 'error', location: where, message: `${msg} is SHA-1, not allowed; SHA-256 or stronger is required (DK-27)` });
  if (hash === SHA1_HASH_FUNCTION) sha1(`HashFunction ${hash}`, `${loc}/HashFunction`);
  else if (!SHA2_HASH_FUNCTIONS.includes(hash)) add({ code: 'SIGNING', severity: 'error', location: `${loc}/HashFunction`, message: `unsupported: hash function "${hash}" (SHA-256/384/512, DK-27)` });
  algs.forEach((a, i) => {
    const uri = algorithmUri(a);
    const where = `${loc}/SignatureAlgorithm[${i + 1}]`;
    if (uri === SHA1_SIGNATURE_ALGORITHM) sha1(`SignatureAlgorithm ${uri}`, where);
    else if (!SHA2_SIGNATURE_ALGORITHMS.includes(uri)) add({ code: 'SIGNING', severity: 'error', location: where, message: `unsupported: signature algorithm "${uri}" (RSA-SHA256/384/512, DK-27)` });
  });
}

function checkEncryption(protocol: Protocol, algs: AlgorithmRef[], loc: string, add: Add): void {
  if (protocol.value.toUpperCase() !== 'XMLENC') {
    add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/DigitalEnvelopeProtocol`, message: `unsupported: digital envelope protocol "${protocol.value}" (only XMLENC, DK-28)` });
  }
  algs.forEach((a, i) => {
    const uri = algorithmUri(a);
    const where = `${loc}/EncryptionAlgorithm[${i + 1}]`;
    const known = ENCRYPTION_ALGORITHMS[uri];
    if (!known) add({ code: 'UNSUPPORTED', severity: 'error', location: where, message: `unsupported: encryption algorithm "${uri}"` });
    else if (known.standing === 'forbidden') add({ code: 'ENCRYPTION', severity: 'error', location: where, message: `${uri} (3DES) must not be used for encryption (DK-28)` });
    else if (known.standing === 'legacy') add({ code: 'ENCRYPTION', severity: 'warning', location: where, message: `${uri} is legacy; DK-28 asks for AES-GCM with RSA-OAEP` });
  });
  if (!algs.some((a) => ENCRYPTION_ALGORITHMS[algorithmUri(a)]?.kind === 'data')) {
    add({ code: 'ENCRYPTION', severity: 'error', location: loc, message: 'no data encryption algorithm (AES) listed (DK-28)' });
  }
}

export function checkDocExchanges(p: PartyInfo, base: string, opts: ValidateOptions, add: Add): void {
  p.DocExchange.forEach((d, i) => {
    const loc = `${base}/DocExchange[${i + 1}]`;
    for (const [name, b] of [['ebXMLSenderBinding', d.ebXMLSenderBinding], ['ebXMLReceiverBinding', d.ebXMLReceiverBinding]] as const) {
      if (b?.ReliableMessaging?.MessageOrderSemantics === 'Guaranteed') {
        add({ code: 'UNSUPPORTED', severity: 'error', location: `${loc}/${name}/ReliableMessaging/MessageOrderSemantics`, message: 'unsupported: MessageOrderSemantics Guaranteed (message ordering, DK-13)' });
      }
    }
    const snr = d.ebXMLSenderBinding?.SenderNonRepudiation;
    if (snr) checkSignatureAlgorithms(snr.HashFunction, snr.SignatureAlgorithm, `${loc}/ebXMLSenderBinding/SenderNonRepudiation`, opts, add);
    const rnr = d.ebXMLReceiverBinding?.ReceiverNonRepudiation;
    if (rnr) checkSignatureAlgorithms(rnr.HashFunction, rnr.SignatureAlgorithm, `${loc}/ebXMLReceiverBinding/ReceiverNonRepudiation`, opts, add);
    const sde = d.ebXMLSenderBinding?.SenderDigitalEnvelope;
    if (sde) checkEncryption(sde.DigitalEnvelopeProtocol, sde.EncryptionAlgorithm, `${loc}/ebXMLSenderBinding/SenderDigitalEnvelope`, add);
    const rde = d.ebXMLReceiverBinding?.ReceiverDigitalEnvelope;
    if (rde) checkEncryption(rde.DigitalEnvelopeProtocol, rde.EncryptionAlgorithm, `${loc}/ebXMLReceiverBinding/ReceiverDigitalEnvelope`, add);
  });
}

/** Every certificate must parse and be valid now (BEV PKI002); expiring before the CPA End is a warning. */
export function checkCertificates(cpa: CollaborationProtocolAgreement, p: PartyInfo, base: string, now: Date, add: Add): void {
  p.Certificate.forEach((c, i) => {
    if (c.pem === null) return; // reported by the parser
    const loc = `${base}/Certificate[${i + 1}]`;
    let info;
    try {
      info = parseCertificate(c.pem);
    } catch (e) {
      add({ code: 'CERTIFICATE', severity: 'error', location: loc, message: `certificate "${c.certId}" cannot be parsed: ${(e as Error).message.replace(/^certificate cannot be parsed: /, '')}` });
      return;
    }
    if (now > info.validTo) add({ code: 'CERTIFICATE', severity: 'error', location: loc, message: `certificate "${c.certId}" expired on ${info.validTo.toISOString()}` });
    else if (now < info.validFrom) add({ code: 'CERTIFICATE', severity: 'error', location: loc, message: `certificate "${c.certId}" is not valid before ${info.validFrom.toISOString()}` });
    else if (!Number.isNaN(cpa.End.getTime()) && info.validTo < cpa.End) {
      add({ code: 'CERTIFICATE', severity: 'warning', location: loc, message: `certificate "${c.certId}" expires on ${info.validTo.toISOString()}, before the CPA End` });
    }
  });
}
