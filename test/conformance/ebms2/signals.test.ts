/**
 * ebMS2 conformance, b.3 MSH signals: Ping → Pong (ebMS 2.0 §8), StatusRequest → StatusResponse (§7),
 * Acknowledgment (§6.3.2) and MessageError (§4.2.4) in both directions; signal headers (no Role, From/To swapped,
 * same CPAId and ConversationId, RefToMessageId, never DuplicateElimination — jentrata-msh #62).
 */
import type { Pair } from '../../helpers/msh.js';
import { EBMS_SERVICE, parseEnvelope, type MessageHeader, type ParsedEnvelope } from '../../../src/ebms/envelope/index.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { DI01, editSoap, expectAccepted, expectMessageError, pairFor, payload, prepareDi01, replaceOnce, send, storedReply, toHub, type Wire } from './conformance.js';

const GEMEENTE_ENDPOINT = 'https://localhost:9443/gemeente/ebms';
const HUB_ENDPOINT = 'https://localhost:8443/hub/ebms';

/** b.3: what every signal header answering `ref` looks like. */
function expectSignalHeader(signal: MessageHeader, ref: MessageHeader, action: string): void {
  expect(signal.Action).toBe(action);
  expect(signal.Service).toEqual({ value: EBMS_SERVICE });
  expect(signal.From).toEqual({ PartyId: ref.To.PartyId });
  expect(signal.To).toEqual({ PartyId: ref.From.PartyId });
  expect(signal.From.Role).toBeUndefined();
  expect(signal.To.Role).toBeUndefined();
  expect(signal.CPAId).toBe(ref.CPAId);
  expect(signal.ConversationId).toBe(ref.ConversationId);
  expect(signal.MessageData.RefToMessageId).toBe(ref.MessageData.MessageId);
  expect(signal.DuplicateElimination).toBeUndefined();
}

const wireOf = (r: MessageRecord): Wire => ({ body: r.raw, contentType: r.contentType });

