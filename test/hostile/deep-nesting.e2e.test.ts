/**
 * Issue 9 (Critical), end to end over mTLS between real processes: a gemeente adapter with an active osb-rm CPA
 * sends the payload — `<x>`×100,000 + `</x>`×100,000 (700 KB) as the StUF part of a Di01 — to a running hub.
 * Before the fix the hub froze (quadratic StUF reader) and froze again after a restart. Now: the message is
 * acknowledged, `/healthz` answers throughout, the hub refuses it with an operator-visible reason naming the limit
 * (RIN001; no Fo01 is possible, its stuurgegevens are unreadable), and a restart whose catch-up meets the same
 * message unprocessed (as after a crash) does not freeze either.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createNode, link, waitFor, built, type Node } from '../e2e/harness.js';

const e2e = built ? describe : describe.skip;
const DI01 = 'envelopHeenbericht-ggk_Di01';
const DEEP = '<x>'.repeat(100_000) + '</x>'.repeat(100_000);

interface Msg { id: string; messageId: string; status: string; events: { event: string; detail: string | null }[] }

/** Polls /healthz every 200 ms until stopped; counts answers and failures (no answer within 10 s, or not 200). */
function healthWatch(node: Node): { stop: () => Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  const failed: string[] = [];
  let ok = 0;
  const loop = (async () => {
    while (running) {
      try {
        const r = await fetch(`${node.portal}/healthz`, { signal: AbortSignal.timeout(10_000) });
        if (r.status === 200) ok++; else failed.push(`HTTP ${r.status}`);
      } catch (e) {
        failed.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return { stop: async () => { running = false; await loop; return { ok, failed }; } };
}

e2e('e2e: a 100,000-level payload does not freeze the hub', () => {
  let hub: Node;
  let adapter: Node;
  let cpaId: string;
  beforeAll(async () => {
    hub = await createNode('hub', 'hub', 'hub');
    adapter = await createNode('gemeente', 'gemeente-0363', 'adapter');
    await Promise.all([hub.start(), adapter.start()]);
    ({ cpaId } = await link(hub, adapter, { profile: 'osb-rm', syncReplyMode: 'none', retryInterval: 'PT2S', retries: 3 }));
  }, 120_000);
  afterAll(async () => { await hub?.kill(); await adapter?.kill(); });

  test('acknowledged, refused with the limit as reason, /healthz answered throughout, and again after a restart', async () => {
    const watch = healthWatch(hub);
    const sent = await adapter.api<{ id: string; messageId: string }>('POST', '/api/messages', {
      cpaId, action: DI01, parts: [{ contentType: 'text/xml; charset=UTF-8', content: Buffer.from(DEEP).toString('base64') }],
    });
    expect(sent.status).toBe(202);
    // The hub's Acknowledgment reaches the adapter.
    await waitFor('DELIVERED', async () => (await adapter.api<Msg>('GET', `/api/messages/${sent.body.id}`)).body.status === 'DELIVERED' || null, 60_000);
    const ref = encodeURIComponent(sent.body.messageId);
    const done = await waitFor('hub processed it', async () => {
      const m = (await hub.api<Msg>('GET', `/api/messages/${ref}`)).body;
      return m.status === 'PROCESSED' || m.status === 'QUARANTINED' ? m : null;
    }, 60_000);
    const health = await watch.stop();
    expect(health.failed).toEqual([]);
    expect(health.ok).toBeGreaterThan(0);

    const reason = 'RIN001: Asynchrone algemene fout. /: envelop niet conform XSD: XML limit exceeded at <x>: nesting depth 257 (limits.xml.maxDepth = 256) (geen Fo01: stuurgegevens onleesbaar)';
    expect(done.status).toBe('PROCESSED');
    expect(done.events.find((e) => e.event === 'REFUSED_FO01')?.detail).toBe(reason);
    // The operator sees the same reason on the command line.
    const shown = hub.cli('messages', 'show', sent.body.messageId);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('limits.xml.maxDepth = 256');

    // Restart with the message unprocessed again, as after a crash between the Acknowledgment and the routing:
    // catch-up at start meets it, and the hub neither freezes nor loops.
    await hub.kill();
    const db = new Database(join(hub.dir, 'knooppunt.db'));
    db.prepare("UPDATE messages SET processed_at = NULL, status = 'RECEIVED' WHERE message_id = ? AND direction = 'in'").run(sent.body.messageId);
    db.close();
    await hub.start();
    const again = healthWatch(hub);
    const after = await waitFor('catch-up processed it again', async () => {
      const m = (await hub.api<Msg>('GET', `/api/messages/${ref}`)).body;
      return m.status !== 'RECEIVED' ? m : null;
    }, 60_000);
    const health2 = await again.stop();
    expect(health2.failed).toEqual([]);
    expect(after.status).toBe('PROCESSED');
    expect(after.events.filter((e) => e.event === 'REFUSED_FO01').map((e) => e.detail)).toEqual([reason, reason]);
    // And it still stops on SIGTERM.
    await hub.kill('SIGTERM');
  }, 300_000);
});
