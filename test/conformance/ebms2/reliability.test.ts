/**
 * ebMS2 conformance, b.7 rule 2 and b.5: duplicate elimination (ebMS 2.0 §6.4.1, DK-08). A resent message is never
 * delivered twice and gets the stored Acknowledgment or MessageError again (jentrata-msh #8/#55: not doing so
 * breaks the sender's retries); a MessageId reused for another message is refused.
 */
import { mshPair, payload, type Pair } from '../../helpers/msh.js';
import { parseEnvelope } from '../../../src/ebms/envelope/index.js';
import { DI01, editSoap, expectAccepted, expectFault, expectMessageError, pairFor, prepareDi01, receivedIds, replaceOnce, soapOf, storedReply, toHub } from './conformance.js';

const VERSION_2_1 = (x: string) => replaceOnce(x, '<eb:MessageHeader eb:version="2.0"', '<eb:MessageHeader eb:version="2.1"');

describe('b.7-2 duplicates, sync (osb-rm + mshSignalsOnly)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
  afterAll(() => pair.close());

  test('b.7-2 identical message resent → delivered once, the same stored Acknowledgment again (identical bytes, HTTP 200)', async () => {
    const received = receivedIds(pair.hub);
    const msg = await prepareDi01(pair);
    const first = await toHub(pair, msg);
    expectAccepted(first);
    const second = await toHub(pair, msg);
    expect(second.outcome).toBe('duplicate');
    expect(second.reply.status).toBe(200);
    expect(second.reply.body!.equals(first.reply.body!)).toBe(true);
    expect(parseEnvelope(second.reply.body!).MessageHeader.Action).toBe('Acknowledgment');
    expect(received).toEqual([msg.messageId]);
    expect((await pair.hub.store.messages.events(first.record!.id)).map((e) => e.event)).toEqual(['RECEIVED', 'DUPLICATE']);
  });

  test('b.7-2 refused message resent → the same stored MessageError again (identical bytes), still not delivered', async () => {
    const received = receivedIds(pair.hub);
    const msg = await prepareDi01(pair);
    const w = editSoap(msg, VERSION_2_1);
    const first = await toHub(pair, w);
    await expectMessageError(pair.hub, first, msg.messageId, 'Inconsistent', '//Header/MessageHeader/@version', 'sync');
    const second = await toHub(pair, w);
    expect(second.outcome).toBe('duplicate');
    expect(second.reply.status).toBe(200);
    expect(second.reply.body!.equals(first.reply.body!)).toBe(true);
    expect(received).toEqual([]);
  });

  test('b.7-2 MessageId reused for a different message (other ConversationId) → SOAP Fault Client, HTTP 500, not delivered', async () => {
    const received = receivedIds(pair.hub);
    const msg = await prepareDi01(pair);
    expectAccepted(await toHub(pair, msg));
    const other = await prepareDi01(pair);
    const reused = editSoap(other, (x) => replaceOnce(x, `<eb:MessageId>${other.messageId}</eb:MessageId>`, `<eb:MessageId>${msg.messageId}</eb:MessageId>`));
    const out = await toHub(pair, reused);
    expect(await expectFault(pair.hub, out, 'Client')).toMatch(/already used/);
    expect(received).toEqual([msg.messageId]);
  });
});

describe('b.7-2 duplicates, async (osb-rm + none)', () => {
  let pair: Pair;
  beforeAll(async () => { pair = await pairFor('osb-rm', 'none'); });
  afterAll(() => pair.close());

  test('b.7-2 identical message resent after its Ack went out → delivered once, the stored Ack re-queued in the outbox (HTTP 204)', async () => {
    const received = receivedIds(pair.hub);
    const msg = await prepareDi01(pair);
    const first = await toHub(pair, msg);
    expectAccepted(first);
    expect(first.reply.status).toBe(204);
    const ack = await storedReply(pair.hub, msg.messageId, 'Acknowledgment');
    expect((await pair.hub.store.outbox.get(ack.id))?.endpoint).toBe('https://localhost:9443/gemeente/ebms');
    // The worker delivered the Ack (HTTP 204 from the gemeente), but the gemeente did not get it and retries.
    await pair.hub.store.outbox.complete(ack.id, 'DELIVERED', { at: new Date().toISOString(), event: 'SENT', detail: null });
    expect(await pair.hub.store.outbox.get(ack.id)).toBeNull();

    const second = await toHub(pair, msg);
    expect(second.outcome).toBe('duplicate');
    expect(second.reply.status).toBe(204);
    const again = await storedReply(pair.hub, msg.messageId, 'Acknowledgment');
    expect(again.id).toBe(ack.id);
    expect(again.raw.equals(ack.raw)).toBe(true);
    expect(again.status).toBe('PENDING');
    expect(await pair.hub.store.outbox.get(ack.id)).not.toBeNull();
    expect(received).toEqual([msg.messageId]);
  });

  test('b.7-2 identical message resent while its Ack is still queued → one outbox row, not two', async () => {
    const msg = await prepareDi01(pair);
    expectAccepted(await toHub(pair, msg));
    const before = await pair.hub.store.outbox.count();
    expect((await toHub(pair, msg)).outcome).toBe('duplicate');
    expect(await pair.hub.store.outbox.count()).toBe(before);
  });

  test('b.7-2 refused message resent → the stored MessageError re-queued, no second MessageError made', async () => {
    const msg = await prepareDi01(pair);
    const w = editSoap(msg, VERSION_2_1);
    await expectMessageError(pair.hub, await toHub(pair, w), msg.messageId, 'Inconsistent', '//Header/MessageHeader/@version', 'async');
    const err = await storedReply(pair.hub, msg.messageId, 'MessageError');
    await pair.hub.store.outbox.complete(err.id, 'DELIVERED', { at: new Date().toISOString(), event: 'SENT', detail: null });
    const second = await toHub(pair, w);
    expect(second.outcome).toBe('duplicate');
    expect(second.reply.status).toBe(204);
    expect((await storedReply(pair.hub, msg.messageId, 'MessageError')).id).toBe(err.id);
    expect(await pair.hub.store.outbox.get(err.id)).not.toBeNull();
  });
});

describe('b.5 sender side: TimeToLive and retries from the CPA', () => {
  test('b.5 TimeToLive = Timestamp + RetryInterval × (Retries + 1); the outbox allows Retries + 1 attempts', async () => {
    const pair = await mshPair({ profile: 'osb-rm', syncReplyMode: 'none', retries: 2, retryInterval: 'PT1M' });
    try {
      const msg = await prepareDi01(pair);
      const h = parseEnvelope(soapOf(msg)).MessageHeader;
      expect(h.MessageData.TimeToLive!.getTime() - h.MessageData.Timestamp.getTime()).toBe(3 * 60_000);
      const p = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts: [payload(64)] });
      expect(p.delivery.maxAttempts).toBe(3);
      expect(p.delivery.retryIntervalMs).toBe(60_000);
    } finally {
      await pair.close();
    }
  });
});
