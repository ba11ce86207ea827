import { mshPair, payload, type Pair } from '../../../helpers/msh.js';

/**
 * The sender's crash windows around an Acknowledgment (issue 17 §3, found by the hub crash test): a process killed
 * after storing an Acknowledgment but before applying it, or between "DELIVERED" and removing the outbox row, must
 * not later resend, expire and report (hub: Fo01 RIN001) a message that was delivered.
 */
const DI01 = 'envelopHeenbericht-ggk_Di01';

describe('sender crash windows around the Acknowledgment', () => {
  let pair: Pair;
  beforeEach(async () => { pair = await mshPair({ profile: 'osb-rm', syncReplyMode: 'none', retries: 3, retryInterval: 'PT1H' }); });
  afterEach(() => pair.close());

  /** The gemeente's message stored as sent, the hub's stored Acknowledgment for it. */
  async function sentAndAcked() {
    const sent = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: DI01, parts: [payload(100)] });
    await pair.gemeente.store.messages.setStatus(sent.id, 'SENT', { at: new Date().toISOString(), event: 'SENT', detail: 'HTTP 204' });
    const got = await pair.hub.msh.pipeline.handle({ body: sent.raw, contentType: sent.contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
    expect(got.outcome).toBe('accepted');
    const inbound = (await pair.hub.store.messages.getByMessageId('in', sent.messageId))!;
    const ack = (await pair.hub.store.messages.get(inbound.replyId!))!;
    expect(ack.action).toBe('Acknowledgment');
    return { sent, ack };
  }

  test('an Acknowledgment stored by a process that died before applying it is applied when the peer sends it again', async () => {
    const { sent, ack } = await sentAndAcked();
    // the state the killed process left: the Acknowledgment stored, the message still SENT with its outbox row
    const stored = await pair.gemeente.store.messages.insertInbound({ ...ack, direction: 'in', status: 'RECEIVED', replyId: null }, [], { at: ack.createdAt, event: 'RECEIVED', detail: null });
    expect(stored.inserted).toBe(true);
    // the restarted sender resends, the receiver sees a duplicate and resends its stored Acknowledgment
    const again = await pair.gemeente.msh.pipeline.handle({ body: ack.raw, contentType: ack.contentType, soapAction: '"ebXML"', peer: pair.hub.peer });
    expect(again.outcome).toBe('signal');
    expect((await pair.gemeente.store.messages.get(sent.id))!.status).toBe('DELIVERED');
    expect(await pair.gemeente.store.outbox.get(sent.id)).toBeNull();
  });

  test('a delivered message left in the outbox does not expire, and no DeliveryFailure is reported', async () => {
    const { sent } = await sentAndAcked();
    // the state of a process killed between setting DELIVERED and removing the outbox row (before completeIf)
    await pair.gemeente.store.messages.setStatus(sent.id, 'DELIVERED', { at: new Date().toISOString(), event: 'DELIVERED', detail: 'Acknowledgment' });
    const row = (await pair.gemeente.store.outbox.get(sent.id))!;
    await pair.gemeente.store.outbox.reschedule(sent.id, { attempts: row.maxAttempts, nextAttemptAt: new Date(0).toISOString(), awaitingAck: true, lastError: null });
    const expired: string[] = [];
    pair.gemeente.msh.events.on('expired', (r) => expired.push(r.id));
    pair.gemeente.msh.start();
    for (let i = 0; i < 400 && (await pair.gemeente.store.outbox.get(sent.id)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await pair.gemeente.store.outbox.get(sent.id)).toBeNull();
    expect((await pair.gemeente.store.messages.get(sent.id))!.status).toBe('DELIVERED');
    expect(expired).toEqual([]);
  });

  test('the Acknowledgment sets DELIVERED and removes the outbox row in one transaction', async () => {
    const { sent, ack } = await sentAndAcked();
    // a failing outbox removal (simulating the crash between the two writes) must leave the status unchanged too
    const db = (pair.gemeente.store as unknown as { db: import('better-sqlite3').Database }).db;
    db.exec(`CREATE TRIGGER no_delete BEFORE DELETE ON deliveries BEGIN SELECT RAISE(ABORT, 'killed'); END`);
    await pair.gemeente.msh.pipeline.handle({ body: ack.raw, contentType: ack.contentType, soapAction: '"ebXML"', peer: pair.hub.peer }).catch(() => undefined);
    expect((await pair.gemeente.store.messages.get(sent.id))!.status).toBe('SENT');
    db.exec('DROP TRIGGER no_delete');
    await pair.gemeente.msh.pipeline.handle({ body: ack.raw, contentType: ack.contentType, soapAction: '"ebXML"', peer: pair.hub.peer });
    expect((await pair.gemeente.store.messages.get(sent.id))!.status).toBe('DELIVERED');
    expect(await pair.gemeente.store.outbox.get(sent.id)).toBeNull();
  });
});
