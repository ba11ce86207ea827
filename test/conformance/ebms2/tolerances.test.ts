/**
 * ebMS2 conformance: the tolerances a real peer requires (observed on a running Hermes 2 MSH; ebms2-digikoppeling.md
 * "Tolerances a real peer requires" and interop gotchas 6, 7, 8, 9, 10, 11). Each case is a message that a strict
 * reading might refuse and that must be accepted.
 */
import type { Pair } from '../../helpers/msh.js';
import { parseEnvelope } from '../../../src/ebms/envelope/index.js';
import { parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';
import { DI01, editSoap, expectAccepted, pairFor, payload, prepareDi01, replaceOnce, toHub, type Prepared, type Wire } from './conformance.js';

/** A Timestamp/TimeToLive instant written with an offset and milliseconds, e.g. 2026-11-23T05:33:49.123+01:00. */
function withOffset(d: Date, hours: number): string {
  const shifted = new Date(d.getTime() + hours * 3_600_000).toISOString().replace('Z', '');
  const sign = hours < 0 ? '-' : '+';
  return `${shifted}${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}

/** Base64 element content line-wrapped at 76 with `&#13;` + LF, as Hermes 2 writes it. */
function wrapWithCr(xml: string, element: string): string {
  return xml.replace(new RegExp(`(<ds:${element}>)([^<]+)(</ds:${element}>)`), (_m, open: string, b64: string, close: string) =>
    `${open}${b64.match(/.{1,76}/g)!.join('&#13;\n')}${close}`);
}

describe('tolerances on a business message (osb-rm + mshSignalsOnly)', () => {
  let pair: Pair;
  let msg: Prepared;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  beforeEach(async () => { msg = await prepareDi01(pair); });
  afterAll(() => pair.close());

  const accepted = async (w: Wire) => {
    const out = await toHub(pair, w);
    expectAccepted(out);
    expect(parseEnvelope(out.reply.body!).MessageHeader.Action).toBe('Acknowledgment');
    return out;
  };

  test('tolerance: multipart/related without a start parameter → the first part is the root (RFC 2387 §3.2)', async () => {
    const w = { ...msg, contentType: msg.contentType.replace(/; start="[^"]+"/, '') };
    expect(w.contentType).not.toContain('start=');
    await accepted(w);
  });

  test('tolerance: MIME header "Content-Id" / "CONTENT-ID" spelled in any case, no start parameter', async () => {
    const text = msg.body.toString('latin1');
    expect(text.split('Content-ID:').length - 1).toBe(2);
    let n = 0;
    const body = Buffer.from(text.replace(/Content-ID:/g, () => (n++ === 0 ? 'Content-Id:' : 'CONTENT-ID:')), 'latin1');
    const out = await accepted({ body, contentType: msg.contentType.replace(/; start="[^"]+"/, '') });
    expect(await pair.hub.store.messages.parts(out.record!.id)).toHaveLength(1);
  });

  test('tolerance: bare LF line ends in the MIME framing', async () => {
    const text = msg.body.toString('latin1');
    await accepted({ ...msg, body: Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1') });
  });

  test('tolerance: Content-Transfer-Encoding base64 on the payload part → stored decoded', async () => {
    const { attachments } = parseSoapWithAttachments(msg.body, msg.contentType);
    const part = attachments[0]!;
    const at = msg.body.indexOf(part.content);
    const headerEnd = msg.body.lastIndexOf('\r\n\r\n', at);
    const body = Buffer.concat([msg.body.subarray(0, headerEnd), Buffer.from('\r\nContent-Transfer-Encoding: base64'), msg.body.subarray(headerEnd, at),
      Buffer.from(part.content.toString('base64').match(/.{1,76}/g)!.join('\r\n')), msg.body.subarray(at + part.content.length)]);
    const out = await accepted({ ...msg, body });
    expect((await pair.hub.store.messages.parts(out.record!.id))[0]!.content.equals(part.content)).toBe(true);
  });

  test('tolerance: Timestamp and TimeToLive with milliseconds and a +00:00 offset', async () => {
    const now = new Date();
    const w = editSoap(msg, (x) => x
      .replace(/<eb:Timestamp>[^<]+</, `<eb:Timestamp>${withOffset(now, 0)}<`)
      .replace(/<eb:TimeToLive>[^<]+</, `<eb:TimeToLive>${withOffset(new Date(now.getTime() + 3_600_000), 0)}<`));
    expect(w.body.toString('utf8')).toMatch(/<eb:Timestamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00</);
    const out = await accepted(w);
    expect(out.record!.timestamp).toBe(now.toISOString());
  });

  test('tolerance: Timestamp with a +01:00 offset is the same instant (interop gotcha 6)', async () => {
    const now = new Date();
    const out = await accepted(editSoap(msg, (x) => x.replace(/<eb:Timestamp>[^<]+</, `<eb:Timestamp>${withOffset(now, 1)}<`)));
    expect(out.record!.timestamp).toBe(now.toISOString());
  });

  test('tolerance: SOAP:mustUnderstand="true" (not "1") on every header block', async () => {
    await accepted(editSoap(msg, (x) => x.replace(/SOAP:mustUnderstand="1"/g, 'SOAP:mustUnderstand="true"')));
  });

  test('tolerance: MessageId in Hermes style 20261123-033349-15401@127.0.0.1', async () => {
    const out = await accepted(editSoap(msg, (x) => replaceOnce(x, `<eb:MessageId>${msg.messageId}<`, '<eb:MessageId>20261123-033349-15401@127.0.0.1<')));
    expect(out.record!.messageId).toBe('20261123-033349-15401@127.0.0.1');
  });

  test('tolerance: other namespace prefixes (soapenv:, ebms:) — only namespace URIs count (interop gotcha 7)', async () => {
    await accepted(editSoap(msg, (x) => x.replace(/SOAP:/g, 'soapenv:').replace(/xmlns:SOAP=/, 'xmlns:soapenv=').replace(/\beb:/g, 'ebms:').replace(/xmlns:eb=/, 'xmlns:ebms=')));
  });

  test('tolerance: To with a second PartyId of another type (multiple PartyIds, gotcha 11)', async () => {
    await accepted(editSoap(msg, (x) => x.replace(/(<eb:To><eb:PartyId[^>]*>[^<]+<\/eb:PartyId>)/, '$1<eb:PartyId eb:type="urn:example:alias">hub-alias</eb:PartyId>')));
  });

  test('tolerance: SOAPAction ebXML without quotes', async () => {
    expectAccepted(await toHub(pair, msg, 'ebXML'));
  });
});

describe('tolerances on signals', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('tolerance: a signal as plain text/xml (no MIME) → Ping answered with Pong', async () => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: true });
    expect(record.contentType).toMatch(/^text\/xml/);
    const out = await toHub(pair, { body: record.raw, contentType: record.contentType });
    expect(parseEnvelope(out.reply.body!).MessageHeader.Action).toBe('Pong');
  });

  test('tolerance: a Ping with eb:Role (the old "Cleo patch") is accepted too (gotcha 8)', async () => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: true });
    const w = editSoap({ body: record.raw, contentType: record.contentType }, (x) => x.replace(/(<eb:From><eb:PartyId[^>]*>[^<]+<\/eb:PartyId>)/, '$1<eb:Role>Deelnemer</eb:Role>'));
    const out = await toHub(pair, w);
    expect(out.errors).toBeUndefined();
    expect(parseEnvelope(out.reply.body!).MessageHeader.Action).toBe('Pong');
  });

  test('tolerance: a sync Acknowledgment that carries <eb:DuplicateElimination/> (Hermes 2) is accepted: the message is DELIVERED', async () => {
    const sent = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: DI01, parts: [payload(128)] });
    const out = await toHub(pair, { body: sent.raw, contentType: sent.contentType });
    expectAccepted(out);
    const ack = Buffer.from(replaceOnce(out.reply.body!.toString('utf8'), '</eb:MessageData>', '</eb:MessageData><eb:DuplicateElimination/>'), 'utf8');
    expect(parseEnvelope(ack).MessageHeader.DuplicateElimination).toBe(true);
    expect(await pair.gemeente.msh.handleResponse(sent, { status: 200, contentType: 'text/xml; charset=UTF-8', body: ack })).toBe('Acknowledgment');
    expect((await pair.gemeente.store.messages.get(sent.id))?.status).toBe('DELIVERED');
  });
});

describe('tolerances on the signature (osb-rm-s)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm-s', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('tolerance: base64 in ds:SignatureValue and ds:X509Certificate line-wrapped with &#13; character references (Hermes 2)', async () => {
    const msg = await prepareDi01(pair);
    const w = editSoap(msg, (x) => wrapWithCr(wrapWithCr(x, 'SignatureValue'), 'X509Certificate'));
    expect(w.body.toString('utf8')).toMatch(/<ds:SignatureValue>[^<]*&#13;\n[^<]*<\/ds:SignatureValue>/);
    expect(w.body.toString('utf8')).toMatch(/<ds:X509Certificate>[^<]*&#13;\n[^<]*<\/ds:X509Certificate>/);
    const out = await toHub(pair, w);
    expectAccepted(out);
    expect(parseEnvelope(out.reply.body!).signaturePresent).toBe(true);
  });
});
