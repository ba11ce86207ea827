/**
 * ebMS2 conformance, b.7 rules 3 and 4: the TLS client certificate belongs to the CPA's From party (DK-16,
 * ebms-core ClientCertificateValidator), and the CPA is agreed, valid at the message Timestamp and — for business
 * messages — activated by a Ping Pong (seed 002 §3.3.5).
 */
import { peerFor, type Pair } from '../../helpers/msh.js';
import { parseEnvelope } from '../../../src/ebms/envelope/index.js';
import { editSoap, expectAccepted, expectMessageError, pairFor, prepareDi01, receivedIds, send, toHub } from './conformance.js';

const CPA_ID = '//Header/MessageHeader/CPAId';
const FROM_PARTY = '//Header/MessageHeader/From/PartyId';

describe('b.7-3 TLS client certificate = the CPA From party', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-be', 'none'); });
  afterAll(() => pair.close());

  test('b.7-3 TLS peer certificate of another party (gemeente-0518) → SecurityFailure @ //Header/MessageHeader/From/PartyId, answered synchronously (HTTP 200), nothing stored', async () => {
    const msg = await prepareDi01(pair);
    const received = receivedIds(pair.hub);
    const out = await send(pair.hub, msg, peerFor('gemeente-0518'));
    // The CPA says syncReplyMode none, yet the answer is in the HTTP response: the peer is not known to be the party.
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', FROM_PARTY, 'sync');
    expect(out.record).toBeUndefined();
    expect(await pair.hub.store.messages.getByMessageId('in', msg.messageId)).toBeNull();
    expect(await pair.hub.store.messages.listByRef('out', msg.messageId)).toEqual([]);
    expect(await pair.hub.store.outbox.count()).toBe(0);
    expect(received).toEqual([]);
  });

  test('b.7-3 TLS peer with the right OIN but not the CPA ClientCertificate (its signing certificate) → SecurityFailure @ //Header/MessageHeader/From/PartyId, sync, nothing stored', async () => {
    const msg = await prepareDi01(pair);
    const out = await send(pair.hub, msg, peerFor('gemeente-0363', 'signing'));
    await expectMessageError(pair.hub, out, msg.messageId, 'SecurityFailure', FROM_PARTY, 'sync');
    expect(await pair.hub.store.messages.getByMessageId('in', msg.messageId)).toBeNull();
    expect(await pair.hub.store.outbox.count()).toBe(0);
  });

  test('b.7-3 the CPA party\'s own client certificate → accepted (HTTP 204 on a none CPA)', async () => {
    const msg = await prepareDi01(pair);
    const out = await toHub(pair, msg);
    expectAccepted(out);
    expect(out.reply.status).toBe(204);
  });
});

describe('b.7-4 CPA agreed, valid at Timestamp, activated', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('b.7-4 Timestamp before the CPA Start → Inconsistent @ //Header/MessageHeader/CPAId (sync MessageError)', async () => {
    const msg = await prepareDi01(pair);
    const w = editSoap(msg, (x) => x.replace(/<eb:Timestamp>[^<]+<\/eb:Timestamp>/, '<eb:Timestamp>2020-01-01T00:00:00Z</eb:Timestamp>'));
    await expectMessageError(pair.hub, await toHub(pair, w), msg.messageId, 'Inconsistent', CPA_ID, 'sync');
  });

  test('b.7-4 Timestamp after the CPA End → Inconsistent @ //Header/MessageHeader/CPAId', async () => {
    const msg = await prepareDi01(pair);
    const w = editSoap(msg, (x) => x.replace(/<eb:Timestamp>[^<]+<\/eb:Timestamp>/, '<eb:Timestamp>2099-01-01T00:00:00Z</eb:Timestamp>'));
    await expectMessageError(pair.hub, await toHub(pair, w), msg.messageId, 'Inconsistent', CPA_ID, 'sync');
  });
});

describe('b.7-4 CPA not activated (seed 002 §3.3.5: business only after a Ping Pong)', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await pairFor('osb-rm', 'mshSignalsOnly', { activate: false });
    // Only the adapter side is activated, so that it can prepare a business message; the hub's CPA is not.
    await pair.gemeente.cpas.activate(pair.cpaId, 'test');
  });
  afterAll(() => pair.close());

  test('b.7-4 business message on a CPA the hub has not activated → Inconsistent @ //Header/MessageHeader/CPAId', async () => {
    const msg = await prepareDi01(pair);
    const received = receivedIds(pair.hub);
    await expectMessageError(pair.hub, await toHub(pair, msg), msg.messageId, 'Inconsistent', CPA_ID, 'sync');
    expect(received).toEqual([]);
  });

  test('b.7-4 Ping on the not-activated CPA → Pong (HTTP 200, sync)', async () => {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: true });
    const out = await toHub(pair, { body: record.raw, contentType: record.contentType });
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('signal');
    expect(out.reply.status).toBe(200);
    const pong = parseEnvelope(out.reply.body!);
    expect(pong.MessageHeader.Action).toBe('Pong');
    expect(pong.MessageHeader.MessageData.RefToMessageId).toBe(record.messageId);
  });

  // The Ping Pong itself (msh.ping activates on the Pong) is tested end to end in test/e2e/msh.test.ts; here the
  // hub's CPA is activated directly, as msh.ping does after a Pong.
  test('b.7-4 once the hub has activated the CPA, the same business message is accepted', async () => {
    await pair.hub.cpas.activate(pair.cpaId, 'activated directly (as after a Pong)');
    const msg = await prepareDi01(pair);
    expectAccepted(await toHub(pair, msg));
  });
});
