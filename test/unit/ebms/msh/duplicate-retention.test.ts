import { durationToMs } from '../../../../src/cpa/duration.js';
import { resolve } from '../../../../src/cpa/resolve.js';
import { mshPair, payload, type Pair } from '../../../helpers/msh.js';

/**
 * DK-08 (issue 18): the receiver must remember a MessageId for at least PersistDuration >= TimeToLive, so a resend
 * late in the sender's retry window is still recognised as a duplicate and not delivered twice. The message store
 * keeps inbound MessageIds (no pruning of messages exists); this test fails as soon as something forgets them early.
 */
const DI01 = 'envelopHeenbericht-ggk_Di01';

describe('duplicate elimination lasts at least TimeToLive (DK-08)', () => {
  let clock = new Date();
  let pair: Pair;
  beforeAll(async () => { pair = await mshPair({ profile: 'osb-rm' }, { now: () => clock }); });
  afterAll(() => pair.close());

  test('a resend one minute before TimeToLive (27 h, past the old PersistDuration P1D) is a duplicate, delivered once', async () => {
    const start = new Date();
    clock = start;
    const prepared = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts: [payload(200)] });
    const received: string[] = [];
    pair.hub.msh.events.on('received', (r) => received.push(r.messageId));
    const first = await pair.hub.msh.pipeline.handle({ body: prepared.record.raw, contentType: prepared.record.contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
    expect(first.outcome).toBe('accepted');

    const cpa = (await pair.hub.cpas.get(pair.cpaId))!.cpa;
    const r = resolve(cpa, { fromPartyId: pair.gemeente.oin, service: 'GGK:OntvangAsynchroon:0210', action: DI01 }, start);
    if (!r.ok) throw new Error(r.description);
    const ttl = r.reliability.timeToLiveMs!;
    expect(ttl).toBe(27 * 3600_000);
    expect(r.reliability.persistDurationMs).toBeGreaterThanOrEqual(ttl);
    expect(ttl - 60_000).toBeGreaterThan(durationToMs('P1D'));

    clock = new Date(start.getTime() + ttl - 60_000);
    const again = await pair.hub.msh.pipeline.handle({ body: prepared.record.raw, contentType: prepared.record.contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
    expect(again.outcome).toBe('duplicate');
    expect(again.record!.id).toBe(first.record!.id);
    expect(received).toEqual([prepared.record.messageId]);
  });
});
