import { mshPair, payload, type Pair } from '../../../helpers/msh.js';
import { parseEnvelope } from '../../../../src/ebms/envelope/index.js';

const DI01 = 'envelopHeenbericht-ggk_Di01';

describe.each(['osb-rm', 'osb-rm-s', 'osb-rm-e', 'osb-be', 'osb-be-s', 'osb-be-e'])('inbound pipeline, profile %s', (profile) => {
  let pair: Pair;
  beforeAll(async () => { pair = await mshPair({ profile, syncReplyMode: profile.startsWith('osb-rm') ? 'mshSignalsOnly' : 'none' }); });
  afterAll(() => pair.close());

  test('a message from the gemeente is accepted, stored with its decrypted payload, and answered as the CPA says', async () => {
    const p = payload();
    const prepared = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts: [p] });
    const received: string[] = [];
    pair.hub.msh.events.on('received', (r) => received.push(r.messageId));
    const out = await pair.hub.msh.pipeline.handle({ body: prepared.record.raw, contentType: prepared.record.contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('accepted');
    expect(received).toEqual([prepared.record.messageId]);
    const parts = await pair.hub.store.messages.parts(out.record!.id);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.content.equals(p.content)).toBe(true);
    expect(parts[0]!.contentType).toBe('application/xml');
    if (profile.startsWith('osb-rm')) {
      expect(out.reply.status).toBe(200);
      const ack = parseEnvelope(out.reply.body!);
      expect(ack.MessageHeader.Action).toBe('Acknowledgment');
      expect(ack.Acknowledgment?.RefToMessageId).toBe(prepared.record.messageId);
      expect(ack.signaturePresent).toBe(profile !== 'osb-rm');
    } else {
      expect(out.reply.status).toBe(204);
    }
  });
});
