import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AES128_CBC, AES128_GCM, AES256_CBC, AES256_GCM, RSA_1_5, RSA_OAEP_MGF1P, TRIPLEDES_CBC,
} from '../../../src/ebms/encryption/algorithms.js';
import { decryptAttachment } from '../../../src/ebms/encryption/decrypt.js';
import { encryptAttachment } from '../../../src/ebms/encryption/encrypt.js';
import { EbmsError } from '../../../src/ebms/errors.js';
import { testPki } from '../../helpers/pki.js';
import { tempDir } from './signature-fixtures.js';

/** XML Encryption interop with xmlsec1 (libxml2 + OpenSSL), both directions, byte for byte (issue 5). */
const pki = testPki();
const receiver = pki.files.parties.hub!.signing; // the signing certificate doubles as encryption certificate
const keyPem = readFileSync(receiver.key, 'utf8');
const certPem = readFileSync(receiver.cert, 'utf8');

const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(5000), Buffer.from('\r\n]]>&<\0')]);
const xmlPayload = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Bericht xmlns="urn:x">\u00e9 &amp; \u20ac</Bericht>\n', 'utf8');

function xmlsecDecrypt(encrypted: Buffer): { status: number; output: string; plain: Buffer } {
  const dir = tempDir();
  const inFile = join(dir, 'enc.xml');
  const outFile = join(dir, 'plain.bin');
  writeFileSync(inFile, encrypted);
  const r = spawnSync('xmlsec1', ['--decrypt', '--privkey-pem', receiver.key, '--output', outFile, inFile], { encoding: 'utf8' });
  let plain = Buffer.alloc(0);
  try { plain = readFileSync(outFile); } catch { /* no output on failure */ }
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`, plain };
}

function xmlsecEncrypt(content: Buffer, dataAlg: string, keyAlg: string, sessionKey: string, id = 'payload-1@gemeente.example.nl'): Buffer {
  const dir = tempDir();
  const tpl = join(dir, 'template.xml');
  const data = join(dir, 'data.bin');
  writeFileSync(data, content);
  writeFileSync(tpl, `<?xml version="1.0" encoding="UTF-8"?>
<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="${id}" MimeType="application/octet-stream">
  <xenc:EncryptionMethod Algorithm="${dataAlg}"/>
  <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
    <xenc:EncryptedKey>
      <xenc:EncryptionMethod Algorithm="${keyAlg}"/>
      <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
    </xenc:EncryptedKey>
  </ds:KeyInfo>
  <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
</xenc:EncryptedData>
`);
  const r = spawnSync('xmlsec1', ['--encrypt', '--pubkey-cert-pem', receiver.cert, '--session-key', sessionKey, '--binary-data', data, tpl]);
  if (r.status !== 0) throw new Error(`xmlsec1 --encrypt failed: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('xmlsec1 --decrypt recovers parts encrypted by encryptAttachment', () => {
  test.each([
    ['binary, aes256-gcm (default)', binary, undefined],
    ['XML payload, aes256-gcm', xmlPayload, AES256_GCM],
    ['binary, aes128-gcm', binary, AES128_GCM],
    ['one byte', Buffer.from([0xff]), AES256_GCM],
  ])('%s', (_name, content, algorithm) => {
    const enc = encryptAttachment(content, { contentId: 'payload-1@gemeente.example.nl', mimeType: 'application/pdf', certPem, ...(algorithm ? { algorithm } : {}) });
    const r = xmlsecDecrypt(enc);
    expect(r.status).toBe(0);
    expect(r.plain.equals(content)).toBe(true);
    // and our own decrypter gives the same bytes and the original MIME type back
    expect(decryptAttachment(enc, { keyPem })).toEqual({ content, mimeType: 'application/pdf' });
  });

  test('layout: Id = Content-ID, MimeType, no Type, RSA-OAEP EncryptedKey', () => {
    const text = encryptAttachment(binary, { contentId: '<p@x.nl>', mimeType: 'text/xml; charset=UTF-8', certPem }).toString('utf8');
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<xenc:EncryptedData xmlns:xenc="http:\/\/www.w3.org\/2001\/04\/xmlenc#" Id="p@x.nl" MimeType="text\/xml; charset=UTF-8">/);
    expect(text).not.toContain(' Type="');
    expect(text).toContain(`<xenc:EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}">`);
    expect(text).toContain(`<xenc:EncryptionMethod Algorithm="${AES256_GCM}"/>`);
  });
});

describe('decryptAttachment decrypts parts encrypted by xmlsec1 --encrypt', () => {
  test.each([
    ['aes256-gcm + rsa-oaep-mgf1p', AES256_GCM, RSA_OAEP_MGF1P, 'aes-256', false],
    ['aes128-gcm + rsa-oaep-mgf1p', AES128_GCM, RSA_OAEP_MGF1P, 'aes-128', false],
    ['aes256-cbc + rsa-oaep-mgf1p', AES256_CBC, RSA_OAEP_MGF1P, 'aes-256', false],
    ['aes128-cbc + rsa-1_5 (ebms-core default, legacy)', AES128_CBC, RSA_1_5, 'aes-128', true],
    ['3DES + rsa-oaep-mgf1p (legacy)', TRIPLEDES_CBC, RSA_OAEP_MGF1P, 'des-192', true],
  ])('%s', (_name, dataAlg, keyAlg, sessionKey, legacy) => {
    for (const content of [binary, xmlPayload, Buffer.from('x')]) {
      const enc = xmlsecEncrypt(content, dataAlg, keyAlg, sessionKey);
      expect(decryptAttachment(enc, { keyPem, allowLegacy: legacy })).toEqual({ content, mimeType: 'application/octet-stream' });
      if (legacy) {
        let err: unknown;
        try { decryptAttachment(enc, { keyPem, contentId: 'payload-1@gemeente.example.nl' }); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(EbmsError);
        expect((err as EbmsError).errorCode).toBe('SecurityFailure');
        expect((err as EbmsError).location).toBe('cid:payload-1@gemeente.example.nl');
        expect((err as EbmsError).message).toMatch(/only accepted where the CPA allows legacy algorithms/);
      }
    }
  });
});
