import { EventEmitter } from 'node:events';
import type { LoadedConfig } from '../../../src/config/schema.js';
import type { Msh } from '../../../src/ebms/msh/msh.js';
import { attachHub } from '../../../src/hub.js';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import type { OrganisationService } from '../../../src/registry/organisations.js';
import type { ProcessOutcome } from '../../../src/routing/model.js';
import type { MessageEvent, MessageRecord, Store } from '../../../src/store/store.js';

/**
 * src/hub.ts: an inbound StUF message is processed once, whichever path finds it first — the MSH 'received' event
 * or the catch-up sweep over unprocessed messages (whose list may be stale by the time it gets to a message).
 */
function record(id: string): MessageRecord {
  return {
    id, messageId: `${id}@gemeente.example`, direction: 'in', kind: 'business', cpaId: 'CPA-0363', conversationId: `conv-${id}`, refToMessageId: null,
    fromParty: '00000099000000036300', toParty: '00000099000000000001', service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01',
    status: 'RECEIVED', timestamp: '2025-01-01T00:00:00Z', timeToLive: null, contentType: 'text/xml', raw: Buffer.alloc(0), replyId: null,
    processedAt: null, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z',
  };
}

test('a message the received-path processed is not processed again from a stale catch-up list (no false IB216 Fo01)', async () => {
  const rows = new Map([['m1', record('m1')]]);
  const events: MessageEvent[] = [];
  const store = {
    messages: {
      get: async (id: string) => { const r = rows.get(id); return r ? { ...r } : null; },
      parts: async () => [],
      addEvent: async (_id: string, e: MessageEvent) => { events.push(e); },
      countProcessingAttempt: async (id: string) => (rows.get(id)!.processedAt === null ? 1 : 0),
      list: async () => [],
    },
    mailbox: { expire: async () => 0 },
  } as unknown as Store;
  const stale = [record('m1')]; // listed as unprocessed before the received-path finished it
  const emitter = new EventEmitter();
  const msh = { events: emitter, unprocessed: async () => stale, send: async () => { throw new Error('not used'); } } as unknown as Msh;
  const config = { hub: { oin: '00000099000000000001', name: 'hub', endpoints: { internet: 'https://hub.example/ebms', diginetwerk: 'https://hub.example/ebms' } }, processing: { maxAttempts: 3, budgetMs: 60_000 } } as LoadedConfig;
  const role = attachHub(config, { store, msh, organisations: {} as OrganisationService, logger: createLogger('silent') });
  try {
    const calls: string[] = [];
    role.processor.process = async (m) => {
      calls.push(m.ebmsMessageId);
      // what RoutingRepository.complete does in the processor's one transaction: the event and PROCESSED
      const row = rows.get(m.id!)!;
      events.push({ at: '2025-01-01T00:00:01Z', event: 'FORWARDED', detail: 'doorgestuurd naar ketenpartner' });
      Object.assign(row, { processedAt: '2025-01-01T00:00:01Z', status: 'PROCESSED' });
      return { outcome: 'doorgestuurd', detail: 'doorgestuurd naar ketenpartner', logId: 'l1' } satisfies ProcessOutcome;
    };
    emitter.emit('received', record('m1'));
    for (let i = 0; i < 50 && rows.get('m1')!.processedAt === null; i++) await new Promise((r) => setTimeout(r, 5));
    expect(rows.get('m1')!.processedAt).not.toBeNull();
    await role.catchUp();
    expect(calls).toEqual(['m1@gemeente.example']);
    expect(events.map((e) => [e.event, e.detail])).toEqual([['FORWARDED', 'doorgestuurd naar ketenpartner']]);
  } finally {
    role.stop();
  }
});

test('every routing decision is one log line (berichttype, gemeentecode, route or Fo01 code) and counted by Fo01 code', async () => {
  const rows = new Map([['m2', record('m2')]]);
  const store = {
    messages: {
      get: async (id: string) => { const r = rows.get(id); return r ? { ...r } : null; },
      parts: async () => [], addEvent: async () => undefined,
      countProcessingAttempt: async (id: string) => (rows.get(id)!.processedAt === null ? 1 : 0),
      list: async () => [],
    },
    mailbox: { expire: async () => 0 },
  } as unknown as Store;
  const emitter = new EventEmitter();
  const msh = { events: emitter, unprocessed: async () => [], send: async () => { throw new Error('not used'); } } as unknown as Msh;
  const config = { hub: { oin: '00000099000000000001', name: 'hub', endpoints: { internet: 'https://hub.example/ebms', diginetwerk: 'https://hub.example/ebms' } }, processing: { maxAttempts: 3, budgetMs: 60_000 } } as LoadedConfig;
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', new Writable({ write(c: Buffer, _e, cb) { for (const l of c.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } }));
  const metrics = new Metrics();
  const role = attachHub(config, { store, msh, organisations: {} as OrganisationService, logger, metrics });
  try {
    role.processor.process = async (m) => {
      rows.get(m.id!)!.processedAt = '2025-01-01T00:00:01Z'; // PROCESSED in the processor's one transaction
      return { outcome: 'geweigerd', foutcode: 'IB002', detail: 'niet geautoriseerd', logId: 'l2', fo01MessageId: 'f@hub', berichttype: 'JW301', gemeentecode: '0518' };
    };
    emitter.emit('received', record('m2'));
    for (let i = 0; i < 200 && rows.get('m2')!.processedAt === null; i++) await new Promise((r) => setTimeout(r, 5));
    expect(lines.map((l) => l.routing).filter(Boolean)).toEqual([
      { messageId: 'm2@gemeente.example', cpaId: 'CPA-0363', berichttype: 'JW301', gemeentecode: '0518', outcome: 'geweigerd', fo01Code: 'IB002', fo01MessageId: 'f@hub' },
    ]);
    expect(await metrics.registry.metrics()).toContain('knooppunt_routing_outcomes_total{outcome="geweigerd",fo01_code="IB002"} 1');
  } finally {
    role.stop();
  }
});
