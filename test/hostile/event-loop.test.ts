/**
 * Issue 9 (Critical), "no single message can hold the event loop for long": the hub preflights a large StUF
 * message (envelope parse, xmlBestand decode, iJw payload validation) in a worker thread, so timers, /healthz and
 * the ebMS listener keep running meanwhile; a worker that overruns processing.budgetMs is terminated and the
 * attempt counts as failed (QUARANTINED after maxAttempts, as any poison message).
 * The worker runs the built dist/routing/preflight-worker.js (`npm run build` first, as CI does).
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/log.js';
import { PoisonGuard } from '../../src/routing/poison.js';
import { PreflightOverrunError, PreflightPool } from '../../src/routing/preflight-pool.js';
import { preflightEnvelope } from '../../src/routing/preflight.js';
import type { MessageRecord } from '../../src/store/store.js';
import { di01, FROM_0363, HUB, inbound, NOW, payload, world, type World } from '../unit/routing/helpers.js';

/** A valid JW301 with its Relatie repeated `n` times (≈17 elements and ≈700 bytes base64 each). */
function largeJw301(n: number): string {
  const xml = payload('jw301');
  const relatie = /<jw301:Relatie>[\s\S]*?<\/jw301:Relatie>/.exec(xml)![0].replace(/\n\s*/g, '');
  return xml.replace(/<jw301:Relatie>[\s\S]*?<\/jw301:Relatie>/, relatie.repeat(n));
}

