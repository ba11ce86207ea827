import { randomBytes } from 'node:crypto';
import { createNode, link, waitFor, type Node } from './harness.js';

/** All six Digikoppeling profiles end to end between two knooppunt processes (issue "Message security" §5). */
const DI01 = 'envelopHeenbericht-ggk_Di01';

interface Msg { id: string; status: string; parts: { contentId: string; contentType: string; content: string }[]; events: { event: string }[] }

describe('e2e: the six Digikoppeling profiles', () => {
  let hub: Node;
  let adapter: Node;
  beforeAll(async () => {
    hub = await createNode('hub', 'hub', 'adapter');
    adapter = await createNode('gemeente', 'gemeente-0363', 'adapter');
    await Promise.all([hub.start(), adapter.start()]);
  }, 60_000);
  afterAll(async () => { await hub?.kill(); await adapter?.kill(); });

  test.each([
    ['osb-be', 'digikoppeling'], ['osb-rm', 'digikoppeling'], ['osb-be-s', 'digikoppeling'], ['osb-rm-s', 'digikoppeling'], ['osb-be-e', 'digikoppeling'], ['osb-rm-e', 'digikoppeling'],
    ['osb-rm-e', 'ebms-core'], // issue 18: aes256-cbc + RSA-1_5, accepted for this CPA only (no legacy.rsa15)
  ])('%s (encryption %s): an XML part and a binary part arrive byte for byte, both directions', async (profile, encryption) => {
    const { cpaId } = await link(hub, adapter, { profile, syncReplyMode: 'none', retryInterval: 'PT1S', retries: 3, ...(profile.endsWith('-e') ? { encryption } : {}) });
    const xml = Buffer.from('<Bericht xmlns="urn:test">é ü — 𝄞</Bericht>', 'utf8');
    const bin = randomBytes(3000);
    for (const [from, to] of [[adapter, hub], [hub, adapter]] as const) {
      const r = await from.api<{ id: string; messageId: string }>('POST', '/api/messages', {
        cpaId, action: DI01, parts: [{ contentType: 'application/xml', content: xml.toString('base64') }, { contentType: 'application/pdf', content: bin.toString('base64') }],
      });
      expect(r.status).toBe(202);
      await waitFor('DELIVERED', async () => (await from.api<Msg>('GET', `/api/messages/${r.body.id}`)).body.status === 'DELIVERED' || null, 15_000);
      const got = (await to.api<Msg>('GET', `/api/messages/${encodeURIComponent(r.body.messageId)}?parts=true`)).body;
      expect(got.parts.map((p) => p.contentType)).toEqual(['application/xml', 'application/pdf']);
      expect(Buffer.from(got.parts[0]!.content, 'base64').equals(xml)).toBe(true);
      expect(Buffer.from(got.parts[1]!.content, 'base64').equals(bin)).toBe(true);
      const raw = (await to.api('GET', `/api/messages/${encodeURIComponent(r.body.messageId)}/raw`)).text;
      expect(raw.includes('<ds:Signature') || raw.includes(':Signature ')).toBe(profile.includes('-s') || profile.includes('-e'));
      expect(raw.includes('EncryptedData')).toBe(profile.endsWith('-e'));
      if (profile.endsWith('-e')) {
        const methods = [...raw.matchAll(/EncryptionMethod Algorithm="([^"]+)"/g)].map((m) => m[1]!.replace(/^.*#/, ''));
        expect(methods.slice(0, 2)).toEqual(encryption === 'ebms-core' ? ['aes256-cbc', 'rsa-1_5'] : ['aes256-gcm', 'rsa-oaep-mgf1p']);
      }
    }
  });
});
