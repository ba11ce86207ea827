/**
 * ebMS2 conformance, b.7 rules 6–9 in ebms-core order: signature required (6), Manifest (7), decrypt (8), verify (9);
 * signature profile b.6 (ebMS 2.0 §4.1.3, DK-25..DK-28).
 */
import { readFileSync } from 'node:fs';
import { mshPair, type Pair } from '../../helpers/msh.js';
import { testPki } from '../../helpers/pki.js';
import { buildSoapWithAttachments, parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';
import { signEnvelope } from '../../../src/ebms/signature/index.js';
import { editSoap, expectAccepted, expectMessageError, pairFor, prepareDi01, replaceOnce, send, soapOf, toHub, type Prepared, type Wire } from './conformance.js';

const SI_REF = '//Header/Signature/SignedInfo/Reference';
const SIGNATURE = /<ds:Signature [\s\S]*<\/ds:Signature>/;

/** Change one byte of the (single) attachment, MIME framing untouched. */
function tamperAttachment(w: Wire): Wire {
  const { attachments } = parseSoapWithAttachments(w.body, w.contentType);
  const part = attachments[0]!;
  const at = w.body.indexOf(part.content) + Math.floor(part.content.length / 2);
  const body = Buffer.from(w.body);
  body[at] = body[at] === 0x78 ? 0x79 : 0x78;
  return { ...w, body };
}

describe('b.7-6/9 signature (osb-rm-s, sync)', () => {
  let pair: Pair;
  let msg: Prepared;
  beforeAll(async () => { pair = await pairFor('osb-rm-s', 'mshSignalsOnly'); });
  beforeEach(async () => { msg = await prepareDi01(pair); });
  afterAll(() => pair.close());

  test('b.7-6 signature required by the CPA but absent → SecurityFailure @ //Header/Signature', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => x.replace(SIGNATURE, '')));
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', '//Header/Signature', 'sync');
  });

  test('b.7-9 ConversationId changed after signing → SecurityFailure @ //Header/Signature/SignedInfo/Reference[@URI=""]', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => x.replace(/<eb:ConversationId>[^<]+</, '<eb:ConversationId>andere-conversatie<')));
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', `${SI_REF}[@URI=""]`, 'sync');
  });

  test('b.7-9 one attachment byte changed after signing → SecurityFailure @ //Header/Signature/SignedInfo/Reference[@URI="cid:…"]', async () => {
    const href = /xlink:href="([^"]+)"/.exec(soapOf(msg))![1]!;
    const out = await toHub(pair, tamperAttachment(msg));
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', `${SI_REF}[@URI="${href}"]`, 'sync');
  });

  test('b.7-9 SignatureValue changed → SecurityFailure @ //Header/Signature/SignatureValue', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => x.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`)));
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', '//Header/Signature/SignatureValue', 'sync');
  });

  test('b.6 valid signature by a certificate that is not the CPA SigningCertificate (gemeente-0518) → SecurityFailure @ //Header/Signature/KeyInfo/X509Data/X509Certificate', async () => {
    const other = testPki().files.parties['gemeente-0518']!.signing;
    const { attachments } = parseSoapWithAttachments(msg.body, msg.contentType);
    const resigned = editSoap(msg, (x) => signEnvelope(x.replace(SIGNATURE, ''), attachments.map((a) => ({ contentId: a.contentId!, content: a.content })), {
      keyPem: readFileSync(other.key, 'utf8'), certPem: readFileSync(other.cert, 'utf8'),
    }));
    await expectMessageError(pair.hub, await toHub(pair, resigned), msg.messageId, 'SecurityFailure', '//Header/Signature/KeyInfo/X509Data/X509Certificate', 'sync');
  });

  test('b.6 SignatureMethod rsa-sha1 while the CPA says rsa-sha256 (DK-27) → SecurityFailure @ //Header/Signature/SignedInfo/SignatureMethod', async () => {
    const own = testPki().files.parties['gemeente-0363']!.signing;
    const { attachments } = parseSoapWithAttachments(msg.body, msg.contentType);
    const resigned = editSoap(msg, (x) => signEnvelope(x.replace(SIGNATURE, ''), attachments.map((a) => ({ contentId: a.contentId!, content: a.content })), {
      keyPem: readFileSync(own.key, 'utf8'), certPem: readFileSync(own.cert, 'utf8'),
      signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
    }));
    await expectMessageError(pair.hub, await toHub(pair, resigned), msg.messageId, 'SecurityFailure', '//Header/Signature/SignedInfo/SignatureMethod', 'sync');
  });

  test('b.6 the gemeente\'s own signature, untouched → accepted with a signed Acknowledgment', async () => {
    const out = await toHub(pair, msg);
    expectAccepted(out);
    expect(out.reply.body!.toString('utf8')).toContain('<ds:SignatureValue>');
  });
});

describe('b.7-7 Manifest (osb-rm, sync)', () => {
  let pair: Pair;
  let msg: Prepared;
  let href: string;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  beforeEach(async () => { msg = await prepareDi01(pair); href = /xlink:href="([^"]+)"/.exec(soapOf(msg))![1]!; });
  afterAll(() => pair.close());

  test('b.7-7 Manifest eb:version 1.0 → Inconsistent @ //Body/Manifest/@version', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:Manifest eb:version="2.0">', '<eb:Manifest eb:version="1.0">')));
    await expectMessageError(pair.hub, out, msg.messageId, 'Inconsistent', '//Body/Manifest/@version', 'sync');
  });

  test('b.7-7 cid: reference to no MIME part → MimeProblem @ //Body/Manifest/Reference[@href="cid:…"]', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => replaceOnce(x, `xlink:href="${href}"`, 'xlink:href="cid:bestaat-niet@example.org"')));
    await expectMessageError(pair.hub, out, msg.messageId, 'MimeProblem', '//Body/Manifest/Reference[@href="cid:bestaat-niet@example.org"]', 'sync');
  });

  test('b.7-7 non-cid href (http:) → MimeProblem @ //Body/Manifest/Reference[@href="http://…"] (DK-24)', async () => {
    const out = await toHub(pair, editSoap(msg, (x) => replaceOnce(x, `xlink:href="${href}"`, 'xlink:href="http://example.org/payload.xml"')));
    await expectMessageError(pair.hub, out, msg.messageId, 'MimeProblem', '//Body/Manifest/Reference[@href="http://example.org/payload.xml"]', 'sync');
  });

  test('b.7-7 an attachment not named in the Manifest is dropped; the message is accepted with the Manifest parts only', async () => {
    const { soapPart, attachments } = parseSoapWithAttachments(msg.body, msg.contentType);
    const extra = { contentId: 'extra@example.org', contentType: 'text/plain', content: Buffer.from('niet in het Manifest') };
    const mime = buildSoapWithAttachments(soapPart.content.toString('utf8'), [...attachments.map((a) => ({ contentId: a.contentId!, contentType: a.contentType, content: a.content })), extra]);
    const out = await toHub(pair, { body: mime.body, contentType: mime.contentType });
    expectAccepted(out);
    const parts = await pair.hub.store.messages.parts(out.record!.id);
    expect(parts.map((p) => p.contentId)).toEqual([href.slice(4)]);
  });
});

describe('b.7-8 decrypt (osb-rm-e, sync)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm-e', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('b.7-8 encrypted part whose CipherValue was changed → SecurityFailure @ cid:<Content-ID>', async () => {
    const msg = await prepareDi01(pair);
    const { attachments } = parseSoapWithAttachments(msg.body, msg.contentType);
    const part = attachments[0]!;
    const text = part.content.toString('utf8');
    const values = [...text.matchAll(/<(?:\w+:)?CipherValue>([^<]+)</g)];
    const last = values[values.length - 1]!; // the data CipherValue (the first one is the wrapped key)
    const broken = Buffer.from(last[1]!, 'base64');
    broken[broken.length - 1] ^= 0xff;
    const changed = Buffer.from(text.replace(last[1]!, broken.toString('base64')), 'utf8');
    const at = msg.body.indexOf(part.content);
    const body = Buffer.concat([msg.body.subarray(0, at), changed, msg.body.subarray(at + part.content.length)]);
    const out = await toHub(pair, { body, contentType: msg.contentType });
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', `cid:${part.contentId}`, 'sync');
  });
});

describe('b.6 signed Acknowledgment (osb-rm-s + none: ackSignatureRequested always, DK-26)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm-s', 'none'); });
  afterAll(() => pair.close());

  /** The gemeente sends a signed message; the hub's signed Ack (queued for async delivery). */
  const signedAck = async () => {
    const sent = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [{ contentType: 'application/xml', content: Buffer.from('<a>1</a>') }] });
    expectAccepted(await toHub(pair, { body: sent.raw, contentType: sent.contentType }));
    const ack = (await pair.hub.store.messages.listByRef('out', sent.messageId))[0]!;
    expect(ack.action).toBe('Acknowledgment');
    return { sent, ack: { body: ack.raw, contentType: ack.contentType, messageId: ack.messageId } };
  };

  test('b.6 signed Acknowledgment carrying the message\'s ds:Reference elements → accepted, the message DELIVERED', async () => {
    const { sent, ack } = await signedAck();
    expect(ack.body.toString('utf8')).toContain('<ds:SignatureValue>');
    const out = await send(pair.gemeente, ack, pair.hub.peer);
    expect(out.errors).toBeUndefined();
    expect((await pair.gemeente.store.messages.get(sent.id))?.status).toBe('DELIVERED');
  });

  test('b.6 Acknowledgment without signature while a signed Ack was requested → SecurityFailure @ //Header/Signature, message not DELIVERED', async () => {
    const { sent, ack } = await signedAck();
    const out = await send(pair.gemeente, editSoap(ack, (x) => x.replace(SIGNATURE, '')), pair.hub.peer);
    expect(out.outcome).toBe('rejected');
    expect(out.errors?.map((e) => [e.errorCode, e.location])).toEqual([['SecurityFailure', '//Header/Signature']]);
    expect((await pair.gemeente.store.messages.get(sent.id))?.status).toBe('PENDING');
  });
});


describe('DK-27 legacy SHA-1 allowance (config legacy.sha1)', () => {
  const SHA1 = (xml: string) => xml
    .replaceAll('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1')
    .replaceAll('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1');

  test('without the allowance a SHA-1 CPA cannot even be imported', async () => {
    await expect(mshPair({ profile: 'osb-rm-s', syncReplyMode: 'mshSignalsOnly' }, { mutateCpa: SHA1 })).rejects.toMatchObject({ code: 'ERR_CPA_INVALID' });
  });

  test('with it, a SHA-1 CPA is imported (warning) and a message signed with rsa-sha1/sha1 as the CPA says is accepted', async () => {
    const pair = await mshPair({ profile: 'osb-rm-s', syncReplyMode: 'mshSignalsOnly' }, { legacy: true, mutateCpa: SHA1 });
    try {
      const msg = await prepareDi01(pair);
      expect(soapOf(msg)).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"');
      expectAccepted(await toHub(pair, msg));
    } finally {
      await pair.close();
    }
  });
});
