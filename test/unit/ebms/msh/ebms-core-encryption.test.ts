import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AES256_CBC, AES256_GCM, RSA_1_5, RSA_OAEP_MGF1P } from '../../../../src/ebms/encryption/algorithms.js';
import { parseEnvelope } from '../../../../src/ebms/envelope/index.js';
import { buildSoapWithAttachments, parseSoapWithAttachments } from '../../../../src/ebms/mime/index.js';
import { mshPair, payload, type Pair } from '../../../helpers/msh.js';
import { testPki } from '../../../helpers/pki.js';

/**
 * Issue 18: the ebms-core compatible encryption variant, tested with messages encrypted the way eluinstra/ebms-core
 * 2.20's EbMSMessageEncrypter does it — data cipher = the CPA's first EncryptionAlgorithm (aes256-cbc), content key
 * wrapped with RSA-1_5 (XMLCipher.RSA_v1dot5), EncryptedData Id = Content-ID, MimeType, Type=#Element, and the
 * EncryptedKey's ds:KeyInfo holding a ds:KeyName with the certificate's subject DN — built by xmlsec1 (an
 * independent engine), not by our encrypter.
 */

const DI01 = 'envelopHeenbericht-ggk_Di01';
const pki = testPki();
const hubSigning = pki.files.parties.hub!.signing;
const gemeenteSigning = pki.files.parties['gemeente-0363']!.signing;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'kp-ebmscore-'));
}

/** Java's X509Certificate.getSubjectDN().getName(): most specific RDN first, ", " between them. */
function javaSubjectDn(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).subject.split('\n').reverse().join(', ');
}

