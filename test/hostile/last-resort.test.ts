/**
 * Issue 9 item 2: no inbound input may ever produce an HTTP 500 without a SOAP Fault body. Our own failures inside
 * the MSH (here: a pipeline that throws, or a handler that throws) are answered with a SOAP Fault (Server), logged
 * with an incident id, and counted.
 */
import { readFileSync } from 'node:fs';
import { ebmsHttpHandler } from '../../src/ebms/msh/http.js';
import type { InboundPipeline } from '../../src/ebms/pipeline.js';
import { startKnooppunt, type Knooppunt } from '../../src/server.js';
import { testConfig } from '../helpers/config.js';
import { httpsRequest } from '../helpers/https.js';
import { testPki } from '../helpers/pki.js';

const { files } = testPki();
const gem = files.parties['gemeente-0363']!;
const client = { ca: readFileSync(files.caCert, 'utf8'), cert: readFileSync(gem.client.cert, 'utf8'), key: readFileSync(gem.client.key, 'utf8') };
const post = (url: string) => httpsRequest(url, client, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '"ebXML"' }, body: '<x/>' });

describe('last-resort answer on the ebMS listener', () => {
  let kp: Knooppunt | undefined;
  afterEach(async () => { await kp?.stop(); kp = undefined; });

  test('a pipeline failure (our bug) → HTTP 500 with a SOAP Fault (Server) naming an incident, counted as error', async () => {
    const throwing = { handle: () => Promise.reject(new TypeError('reply builder broke')) } as unknown as InboundPipeline;
    let handler: ReturnType<typeof ebmsHttpHandler> | undefined;
    kp = await startKnooppunt(testConfig(), { ebmsHandler: (req, res, peer) => handler!(req, res, peer) });
    handler = ebmsHttpHandler(throwing, kp.msh.deps, new Set(['/ebms']));
    const r = await post(kp.urls.ebms);
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(r.body).toContain('<faultcode>SOAP:Server</faultcode>');
    expect(r.body).toMatch(/<faultstring>internal error while processing the message \(incident [0-9a-f-]{36}\); it was not accepted, send it again later<\/faultstring>/);
    expect(r.body).not.toContain('reply builder broke');
    const errors = (await kp.metrics.ebmsRequests.get()).values.find((v) => v.labels.outcome === 'error');
    expect(errors?.value).toBe(1);
  });

  test('a handler that throws synchronously → HTTP 500 with a SOAP Fault (Server) from the listener', async () => {
    kp = await startKnooppunt(testConfig(), { ebmsHandler: () => { throw new Error('sync failure'); } });
    const r = await post(kp.urls.ebms);
    expect(r.status).toBe(500);
    expect(r.body).toContain('<faultcode>SOAP:Server</faultcode>');
    expect(r.body).not.toContain('sync failure');
  });
});
