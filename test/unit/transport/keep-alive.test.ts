import { connect, type Socket } from 'node:net';
import { startKnooppunt, type Knooppunt } from '../../../src/server.js';
import { createLogger } from '../../../src/log.js';
import { testConfig } from '../../helpers/config.js';

/**
 * Issue 10 §15: "fetch failed: other side closed" under load. Node's http server ends an idle keep-alive
 * connection after 5 s by default, and undici (fetch) reuses one for up to the server's hint minus 1 s; on a
 * loaded machine a request can be written into a socket the server is closing. The portal listener keeps idle
 * connections for 65 s, so a client reusing one after 6 s of silence is answered.
 */
function request(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const onData = (c: Buffer) => {
      data += c.toString('latin1');
      if (/\r\n\r\n/.test(data) && /content-length: (\d+)/i.test(data)) {
        const len = Number(/content-length: (\d+)/i.exec(data)![1]);
        if (data.length - data.indexOf('\r\n\r\n') - 4 >= len) { cleanup(); resolve(data); }
      }
    };
    const onClose = () => { cleanup(); reject(new Error('the server closed the connection')); };
    const cleanup = () => { socket.off('data', onData); socket.off('close', onClose); };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  });
}

describe('portal listener keep-alive', () => {
  let kp: Knooppunt;
  beforeAll(async () => { kp = await startKnooppunt(testConfig(), { logger: createLogger('silent') }); });
  afterAll(() => kp.stop());

  test('an idle connection is kept beyond 5 s (Keep-Alive: timeout=65) and answers a reused request', async () => {
    const url = new URL(kp.urls.portal);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    const first = await request(socket);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await request(socket)).toMatch(/^HTTP\/1\.1 200 /);
    socket.destroy();
  }, 30_000);
});
