import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serverTlsOptions } from '../../../../src/ebms/transport/tls.js';
import { GatewayError } from '../../../../src/errors.js';
import { mshPair, type Pair } from '../../../helpers/msh.js';
import { testPki } from '../../../helpers/pki.js';

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(GatewayError); return e as GatewayError; }
  throw new Error('expected a GatewayError');
}

/** `ping` (Msh.ping): refused locally for a CPA that cannot be used; a peer's MessageError is reported in full. */
describe('Msh.ping', () => {
  const { files } = testPki();
  const hubP = files.parties.hub!;
  let server: Server;
  let hits = 0;
  let pair: Pair;

  beforeEach(async () => {
    hits = 0;
    // The hub's ebMS listener: every request goes through the hub's inbound pipeline as coming from the gemeente.
    server = createServer(serverTlsOptions({ cert: readFileSync(hubP.server.cert, 'utf8'), key: readFileSync(hubP.server.key, 'utf8'), ca: [readFileSync(files.caCert, 'utf8')] }), (req, res) => {
      hits++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void pair.hub.msh.pipeline.handle({ body: Buffer.concat(chunks), contentType: req.headers['content-type'] ?? '', soapAction: req.headers.soapaction as string | undefined, peer: pair.gemeente.peer })
          .then((out) => res.writeHead(out.reply.status, out.reply.contentType ? { 'content-type': out.reply.contentType } : {}).end(out.reply.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    pair = await mshPair({ syncReplyMode: 'mshSignalsOnly' }, { activate: false, hubEndpoint: `https://localhost:${(server.address() as AddressInfo).port}/ebms` });
  });
  afterEach(async () => { await pair.close(); server.close(); });

  test('a successful Ping activates both copies and says which side is active', async () => {
    const r = await pair.gemeente.msh.ping(pair.cpaId);
    expect(r).toMatchObject({ sync: true, activated: true, otherParty: { partyId: pair.hub.oin } });
    expect((await pair.gemeente.cpas.require(pair.cpaId)).record.status).toBe('geactiveerd');
    expect((await pair.hub.cpas.require(pair.cpaId)).record.status).toBe('geactiveerd');
    expect((await pair.gemeente.msh.ping(pair.cpaId)).activated).toBe(false);
  });

  test('a withdrawn CPA is refused locally: ERR_CPA_STATE, no request, nothing stored', async () => {
    await pair.gemeente.cpas.withdraw(pair.cpaId, 'test');
    const e = await rejection(pair.gemeente.msh.ping(pair.cpaId));
    expect(e.code).toBe('ERR_CPA_STATE');
    expect(e.message).toBe(`CPA ${pair.cpaId} is ingetrokken; a Ping is not sent (make a new CPA)`);
    expect(hits).toBe(0);
    expect(await pair.gemeente.store.messages.list({ direction: 'out' })).toEqual([]);
  });

  test('an expired CPA is refused locally', async () => {
    const now = new Date(Date.now() + 400 * 86_400_000);
    pair.gemeente.deps.now = () => now;
    const e = await rejection(pair.gemeente.msh.ping(pair.cpaId));
    expect([e.code, e.message]).toEqual(['ERR_CPA_STATE', `CPA ${pair.cpaId} is verlopen; a Ping is not sent (make a new CPA)`]);
    expect(hits).toBe(0);
  });

  test('the peer\'s MessageError is reported with code, location and description', async () => {
    await pair.hub.cpas.withdraw(pair.cpaId, 'test'); // withdrawn at the hub only: the hub refuses the Ping
    const e = await rejection(pair.gemeente.msh.ping(pair.cpaId));
    expect(hits).toBe(1);
    expect(e.code).toBe('ERR_DELIVERY_FAILED');
    expect(e.message).toMatch(new RegExp(`^the peer refused Ping \\S+ over CPA ${pair.cpaId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with MessageError \\S+$`));
    expect(e.problems).toEqual([{ path: '//Header/MessageHeader/CPAId', message: `Inconsistent: CPA ${pair.cpaId} is ingetrokken` }]);
    expect((await pair.gemeente.cpas.require(pair.cpaId)).record.status).toBe('gegenereerd');
  });
});