/** Counts event-loop turns (setImmediate) while `work` runs. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const spin = (): void => { if (running) { turns++; setImmediate(spin); } };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}

describe('large messages are preflighted off the event loop', () => {
  let w: World;
  let pool: PreflightPool;
  const big = largeJw301(6000); // ≈ 4.5 MB envelope, ≈ 100,000 payload elements: seconds of parsing and validation
  afterEach(async () => { await pool.close(); w.store.close(); });

  test('the event loop keeps turning while a multi-MB Di01 is processed and routed', async () => {
    w = await world();
    pool = new PreflightPool({ size: 1, budgetMs: 300_000 });
    const { HubProcessor } = await import('../../src/routing/hub-processor.js');
    const hub = new HubProcessor({
      store: w.store, organisations: w.organisations, sender: w.sender, hubIdentity: HUB, now: () => NOW, messageIdDomain: 'hub.example',
      preflight: { pool, thresholdBytes: 256 * 1024 },
    });
    const xml = di01({ referentienummer: randomUUID() }, big);
    expect(xml.length).toBeGreaterThan(4_000_000);
    const { result, turns } = await turnsDuring(() => hub.process(inbound(xml, FROM_0363)));
    expect(result.outcome).toBe('doorgestuurd');
    expect(w.sender.last()).toMatchObject({ cpaId: 'CPA-VECOZO', action: 'envelopHeenbericht-ggk_Di01' });
    // Inline, the whole preflight runs in one synchronous stretch and the loop turns only at the few store awaits
    // (< 20); off the loop it turns thousands of times meanwhile. The margin is wide for a loaded machine.
    expect(turns).toBeGreaterThan(200);
  });

  test('a refusal found in the worker is the same StufError as inline (code, element, plek cross as plain data)', async () => {
    w = await world();
    pool = new PreflightPool({ size: 1, budgetMs: 300_000 });
    const ref = randomUUID();
    const wrong = di01({ referentienummer: ref }, big).replace(ref, 'not-a-uuid');
    const inline = preflightEnvelope(Buffer.from(wrong), { firstOnly: true });
    const off = await pool.run(Buffer.from(wrong));
    expect(off.problems[0]).toBeInstanceOf(Error);
    expect(off.problems.map((p) => [p.code, p.element, p.plek, p.omschrijving])).toEqual(inline.problems.map((p) => [p.code, p.element, p.plek, p.omschrijving]));
    expect(off.problems[0]!.code).toBe('IB009');
    expect(off.kind).toBe('envelop');
    if (off.kind !== 'envelop' || inline.kind !== 'envelop') throw new Error('expected an envelop');
    expect(off.envelop.stuurgegevens).toEqual(inline.envelop.stuurgegevens);
    expect(off.header).toEqual(inline.header);
    expect(Buffer.isBuffer(off.envelop.bericht.inhoud)).toBe(true);
    expect(off.envelop.bericht.inhoud.equals(inline.envelop.bericht.inhoud)).toBe(true);
  });

  test('a worker over processing.budgetMs is terminated; the attempt counts as failed and the third one quarantines', async () => {
    w = await world();
    pool = new PreflightPool({ size: 1, budgetMs: 50 });
    const { HubProcessor } = await import('../../src/routing/hub-processor.js');
    const hub = new HubProcessor({
      store: w.store, organisations: w.organisations, sender: w.sender, hubIdentity: HUB, now: () => NOW,
      preflight: { pool, thresholdBytes: 256 * 1024 },
    });
    const msg = inbound(di01({ referentienummer: randomUUID() }, big), FROM_0363);
    const at = NOW.toISOString();
    const rec: MessageRecord = {
      id: randomUUID(), messageId: msg.ebmsMessageId, direction: 'in', kind: 'business', cpaId: msg.cpaId, conversationId: msg.conversationId,
      refToMessageId: null, fromParty: FROM_0363.oin, toParty: HUB.oin, service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01',
      status: 'RECEIVED', timestamp: at, timeToLive: null, contentType: 'text/xml', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
    };
    await w.store.messages.insertInbound(rec, msg.parts, { at, event: 'RECEIVED', detail: null });
    const guard = new PoisonGuard({ store: w.store, logger: createLogger('silent'), maxAttempts: 3, budgetMs: 60_000 });

    await expect(hub.process(msg)).rejects.toThrow(PreflightOverrunError);
    expect(pool.terminated).toBe(1);
    const work = async (): Promise<void> => { await hub.process(msg); };
    expect(await guard.run(rec, work)).toBe('failed');
    expect(await guard.run(rec, work)).toBe('failed');
    expect(await guard.run(rec, work)).toBe('quarantined');
    expect(pool.terminated).toBe(4);
    const events = (await w.store.messages.events(rec.id)).map((e) => [e.event, e.detail]);
    expect(events.slice(1)).toEqual([
      ['PROCESSING_FAILED', 'attempt 1: PreflightOverrunError: preflight overran processing.budgetMs 50 ms; worker terminated'],
      ['PROCESSING_FAILED', 'attempt 2: PreflightOverrunError: preflight overran processing.budgetMs 50 ms; worker terminated'],
      ['PROCESSING_FAILED', 'attempt 3: PreflightOverrunError: preflight overran processing.budgetMs 50 ms; worker terminated'],
      ['QUARANTINED', '3 processing attempts failed; last: PreflightOverrunError: preflight overran processing.budgetMs 50 ms; worker terminated'],
    ]);
    expect((await w.store.messages.get(rec.id))!.status).toBe('QUARANTINED');
    expect(w.sender.calls).toHaveLength(0);
  });

  test('a message below the threshold stays inline (no worker started)', async () => {
    w = await world();
    pool = new PreflightPool({ size: 1, budgetMs: 1 });
    const { HubProcessor } = await import('../../src/routing/hub-processor.js');
    const hub = new HubProcessor({
      store: w.store, organisations: w.organisations, sender: w.sender, hubIdentity: HUB, now: () => NOW,
      preflight: { pool, thresholdBytes: 256 * 1024 },
    });
    // A 1 ms budget would terminate any worker: a routed result proves the small message never went to one.
    expect((await hub.process(inbound(di01({ referentienummer: randomUUID() }), FROM_0363))).outcome).toBe('doorgestuurd');
    expect(pool.terminated).toBe(0);
  });
});
