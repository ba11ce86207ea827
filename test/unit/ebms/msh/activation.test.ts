import { ACTIVATED_BY_PING, activationOf } from '../../../../src/cpa/lifecycle.js';
import { parseEnvelope } from '../../../../src/ebms/envelope/index.js';
import { mshPair, peerFor, type Pair } from '../../../helpers/msh.js';

/**
 * Seed 002 §3.3.5: the gemeente pings the GGk and "Het Inlichtingenbureau activeert na een geslaagde Ping Pong test
 * de CPA". An authenticated inbound Ping answered with a Pong activates the receiver's copy, recorded as a CPA event.
 */
describe('activation by an inbound Ping (seed 002 §3.3.5)', () => {
  let pair: Pair;
  beforeEach(async () => { pair = await mshPair({ syncReplyMode: 'mshSignalsOnly' }, { activate: false }); });
  afterEach(() => pair.close());

  async function pingFromGemeente(peer = pair.gemeente.peer) {
    const { record } = await pair.gemeente.msh.outbound.prepareSignal(pair.cpaId, 'Ping', { sync: true });
    return pair.hub.msh.pipeline.handle({ body: record.raw, contentType: record.contentType, soapAction: '"ebXML"', peer });
  }

  test('the gemeente\'s Ping is answered with a Pong and activates the hub\'s copy, with a CPA event', async () => {
    expect((await pair.hub.cpas.require(pair.cpaId)).record.status).toBe('gegenereerd');
    const out = await pingFromGemeente();
    expect(out.outcome).toBe('signal');
    expect(parseEnvelope(out.reply.body!).MessageHeader.Action).toBe('Pong');
    const hub = await pair.hub.cpas.require(pair.cpaId);
    expect(hub.record.status).toBe('geactiveerd');
    const events = await pair.hub.cpas.events(pair.cpaId);
    const ev = events.find((e) => e.event === ACTIVATED_BY_PING);
    expect(ev?.detail).toMatch(new RegExp(`^Ping \\S+ from ${pair.gemeente.oin} answered with a Pong \\(sync\\)$`));
    expect(activationOf(hub.record, events)).toEqual({
      thisSide: { active: true, at: hub.record.activatedAt, by: 'the other party\'s Ping, answered with our Pong' },
      otherSide: { pingPongCompleted: true, at: ev!.at },
    });
    // A second Ping changes nothing (no event per Ping).
    await pingFromGemeente();
    expect((await pair.hub.cpas.events(pair.cpaId)).filter((e) => e.event === ACTIVATED_BY_PING)).toHaveLength(1);
  });

  test('a business message is accepted right after that one Ping, without a Ping from the hub', async () => {
    await pingFromGemeente();
    // The gemeente's own copy is activated by the Pong it receives (Msh.ping); here only the hub side matters.
    await pair.gemeente.cpas.activate(pair.cpaId, 'Pong received');
    const prepared = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [{ contentType: 'application/xml', content: Buffer.from('<a/>') }] });
    const out = await pair.hub.msh.pipeline.handle({ body: prepared.record.raw, contentType: prepared.record.contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('accepted');
  });

  test('a Ping with the wrong TLS peer is refused and activates nothing', async () => {
    const out = await pingFromGemeente(peerFor('gemeente-0518'));
    expect(out.outcome).toBe('rejected');
    expect(out.errors?.map((e) => [e.errorCode, e.location])).toEqual([['SecurityFailure', '//Header/MessageHeader/From/PartyId']]);
    expect((await pair.hub.cpas.require(pair.cpaId)).record.status).toBe('gegenereerd');
  });

  test('a Ping over a withdrawn CPA is refused and activates nothing', async () => {
    await pair.hub.cpas.withdraw(pair.cpaId, 'test');
    const out = await pingFromGemeente();
    expect(out.errors?.map((e) => [e.errorCode, e.location])).toEqual([['Inconsistent', '//Header/MessageHeader/CPAId']]);
    expect((await pair.hub.cpas.require(pair.cpaId)).record.status).toBe('ingetrokken');
  });
});
