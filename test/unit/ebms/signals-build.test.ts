import { EbmsError } from '../../../src/ebms/errors.js';
import { EBMS_SERVICE, parseEnvelope } from '../../../src/ebms/envelope/index.js';
import type { MessageHeader } from '../../../src/ebms/envelope/index.js';
import {
  buildAcknowledgment, buildMessageError, buildPing, buildPong, buildStatusRequest, buildStatusResponse, newMessageId,
} from '../../../src/ebms/signals/index.js';
import { peerEnvelope, xmllintValidate } from './envelope-test-helpers.js';

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@hub\.example\.nl$/;
const opts = { messageIdHost: 'hub.example.nl' };
/** An inbound business message as Hermes sends it: Roles, two To PartyIds, DuplicateElimination. */
const inbound: MessageHeader = parseEnvelope(peerEnvelope()).MessageHeader;

function expectValid(xml: string): void {
  expect(xmllintValidate(xml)).toEqual({ ok: true, output: 'envelope.xml validates' });
}

/** b.3: Service urn:oasis:names:tc:ebxml-msg:service, no Role, From/To swapped, CPAId/ConversationId kept. */
function expectSignalHeader(h: MessageHeader, ref: MessageHeader, action: string): void {
  expect(h.From).toEqual({ PartyId: ref.To.PartyId });
  expect(h.To).toEqual({ PartyId: ref.From.PartyId });
  expect(h.CPAId).toBe(ref.CPAId);
  expect(h.ConversationId).toBe(ref.ConversationId);
  expect(h.Service).toEqual({ value: EBMS_SERVICE });
  expect(h.Action).toBe(action);
  expect(h.MessageData.MessageId).toMatch(MESSAGE_ID);
  expect(h.MessageData.RefToMessageId).toBe(ref.MessageData.MessageId);
  expect(h.MessageData.TimeToLive).toBeUndefined();
  expect(h.DuplicateElimination).toBeUndefined();
}

describe('buildAcknowledgment (ebMS 2.0 §6.3.2)', () => {
  test('signal header rules; no Role; never DuplicateElimination even when the message had it; XSD-valid; parses back', () => {
    expect(inbound.DuplicateElimination).toBe(true);
    const ack = buildAcknowledgment(inbound, { ...opts, timestamp: new Date('2026-11-23T03:34:00Z') });
    expectSignalHeader(ack.header, inbound, 'Acknowledgment');
    expect(ack.xml).not.toContain('DuplicateElimination');
    expect(ack.xml).not.toContain('Role');
    expectValid(ack.xml);
    const back = parseEnvelope(ack.xml);
    expect(back.MessageHeader).toEqual(ack.header);
    expect(back.Acknowledgment).toEqual({
      actor: 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH',
      Timestamp: new Date('2026-11-23T03:34:00Z'),
      RefToMessageId: '20261123-033349-15401@127.0.0.1',
    });
    expect(back.Manifest).toBeUndefined();
  });

  test('signed Ack: the message\'s ds:Reference elements are copied verbatim, validate against xmldsig and round-trip', () => {
    const reference =
      '<ds:Reference xmlns:ds="http://www.w3.org/2000/09/xmldsig#" URI="cid:payload-0@127.0.0.1">' +
      '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference>';
    const ack = buildAcknowledgment(inbound, { ...opts, signedReferences: [reference, reference.replace('cid:payload-0@127.0.0.1', '')] });
    expectValid(ack.xml);
    const back = parseEnvelope(ack.xml);
    expect(back.Acknowledgment!.Reference).toEqual([reference, reference.replace('cid:payload-0@127.0.0.1', '')]);
    const broken = buildAcknowledgment(inbound, { ...opts, signedReferences: [reference.replace(/<ds:DigestMethod[^>]*\/>/, '')] });
    expect(xmllintValidate(broken.xml).ok).toBe(false); // the xmldsig part really is checked
  });
});