/** One MIME part encrypted by xmlsec1 in ebms-core's exact EncryptedData/KeyInfo layout. */
function ebmsCoreEncrypted(content: Buffer, contentId: string, mimeType: string, receiverCertFile: string): Buffer {
  const dir = tmp();
  const tpl = join(dir, 'template.xml');
  const data = join(dir, 'data.bin');
  writeFileSync(data, content);
  writeFileSync(tpl, '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="${contentId}" MimeType="${mimeType}" Type="http://www.w3.org/2001/04/xmlenc#Element">`
    + `<xenc:EncryptionMethod Algorithm="${AES256_CBC}"/>`
    + '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>'
    + `<xenc:EncryptionMethod Algorithm="${RSA_1_5}"/>`
    + `<ds:KeyInfo><ds:KeyName>${javaSubjectDn(receiverCertFile)}</ds:KeyName></ds:KeyInfo>`
    + '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>'
    + '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>\n');
  const r = spawnSync('xmlsec1', ['--encrypt', '--pubkey-cert-pem', receiverCertFile, '--session-key', 'aes-256', '--binary-data', data, tpl]);
  if (r.status !== 0) throw new Error(`xmlsec1 --encrypt failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * The gemeente's message as an ebms-core adapter would send it: signed over the plain payload (the gemeente side
 * prepares and signs it), then each encrypted part replaced by xmlsec1's ebms-core-style encryption of the same
 * plaintext.
 */
async function fromEbmsCore(pair: Pair, content: Buffer): Promise<{ body: Buffer; contentType: string; contentId: string; messageId: string }> {
  const prepared = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts: [{ contentType: 'application/xml', content }] });
  const mime = parseSoapWithAttachments(prepared.record.raw, prepared.record.contentType);
  const part = prepared.parts[0]!;
  expect(mime.attachments.map((a) => a.contentId)).toEqual([part.contentId]);
  const rebuilt = buildSoapWithAttachments(mime.soapPart.content.toString('utf8'), [
    { contentId: part.contentId, contentType: 'application/xml', content: ebmsCoreEncrypted(content, part.contentId, 'application/xml', hubSigning.cert) },
  ], { alwaysMultipart: true });
  return { body: rebuilt.body, contentType: rebuilt.contentType, contentId: part.contentId, messageId: prepared.record.messageId };
}

function encryptionMethods(encryptedPart: Buffer): string[] {
  return [...encryptedPart.toString('utf8').matchAll(/EncryptionMethod Algorithm="([^"]+)"/g)].map((m) => m[1]!);
}

describe('ebms-core compatible encryption (osb-rm-e, --encryption ebms-core)', () => {
  let compat: Pair;
  let standard: Pair;
  beforeAll(async () => {
    compat = await mshPair({ profile: 'osb-rm-e', encryption: 'ebms-core', syncReplyMode: 'mshSignalsOnly' });
    standard = await mshPair({ profile: 'osb-rm-e', syncReplyMode: 'mshSignalsOnly' });
  });
  afterAll(async () => { await compat.close(); await standard.close(); });

  test('the generated CPA lists aes256-cbc first and rsa-1_5, the default one aes256-gcm and rsa-oaep', () => {
    const algs = (xml: string) => [...xml.matchAll(/<tns:EncryptionAlgorithm[^>]*>([^<]+)<\/tns:EncryptionAlgorithm>/g)].map((m) => m[1]);
    expect(algs(compat.xml).slice(0, 2)).toEqual([AES256_CBC, RSA_1_5]);
    expect(algs(standard.xml).slice(0, 2)).toEqual([AES256_GCM, RSA_OAEP_MGF1P]);
  });

  test('an ebms-core-style message (aes256-cbc, rsa-1_5, KeyName) is accepted on the compatible CPA, payload byte for byte', async () => {
    const p = payload(3000);
    const m = await fromEbmsCore(compat, p.content);
    const out = await compat.hub.msh.pipeline.handle({ body: m.body, contentType: m.contentType, soapAction: '"ebXML"', peer: compat.gemeente.peer });
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('accepted');
    const parts = await compat.hub.store.messages.parts(out.record!.id);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.content.equals(p.content)).toBe(true);
    expect(parts[0]!.contentType).toBe('application/xml');
    const ack = parseEnvelope(out.reply.body!);
    expect(ack.MessageHeader.Action).toBe('Acknowledgment');
    expect(ack.Acknowledgment?.RefToMessageId).toBe(m.messageId);
  });

  test('the same message on a default (Digikoppeling) CPA is refused: SecurityFailure at cid:<Content-ID>', async () => {
    const p = payload(3000);
    const m = await fromEbmsCore(standard, p.content);
    const out = await standard.hub.msh.pipeline.handle({ body: m.body, contentType: m.contentType, soapAction: '"ebXML"', peer: standard.gemeente.peer });
    expect(out.outcome).toBe('rejected');
    expect(out.errors!.map((e) => [e.errorCode, e.location])).toEqual([['SecurityFailure', `cid:${m.contentId}`]]);
    expect(out.errors![0]!.message).toMatch(/key transport rsa-1_5 is only accepted where the CPA allows legacy algorithms or agrees ebms-core compatible encryption/);
    // the MessageError goes back on the same connection (mshSignalsOnly) with that code and location
    const reply = parseEnvelope(out.reply.body!);
    expect(reply.MessageHeader.Action).toBe('MessageError');
    expect(reply.ErrorList?.Error.map((e) => [e.errorCode, e.location])).toEqual([['SecurityFailure', `cid:${m.contentId}`]]);
    expect(await standard.hub.store.messages.parts(out.record!.id)).toHaveLength(0);
  });

  test("knooppunt's own message on the compatible CPA is aes256-cbc + rsa-1_5 and xmlsec1 decrypts it with those algorithms", async () => {
    const p = payload(4000);
    const prepared = await compat.hub.msh.outbound.prepare({ cpaId: compat.cpaId, action: DI01, parts: [p] });
    const mime = parseSoapWithAttachments(prepared.record.raw, prepared.record.contentType);
    const enc = mime.attachments[0]!.content;
    expect(encryptionMethods(enc)).toEqual([AES256_CBC, RSA_1_5]);
    const dir = tmp();
    writeFileSync(join(dir, 'enc.xml'), enc);
    const r = spawnSync('xmlsec1', ['--decrypt', '--privkey-pem', gemeenteSigning.key, '--output', join(dir, 'plain.bin'), join(dir, 'enc.xml')], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'plain.bin')).equals(p.content)).toBe(true);
    // and a knooppunt adapter on the other side accepts it too
    const out = await compat.gemeente.msh.pipeline.handle({ body: prepared.record.raw, contentType: prepared.record.contentType, soapAction: '"ebXML"', peer: compat.hub.peer });
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('accepted');
  });

  test('on the default CPA our messages stay AES-256-GCM + RSA-OAEP (DK-28)', async () => {
    const prepared = await standard.hub.msh.outbound.prepare({ cpaId: standard.cpaId, action: DI01, parts: [payload(100)] });
    const mime = parseSoapWithAttachments(prepared.record.raw, prepared.record.contentType);
    expect(encryptionMethods(mime.attachments[0]!.content)).toEqual([AES256_GCM, RSA_OAEP_MGF1P]);
  });

  test('the global legacy switch is not needed for rsa-1_5 on the compatible CPA, and 3DES stays refused there', async () => {
    expect(compat.hub.deps.legacy).toBeUndefined();
    const p = payload(500);
    const m = await fromEbmsCore(compat, p.content);
    const tripleDes = m.body.toString('latin1').replace(AES256_CBC, 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc');
    const out = await compat.hub.msh.pipeline.handle({ body: Buffer.from(tripleDes, 'latin1'), contentType: m.contentType, soapAction: '"ebXML"', peer: compat.gemeente.peer });
    expect(out.outcome).toBe('rejected');
    expect(out.errors!.map((e) => [e.errorCode, e.location])).toEqual([['SecurityFailure', `cid:${m.contentId}`]]);
    expect(out.errors![0]!.message).toMatch(/tripledes-cbc is only accepted where the CPA allows legacy algorithms \(ENC003\)/);
  });
});
