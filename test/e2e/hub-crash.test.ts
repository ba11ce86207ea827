import { demoPayloads, di01 } from '../../src/demo/messages.js';
import { Application, crashSeed, duplicatesAt, prng, startKiller } from './crash.js';
import { createNode, link, waitFor, type Node } from './harness.js';

/**
 * The hub's main path under SIGKILL (issue 17 §3): gemeente 0363 → hub (mode hub: StUF routing) → chain partner,
 * with the HUB killed at random moments over the whole delivery period. Every JW301 must reach the partner's
 * application exactly once (counted by StUF referentienummer at the application, which confirms each message it
 * pulls), and the gemeente must get no Fo01 — a forwarded message processed again after a crash would come back as
 * a (false) IB216 Fo01 or go out twice. KP_HUB_CRASH_MESSAGES sets the count (default 200), KP_CRASH_SEED replays.
 */
const N = Number(process.env.KP_HUB_CRASH_MESSAGES ?? 200);
const DI01 = 'envelopHeenbericht-ggk_Di01';
const AGB = '87654321';

interface Msg { id: string; messageId: string; action: string; status: string }

async function list(n: Node, q: string): Promise<Msg[]> {
  const out: Msg[] = [];
  for (let cursor = ''; ;) {
    const page = (await n.api<{ messages: Msg[]; nextCursor: string | null }>('GET', `/api/messages?${q}&limit=1000${cursor}`)).body;
    out.push(...page.messages);
    if (!page.nextCursor) return out;
    cursor = `&cursor=${page.nextCursor}`;
  }
}

describe('e2e: the hub SIGKILLed on its main path', () => {
  let hub: Node;
  let gemeente: Node;
  let partner: Node;

  beforeAll(async () => {
    [hub, gemeente, partner] = await Promise.all([
      createNode('hub', 'hub', 'hub'), createNode('gemeente', 'gemeente-0363', 'adapter'), createNode('partner', 'partner', 'adapter'),
    ]);
    await Promise.all([hub.start(), gemeente.start(), partner.start()]);
  }, 60_000);
  afterAll(async () => { await hub?.kill(); await gemeente?.kill(); await partner?.kill(); });

  test(`${N} JW301s gemeente → hub → partner, the hub killed at random moments: each reaches the partner's application once, no Fo01`, async () => {
    for (const o of [
      { kind: 'gemeente', code: '0363', name: 'Gemeente Amsterdam', oins: [gemeente.oin] },
      { kind: 'zorgaanbieder', code: AGB, name: 'Jeugdhulp' },
      { kind: 'ketenpartner', code: partner.oin, name: 'Ketenpartner' },
    ]) {
      const r = await hub.api('POST', '/api/organisations', o);
      if (r.status !== 201) throw new Error(`organisation: ${r.status} ${r.text}`);
    }
    // TimeToLive = RetryInterval x (Retries + 1): far longer than the run, even on a loaded machine.
    const fields = { berichtstroom: 'ijw', profile: 'osb-rm-s', syncReplyMode: 'none', retryInterval: 'PT3S', retries: 100 };
    const g = await link(hub, gemeente, fields);
    const p = await link(hub, partner, fields);
    for (const [path, body] of [
      ['/api/routes/ketenpartners', { berichtstroom: 'ijw', organisation: partner.oin, cpaId: p.cpaId }],
      ['/api/routes', { gemeentecode: '0363', berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: g.cpaId }],
    ] as const) {
      const r = await hub.api('PUT', path, body);
      if (r.status !== 200) throw new Error(`route: ${r.status} ${r.text}`);
    }

    const seed = crashSeed();
    const random = prng(seed);
    const payload = demoPayloads({ gemeentecode: '0363', andereGemeentecode: '0518', agb: AGB, today: new Date() }).toewijzing;
    const parties = { zender: { organisatie: '0363', applicatie: 'JeugdApp' }, ontvanger: { organisatie: AGB, applicatie: 'GGk' } };
    const atPartner = new Application(partner, 'referentienummer');
    const atGemeente = new Application(gemeente, 'referentienummer');
    const killer = startKiller(hub, random);
    const refs: string[] = [];
    try {
      for (let i = 0; i < N; i++) {
        const m = di01('JW301', parties, payload);
        const r = await gemeente.api('POST', '/api/messages', { cpaId: g.cpaId, action: DI01, parts: [{ contentType: 'text/xml; charset=UTF-8', content: Buffer.from(m.xml).toString('base64') }] });
        if (r.status !== 202) throw new Error(`send: ${r.status} ${r.text}`);
        refs.push(m.referentienummer);
        if (i % 20 === 0) await atPartner.pullOnce();
      }
      // Kills go on over the whole delivery period: until the partner's application has every message.
      await waitFor(`${N} messages at the partner's application`, async () => {
        await atPartner.pullOnce();
        await atGemeente.pullOnce();
        return atPartner.count.size >= N || null;
      }, 600_000, 500);
    } finally {
      killer.stop();
    }
    const kills = await killer.done;
    // After the last restart: let everything settle (catch-up, Acknowledgments), then read every count.
    const open = (m: Msg) => m.status === 'PENDING' || m.status === 'SENT';
    const sent = await waitFor('the gemeente side done', async () => {
      const out = await list(gemeente, `direction=out&kind=business&cpaId=${encodeURIComponent(g.cpaId)}`);
      return !out.some(open) && out;
    }, 300_000, 1000);
    await waitFor('the hub done', async () => {
      const unprocessed = (await hub.api<{ messages: Msg[] }>('GET', '/api/messages/unprocessed?limit=1000')).body.messages;
      const forwards = await list(hub, `direction=out&kind=business&cpaId=${encodeURIComponent(p.cpaId)}`);
      return (unprocessed.length === 0 && !forwards.some(open)) || null;
    }, 300_000, 1000);
    while (await atPartner.pullOnce() + await atGemeente.pullOnce() > 0) { /* drain */ }

    const duplicates = { atHub: await duplicatesAt(hub, g.cpaId), atPartner: await duplicatesAt(partner, p.cpaId) };
    const hubEvents = await list(hub, `direction=in&kind=business&cpaId=${encodeURIComponent(g.cpaId)}`);
    console.log(`hub crash test: seed ${seed} (replay: KP_CRASH_SEED=${seed}), ${kills} kills, resends recognised as duplicates: ${duplicates.atHub} at the hub + `
      + `${duplicates.atPartner} at the partner; forwarded once to the partner's application: ${atPartner.once()} of ${N} sent; Fo01 at the gemeente: ${atGemeente.fo01.length}`);

    expect(sent.filter((m) => m.status !== 'DELIVERED')).toEqual([]);
    expect(atGemeente.fo01).toEqual([]);
    expect([...atPartner.count.entries()].filter(([, c]) => c !== 1)).toEqual([]);
    expect(new Set(atPartner.count.keys())).toEqual(new Set(refs));
    expect(hubEvents).toHaveLength(N);
    expect(hubEvents.every((m) => m.status === 'PROCESSED')).toBe(true);
    const forwarded = await list(hub, `direction=out&kind=business&cpaId=${encodeURIComponent(p.cpaId)}`);
    expect(forwarded).toHaveLength(N);
    expect(forwarded.filter((m) => m.status !== 'DELIVERED')).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(duplicates.atHub + duplicates.atPartner).toBeGreaterThanOrEqual(1);
  }, 1_200_000);
});
