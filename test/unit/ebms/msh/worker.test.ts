import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serverTlsOptions } from '../../../../src/ebms/transport/tls.js';
import { isRetryableStatus } from '../../../../src/ebms/transport/client.js';
import { mshPair, payload, type Pair } from '../../../helpers/msh.js';
import { testPki } from '../../../helpers/pki.js';

/** The outbox worker's HTTP handling (DK-33: 5xx and 503 retried, 3xx/4xx are errors) against a scripted peer. */
describe('DeliveryWorker against a scripted HTTPS peer', () => {
  const { files } = testPki();
  const hubP = files.parties.hub!;
  let server: Server;
  let script: number[] = [];
  /** Requests per MessageId, each with the body it carried. */
  const seen = new Map<string, Buffer[]>();
  const hitsOf = (messageId: string) => seen.get(messageId)?.length ?? 0;
  let pair: Pair;

  beforeAll(async () => {
    server = createServer(serverTlsOptions({ cert: readFileSync(hubP.server.cert, 'utf8'), key: readFileSync(hubP.server.key, 'utf8'), ca: [readFileSync(files.caCert, 'utf8')] }), (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const id = /<eb:MessageId>([^<]+)<\/eb:MessageId>/.exec(body.toString('utf8'))?.[1] ?? '?';
        seen.set(id, [...(seen.get(id) ?? []), body]);
        res.writeHead(script.shift() ?? 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const endpoint = `https://localhost:${(server.address() as AddressInfo).port}/ebms`;
    // The gemeente sends to the "hub", i.e. the scripted server; reliable, async Acks, 3 retries 200 ms apart.
    pair = await mshPair({ profile: 'osb-rm', syncReplyMode: 'none', retries: 3, retryInterval: 'PT0.2S' }, { hubEndpoint: endpoint });
    pair.gemeente.msh.start();
  });
  afterAll(async () => { await pair.close(); server.close(); });

  async function until(id: string, statuses: string[]): Promise<string> {
    for (let i = 0; i < 400; i++) { // up to 20 s: a loaded CI machine is slow, the outcome is what counts
      const m = await pair.gemeente.store.messages.get(id);
      if (m && statuses.includes(m.status)) return m.status;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  }

  test('the retry table: 5xx except 501/505/510, and 408/429 are retried; other 3xx/4xx are not', () => {
    expect([500, 502, 503, 504, 408, 429].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
    expect([501, 505, 510, 301, 302, 400, 401, 403, 404, 413].map(isRetryableStatus)).toEqual(Array(10).fill(false));
  });

  test('HTTP 503 twice, then 204: sent again (identical bytes), then waiting for the Acknowledgment', async () => {
    script = [503, 503, 204];
    const rec = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [payload(100)] });
    expect(await until(rec.id, ['SENT'])).toBe('SENT');
    expect(hitsOf(rec.messageId)).toBe(3);
    const bodies = seen.get(rec.messageId)!;
    expect(bodies.every((b) => b.equals(rec.raw))).toBe(true);
    const events = (await pair.gemeente.store.messages.events(rec.id)).map((e) => e.detail);
    expect(events.filter((d) => d?.startsWith('attempt'))).toEqual(['attempt 1/4: HTTP 503', 'attempt 2/4: HTTP 503']);
  });

  test('no Acknowledgment ever: resent Retries + 1 times, then EXPIRED with DeliveryFailure', async () => {
    script = [];
    const expired: [string, string][] = [];
    pair.gemeente.msh.events.on('expired', (r, reason) => expired.push([r.id, reason]));
    const rec = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [payload(100)] });
    expect(await until(rec.id, ['EXPIRED'])).toBe('EXPIRED');
    const reasons = expired.filter(([id]) => id === rec.id).map(([, reason]) => reason);
    expect(reasons).toEqual([expect.stringMatching(/^DeliveryFailure: (no Acknowledgment after 4 attempt\(s\)|TimeToLive .* passed)/)]);
    // Retries + 1 = 4 attempts — unless the TimeToLive (RetryInterval x 4 = 0.8 s) ran out first on a slow machine:
    // then fewer, never more. No assertion depends on how fast the machine is.
    if (reasons[0]!.includes('no Acknowledgment')) expect(hitsOf(rec.messageId)).toBe(4);
    else expect(hitsOf(rec.messageId)).toBeLessThanOrEqual(4);
    expect(hitsOf(rec.messageId)).toBeGreaterThanOrEqual(1);
  });

  test('HTTP 404 is an error: FAILED at once, not retried (DK-33)', async () => {
    script = [404];
    const rec = await pair.gemeente.msh.send({ cpaId: pair.cpaId, action: 'envelopHeenbericht-ggk_Di01', parts: [payload(100)] });
    expect(await until(rec.id, ['FAILED'])).toBe('FAILED');
    expect(hitsOf(rec.messageId)).toBe(1);
    const failed = (await pair.gemeente.store.messages.events(rec.id)).find((e) => e.event === 'FAILED');
    expect(failed?.detail).toMatch(/^HTTP 404 from https:\/\/localhost:\d+\/ebms \(DK-33: 3xx\/4xx are errors\)$/);
    expect(await pair.gemeente.store.outbox.get(rec.id)).toBeNull();
  });
});
