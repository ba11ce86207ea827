import { createNode, link, waitFor, type Node, type Link } from './harness.js';
import { payload } from '../helpers/msh.js';

/**
 * Two knooppunt processes (a hub and gemeente 0363's adapter) over mutual TLS on loopback, with CPAs generated
 * by the hub's CPA Beheer API (issue "ebMS2 MSH", Done when: the end-to-end suite).
 */
const DI01 = 'envelopHeenbericht-ggk_Di01';

interface Msg { id: string; messageId: string; status: string; action: string; direction: string; kind: string; events?: { event: string; detail: string | null }[] }

async function send(n: Node, cpaId: string, size = 5 * 1024): Promise<{ id: string; messageId: string }> {
  const p = payload(size);
  const r = await n.api<{ id: string; messageId: string }>('POST', '/api/messages', { cpaId, action: DI01, parts: [{ contentType: p.contentType, content: p.content.toString('base64') }] });
  if (r.status !== 202) throw new Error(`send: ${r.status} ${r.text}`);
  return r.body;
}

const show = async (n: Node, id: string) => (await n.api<Msg>('GET', `/api/messages/${encodeURIComponent(id)}`)).body;

describe('e2e: hub and adapter processes over mTLS', () => {
  let hub: Node;
  let adapter: Node;
  let syncLink: Link;
  let asyncLink: Link;

  beforeAll(async () => {
    hub = await createNode('hub', 'hub', 'adapter'); // adapter mode: no StUF routing, the test pulls messages itself
    adapter = await createNode('gemeente', 'gemeente-0363', 'adapter');
    await Promise.all([hub.start(), adapter.start()]);
    syncLink = await link(hub, adapter, { profile: 'osb-rm-s', syncReplyMode: 'mshSignalsOnly', retries: 5, retryInterval: 'PT1S' });
    // Retries × RetryInterval outlasts a restart of the hub on a loaded machine (the receiver-down test below).
    asyncLink = await link(hub, adapter, { profile: 'osb-rm-s', syncReplyMode: 'none', retries: 30, retryInterval: 'PT1S' });
  }, 60_000);
  afterAll(async () => { await hub?.kill(); await adapter?.kill(); });

  test('Ping Pong sync and async both ways activates the CPA (seed 002 §3.3.5)', async () => {
    for (const n of [hub, adapter]) {
      const sync = await n.api<{ sync: boolean; roundTripMs: number; status: string }>('POST', `/api/cpas/${encodeURIComponent(syncLink.cpaId)}/ping`, {});
      expect(sync.status).toBe(200);
      expect(sync.body).toMatchObject({ sync: true, status: 'geactiveerd' });
      const async = await n.api<{ sync: boolean }>('POST', `/api/cpas/${encodeURIComponent(syncLink.cpaId)}/ping`, { async: true });
      expect(async.status).toBe(200);
      expect(async.body.sync).toBe(false);
    }
    const cli = adapter.cli('ping', '--cpa', syncLink.cpaId);
    expect(cli.stderr).toBe('');
    const lines = cli.stdout.split('\n');
    expect(lines[0]).toMatch(/^Pong \S+ for Ping \S+ \(sync\) in [\d.]+ ms$/);
    expect(lines[1]).toBe(`this side:  CPA ${syncLink.cpaId} is geactiveerd (was active already)`);
    expect(lines[2]).toMatch(/^other side: .+ answered with a Pong; answering a Ping activates its copy \(seed 002 §3\.3\.5\)$/);
    expect(lines.slice(3)).toEqual(['']);
  });

  test.each([['sync', () => syncLink], ['async', () => asyncLink]])('a reliable message with a %s Acknowledgment is delivered once and DELIVERED at the sender', async (_mode, l) => {
    const { cpaId } = l();
    const sent = await send(adapter, cpaId);
    const delivered = await waitFor('DELIVERED', async () => { const m = await show(adapter, sent.id); return m.status === 'DELIVERED' ? m : null; }, 15_000);
    expect(delivered.events!.map((e) => e.event)).toEqual(expect.arrayContaining(['QUEUED', 'DELIVERED']));
    const inbound = await show(hub, sent.messageId);
    expect(inbound).toMatchObject({ direction: 'in', status: 'RECEIVED', action: DI01 });
    const raw = await hub.api('GET', `/api/messages/${encodeURIComponent(sent.messageId)}/raw`);
    expect(raw.text).toContain(sent.messageId);
  });

  test('the receiver down for several RetryIntervals: delivered after it comes back (DK-09, DK-33)', async () => {
    // TimeToLive = RetryInterval x (Retries + 1) = 61 s: the restart on a loaded machine must not race it.
    const patient = await link(hub, adapter, { profile: 'osb-rm-s', syncReplyMode: 'none', retries: 60, retryInterval: 'PT1S' });
    await hub.kill('SIGKILL');
    const sent = await send(adapter, patient.cpaId);
    await waitFor('a retry', async () => (await show(adapter, sent.id)).events!.filter((e) => e.event === 'RETRY').length >= 2 || null, 20_000);
    await hub.start();
    const m = await waitFor('DELIVERED', async () => { const x = await show(adapter, sent.id); return x.status === 'DELIVERED' ? x : null; }, 30_000);
    expect(m.events!.filter((e) => e.event === 'RETRY').length).toBeGreaterThanOrEqual(2);
    expect((await show(hub, sent.messageId)).status).toBe('RECEIVED');
  }, 90_000);

  test('TimeToLive exhausted while the receiver stays down: EXPIRED with DeliveryFailure (ebMS 2.0 §6.5.7)', async () => {
    const short = await link(hub, adapter, { profile: 'osb-rm', syncReplyMode: 'none', retries: 2, retryInterval: 'PT1S' });
    await hub.kill('SIGKILL');
    const sent = await send(adapter, short.cpaId);
    const m = await waitFor('EXPIRED', async () => { const x = await show(adapter, sent.id); return x.status === 'EXPIRED' ? x : null; }, 20_000);
    expect(m.events!.find((e) => e.event === 'EXPIRED')!.detail).toMatch(/^DeliveryFailure: /);
    await hub.start();
  });
});