describe('buildMessageError (ebMS 2.0 §4.2.4)', () => {
  test('ErrorList with codeContext, location and Description; highestSeverity Error; XSD-valid', () => {
    const err = buildMessageError(inbound, [
      new EbmsError('ValueNotRecognized', '//Header/MessageHeader/Action', 'Action not in CPA'),
      new EbmsError('Unknown', '//Body', 'just a warning', 'Warning'),
    ], opts);
    expectSignalHeader(err.header, inbound, 'MessageError');
    expectValid(err.xml);
    expect(parseEnvelope(err.xml).ErrorList).toEqual({
      highestSeverity: 'Error',
      Error: [
        { errorCode: 'ValueNotRecognized', severity: 'Error', codeContext: 'urn:oasis:names:tc:ebxml-msg:service:errors', location: '//Header/MessageHeader/Action', Description: { value: 'Action not in CPA', lang: 'en' } },
        { errorCode: 'Unknown', severity: 'Warning', codeContext: 'urn:oasis:names:tc:ebxml-msg:service:errors', location: '//Body', Description: { value: 'just a warning', lang: 'en' } },
      ],
    });
  });

  test('only warnings: highestSeverity Warning; no errors is a TypeError', () => {
    const err = buildMessageError(inbound, [new EbmsError('Unknown', '//Body', 'w', 'Warning')], opts);
    expect(err.message.ErrorList!.highestSeverity).toBe('Warning');
    expectValid(err.xml);
    expect(() => buildMessageError(inbound, [], opts)).toThrow(new TypeError('buildMessageError needs at least one error'));
  });
});

describe('Ping / Pong (ebMS 2.0 §8)', () => {
  const route = {
    cpaId: 'cpa-1',
    from: { PartyId: [{ value: '00000099000000000002', type: 'urn:osb:oin' }], Role: 'Knooppunt' },
    to: { PartyId: [{ value: '00000099000000000001', type: 'urn:osb:oin' }] },
  };

  test('buildPing: signal service, no Role, new ConversationId, SyncReply on request; XSD-valid', () => {
    const ping = buildPing(route, { ...opts, syncReply: true });
    const h = ping.header;
    expect(h.From).toEqual({ PartyId: route.from.PartyId });
    expect(h.Service).toEqual({ value: EBMS_SERVICE });
    expect(h.Action).toBe('Ping');
    expect(h.ConversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.MessageData.RefToMessageId).toBeUndefined();
    expect(ping.message.SyncReply).toEqual({});
    expect(ping.message.AckRequested).toBeUndefined();
    expectValid(ping.xml);
    expect(buildPing({ ...route, conversationId: 'c1' }, opts).message).toEqual(expect.not.objectContaining({ SyncReply: expect.anything() }));
  });

  test('buildPong answers a Hermes-style Ping (no Role, +00:00): RefToMessageId = Ping MessageId; empty Body; XSD-valid', () => {
    const ping = parseEnvelope(peerEnvelope({ body: '' }).replace('envelopHeenbericht-ggk_Di01', 'Ping')).MessageHeader;
    const pong = buildPong(ping, { ...opts, messageId: 'fixed@hub.example.nl' });
    expect(pong.header.MessageData.MessageId).toBe('fixed@hub.example.nl');
    expect(pong.header.MessageData.RefToMessageId).toBe(ping.MessageData.MessageId);
    expect(pong.header.Action).toBe('Pong');
    expect(pong.xml).toContain('<SOAP:Body/>');
    expectValid(pong.xml);
    expect(parseEnvelope(pong.xml).MessageHeader).toEqual(pong.header);
  });
});

describe('StatusRequest / StatusResponse (ebMS 2.0 §7)', () => {
  const route = { cpaId: 'cpa-1', from: { PartyId: [{ value: 'A' }] }, to: { PartyId: [{ value: 'B' }] }, conversationId: 'c' };

  test('buildStatusRequest and buildStatusResponse (Received with Timestamp); XSD-valid; parse back', () => {
    const req = buildStatusRequest(route, 'asked@a', opts);
    expectValid(req.xml);
    expect(parseEnvelope(req.xml).StatusRequest).toEqual({ RefToMessageId: 'asked@a' });
    const res = buildStatusResponse(req.header, 'Received', 'asked@a', new Date('2026-01-01T00:00:00+01:00'), opts);
    expectSignalHeader(res.header, req.header, 'StatusResponse');
    expectValid(res.xml);
    expect(parseEnvelope(res.xml).StatusResponse).toEqual({ messageStatus: 'Received', RefToMessageId: 'asked@a', Timestamp: new Date('2025-12-31T23:00:00Z') });
  });

  test('NotRecognized carries no Timestamp even when one is given (§7.1.2)', () => {
    const req = buildStatusRequest(route, 'unknown@a', opts);
    const res = buildStatusResponse(req.header, 'NotRecognized', 'unknown@a', new Date(), opts);
    expect(res.message.StatusResponse).toEqual({ messageStatus: 'NotRecognized', RefToMessageId: 'unknown@a' });
    expectValid(res.xml);
  });
});

test('newMessageId: uuid@host; a host with @ or spaces is a TypeError', () => {
  expect(newMessageId('hub.example.nl')).toMatch(MESSAGE_ID);
  expect(() => newMessageId('a@b')).toThrow(new TypeError('messageIdHost "a@b" is not a host name'));
});