describe('b.3 signals, sync (osb-rm + mshSignalsOnly)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  const ping = async (sync: boolean) => (await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync })).record;
  const statusOf = async (ref: string): Promise<ParsedEnvelope> => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'StatusRequest', { sync: true, refMessageId: ref });
    const out = await toHub(pair, wireOf(record));
    expect(out.outcome).toBe('signal');
    expect(out.reply.status).toBe(200);
    const env = parseEnvelope(out.reply.body!);
    expectSignalHeader(env.MessageHeader, parseEnvelope(record.raw).MessageHeader, 'StatusResponse');
    expect(env.StatusResponse?.RefToMessageId).toBe(ref);
    return env;
  };

  test('b.3 Ping with SyncReply → Pong in the HTTP response (200 text/xml): no Role, From/To swapped, same CPAId/ConversationId, RefToMessageId', async () => {
    const p = await ping(true);
    const out = await toHub(pair, wireOf(p));
    expect(out.outcome).toBe('signal');
    expect(out.reply.status).toBe(200);
    expect(out.reply.contentType).toMatch(/^text\/xml/);
    expectSignalHeader(parseEnvelope(out.reply.body!).MessageHeader, parseEnvelope(p.raw).MessageHeader, 'Pong');
    expect(out.reply.body!.toString('utf8')).not.toContain('Role>');
  });

  test('b.3 StatusRequest for an unknown MessageId → StatusResponse NotRecognized (no Timestamp, ebMS 2.0 §7.1.2)', async () => {
    const env = await statusOf('nooit-gezien@example.org');
    expect(env.StatusResponse?.messageStatus).toBe('NotRecognized');
    expect(env.StatusResponse?.Timestamp).toBeUndefined();
  });

  test('b.3 StatusRequest for a received message → StatusResponse Received with Timestamp; after the application confirms it → Processed', async () => {
    const msg = await prepareDi01(pair);
    const accepted = await toHub(pair, msg);
    expectAccepted(accepted);
    const received = await statusOf(msg.messageId);
    expect(received.StatusResponse?.messageStatus).toBe('Received');
    expect(received.StatusResponse?.Timestamp).toBeInstanceOf(Date);
    expect(await pair.hub.store.messages.markProcessed(accepted.record!.id, new Date().toISOString())).toBe(true);
    expect((await statusOf(msg.messageId)).StatusResponse?.messageStatus).toBe('Processed');
  });

  test('b.3 StatusRequest for a message the hub routed onward → StatusResponse Forwarded', async () => {
    const msg = await prepareDi01(pair);
    const accepted = await toHub(pair, msg);
    await pair.hub.store.messages.addEvent(accepted.record!.id, { at: new Date().toISOString(), event: 'FORWARDED', detail: 'test' });
    expect((await statusOf(msg.messageId)).StatusResponse?.messageStatus).toBe('Forwarded');
  });

  test('b.3 Acknowledgment: no Role, From/To swapped, same CPAId/ConversationId, RefToMessageId, and never DuplicateElimination (the message had it)', async () => {
    const msg = await prepareDi01(pair);
    const out = await toHub(pair, msg);
    const sent = parseEnvelope(msg.body.subarray(msg.body.indexOf('<SOAP:Envelope'), msg.body.indexOf('</SOAP:Envelope>') + 16));
    expect(sent.MessageHeader.DuplicateElimination).toBe(true);
    const ack = parseEnvelope(out.reply.body!);
    expectSignalHeader(ack.MessageHeader, sent.MessageHeader, 'Acknowledgment');
    expect(ack.Acknowledgment?.RefToMessageId).toBe(msg.messageId);
    expect(out.reply.body!.toString('utf8')).not.toContain('DuplicateElimination');
  });

  test('b.3 MessageError: no Role, From/To swapped, same CPAId/ConversationId, RefToMessageId = the refused message', async () => {
    const msg = await prepareDi01(pair);
    const out = await toHub(pair, editSoap(msg, (x) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="9.9"')));
    const env = await expectMessageError(pair.hub, out, msg.messageId, 'Inconsistent', '//Header/MessageHeader/@version', 'sync');
    const sent = parseEnvelope(msg.body.subarray(msg.body.indexOf('<SOAP:Envelope'), msg.body.indexOf('</SOAP:Envelope>') + 16));
    expectSignalHeader(env.MessageHeader, sent.MessageHeader, 'MessageError');
  });
});

