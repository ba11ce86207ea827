import { constants, createDecipheriv, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { GatewayError } from '../../errors.js';
import { EbmsError } from '../errors.js';
import { privateKeyObject } from '../signature/digest.js';
import { base64Content, childrenNS, descendantsNS, isBase64, parseXml } from '../signature/xml.js';
import { DATA_ALGORITHMS, DS_NS, GCM_TAG_LENGTH, OAEP_DIGESTS, RSA_1_5, RSA_OAEP_MGF1P, XENC_NS, type DataAlgorithm } from './algorithms.js';

export interface DecryptOptions {
  /** Our private key for the encryption certificate the sender used (CPA EncryptionCertificateRef). */
  keyPem: string;
  /** The CPA explicitly allows legacy algorithms: 3DES data encryption and rsa-1_5 key transport (ENC003). */
  allowLegacy?: boolean;
  /**
   * rsa-1_5 key transport alone is accepted: the CPA agrees the ebms-core compatible variant (its
   * ReceiverDigitalEnvelope lists rsa-1_5; issue 18). 3DES stays behind `allowLegacy`.
   */
  allowRsa15?: boolean;
  /** Content-ID of the part, for the error location (`cid:<id>`, as ebms-core reports it). */
  contentId?: string;
  maxBytes?: number;
}

export interface DecryptedAttachment {
  content: Buffer;
  /** The original Content-Type from the MimeType attribute, or null when absent. */
  mimeType: string | null;
}

const DEFAULT_MAX_BYTES = 96 * 1024 * 1024;

/** Unwrap the content-encryption key (RSA-OAEP, or PKCS#1 v1.5 for legacy peers). */
function unwrapKey(encryptedKey: Element, key: KeyObject, keyPem: string, expectedLength: number, allowRsa15: boolean, fail: (m: string) => EbmsError): Buffer {
  const method = childrenNS(encryptedKey, XENC_NS, 'EncryptionMethod')[0];
  const algorithm = method?.getAttribute('Algorithm') ?? '';
  const cipherValue = childrenNS(childrenNS(encryptedKey, XENC_NS, 'CipherData')[0] ?? encryptedKey, XENC_NS, 'CipherValue')[0];
  if (!cipherValue || !isBase64(cipherValue)) throw fail('EncryptedKey has no base64 CipherValue');
  const wrapped = base64Content(cipherValue);
  if (algorithm === RSA_OAEP_MGF1P) {
    if (childrenNS(method!, XENC_NS, 'OAEPparams').length > 0) throw fail('OAEPparams are not supported');
    const digestUri = childrenNS(method!, DS_NS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? 'http://www.w3.org/2000/09/xmldsig#sha1';
    const hash = OAEP_DIGESTS[digestUri];
    if (!hash) throw fail(`OAEP DigestMethod ${digestUri} is not supported`);
    try {
      if (hash === 'sha1') return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
      // rsa-oaep-mgf1p fixes MGF1 to SHA-1; node:crypto ties MGF1 to oaepHash, so a SHA-2 digest goes through forge.
      const pk = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
      const md = (forge.md as unknown as Record<string, { create(): forge.md.MessageDigest }>)[hash]!.create();
      return Buffer.from(pk.decrypt(wrapped.toString('binary'), 'RSA-OAEP', { md, mgf1: { md: forge.md.sha1.create() } }), 'binary');
    } catch {
      throw fail('the content-encryption key cannot be decrypted with our key');
    }
  }
  if (algorithm === RSA_1_5) {
    if (!allowRsa15) throw fail('key transport rsa-1_5 is only accepted where the CPA allows legacy algorithms or agrees ebms-core compatible encryption (ENC004: RSA-OAEP)');
    // Node 20 refuses RSA_PKCS1_PADDING for private decryption (CVE-2023-46809, Marvin attack) unless the whole
    // process runs with --security-revert; node-forge (pure JS) does it for this one legacy case. Implicit
    // rejection: a malformed block yields a random key, so the failure shows up later as a generic data
    // decryption error and does not tell a padding oracle which step failed.
    try {
      const pk = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
      const out = Buffer.from(pk.decrypt(wrapped.toString('binary'), 'RSAES-PKCS1-V1_5'), 'binary');
      return out.length === expectedLength ? out : randomBytes(expectedLength);
    } catch {
      return randomBytes(expectedLength);
    }
  }
  throw fail(`key transport ${algorithm || '(none)'} is not supported`);
}

function decryptBody(alg: DataAlgorithm, key: Buffer, body: Buffer, fail: (m: string) => EbmsError): Buffer {
  if (key.length !== alg.keyLength) throw fail('the content-encryption key has the wrong length for the EncryptionMethod');
  try {
    if (alg.mode === 'gcm') {
      if (body.length < alg.ivLength + GCM_TAG_LENGTH) throw new Error('short');
      const d = createDecipheriv(alg.cipher as 'aes-256-gcm', key, body.subarray(0, alg.ivLength), { authTagLength: GCM_TAG_LENGTH });
      d.setAuthTag(body.subarray(body.length - GCM_TAG_LENGTH));
      return Buffer.concat([d.update(body.subarray(alg.ivLength, body.length - GCM_TAG_LENGTH)), d.final()]);
    }
    // CBC: XML Encryption §5.2 padding is ISO 10126-like (only the last byte, the pad length, is defined), so
    // node's PKCS#7 check is switched off and the padding removed by hand.
    const block = alg.ivLength;
    const data = body.subarray(block);
    if (data.length === 0 || data.length % block !== 0) throw new Error('length');
    const d = createDecipheriv(alg.cipher, key, body.subarray(0, block));
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(data), d.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > block) throw new Error('padding');
    return plain.subarray(0, plain.length - pad);
  } catch {
    throw fail('the encrypted data cannot be decrypted (wrong key, or data changed)');
  }
}

/**
 * Decrypt an `xenc:EncryptedData` MIME part (ebMS payload encryption, DK-28) back to the original bytes and
 * MIME type. Accepts AES-128/256-GCM and AES-128/256-CBC with RSA-OAEP (rsa-oaep-mgf1p); rsa-1_5 with
 * `allowRsa15` or `allowLegacy`, 3DES only with `allowLegacy`. Every failure is an EbmsError SecurityFailure with location `cid:<Content-ID>`.
 */
export function decryptAttachment(xml: Buffer, opts: DecryptOptions): DecryptedAttachment {
  const allowLegacy = opts.allowLegacy ?? false;
  let location = opts.contentId ? `cid:${opts.contentId.replace(/^<|>$/g, '')}` : '//EncryptedData';
  const fail = (m: string) => new EbmsError('SecurityFailure', location, m);
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (xml.length > max) throw fail(`encrypted part of ${xml.length} bytes exceeds the limit of ${max}`);
  const doc = parseXml(xml.toString('utf8'), (r) => fail(`encrypted part cannot be parsed: ${r}`), max);
  const root = doc.documentElement;
  const ed = root.namespaceURI === XENC_NS && root.localName === 'EncryptedData' ? root : descendantsNS(doc, XENC_NS, 'EncryptedData')[0];
  if (!ed) throw fail('the part is not encrypted (no xenc:EncryptedData)');
  if (!opts.contentId && ed.getAttribute('Id')) location = `cid:${ed.getAttribute('Id')}`;

  const algorithm = childrenNS(ed, XENC_NS, 'EncryptionMethod')[0]?.getAttribute('Algorithm') ?? '';
  const alg = DATA_ALGORITHMS[algorithm];
  if (!alg) throw fail(`data encryption algorithm ${algorithm || '(none)'} is not supported`);
  if (alg.legacy && !allowLegacy) throw fail(`data encryption ${algorithm} is only accepted where the CPA allows legacy algorithms (ENC003)`);
  const cipherData = childrenNS(ed, XENC_NS, 'CipherData')[0];
  if (!cipherData || childrenNS(cipherData, XENC_NS, 'CipherReference').length > 0) throw fail('only an inline CipherValue is supported (no CipherReference)');
  const cipherValue = childrenNS(cipherData, XENC_NS, 'CipherValue')[0];
  if (!cipherValue || !isBase64(cipherValue)) throw fail('EncryptedData has no base64 CipherValue');
  const keyInfo = childrenNS(ed, DS_NS, 'KeyInfo')[0];
  const encryptedKey = keyInfo ? childrenNS(keyInfo, XENC_NS, 'EncryptedKey')[0] : undefined;
  if (!encryptedKey) throw fail('EncryptedData carries no ds:KeyInfo/xenc:EncryptedKey');

  let key: KeyObject;
  try {
    key = privateKeyObject(opts.keyPem);
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', 'decryption key cannot be parsed', { cause: e }); // our own configuration
  }
  const cek = unwrapKey(encryptedKey, key, opts.keyPem, alg.keyLength, allowLegacy || opts.allowRsa15 === true, fail);
  const content = decryptBody(alg, cek, base64Content(cipherValue), fail);
  cek.fill(0);
  return { content, mimeType: ed.getAttribute('MimeType') || null };
}
