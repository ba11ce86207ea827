/**
 * ebMS2 conformance, b.7 rule 1: what cannot be answered with an ebMS MessageError is a SOAP 1.1 Fault with
 * HTTP 500 (ebMS 2.0 §B.2.2 HTTP binding, SOAP 1.1 §4.4, interop gotcha 12). Nothing of such a request is stored.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pair } from '../../helpers/msh.js';
import { ebmsHttpHandler } from '../../../src/ebms/msh/http.js';
import { DOCTYPE_REFUSED } from '../../../src/ebms/envelope/index.js';
import { editSoap, expectFault, pairFor, prepareDi01, replaceOnce, soapOf, toHub, type Prepared } from './conformance.js';

let pair: Pair;
let msg: Prepared;
beforeAll(async () => { pair = await pairFor('osb-rm', 'mshSignalsOnly'); });
beforeEach(async () => { msg = await prepareDi01(pair); });
afterAll(() => pair.close());

describe('b.7-1 HTTP binding', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const handler = ebmsHttpHandler(pair.hub.msh.pipeline, { ...pair.hub.deps, maxBytes: 64 * 1024 }, new Set(['/ebms']));
    server = createServer((req, res) => { void handler(req, res, pair.gemeente.peer); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = (method: string, body: Buffer | null, headers: Record<string, string>) => new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ebms', method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });

  test('b.7-1 non-POST request → SOAP Fault Client, HTTP 500', async () => {
    const res = await call('GET', null, {});
    expect(res.status).toBe(500);
    expect(res.type).toMatch(/^text\/xml/);
    expect(res.text).toContain('<faultcode>SOAP:Client</faultcode>');
  });

  test('size cap: a body above maxBytes → HTTP 413 before any parsing, nothing stored', async () => {
    const big = Buffer.alloc(65 * 1024, 0x41);
    const res = await call('POST', big, { 'content-type': msg.contentType, soapaction: '"ebXML"' });
    expect(res.status).toBe(413);
    expect(await pair.hub.store.messages.getByMessageId('in', msg.messageId)).toBeNull();
  });

  test('over HTTP: a valid message with SOAPAction "ebXML" → HTTP 200 with the sync Acknowledgment', async () => {
    const res = await call('POST', msg.body, { 'content-type': msg.contentType, soapaction: '"ebXML"' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<eb:Action>Acknowledgment</eb:Action>');
  });
});

describe('b.7-1 SOAP Faults (HTTP 500), nothing stored', () => {
  test('b.7-1 SOAPAction header missing → SOAP Fault Client, HTTP 500', async () => {
    const out = await toHub(pair, msg, null);
    expect(await expectFault(pair.hub, out, 'Client', msg.messageId)).toMatch(/SOAPAction must be "ebXML"/);
  });

  test('b.7-1 SOAPAction "urn:other" (not "ebXML") → SOAP Fault Client, HTTP 500', async () => {
    const out = await toHub(pair, msg, '"urn:other"');
    expect(await expectFault(pair.hub, out, 'Client', msg.messageId)).toMatch(/SOAPAction must be "ebXML"/);
  });

  test('b.7-1 DOCTYPE with an external entity (XXE) in the envelope → SOAP Fault Client, no DTD processed', async () => {
    const w = editSoap(msg, (x) => `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${replaceOnce(x, '<eb:Action>', '<eb:Action>&xxe;')}`);
    const out = await toHub(pair, w);
    const faultstring = await expectFault(pair.hub, out, 'Client', msg.messageId);
    expect(faultstring).toBe(DOCTYPE_REFUSED);
    expect(out.reply.body!.toString('utf8')).not.toContain('root:');
  });

  test('b.7-1 envelope not well-formed XML → SOAP Fault Client', async () => {
    const w = editSoap(msg, (x) => replaceOnce(x, '</eb:CPAId>', '</eb:CPAid>'));
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toMatch(/not well-formed/);
  });

  test('b.7-1 multipart/related whose boundary parameter does not occur in the body → SOAP Fault Client', async () => {
    const w = { ...msg, contentType: msg.contentType.replace(/boundary="([^"]+)"/, 'boundary="$1-broken"') };
    expect(w.contentType).not.toBe(msg.contentType);
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toMatch(/does not contain its boundary/);
  });

  test('b.7-1 multipart/related without a boundary parameter → SOAP Fault Client', async () => {
    const w = { ...msg, contentType: msg.contentType.replace(/; boundary="[^"]+"/, '') };
    expect(w.contentType).not.toBe(msg.contentType);
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toMatch(/no boundary parameter/);
  });

  test('b.7-1 XSD-invalid header (MessageData/MessageId missing) → SOAP Fault Client', async () => {
    const w = editSoap(msg, (x) => x.replace(/<eb:MessageId>[^<]*<\/eb:MessageId>/, ''));
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client')).toMatch(/MessageId is missing/);
  });

  test('b.7-1 Manifest without any Reference (msg-header-2_0.xsd: one or more) → SOAP Fault Client, not acknowledged, nothing stored', async () => {
    const w = editSoap(msg, (x) => replaceOnce(x, /<eb:Reference [^>]*(\/>|>[\s\S]*?<\/eb:Reference>)/, ''));
    expect(soapOf(w)).toMatch(/<eb:Manifest eb:version="2.0"><\/eb:Manifest>/);
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toBe('Invalid ebMS header: eb:Manifest has no eb:Reference (msg-header-2_0.xsd requires one or more)');
  });

  test('b.7-1 unknown CPAId → SOAP Fault Client, HTTP 500 (no ebMS error possible without a CPA, gotcha 12)', async () => {
    const w = editSoap(msg, (x) => replaceOnce(x, `<eb:CPAId>${pair.cpaId}</eb:CPAId>`, '<eb:CPAId>CPA-DOES-NOT-EXIST</eb:CPAId>'));
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toMatch(/Unknown CPAId "CPA-DOES-NOT-EXIST"/);
  });

  test('b.7-1 From without PartyId → SOAP Fault Client, HTTP 500', async () => {
    const w = editSoap(msg, (x) => x.replace(/(<eb:From>)<eb:PartyId[^>]*>[^<]*<\/eb:PartyId>/, '$1'));
    expect(await expectFault(pair.hub, await toHub(pair, w), 'Client', msg.messageId)).toMatch(/From\/PartyId is missing/);
  });

  test('b.7-1 unknown header block with SOAP:mustUnderstand="1" → SOAP Fault MustUnderstand (SOAP 1.1 §4.2.3)', async () => {
    const w = editSoap(msg, (x) => replaceOnce(x, '<SOAP:Header>', '<SOAP:Header><x:Routing xmlns:x="urn:example:routing" SOAP:mustUnderstand="1">a</x:Routing>'));
    expect(await expectFault(pair.hub, await toHub(pair, w), 'MustUnderstand', msg.messageId)).toMatch(/\{urn:example:routing\}Routing is not understood/);
  });

  test('b.7-1 unknown header block with SOAP:mustUnderstand="0" is ignored → accepted', async () => {
    const w = editSoap(msg, (x) => replaceOnce(x, '<SOAP:Header>', '<SOAP:Header><x:Trace xmlns:x="urn:example:trace" SOAP:mustUnderstand="0">a</x:Trace>'));
    const out = await toHub(pair, w);
    expect(out.errors).toBeUndefined();
    expect(out.outcome).toBe('accepted');
  });

  test('b.7-1 Content-Type neither multipart/related nor text/xml → SOAP Fault Client', async () => {
    const out = await toHub(pair, { body: msg.body, contentType: 'application/json' });
    expect(await expectFault(pair.hub, out, 'Client', msg.messageId)).toMatch(/Unsupported Content-Type/);
  });
});
