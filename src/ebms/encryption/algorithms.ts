/**
 * XML Encryption identifiers for ebMS payload encryption (profiles osb-be-e / osb-rm-e; DK-28, BEV ENC001-ENC004).
 * Outbound: AES-GCM data encryption and RSA-OAEP key transport. Inbound also AES-CBC; 3DES data encryption and
 * RSA PKCS#1 v1.5 key transport (ebms-core's default) only behind an explicit legacy allowance, or — rsa-1_5 only —
 * on a CPA that agrees the ebms-core compatible variant (issue 18; docs/ebms-core-cpa.md).
 */
export const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
export { DS_NS } from '../signature/algorithms.js';

export const AES128_GCM = 'http://www.w3.org/2009/xmlenc11#aes128-gcm';
export const AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const AES128_CBC = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
export const AES256_CBC = 'http://www.w3.org/2001/04/xmlenc#aes256-cbc';
export const TRIPLEDES_CBC = 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc';

export const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
export const RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

export interface DataAlgorithm {
  /** node:crypto cipher name. */
  cipher: string;
  keyLength: number;
  ivLength: number;
  mode: 'gcm' | 'cbc';
  /** Only with the CPA's legacy allowance (ENC003: 3DES decryption for legacy only). */
  legacy: boolean;
  /**
   * May be used for outbound encryption (ENC003: AES, "use GCM mode"). AES-CBC only on a CPA that agrees the
   * ebms-core compatible variant (`ebmsCore`); 3DES never.
   */
  outbound: boolean;
  /** ebms-core can encrypt with it (SecurityUtils.generateKey: AES-128/192/256-CBC, 3DES). */
  ebmsCore: boolean;
}

export const DATA_ALGORITHMS: Readonly<Record<string, DataAlgorithm>> = {
  [AES128_GCM]: { cipher: 'aes-128-gcm', keyLength: 16, ivLength: 12, mode: 'gcm', legacy: false, outbound: true, ebmsCore: false },
  [AES256_GCM]: { cipher: 'aes-256-gcm', keyLength: 32, ivLength: 12, mode: 'gcm', legacy: false, outbound: true, ebmsCore: false },
  [AES128_CBC]: { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16, mode: 'cbc', legacy: false, outbound: false, ebmsCore: true },
  [AES256_CBC]: { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16, mode: 'cbc', legacy: false, outbound: false, ebmsCore: true },
  [TRIPLEDES_CBC]: { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, mode: 'cbc', legacy: true, outbound: false, ebmsCore: true },
};

/** What we encrypt with for a receiver: data algorithm, key transport, and whether that is the ebms-core variant. */
export interface OutboundEncryption {
  algorithm: string;
  keyTransport: string;
  ebmsCoreCompatible: boolean;
}

/**
 * The algorithms for encrypting to a receiver, from its ReceiverDigitalEnvelope's EncryptionAlgorithm URIs in CPA
 * order. The first data algorithm decides, as in ebms-core (CPAUtils.getEncryptionAlgorithm takes the first):
 * AES-GCM -> that, with RSA-OAEP (DK-28); AES-CBC on a CPA that also lists rsa-1_5 -> the ebms-core compatible
 * variant, encrypted as ebms-core's own EbMSMessageEncrypter does (that CBC cipher, RSA-1_5 key transport), so an
 * ebms-core adapter decrypts it; anything else -> AES-256-GCM with RSA-OAEP, as before.
 */
export function outboundEncryption(cpaAlgorithms: readonly string[]): OutboundEncryption {
  const first = cpaAlgorithms.find((a) => DATA_ALGORITHMS[a] !== undefined);
  const alg = first ? DATA_ALGORITHMS[first]! : undefined;
  if (first && alg?.mode === 'gcm') return { algorithm: first, keyTransport: RSA_OAEP_MGF1P, ebmsCoreCompatible: false };
  if (first && alg && alg.mode === 'cbc' && !alg.legacy && cpaAlgorithms.includes(RSA_1_5)) {
    return { algorithm: first, keyTransport: RSA_1_5, ebmsCoreCompatible: true };
  }
  return { algorithm: AES256_GCM, keyTransport: RSA_OAEP_MGF1P, ebmsCoreCompatible: false };
}

/** GCM authentication tag length used by XML Encryption 1.1 (§5.2.4: 128 bits, appended to the ciphertext). */
export const GCM_TAG_LENGTH = 16;

/** OAEP DigestMethod URIs -> hash names (rsa-oaep-mgf1p: MGF1 always uses SHA-1; the digest may differ). */
export const OAEP_DIGESTS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
