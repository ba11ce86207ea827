import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate, type CipherGCMTypes } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import { escapeAttr, escapeText } from '../signature/xml.js';
import { AES256_GCM, DATA_ALGORITHMS, DS_NS, GCM_TAG_LENGTH, RSA_1_5, RSA_OAEP_MGF1P, XENC_NS } from './algorithms.js';

export interface EncryptOptions {
  /** Content-ID of the MIME part (without angle brackets); becomes the EncryptedData Id, as in ebms-core. */
  contentId: string;
  /** Original Content-Type of the part; kept in MimeType so the receiver can restore it. */
  mimeType: string;
  /** The receiver's encryption certificate from the CPA (EncryptionCertificateRef). */
  certPem: string;
  /** Data encryption URI; default aes256-gcm (ENC003: AES, GCM mode). */
  algorithm?: string;
  /** Key transport URI; rsa-oaep-mgf1p (ENC004: RSA-OAEP), or rsa-1_5 with `ebmsCoreCompatible`. */
  keyTransport?: string;
  /**
   * The CPA agrees the ebms-core compatible variant (issue 18): AES-CBC data encryption and RSA-1_5 key transport
   * are then allowed, as ebms-core's EbMSMessageEncrypter uses them. Weaker than DK-28; never the default.
   */
  ebmsCoreCompatible?: boolean;
}

function invalid(message: string): GatewayError {
  return new GatewayError('ERR_VALIDATION', message, { problems: [{ path: 'encryption', message }] });
}

/** RFC 4514-ish subject DN of the recipient certificate (ebms-core writes it as ds:KeyName; informative only). */
function subjectName(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(',');
}

/**
 * Encrypt one MIME part into an `xenc:EncryptedData` document (ebMS payload encryption, DK-28): the part is
 * replaced by this document (Content-Type application/xml, same Content-ID). Layout as ebms-core's
 * StreamingXmlEncrypter: Id = Content-ID, MimeType = original type, the content key wrapped in
 * ds:KeyInfo/xenc:EncryptedKey for the receiver's certificate, CipherValue = base64(IV || ciphertext || tag).
 *
 * No `Type` attribute, on purpose. ebms-core writes `Type="…xmlenc#Element"`, but the payload is a MIME part
 * (octets), not an XML element: `xmlsec1 --decrypt` honours Type=#Element and tries to parse the plaintext as
 * XML, which fails for binary parts (PCDATA invalid Char value) and would re-serialize XML parts. Without Type,
 * XML Encryption §3.1 says the plaintext is octets, and xmlsec1 returns them unchanged. ebms-core's decrypter
 * (Santuario `XMLCipher.decryptToByteArray`) ignores Type, so leaving it out interoperates with both.
 */
export function encryptAttachment(content: Buffer, opts: EncryptOptions): Buffer {
  const algorithm = opts.algorithm ?? AES256_GCM;
  const keyTransport = opts.keyTransport ?? RSA_OAEP_MGF1P;
  const compat = opts.ebmsCoreCompatible === true;
  const alg = DATA_ALGORITHMS[algorithm];
  if (!alg || !(alg.outbound || (compat && alg.ebmsCore && !alg.legacy))) throw invalid(`data encryption algorithm ${algorithm} is not used outbound (DK-28: AES-GCM)`);
  if (keyTransport !== RSA_OAEP_MGF1P && !(compat && keyTransport === RSA_1_5)) throw invalid(`key transport ${keyTransport} is not used outbound (DK-28/ENC004: RSA-OAEP)`);

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(opts.certPem);
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', 'encryption certificate cannot be parsed', { cause: e });
  }
  const key = randomBytes(alg.keyLength);
  const iv = randomBytes(alg.ivLength);
  let body: Buffer;
  if (alg.mode === 'gcm') {
    const cipher = createCipheriv(alg.cipher as CipherGCMTypes, key, iv, { authTagLength: GCM_TAG_LENGTH });
    body = Buffer.concat([iv, cipher.update(content), cipher.final(), cipher.getAuthTag()]);
  } else {
    // XML Encryption §5.2.1: IV || CBC ciphertext; PKCS#7 padding is a valid instance of its padding rule.
    const cipher = createCipheriv(alg.cipher, key, iv);
    body = Buffer.concat([iv, cipher.update(content), cipher.final()]);
  }
  // rsa-oaep-mgf1p = RSAES-OAEP with SHA-1 digest and MGF1-SHA-1, empty label (XML Encryption §5.4.2);
  // rsa-1_5 = RSAES-PKCS1-v1_5 (§5.4.1), what ebms-core's encrypter always uses (XMLCipher.RSA_v1dot5).
  const wrapped = keyTransport === RSA_1_5
    ? publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, key)
    : publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  key.fill(0);
  const keyMethod = keyTransport === RSA_1_5
    ? `<xenc:EncryptionMethod Algorithm="${keyTransport}"/>`
    : `<xenc:EncryptionMethod Algorithm="${keyTransport}"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>`;

  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<xenc:EncryptedData xmlns:xenc="${XENC_NS}" Id="${escapeAttr(opts.contentId.replace(/^<|>$/g, ''))}" MimeType="${escapeAttr(opts.mimeType)}">` +
    `<xenc:EncryptionMethod Algorithm="${algorithm}"/>` +
    `<ds:KeyInfo xmlns:ds="${DS_NS}"><xenc:EncryptedKey>` +
    keyMethod +
    `<ds:KeyInfo><ds:KeyName>${escapeText(subjectName(cert))}</ds:KeyName></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    '</xenc:EncryptedKey></ds:KeyInfo>' +
    `<xenc:CipherData><xenc:CipherValue>${body.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    '</xenc:EncryptedData>\n';
  return Buffer.from(xml, 'utf8');
}
