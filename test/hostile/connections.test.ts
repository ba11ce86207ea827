/**
 * Issue 9 items 4 and 7 on a running knooppunt (loopback only, bounded counts): connection floods are capped in
 * total, per address and while in the TLS handshake; the caps release when connections close; a handshake that
 * never comes is closed; a body that stops arriving gets HTTP 408; /healthz answers throughout.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, type Socket } from 'node:net';
import { startKnooppunt, type Knooppunt } from '../../src/server.js';
import { testConfig } from '../helpers/config.js';
import { httpsRequest } from '../helpers/https.js';
import { testPki } from '../helpers/pki.js';

const { files } = testPki();
const gem = files.parties['gemeente-0363']!;
const client = { ca: readFileSync(files.caCert, 'utf8'), cert: readFileSync(gem.client.cert, 'utf8'), key: readFileSync(gem.client.key, 'utf8') };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

const metric = async (kp: Knooppunt, name: 'ebmsConnectionsRefused' | 'tlsRejected' | 'ebmsRequests' | 'ebmsConnections', label: Record<string, string>) =>
  (await kp.metrics[name].get()).values.find((v) => Object.entries(label).every(([k, x]) => v.labels[k as never] === x))?.value ?? 0;

const healthz = async (kp: Knooppunt) => (await fetch(`${kp.urls.portal}/healthz`)).status;
const port = (kp: Knooppunt) => Number(new URL(kp.urls.ebms).port);

/** Opens `n` silent TCP connections; each is reported open, or closed by the server. */
async function silent(kp: Knooppunt, n: number): Promise<Socket[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Socket>((resolve) => {
    const s = connect(port(kp), '127.0.0.1');
    s.on('error', () => {});
    s.on('connect', () => resolve(s));
    s.on('close', () => resolve(s));
  })));
}

const closeAll = (sockets: Socket[]) => Promise.all(sockets.map((s) => new Promise<void>((r) => { if (s.destroyed) r(); else { s.once('close', () => r()); s.destroy(); } })));

describe('hostile input: connection floods on the ebMS listener', () => {
  let kp: Knooppunt;
  beforeAll(async () => {
    kp = await startKnooppunt(testConfig('hub', { limits: { ebmsMaxConnections: 30, ebmsMaxConnectionsPerAddress: 20, ebmsMaxHandshakes: 10, ebmsHandshakeTimeoutSeconds: 3, ebmsIdleBodySeconds: 3 } }));
  });
  afterAll(() => kp.stop());

  test('silent connections beyond ebmsMaxHandshakes are closed at once, counted, and the caps release afterwards', async () => {
    const sockets = await silent(kp, 60);
    await until(async () => (await metric(kp, 'ebmsConnectionsRefused', { reason: 'max_handshakes' })) >= 50, '50 refusals');
    await until(() => sockets.filter((s) => !s.destroyed).length === 10, 'exactly 10 connections left open');
    expect(await metric(kp, 'ebmsConnectionsRefused', { reason: 'max_handshakes' })).toBe(50);
    expect(await metric(kp, 'ebmsConnections', { state: 'handshaking' })).toBe(10);
    expect(await healthz(kp)).toBe(200);
    await closeAll(sockets);
    await until(async () => (await metric(kp, 'ebmsConnections', { state: 'open' })) === 0, 'all connections released');
    // The counts went down: a partner with a certificate gets through again (GET → SOAP Fault, b.7 rule 1).
    const r = await httpsRequest(kp.urls.ebms, client);
    expect(r.status).toBe(500);
    expect(r.body).toContain('<faultcode>SOAP:Client</faultcode>');
  });

  test('a connection that never starts its handshake is closed after ebmsHandshakeTimeoutSeconds and counted', async () => {
    const before = await metric(kp, 'tlsRejected', { reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
    const [s] = await silent(kp, 1);
    await until(() => s!.destroyed || s!.readyState === 'closed', 'the server closed the silent connection');
    await until(async () => (await metric(kp, 'tlsRejected', { reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' })) === before + 1, 'handshake timeout counted');
  });

  test('connected partners beyond ebmsMaxConnectionsPerAddress are refused with max_connections_per_address', async () => {
    // Handshaken connections do not count as handshakes: 20 keep-alive partners fill the per-address cap.
    const { connect: tlsConnect } = await import('node:tls');
    const open = await Promise.all(Array.from({ length: 20 }, () => new Promise<import('node:tls').TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: port(kp), servername: 'localhost', ...client });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    })));
    await until(async () => (await metric(kp, 'ebmsConnections', { state: 'open' })) === 20 && (await metric(kp, 'ebmsConnections', { state: 'handshaking' })) === 0, '20 authenticated connections');
    const before = await metric(kp, 'ebmsConnectionsRefused', { reason: 'max_connections_per_address' });
    await expect(httpsRequest(kp.urls.ebms, client)).rejects.toThrow();
    expect(await metric(kp, 'ebmsConnectionsRefused', { reason: 'max_connections_per_address' })).toBe(before + 1);
    await Promise.all(open.map((s) => new Promise<void>((r) => { s.once('close', () => r()); s.destroy(); })));
    await until(async () => (await metric(kp, 'ebmsConnections', { state: 'open' })) === 0, 'released');
    expect((await httpsRequest(kp.urls.ebms, client)).status).toBe(500);
  });

  test('a churn of 400 connections (TCP and certificate-less TLS) leaves the listener healthy with nothing held', async () => {
    const { connect: tlsConnect } = await import('node:tls');
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 20 }, (_v, i) => new Promise<void>((resolve) => {
        const s = i % 2 === 0 ? connect(port(kp), '127.0.0.1') : tlsConnect({ host: '127.0.0.1', port: port(kp), servername: 'localhost', ca: client.ca });
        s.on('error', () => {});
        s.on('close', () => resolve());
        if (i % 2 === 0) s.on('connect', () => s.end());
      })));
    }
    await until(async () => (await metric(kp, 'ebmsConnections', { state: 'open' })) === 0, 'all released');
    expect(await healthz(kp)).toBe(200);
    expect((await httpsRequest(kp.urls.ebms, client)).status).toBe(500);
  });

  test('a request body that stops arriving gets HTTP 408 after ebmsIdleBodySeconds and the connection is closed', async () => {
    const before = await metric(kp, 'ebmsRequests', { outcome: 'idle_timeout' });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(kp.urls.ebms, { ...client, method: 'POST', agent: false, headers: { 'content-type': 'text/xml', soapaction: '"ebXML"', 'content-length': '1000' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => { body += c.toString(); });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('<SOAP:Envelope'); // 14 of 1000 bytes, then nothing
    });
    expect(res).toEqual({ status: 408, body: 'request body stopped arriving for 3 s\n' });
    expect(await metric(kp, 'ebmsRequests', { outcome: 'idle_timeout' })).toBe(before + 1);
    expect(await healthz(kp)).toBe(200);
  });

  test('a slow but steady body is not cut (only idleness is)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(kp.urls.ebms, { ...client, method: 'POST', agent: false, headers: { 'content-type': 'text/plain', soapaction: '"ebXML"', 'content-length': '6' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); });
      req.on('error', reject);
      let i = 0;
      const t = setInterval(() => { req.write('x'); if (++i === 6) { clearInterval(t); req.end(); } }, 200);
    });
    expect(res).toBe(500); // text/plain is not an ebMS message: SOAP Fault, after the whole body arrived
  });
});
