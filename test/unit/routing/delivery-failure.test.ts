import { randomUUID } from 'node:crypto';
import { reportDeliveryFailure } from '../../../src/routing/delivery-failure.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { parseFo01 } from '../../../src/stuf/parse.js';
import { di01, FROM_0363, HUB, inbound, NOW, world, type World } from './helpers.js';

/** A forward the hub could not deliver is reported to the original sender as a Fo01 (architecture "Outbound"). */
describe('DeliveryFailure of a forwarded message', () => {
  let w: World;
  beforeEach(async () => { w = await world(); });
  afterEach(() => w.store.close());

  /** Store the inbound message as the MSH would, then let the hub process (forward) it. */
  async function forward(): Promise<{ ref: string; msg: ReturnType<typeof inbound>; forwarded: MessageRecord }> {
    const ref = randomUUID();
    const msg = inbound(di01({ referentienummer: ref }), FROM_0363);
    const at = NOW.toISOString();
    const rec = (id: string, messageId: string, direction: 'in' | 'out', cpaId: string): MessageRecord => ({
      id, messageId, direction, kind: 'business', cpaId, conversationId: msg.conversationId, refToMessageId: null, fromParty: '', toParty: '',
      service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01', status: 'RECEIVED', timestamp: at, timeToLive: null,
      contentType: 'text/xml', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
    });
    await w.store.messages.insertInbound(rec(randomUUID(), msg.ebmsMessageId, 'in', msg.cpaId), msg.parts, { at, event: 'RECEIVED', detail: null });
    const out = await w.hub.process(msg);
    expect(out.outcome).toBe('doorgestuurd');
    return { ref, msg, forwarded: rec(randomUUID(), out.forwarded!.messageId, 'out', out.forwarded!.cpaId) };
  }

  test('the gemeente gets a Fo01 RIN001 (plek server) over its own CPA, crossRefnummer = its referentienummer', async () => {
    const { ref, msg, forwarded } = await forward();
    const fo01Id = await reportDeliveryFailure({ store: w.store, sender: w.sender, hubIdentity: HUB, now: () => NOW }, forwarded, 'DeliveryFailure: TimeToLive passed');
    expect(fo01Id).toBe('out-2@hub.example');
    const sent = w.sender.last();
    expect(sent).toMatchObject({ cpaId: 'CPA-0363', action: 'Fo01Bericht', conversationId: msg.conversationId, refToMessageId: msg.ebmsMessageId });
    const fo01 = parseFo01(sent.parts[0]!.content);
    expect(fo01.stuurgegevens.crossRefnummer).toBe(ref);
    expect(fo01.body).toMatchObject({ code: 'RIN001', plek: 'server' });
    expect(fo01.body.omschrijving).toContain('DeliveryFailure: TimeToLive passed');
    const [log] = await w.store.routing.listLog({ forwardedMessageId: fo01Id! });
    expect(log).toMatchObject({ outcome: 'geweigerd', foutcode: 'RIN001', referentienummer: ref, targetCpaId: 'CPA-0363' });
  });

  test('nothing is sent for a message the hub did not forward, nor for a Fo01', async () => {
    const { forwarded } = await forward();
    const calls = w.sender.calls.length;
    expect(await reportDeliveryFailure({ store: w.store, sender: w.sender, hubIdentity: HUB }, { ...forwarded, messageId: 'unknown@x' }, 'x')).toBeNull();
    expect(await reportDeliveryFailure({ store: w.store, sender: w.sender, hubIdentity: HUB }, { ...forwarded, action: 'Fo01Bericht' }, 'x')).toBeNull();
    expect(w.sender.calls.length).toBe(calls);
  });
});
