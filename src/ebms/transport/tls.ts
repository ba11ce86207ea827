import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * TLS policy for Digikoppeling (BEV TLS001–TLS006, TLSCIPH001; DK-02, DK-29): mutual TLS always, TLS 1.2 minimum
 * (1.3 preferred, Node negotiates it first), and for TLS 1.2 only the NCSC "goed" suites: ECDHE key exchange
 * with AES-GCM or CHACHA20-POLY1305. All TLS 1.3 suites are "goed" and stay at Node's defaults.
 */
export const TLS12_GOOD_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

export const ECDH_CURVES = 'X25519:P-256:P-384';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Trust anchors for the peer's certificate. */
  ca: string[];
  /**
   * CRLs (PEM or DER). node:tls takes static CRLs; src/server.ts reloads them (DK-30) and swaps the secure
   * context. With CRLs set, OpenSSL checks the peer's leaf certificate and refuses it when its issuer has no CRL.
   */
  crl?: (string | Buffer)[];
}

/** Options for the ebMS listener: the client must present a certificate that chains to our anchors. */
export function serverTlsOptions(m: TlsMaterial): TlsOptions {
  return {
    ...common(m),
    requestCert: true,
    rejectUnauthorized: true,
    honorCipherOrder: true,
  };
}

/** Options for outbound connections: our client certificate, the peer's server certificate checked against anchors. */
export function clientTlsOptions(m: TlsMaterial): SecureContextOptions & { rejectUnauthorized: true; minVersion: 'TLSv1.2' } {
  return { ...common(m), rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

function common(m: TlsMaterial) {
  return {
    cert: m.cert,
    key: m.key,
    ca: m.ca,
    ...(m.crl && m.crl.length > 0 ? { crl: m.crl } : {}),
    minVersion: 'TLSv1.2' as const,
    ciphers: TLS12_GOOD_CIPHERS,
    ecdhCurve: ECDH_CURVES,
  };
}
