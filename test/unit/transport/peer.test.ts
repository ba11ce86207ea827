import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ebmsHttpHandler } from '../../../src/ebms/msh/http.js';
import { createEbmsServer, type TlsPeer } from '../../../src/ebms/transport/server.js';
import { createLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { httpsRequest } from '../../helpers/https.js';
import { mshPair, payload, type Pair } from '../../helpers/msh.js';
import { testPki } from '../../helpers/pki.js';

/**
 * The TLS peer as the real mTLS listener reads it (issue 17 §5): the OIN from the client certificate's
 * subject.serialNumber (DK-16), and a real request with another party's valid certificate → SecurityFailure.
 */
const { files, ca } = testPki();
const caPem = readFileSync(files.caCert, 'utf8');
const hubP = files.parties.hub!;
const tls = { cert: readFileSync(hubP.server.cert, 'utf8'), key: readFileSync(hubP.server.key, 'utf8'), ca: [caPem] };
const party = (id: string) => ({ ca: caPem, cert: readFileSync(files.parties[id]!.client.cert, 'utf8'), key: readFileSync(files.parties[id]!.client.key, 'utf8') });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `https://localhost:${(server.address() as AddressInfo).port}/ebms`;
}

describe('readPeer: the OIN of a real client certificate', () => {
  let server: Server;
  let url: string;
  let seen: TlsPeer | null = null;
  beforeAll(async () => {
    server = createEbmsServer(tls, (_req, res, peer) => { seen = peer; res.writeHead(204).end(); }, { logger: createLogger('silent'), metrics: new Metrics() });
    url = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('subject.serialNumber is the OIN; subject, fingerprint and DER are those of the certificate presented', async () => {
    const g = party('gemeente-0363');
    expect((await httpsRequest(url, g, { method: 'POST', body: 'x' })).status).toBe(204);
    const x = new X509Certificate(g.cert);
    expect(seen).toEqual({
      oin: files.parties['gemeente-0363']!.oin, subject: expect.stringContaining(`serialNumber=${files.parties['gemeente-0363']!.oin}`),
      fingerprint256: x.fingerprint256, raw: x.raw,
    });
  });

  test('a certificate without subject.serialNumber has no OIN', async () => {
    const c = issueCertificate({ commonName: 'no serial', use: 'client', issuer: ca });
    expect((await httpsRequest(url, { ca: caPem, cert: c.certPem, key: c.keyPem }, { method: 'POST', body: 'x' })).status).toBe(204);
    expect(seen!.oin).toBeNull();
    expect(seen!.subject).not.toContain('serialNumber');
  });

  test('a serialNumber with a suffix is read as it is (the bare OIN is what DK-16 puts there; nothing is stripped)', async () => {
    const c = issueCertificate({ commonName: 'suffix', oin: '00000099000000036300_T', use: 'client', issuer: ca });
    expect((await httpsRequest(url, { ca: caPem, cert: c.certPem, key: c.keyPem }, { method: 'POST', body: 'x' })).status).toBe(204);
    expect(seen!.oin).toBe('00000099000000036300_T');
  });
});

describe('a real mTLS request through the listener and the pipeline', () => {
  let pair: Pair;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    pair = await mshPair({ profile: 'osb-rm', syncReplyMode: 'mshSignalsOnly' });
    server = createEbmsServer(tls, ebmsHttpHandler(pair.hub.msh.pipeline, pair.hub.deps, new Set(['/ebms'])), { logger: createLogger('silent'), metrics: new Metrics() });
    url = await listen(server);
  });
  afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); await pair.close(); });

  const post = async (client: { ca: string; cert: string; key: string }) => {
    const p = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [payload(100)] });
    const res = await httpsRequest(url, client, { method: 'POST', headers: { 'content-type': p.record.contentType, soapaction: '"ebXML"' }, body: p.record.raw });
    return { res, messageId: p.record.messageId };
  };

  test("another party's valid certificate (gemeente 0518, same CA) → MessageError SecurityFailure @ From/PartyId, nothing stored", async () => {
    const { res, messageId } = await post(party('gemeente-0518'));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<eb:Error [^>]*eb:errorCode="SecurityFailure"[^>]*eb:location="\/\/Header\/MessageHeader\/From\/PartyId"|<eb:Error [^>]*eb:location="\/\/Header\/MessageHeader\/From\/PartyId"[^>]*eb:errorCode="SecurityFailure"/);
    expect(await pair.hub.store.messages.getByMessageId('in', messageId)).toBeNull();
  });

  test('the sender\'s own certificate → the Acknowledgment (positive control)', async () => {
    const { res, messageId } = await post(party('gemeente-0363'));
    expect(res.status).toBe(200);
    expect(res.body).toContain('<eb:Action>Acknowledgment</eb:Action>');
    expect((await pair.hub.store.messages.getByMessageId('in', messageId))!.status).toBe('RECEIVED');
  });
});
