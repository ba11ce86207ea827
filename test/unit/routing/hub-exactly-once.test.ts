import { randomUUID } from 'node:crypto';
import type { InboundStufMessage } from '../../../src/routing/model.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { di01, FROM_0363, inbound, NOW, OIN, world, type World } from './helpers.js';

/**
 * Issue 17 §3: what the hub does with a message (forward queued, IB216 reservation, Berichtenlog row) and the
 * inbound message PROCESSED are one transaction — all or nothing — and a processed message is never handled again.
 */
async function stored(w: World, msg: InboundStufMessage): Promise<InboundStufMessage> {
  const id = randomUUID();
  const at = NOW.toISOString();
  const rec: MessageRecord = {
    id, messageId: msg.ebmsMessageId, direction: 'in', kind: 'business', cpaId: msg.cpaId, conversationId: msg.conversationId, refToMessageId: null,
    fromParty: msg.senderOin, toParty: OIN.hub, service: 'GGK', action: msg.action, status: 'RECEIVED', timestamp: at, timeToLive: null,
    contentType: 'multipart/related', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
  };
  await w.store.messages.insertInbound(rec, msg.parts, { at, event: 'RECEIVED', detail: null });
  return { ...msg, id };
}

const events = async (w: World, id: string) => (await w.store.messages.events(id)).map((e) => e.event);
const forwards = async (w: World) => w.store.messages.list({ direction: 'out', kind: 'business' });

describe('HubProcessor: one transaction per message', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(async () => { await w.store.close(); });

  test('forwarded: forward queued, log row, IB216 reservation and PROCESSED together; a second run changes nothing and sends no Fo01', async () => {
    const ref = randomUUID();
    const msg = await stored(w, inbound(di01({ referentienummer: ref }), FROM_0363));
    expect((await w.hub.process(msg)).outcome).toBe('doorgestuurd');
    expect(await events(w, msg.id!)).toEqual(['RECEIVED', 'FORWARDED', 'PROCESSED']);
    expect((await w.store.messages.get(msg.id!))!.status).toBe('PROCESSED');
    expect((await forwards(w)).map((m) => m.messageId)).toEqual([`${ref}@hub.example`]);
    expect(w.sender.wakeups).toBe(1);

    await expect(w.hub.process(msg)).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    expect((await forwards(w)).map((m) => m.messageId)).toEqual([`${ref}@hub.example`]);
    expect((await w.store.routing.listLog()).map((l) => l.outcome)).toEqual(['doorgestuurd']);
    expect(await events(w, msg.id!)).toEqual(['RECEIVED', 'FORWARDED', 'PROCESSED']);
    expect(w.sender.wakeups).toBe(1);
  });

  test('a commit that fails half-way (the forward cannot be stored) leaves nothing: no reservation, no log row, not processed; the retry forwards', async () => {
    const ref = randomUUID();
    const msg = await stored(w, inbound(di01({ referentienummer: ref }), FROM_0363));
    // The forward's row collides with the inbound message's own id: the INSERT fails inside the transaction, after
    // the inbound message was marked PROCESSED and its event written.
    const prepare = w.sender.prepare.bind(w.sender);
    w.sender.prepare = async (req) => {
      const p = await prepare(req);
      return { ...p, msg: { ...p.msg, id: msg.id! } };
    };
    const out = await w.hub.process(msg).catch((e: unknown) => e);
    // the failed forward is refused as IB101 (plek server), whose Fo01 collides the same way: the error surfaces
    expect(String(out)).toMatch(/UNIQUE constraint failed: messages\.id/);
    expect((await w.store.messages.get(msg.id!))!.status).toBe('RECEIVED');
    expect(await events(w, msg.id!)).toEqual(['RECEIVED']);
    expect(await forwards(w)).toEqual([]);
    expect(await w.store.routing.referentieUsed({ zenderOrganisatie: '0363', zenderApplicatie: 'JeugdApp', referentienummer: ref })).toBe(false);
    expect((await w.store.routing.listLog()).filter((l) => l.outcome !== 'geweigerd')).toEqual([]);

    w.sender.prepare = prepare;
    expect((await w.hub.process(msg)).outcome).toBe('doorgestuurd');
    expect((await forwards(w)).map((m) => m.messageId)).toEqual([`${ref}@hub.example`]);
    expect(await events(w, msg.id!)).toEqual(['RECEIVED', 'FORWARDED', 'PROCESSED']);
  });

  test('refused: the Fo01 queued and PROCESSED together; a second run sends no second Fo01', async () => {
    const msg = await stored(w, inbound(di01({ referentienummer: randomUUID(), zender: { organisatie: '0518', applicatie: 'JeugdApp' } }), FROM_0363));
    const out = await w.hub.process(msg);
    expect(out.foutcode).toBe('IB002');
    expect(await events(w, msg.id!)).toEqual(['RECEIVED', 'REFUSED_FO01', 'PROCESSED']);
    await expect(w.hub.process(msg)).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    expect((await forwards(w)).map((m) => m.action)).toEqual(['Fo01Bericht']);
  });

  test('two messages with the same zender + referentienummer racing: one forwarded, the other refused IB216', async () => {
    const ref = randomUUID();
    const a = await stored(w, inbound(di01({ referentienummer: ref }), FROM_0363));
    const b = await stored(w, inbound(di01({ referentienummer: ref }), FROM_0363));
    const outcomes = (await Promise.all([w.hub.process(a), w.hub.process(b)])).map((o) => o.foutcode ?? o.outcome).sort();
    expect(outcomes).toEqual(['IB216', 'doorgestuurd']);
    expect((await forwards(w)).map((m) => m.action).sort()).toEqual(['Fo01Bericht', 'envelopHeenbericht-ggk_Di01']);
  });
});
