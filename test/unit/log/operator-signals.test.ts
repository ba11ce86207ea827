import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { MshEvents } from '../../../src/ebms/msh/events.js';
import { observeOutbound } from '../../../src/ebms/msh/observe.js';
import { createLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { startKnooppunt, type Knooppunt } from '../../../src/server.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { testConfig } from '../../helpers/config.js';
import { httpsRequest } from '../../helpers/https.js';
import { testPki } from '../../helpers/pki.js';

/** Issue 10 §11/§12: the log lines and metrics an operator of a gateway watches; bounded labels, no payloads. */
function sink(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: new Writable({ write(c: Buffer, _e, cb) { for (const l of c.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } }) };
}

const rec = (over: Partial<MessageRecord> = {}): MessageRecord => ({
  id: 'id-1', messageId: 'm-1@hub.example', direction: 'out', kind: 'business', cpaId: 'CPA-1', conversationId: 'c', refToMessageId: null,
  fromParty: 'a', toParty: 'b', service: 's', action: 'envelopHeenbericht-ggk_Di01', status: 'PENDING', timestamp: '2026-01-01T00:00:00.000Z', timeToLive: null,
  contentType: 'multipart/related', raw: Buffer.from('SECRET-PAYLOAD'), replyId: null, processedAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('operator signals', () => {
  test('outbound outcomes: one line each, counted by outcome, Acknowledgment round trip observed; never the payload', async () => {
    const { lines, stream } = sink();
    const metrics = new Metrics();
    const events = new MshEvents();
    const stop = observeOutbound(events, { logger: createLogger('info', stream), metrics, now: () => new Date('2026-01-01T00:00:02.000Z') });
    events.emit('retry', rec(), 1, 'HTTP 503');
    events.emit('delivered', rec());
    events.emit('failed', rec({ messageId: 'm-2@hub.example' }), 'MessageError: SecurityFailure');
    events.emit('expired', rec({ messageId: 'm-3@hub.example' }), 'DeliveryFailure: TimeToLive passed');
    stop();
    events.emit('delivered', rec());
    expect(lines.map((l) => (l.ebms as { outcome: string; messageId: string })).map((e) => [e.outcome, e.messageId])).toEqual([
      ['retried', 'm-1@hub.example'], ['delivered', 'm-1@hub.example'], ['failed', 'm-2@hub.example'], ['expired', 'm-3@hub.example'],
    ]);
    expect(lines[1]!.ebms).toEqual({ direction: 'out', messageId: 'm-1@hub.example', cpaId: 'CPA-1', action: 'envelopHeenbericht-ggk_Di01', kind: 'business', outcome: 'delivered', seconds: 2 });
    expect(JSON.stringify(lines)).not.toContain('SECRET');
    const text = await metrics.registry.metrics();
    for (const o of ['delivered', 'retried', 'failed', 'expired']) expect(text).toContain(`knooppunt_outbound_deliveries_total{outcome="${o}"} 1`);
    expect(text).toContain('knooppunt_ack_round_trip_seconds_count 1');
    expect(text).toContain('knooppunt_ack_round_trip_seconds_sum 2');
  });

  test('scrape-time gauges: outbox depth and oldest age, mailbox size, CPAs by status and days to expiry', async () => {
    const metrics = new Metrics();
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    metrics.setSources({
      outbox: async () => ({ depth: 3, oldestCreatedAt: new Date(Date.now() - 120_000).toISOString() }),
      mailboxItems: async () => 5,
      cpas: async () => [{ status: 'geactiveerd', endAt: inDays(5) }, { status: 'geactiveerd', endAt: inDays(20) }, { status: 'ingetrokken', endAt: inDays(1) }],
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('knooppunt_outbox_depth 3');
    expect(Number(/^knooppunt_outbox_oldest_age_seconds (\S+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(120);
    expect(text).toContain('knooppunt_mailbox_items 5');
    expect(text).toContain('knooppunt_cpas{status="geactiveerd"} 2');
    expect(text).toContain('knooppunt_cpas{status="ingetrokken"} 1');
    expect(text).toContain('knooppunt_cpas{status="gegenereerd"} 0');
    expect(text).toContain('knooppunt_cpas_expiring{within_days="7"} 1');
    expect(text).toContain('knooppunt_cpas_expiring{within_days="30"} 2');
    expect(Number(/^knooppunt_cpa_next_expiry_days (\S+)$/m.exec(text)![1])).toBeCloseTo(5, 0);
  });

  describe('a running knooppunt', () => {
    let kp: Knooppunt;
    const { lines, stream } = sink();
    const { files } = testPki();
    const gem = files.parties['gemeente-0363']!;
    const client = { ca: readFileSync(files.caCert, 'utf8'), cert: readFileSync(gem.client.cert, 'utf8'), key: readFileSync(gem.client.key, 'utf8') };
    beforeAll(async () => { kp = await startKnooppunt(testConfig(), { logger: createLogger('info', stream) }); });
    afterAll(() => kp.stop());

    test('every inbound ebMS request gets one line with its outcome; the store-backed gauges are scraped', async () => {
      const r = await httpsRequest(kp.urls.ebms, client, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '"ebXML"' }, body: '<not-soap/>' });
      expect(r.status).toBe(500);
      const inbound = lines.map((l) => l.ebms as Record<string, unknown> | undefined).filter((e) => e?.direction === 'in');
      expect(inbound).toEqual([expect.objectContaining({ direction: 'in', outcome: 'fault', peer: gem.oin, faultcode: 'Client', messageId: null })]);
      const text = await kp.metrics.registry.metrics();
      expect(text).toContain('knooppunt_inbound_messages_total{outcome="fault",error_code="soap:Client"} 1');
      expect(text).toContain('knooppunt_outbox_depth 0');
      expect(text).toContain('knooppunt_mailbox_items 0');
      expect(text).toContain('knooppunt_cpas{status="geactiveerd"} 0');
    });
  });
});
