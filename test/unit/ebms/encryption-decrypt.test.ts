import { constants, createCipheriv, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AES128_CBC, AES128_GCM, AES256_GCM, RSA_1_5, RSA_OAEP_MGF1P, TRIPLEDES_CBC,
} from '../../../src/ebms/encryption/algorithms.js';
import { decryptAttachment, type DecryptOptions } from '../../../src/ebms/encryption/decrypt.js';
import { encryptAttachment } from '../../../src/ebms/encryption/encrypt.js';
import { EbmsError } from '../../../src/ebms/errors.js';
import { GatewayError } from '../../../src/errors.js';
import { testPki } from '../../helpers/pki.js';

const pki = testPki();
const receiver = pki.files.parties.hub!.signing;
const keyPem = readFileSync(receiver.key, 'utf8');
const certPem = readFileSync(receiver.cert, 'utf8');
const otherKeyPem = readFileSync(pki.files.parties['gemeente-0518']!.signing.key, 'utf8');
const contentId = 'payload-1@gemeente.example.nl';
const big = randomBytes(1024 * 1024 + 7);

function failure(xml: Buffer, opts: DecryptOptions): EbmsError {
  try {
    decryptAttachment(xml, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(EbmsError);
    expect((e as EbmsError).errorCode).toBe('SecurityFailure');
    return e as EbmsError;
  }
  throw new Error('decryptAttachment accepted the part');
}

/** An ebms-core style part: CBC data + rsa-1_5 key transport, Type=#Element, KeyName (built with node:crypto). */
function ebmsCoreStyle(content: Buffer, wrappedOverride?: Buffer): Buffer {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', key, iv);
  const body = Buffer.concat([iv, c.update(content), c.final()]); // PKCS#7 padding is a valid XML-Enc padding
  const wrapped = wrappedOverride ?? publicEncrypt({ key: new X509Certificate(certPem).publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  return Buffer.from(`<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="${contentId}" MimeType="application/xml" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${AES128_CBC}"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="${RSA_1_5}"/><ds:KeyInfo><ds:KeyName>CN=hub signing</ds:KeyName></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>\n${(body.toString('base64').match(/.{1,76}/g) ?? []).join('\n')}\n</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`);
}

describe('encryptAttachment / decryptAttachment round trip', () => {
  test.each([[AES256_GCM], [AES128_GCM]])('1 MiB binary part with %s comes back byte for byte', (algorithm) => {
    const enc = encryptAttachment(big, { contentId, mimeType: 'application/octet-stream', certPem, algorithm });
    const out = decryptAttachment(enc, { keyPem });
    expect(out.content.equals(big)).toBe(true);
    expect(out.mimeType).toBe('application/octet-stream');
  });

  test('an empty part round-trips (xmlsec1 1.2.37 cannot write an empty result, so Node only)', () => {
    expect(decryptAttachment(encryptAttachment(Buffer.alloc(0), { contentId, mimeType: 'text/plain', certPem }), { keyPem }).content).toHaveLength(0);
  });

  test('every encryption uses a fresh key and IV', () => {
    const a = encryptAttachment(big.subarray(0, 100), { contentId, mimeType: 'x/y', certPem });
    const b = encryptAttachment(big.subarray(0, 100), { contentId, mimeType: 'x/y', certPem });
    expect(a.equals(b)).toBe(false);
  });

  test('ebms-core layout (Type=#Element, KeyName, rsa-1_5, wrapped base64) is decrypted with the legacy allowance', () => {
    const xml = Buffer.from('<?xml version="1.0"?>\n<Bericht>\u00e9</Bericht>\n');
    expect(decryptAttachment(ebmsCoreStyle(xml), { keyPem, allowLegacy: true })).toEqual({ content: xml, mimeType: 'application/xml' });
  });

  test('outbound encryption refuses CBC, 3DES and rsa-1_5 (DK-28)', () => {
    for (const algorithm of [AES128_CBC, TRIPLEDES_CBC, 'urn:x']) {
      expect(() => encryptAttachment(big, { contentId, mimeType: 'x/y', certPem, algorithm })).toThrow(GatewayError);
    }
    expect(() => encryptAttachment(big, { contentId, mimeType: 'x/y', certPem, keyTransport: RSA_1_5 })).toThrow(/not used outbound/);
    expect(() => encryptAttachment(big, { contentId, mimeType: 'x/y', certPem: 'nonsense' })).toThrow(/encryption certificate cannot be parsed/);
  });
});

describe('decryptAttachment failures are SecurityFailure at cid:<Content-ID>', () => {
  const enc = encryptAttachment(big.subarray(0, 5000), { contentId, mimeType: 'application/pdf', certPem });
  const text = enc.toString('utf8');

  test('a changed ciphertext byte (GCM authentication)', () => {
    const b64 = /<\/xenc:EncryptedKey><\/ds:KeyInfo><xenc:CipherData><xenc:CipherValue>([^<]+)/.exec(text)![1]!;
    const body = Buffer.from(b64, 'base64');
    body[100] = body[100]! ^ 1;
    const e = failure(Buffer.from(text.replace(b64, body.toString('base64'))), { keyPem, contentId: `<${contentId}>` });
    expect([e.location, e.message]).toEqual([`cid:${contentId}`, 'the encrypted data cannot be decrypted (wrong key, or data changed)']);
  });

  test('encrypted for someone else', () => {
    const e = failure(enc, { keyPem: otherKeyPem, contentId });
    expect(e.message).toBe('the content-encryption key cannot be decrypted with our key');
  });

  test('rsa-1_5 with a corrupted key block: implicit rejection, same generic error as a data failure', () => {
    const e = failure(ebmsCoreStyle(Buffer.from('x'), randomBytes(256)), { keyPem, allowLegacy: true });
    expect([e.location, e.message]).toEqual([`cid:${contentId}`, 'the encrypted data cannot be decrypted (wrong key, or data changed)']);
  });

  test('rsa-1_5 without the legacy allowance', () => {
    expect(failure(ebmsCoreStyle(Buffer.from('x')), { keyPem }).message).toMatch(/rsa-1_5 is only accepted where the CPA allows legacy/);
  });

  test('unknown algorithms, missing parts of the structure, a plain (unencrypted) part, a DOCTYPE', () => {
    expect(failure(Buffer.from(text.replace(AES256_GCM, 'urn:rot13')), { keyPem }).message).toBe('data encryption algorithm urn:rot13 is not supported');
    expect(failure(Buffer.from(text.replace(RSA_OAEP_MGF1P, 'urn:kt')), { keyPem }).message).toBe('key transport urn:kt is not supported');
    expect(failure(Buffer.from(text.replace(/<ds:KeyInfo xmlns:ds[\s\S]*<\/ds:KeyInfo>/, '')), { keyPem }).message).toMatch(/no ds:KeyInfo\/xenc:EncryptedKey/);
    expect(failure(Buffer.from('<Bericht/>'), { keyPem, contentId }).message).toMatch(/not encrypted/);
    const withRef = text.replace(/<xenc:CipherValue>[^<]+<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/, '<xenc:CipherReference URI="http://x"/></xenc:CipherData></xenc:EncryptedData>');
    expect(failure(Buffer.from(withRef), { keyPem }).message).toMatch(/no CipherReference/);
    const e = failure(Buffer.from(`<!DOCTYPE x>${text.replace(/^<\?xml[^>]*>/, '')}`), { keyPem });
    expect([e.location, e.message]).toEqual(['//EncryptedData', 'encrypted part cannot be parsed: a DOCTYPE declaration is not allowed']);
  });

  test('without contentId the location comes from the EncryptedData Id', () => {
    expect(failure(enc, { keyPem: otherKeyPem }).location).toBe(`cid:${contentId}`);
  });

  test('size limit before parsing', () => {
    expect(failure(enc, { keyPem, maxBytes: 1000 }).message).toMatch(/exceeds the limit of 1000/);
  });
});
