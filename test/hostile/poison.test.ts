/**
 * Issue 9 (Critical), poison messages: a message whose hub processing throws (or froze the process) is retried a
 * bounded number of times — attempts counted durably before each try — then QUARANTINED with its reason, answered
 * with a Fo01 RIN001 (plek server), skipped by catch-up, and releasable by the operator.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { PoisonGuard, fo01ForQuarantined } from '../../src/routing/poison.js';
import type { MessageRecord } from '../../src/store/store.js';
import { parseFo01 } from '../../src/stuf/parse.js';
import { di01, FROM_0363, HUB, inbound, NOW, world, type World } from '../unit/routing/helpers.js';

describe('PoisonGuard', () => {
  let w: World;
  let rec: MessageRecord;
  let metrics: Metrics;
  const ref = randomUUID();
  beforeEach(async () => {
    w = await world();
    metrics = new Metrics();
    const msg = inbound(di01({ referentienummer: ref }), FROM_0363);
    const at = NOW.toISOString();
    rec = {
      id: randomUUID(), messageId: msg.ebmsMessageId, direction: 'in', kind: 'business', cpaId: msg.cpaId, conversationId: msg.conversationId,
      refToMessageId: null, fromParty: FROM_0363.oin, toParty: HUB.oin, service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01',
      status: 'RECEIVED', timestamp: at, timeToLive: null, contentType: 'text/xml', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
    };
    await w.store.messages.insertInbound(rec, msg.parts, { at, event: 'RECEIVED', detail: null });
  });
  afterEach(() => w.store.close());

  const guard = (over: { maxAttempts?: number; budgetMs?: number } = {}): PoisonGuard => new PoisonGuard({
    store: w.store, logger: createLogger('silent'), maxAttempts: over.maxAttempts ?? 3, budgetMs: over.budgetMs ?? 60_000, metrics,
    onQuarantine: async (r, reason) => { await fo01ForQuarantined({ store: w.store, sender: w.sender, hubIdentity: HUB, now: () => NOW }, r, reason); },
  });
  const boom = async (): Promise<void> => { throw new TypeError('cannot read the payload'); };

  test('three failures: retried, then QUARANTINED with the reason, a Fo01 RIN001 to the sender, the metric set', async () => {
    const g = guard();
    expect(await g.run(rec, boom)).toBe('failed');
    expect(await g.run(rec, boom)).toBe('failed');
    expect((await w.store.messages.get(rec.id))!.status).toBe('RECEIVED');
    expect(await g.run(rec, boom)).toBe('quarantined');

    const stored = (await w.store.messages.get(rec.id))!;
    expect(stored.status).toBe('QUARANTINED');
    expect(stored.processedAt).not.toBeNull();
    const events = (await w.store.messages.events(rec.id)).map((e) => [e.event, e.detail]);
    expect(events.slice(1)).toEqual([
      ['PROCESSING_FAILED', 'attempt 1: TypeError: cannot read the payload'],
      ['PROCESSING_FAILED', 'attempt 2: TypeError: cannot read the payload'],
      ['PROCESSING_FAILED', 'attempt 3: TypeError: cannot read the payload'],
      ['QUARANTINED', '3 processing attempts failed; last: TypeError: cannot read the payload'],
    ]);
    expect((await w.store.messages.list({ status: 'QUARANTINED' })).map((m) => m.id)).toEqual([rec.id]);

    expect(w.sender.calls).toHaveLength(1);
    expect(w.sender.last()).toMatchObject({ cpaId: FROM_0363.cpaId, action: 'Fo01Bericht', refToMessageId: rec.messageId });
    const fo01 = parseFo01(w.sender.text());
    expect(fo01.body.code).toBe('RIN001');
    expect(fo01.body.plek).toBe('server');
    expect(fo01.stuurgegevens.crossRefnummer).toBe(ref);
    expect(fo01.body.omschrijving).toContain('in quarantaine gezet: 3 processing attempts failed');

    expect((await metrics.registry.getSingleMetricAsString('knooppunt_messages_quarantined'))).toContain('knooppunt_messages_quarantined 1');
    expect(await metrics.registry.getSingleMetricAsString('knooppunt_hub_processing_problems_total')).toContain('outcome="quarantined"} 1');
  });

  test('attempts that never finished (the process froze or was killed) count too: quarantined without running again', async () => {
    // Two starts that died mid-processing: the attempt was counted before the work, nothing after it.
    await w.store.messages.countProcessingAttempt(rec.id);
    await w.store.messages.countProcessingAttempt(rec.id);
    await w.store.messages.countProcessingAttempt(rec.id);
    let ran = false;
    expect(await guard().run(rec, async () => { ran = true; })).toBe('quarantined');
    expect(ran).toBe(false);
    const q = (await w.store.messages.events(rec.id)).at(-1)!;
    expect([q.event, q.detail]).toEqual(['QUARANTINED', '3 processing attempts failed or overran; last: the process stopped during processing (crash, kill or freeze)']);
  });

  test('an overrun of the budget is recorded while the work goes on; the message is not run twice', async () => {
    let finish!: () => void;
    const running = guard({ budgetMs: 20 }).run(rec, () => new Promise<void>((r) => { finish = r; }));
    for (let i = 0; i < 400 && !(await w.store.messages.events(rec.id)).some((e) => e.event === 'PROCESSING_OVERRUN'); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await w.store.messages.events(rec.id)).map((e) => [e.event, e.detail])).toContainEqual(['PROCESSING_OVERRUN', 'attempt 1 took longer than processing.budgetMs 20 ms']);
    finish();
    expect(await running).toBe('done');
  });

  test('release: back to RECEIVED and unprocessed with attempts reset, so catch-up processes it again', async () => {
    const g = guard({ maxAttempts: 1 });
    expect(await g.run(rec, boom)).toBe('quarantined');
    expect(await w.store.messages.release(rec.id, NOW.toISOString())).toBe(true);
    const back = (await w.store.messages.get(rec.id))!;
    expect([back.status, back.processedAt]).toEqual(['RECEIVED', null]);
    expect((await w.store.messages.events(rec.id)).at(-1)!.event).toBe('RELEASED');
    let ran = false;
    expect(await g.run(rec, async () => { ran = true; })).toBe('done');
    expect(ran).toBe(true);
    expect(await w.store.messages.release(rec.id, NOW.toISOString())).toBe(false); // not quarantined any more
  });
});