describe('b.3 signals, async (osb-rm + none)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'none'); });
  afterAll(() => pair.close());

  /** The gemeente sends (stored in its outbox), the hub answers asynchronously: the hub's queued reply. */
  const sendAndAnswer = async (edit?: (xml: string) => string): Promise<{ sent: MessageRecord; reply: MessageRecord }> => {
    const sent = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: DI01, parts: [payload(256)] });
    const w = edit ? (() => { const x = wireOf(sent); return editSoap(x, edit); })() : wireOf(sent);
    const out = await toHub(pair, w);
    expect(out.reply.status).toBe(204);
    const reply = (await pair.hub.store.messages.listByRef('out', sent.messageId))[0]!;
    expect((await pair.hub.store.outbox.get(reply.id))?.endpoint).toBe(GEMEENTE_ENDPOINT);
    return { sent, reply };
  };

  test('b.3 Ping without SyncReply → HTTP 204 and the Pong queued in the hub outbox for the gemeente endpoint', async () => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: false });
    const out = await toHub(pair, wireOf(record));
    expect(out.outcome).toBe('signal');
    expect(out.reply).toEqual({ status: 204 });
    const pong = await storedReply(pair.hub, record.messageId, 'Pong');
    expect((await pair.hub.store.outbox.get(pong.id))?.endpoint).toBe(GEMEENTE_ENDPOINT);
    expectSignalHeader(parseEnvelope(pong.raw).MessageHeader, parseEnvelope(record.raw).MessageHeader, 'Pong');
  });

  test('b.3 inbound Pong (text/xml, no Role) → the Ping is answered (DELIVERED)', async () => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: false });
    await toHub(pair, wireOf(record));
    const pong = await storedReply(pair.hub, record.messageId, 'Pong');
    const out = await send(pair.gemeente, wireOf(pong), pair.hub.peer);
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('signal');
    expect(out.reply).toEqual({ status: 204 });
    expect((await pair.gemeente.store.messages.get(record.id))?.status).toBe('DELIVERED');
  });

  test('b.3 inbound Acknowledgment (text/xml) → the referenced outbound message DELIVERED and out of the outbox', async () => {
    const { sent, reply } = await sendAndAnswer();
    expect(reply.action).toBe('Acknowledgment');
    const delivered: string[] = [];
    pair.gemeente.msh.events.on('delivered', (r) => delivered.push(r.messageId));
    const out = await send(pair.gemeente, wireOf(reply), pair.hub.peer);
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('signal');
    expect(out.reply).toEqual({ status: 204 });
    expect((await pair.gemeente.store.messages.get(sent.id))?.status).toBe('DELIVERED');
    expect(await pair.gemeente.store.outbox.get(sent.id)).toBeNull();
    expect(delivered).toEqual([sent.messageId]);
  });

  test('b.3 inbound MessageError → the referenced outbound message FAILED, with the error in its history', async () => {
    const { sent, reply } = await sendAndAnswer((x) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="2.1"'));
    expect(reply.action).toBe('MessageError');
    const failed: string[] = [];
    pair.gemeente.msh.events.on('failed', (r, reason) => failed.push(`${r.messageId} ${reason}`));
    const out = await send(pair.gemeente, wireOf(reply), pair.hub.peer);
    expect(out.outcome).toBe('signal');
    expect((await pair.gemeente.store.messages.get(sent.id))?.status).toBe('FAILED');
    expect(failed).toEqual([`${sent.messageId} Inconsistent at //Header/MessageHeader/@version: Invalid value: version must be 2.0, found "2.1"`]);
  });

  test('b.7-5 Acknowledgment with unknown RefToMessageId → ValueNotRecognized @ //Header/Acknowledgment/RefToMessageId (MessageError queued for the hub)', async () => {
    const { reply } = await sendAndAnswer();
    const ackId = reply.messageId;
    const bogus = editSoap(wireOf(reply), (x) => x.split(reply.refToMessageId!).join('nooit-verzonden@gemeente-0363.test'));
    const out = await send(pair.gemeente, bogus, pair.hub.peer);
    expect(out.outcome).toBe('rejected');
    expect(out.errors?.map((e) => [e.errorCode, e.location])).toEqual([['ValueNotRecognized', '//Header/Acknowledgment/RefToMessageId']]);
    expect(out.reply).toEqual({ status: 204 });
    const err = await storedReply(pair.gemeente, ackId, 'MessageError');
    expect((await pair.gemeente.store.outbox.get(err.id))?.endpoint).toBe(HUB_ENDPOINT);
    expect(parseEnvelope(err.raw).ErrorList?.Error.map((e) => [e.errorCode, e.location])).toEqual([['ValueNotRecognized', '//Header/Acknowledgment/RefToMessageId']]);
    expect((await pair.gemeente.store.messages.getByMessageId('in', ackId))?.status).toBe('REJECTED');
  });

  test('b.7-5 MessageError with unknown RefToMessageId → refused (ValueNotRecognized @ //Header/MessageHeader/MessageData/RefToMessageId) and never answered with another MessageError', async () => {
    const { reply } = await sendAndAnswer((x) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="2.1"'));
    const bogus = editSoap(wireOf(reply), (x) => x.split(reply.refToMessageId!).join('nooit-verzonden@gemeente-0363.test'));
    const out = await send(pair.gemeente, bogus, pair.hub.peer);
    expect(out.outcome).toBe('rejected');
    expect(out.errors?.map((e) => [e.errorCode, e.location])).toEqual([['ValueNotRecognized', '//Header/MessageHeader/MessageData/RefToMessageId']]);
    expect(out.reply).toEqual({ status: 204 });
    expect(await pair.gemeente.store.messages.listByRef('out', reply.messageId)).toEqual([]);
  });
});
