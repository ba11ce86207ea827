import { performance } from 'node:perf_hooks';
import { OrganisationService } from '../../src/registry/organisations.js';
import { RoutingTableService } from '../../src/routing/routes.js';
import { STUF_CONTENT_TYPE } from '../../src/routing/model.js';
import type { Knooppunt } from '../../src/server.js';
import { buildDi01, xmlBestand } from '../../src/stuf/build.js';
import { assertClean, percentile, runLoad, type LoadJob } from '../lib/load.js';
import { link, type World } from '../lib/world.js';
import { jw301Payload, prepareMessages, type Prepared } from './msh.js';

/**
 * The hub path (issue 6, Done when): a 5 KB JW301 in a StUF Di01 goes gemeente 0363 → hub → the chain partner for
 * iJw, with osb-rm-s (signed, sync signed Acknowledgment) on both hops. Three in-process knooppunten: the
 * gemeente's adapter (only builds the messages), the hub in mode 'hub' (organisations, CPAs, chain partner route,
 * verzenden route) and the partner's adapter. The load worker POSTs the gemeente's pre-built messages to the
 * hub's ebMS listener; a message counts when the partner's MSH has stored it ('received' is raised after the
 * commit). Latency = partner stored − POST start; throughput = messages / (last stored − first POST).
 */
const GEMEENTE = '0363';
const AGB = '98765432';
const PARAMS = { applicatieVersie: '0001', applicatieSubversie: '0004', functieVersie: '0003', functieSubversie: '0002' };

export interface HubSetup { hub: Knooppunt; gemeente: Knooppunt; partner: Knooppunt; gemeenteCpa: string; partnerCpa: string; clientTls: LoadJob['tls'] }

export async function setupHub(world: World): Promise<HubSetup> {
  const hub = await world.start('hubpath-hub', 'hub', 'hub');
  const gemeente = await world.start('hubpath-gemeente', 'gemeente-0363', 'adapter');
  const partner = await world.start('hubpath-partner', 'partner', 'adapter');
  const organisations = new OrganisationService(hub.store);
  const gem = await organisations.add({ kind: 'gemeente', code: GEMEENTE, name: 'Amsterdam', oins: [gemeente.config.hub.oin] });
  const ketenpartner = await organisations.add({ kind: 'ketenpartner', code: partner.config.hub.oin, name: 'Ketenpartner iJw' });
  const fields = { profile: 'osb-rm-s', syncReplyMode: 'mshSignalsOnly', berichtstroom: 'ijw' };
  const gemeenteCpa = await link(world, hub, gemeente, 'gemeente-0363', fields, { organisationId: gem.id });
  const partnerCpa = await link(world, hub, partner, 'partner', fields, { organisationId: ketenpartner.id });
  const routes = new RoutingTableService({ store: hub.store, organisations });
  await routes.setKetenpartner({ berichtstroom: 'ijw', organisation: ketenpartner.id, cpaId: partnerCpa });
  await routes.set({ gemeentecode: GEMEENTE, berichtstroom: 'ijw', berichttype: 'JW301', richting: 'verzenden', kanaal: 'digikoppeling', cpaId: gemeenteCpa });
  return {
    hub, gemeente, partner, gemeenteCpa, partnerCpa,
    clientTls: { cert: world.pem('gemeente-0363', 'client', 'cert'), key: world.pem('gemeente-0363', 'client', 'key'), ca: [world.caPem] },
  };
}

/** The JW301 (5 KB) of the hub path in a Di01 from gemeente 0363 to AGB 98765432, a new referentienummer each (IB216). */
export const di01 = (): Buffer => Buffer.from(buildDi01({
  zender: { organisatie: GEMEENTE, applicatie: 'JeugdApp' }, ontvanger: { organisatie: AGB, applicatie: 'GGk' },
  functie: 'JW301', parameters: PARAMS, bericht: xmlBestand(jw301Payload()),
}), 'utf8');

export async function prepareDi01s(s: HubSetup, n: number): Promise<Prepared> {
  return prepareMessages(s.gemeente, s.gemeenteCpa, n, di01, STUF_CONTENT_TYPE);
}

export interface HubRun { count: number; perSecond: number; p50: number; p99: number; ackP99: number; seconds: number }

export async function hubRun(s: HubSetup, warm: Prepared, msgs: Prepared, concurrency: number, timeoutMs: number): Promise<HubRun> {
  const arrived = new Map<string, number>();
  const onReceived = (rec: { conversationId: string }) => { arrived.set(rec.conversationId, performance.timeOrigin + performance.now()); };
  s.partner.msh.events.on('received', onReceived);
  const none = { bodies: [], contentTypes: [] };
  const phase = async (m: Prepared) => {
    const r = await runLoad({
      url: s.hub.urls.ebms, tls: s.clientTls, concurrency, maxMs: timeoutMs, bodies: m.bodies, contentTypes: m.contentTypes, warmup: none,
      expect: { status: 200, bodyIncludes: 'Acknowledgment', bodyExcludes: 'MessageError' },
    });
    assertClean('hub path', r);
    const sent = m.conversationIds.filter((_c, i) => Number.isFinite(r.starts[i]));
    const deadline = performance.now() + timeoutMs;
    while (sent.some((c) => !arrived.has(c))) {
      if (performance.now() > deadline) {
        const missing = sent.filter((c) => !arrived.has(c)).length;
        const refused = (await s.hub.store.routing.listLog({ outcome: 'geweigerd' })).slice(0, 3).map((l) => `${l.foutcode}: ${l.detail}`);
        throw new Error(`hub path: ${missing} of ${sent.length} messages did not reach the partner within ${timeoutMs} ms; refused: ${refused.join('; ') || 'none'}`);
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    return { r, sent };
  };
  try {
    await phase(warm); // warm-up: through to the partner before the measured part starts
    const { r, sent } = await phase(msgs);
    const latencies = msgs.conversationIds.map((c, i) => (Number.isFinite(r.starts[i]) ? arrived.get(c)! - r.starts[i]! : NaN));
    const last = Math.max(...sent.map((c) => arrived.get(c)!));
    const seconds = (last - r.startedAt) / 1000;
    return { count: sent.length, perSecond: sent.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ackP99: percentile(r.latencies, 99), seconds };
  } finally {
    s.partner.msh.events.off('received', onReceived);
  }
}
