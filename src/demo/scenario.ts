/**
 * `npm run demo` (issue 6 §5): a hub and two adapters — gemeente 0363 and the zorgaanbieder-side chain partner —
 * as three separate processes on loopback with mutual TLS. The hub registers the organisations, generates both
 * adapters' CPAs through CPA Beheer (default profile osb-rm-s), the adapters import them, Ping Pong activates them,
 * the routing is set, and then: JW301 Di01 gemeente → hub → partner, JW302 Du01 back; JW315 partner → gemeente,
 * answered with a JW301; a gemeentecode the sender may not use is refused with Fo01 IB002; a payload that breaks
 * the schema gets Fo01 StUF055. Every step is checked; the first one that is not as expected throws.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevPki, type DevPkiFiles } from '../pki/dev-pki.js';
import { DI01_ELEMENT, DU01_ELEMENT } from '../stuf/model.js';
import { runFlow, type FlowContext, type FlowOutcome, type FlowSpec } from './flow.js';
import { DemoStepError, showMessage } from './flows.js';
import { demoPayloads, di01, du01, day, type EnvelopeParties } from './messages.js';
import { DemoNode } from './nodes.js';
import type { DemoPrinter, TimelineEntry } from './timeline.js';

export const GEMEENTE = '0363';
export const ANDERE_GEMEENTE = '0518';
export const AGB = '87654321';
const APPLICATIE = { gemeente: 'JeugdDemo', aanbieder: 'ZorgDemo' };

export interface ScenarioOptions {
  printer: DemoPrinter;
  /** Folder for PKI, configurations and databases; default a new temp folder, removed afterwards unless `keep`. */
  workDir?: string;
  /** An existing dev PKI folder to reuse (tests); default: generate one in the work folder. */
  pkiDir?: string;
  keep?: boolean;
  /** Limit for each wait (Acknowledgment, routing, pull). */
  stepTimeoutMs?: number;
  /** Fixed ports: hub BASE/BASE+1, gemeente BASE+2/+3, ketenpartner BASE+4/+5 (portal/ebMS); default free ports. */
  basePort?: number;
}

export interface CpaOutcome {
  cpaId: string;
  profile: string;
  /** Status after Ping Pong at the hub and at the adapter. */
  statusHub: string;
  statusAdapter: string;
}

export type { FlowOutcome };

export interface DemoResult {
  workDir: string;
  elapsedMs: number;
  nodes: { label: string; mode: string; oin: string; portal: string; ebms: string; exitCode: number | null }[];
  organisations: string[];
  cpas: { gemeente: CpaOutcome; partner: CpaOutcome };
  toewijzing: FlowOutcome;
  retour: FlowOutcome;
  verzoek: FlowOutcome;
  antwoord: FlowOutcome;
  ib002: FlowOutcome;
  stuf055: FlowOutcome;
  timeline: TimelineEntry[];
}

export async function runDemoScenario(opts: ScenarioOptions): Promise<DemoResult> {
  const t0 = Date.now();
  const timeout = opts.stepTimeoutMs ?? 20_000;
  const timeline: TimelineEntry[] = [];
  const note = (who: string, what: string, status: string, failed = false) => {
    const e: TimelineEntry = { ms: Date.now() - t0, who, what, status, ...(failed ? { failed } : {}) };
    timeline.push(e);
    opts.printer.entry(e);
  };
  const ownDir = !opts.workDir;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'knooppunt-demo-'));
  const nodes: DemoNode[] = [];
  let current = 'voorbereiding';
  let result: DemoResult | undefined;
  try {
    opts.printer.heading('Voorbereiding: dev-PKI en drie knooppunt-processen (mTLS op loopback)');
    const pki = generateDevPki(opts.pkiDir ?? join(workDir, 'pki')).files;
    note('demo', 'werkmap en dev-PKI (CA + 4 partijen)', workDir);
    const [hub, gemeente, partner] = await Promise.all([
      DemoNode.create({ label: 'hub', party: 'hub', mode: 'hub' }, workDir, pki, opts.basePort),
      DemoNode.create({ label: `gemeente ${GEMEENTE}`, party: 'gemeente-0363', mode: 'adapter' }, workDir, pki, opts.basePort === undefined ? undefined : opts.basePort + 2),
      DemoNode.create({ label: 'ketenpartner', party: 'partner', mode: 'adapter' }, workDir, pki, opts.basePort === undefined ? undefined : opts.basePort + 4),
    ]);
    nodes.push(hub!, gemeente!, partner!);
    current = 'processen starten';
    await Promise.all(nodes.map(async (n) => {
      await n.start();
      note(n.label, `gestart (mode ${n.mode}, pid ${n.pid})`, `API ${n.portal}  ebMS ${n.ebms}`);
    }));
    result = await scenario(hub!, gemeente!, partner!, pki);
    return result;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    note('demo', `MISLUKT: ${current}`, msg.split('\n')[0]!, true);
    throw new DemoStepError(`demo step "${current}" failed: ${msg}${nodes.map((n) => `\n--- ${n.label} (last output) ---\n${n.tail(15)}`).join('')}`);
  } finally {
    const codes = await Promise.all(nodes.map((n) => n.stop()));
    if (nodes.length > 0) note('demo', 'processen gestopt (SIGTERM)', nodes.map((n, i) => `${n.label}: exit ${codes[i]}`).join(', '));
    if (result) result.nodes.forEach((n, i) => { n.exitCode = codes[i] ?? null; });
    if (ownDir && !opts.keep) rmSync(workDir, { recursive: true, force: true });
  }

  async function scenario(hub: DemoNode, gemeente: DemoNode, partner: DemoNode, pki: DevPkiFiles): Promise<DemoResult> {
    // --- Registry (architecture "Parties and identities") -------------------------------------------------------
    current = 'organisaties registreren';
    opts.printer.heading('Hub: organisaties, CPA Beheer, Ping Pong en routering');
    const orgs = [
      { kind: 'gemeente', code: GEMEENTE, name: 'Gemeente Amsterdam (demo)', oins: [gemeente.oin] },
      { kind: 'gemeente', code: ANDERE_GEMEENTE, name: "Gemeente 's-Gravenhage (demo)", oins: [pki.parties['gemeente-0518']!.oin] },
      { kind: 'zorgaanbieder', code: AGB, name: 'Jeugdhulp De Brug (demo)' },
      { kind: 'ketenpartner', code: partner.oin, name: 'Ketenpartner zorgaanbieders (demo)' },
    ];
    const organisations: string[] = [];
    for (const o of orgs) {
      const created = await hub.call<{ id: string }>(201, 'POST', '/api/organisations', o);
      organisations.push(created.id);
      note('hub', `organisatie ${created.id}`, `geregistreerd${o.oins ? ` (OIN ${o.oins.join(', ')})` : ''}`);
    }

    // --- CPA Beheer, import, Ping Pong (seed 002 §3.3) --------------------------------------------------------------
    current = 'CPA\'s genereren en importeren';
    const cpaNames = new Map<string, string>();
    /** Long CPA ids in hub details replaced by their readable names. */
    const tidy = (text: string) => [...cpaNames].reduce((t, [id, name]) => t.split(`CPA ${id}`).join(name).split(id).join(name), text);
    const link = async (adapter: DemoNode): Promise<CpaOutcome> => {
      const p = pki.parties[adapter.party]!;
      const { cpaId } = await hub.call<{ cpaId: string }>(201, 'POST', '/api/cpas', {
        profielnaam: `${adapter.label} iJw (demo)`, oin: adapter.oin, ingangsdatum: day(new Date(), -1), einddatum: day(new Date(), 365),
        connectietype: 'internet', endpoint: adapter.ebms, berichtstroom: 'ijw', retries: 3, retryInterval: 'PT5S',
        serverCertPem: readFileSync(p.server.cert, 'utf8'), clientCertPem: readFileSync(p.client.cert, 'utf8'), signingCertPem: readFileSync(p.signing.cert, 'utf8'),
      });
      const xml = await hub.api('GET', `/api/cpas/${encodeURIComponent(cpaId)}/xml`);
      if (xml.status !== 200) throw new DemoStepError(`hub: CPA ${cpaId} download answered ${xml.status}`);
      await adapter.call(201, 'POST', '/api/cpas/import', xml.text, 'application/xml');
      const detail = await hub.call<{ profile: { name: string } }>(200, 'GET', `/api/cpas/${encodeURIComponent(cpaId)}`);
      cpaNames.set(cpaId, `CPA hub–${adapter.label}`);
      note(`hub → ${adapter.label}`, `CPA hub–${adapter.label} (iJw, ${detail.profile.name})`, `gegenereerd via CPA Beheer en geïmporteerd: ${cpaId}`);
      return { cpaId, profile: detail.profile.name, statusHub: '', statusAdapter: '' };
    };
    const cpas = { gemeente: await link(gemeente), partner: await link(partner) };
    current = 'Ping Pong';
    for (const [adapter, c] of [[gemeente, cpas.gemeente], [partner, cpas.partner]] as const) {
      // Seed 002 §3.3.5: the adapter pings the GGk; the Pong activates its copy, answering activates the hub's.
      const r = await adapter.call<{ roundTripMs: number; sync: boolean; status: string }>(200, 'POST', `/api/cpas/${encodeURIComponent(c.cpaId)}/ping`, {});
      note(`${adapter.label} → hub`, 'Ping (ebMS 2.0 §8)', `Pong in ${r.roundTripMs} ms, CPA ${r.status} aan beide kanten`);
      c.statusHub = (await hub.call<{ status: string }>(200, 'GET', `/api/cpas/${encodeURIComponent(c.cpaId)}`)).status;
      c.statusAdapter = (await adapter.call<{ status: string }>(200, 'GET', `/api/cpas/${encodeURIComponent(c.cpaId)}`)).status;
      if (c.statusHub !== 'geactiveerd' || c.statusAdapter !== 'geactiveerd') {
        throw new DemoStepError(`CPA ${c.cpaId} is ${c.statusHub} at the hub and ${c.statusAdapter} at ${adapter.label} after Ping Pong`);
      }
      if (c.profile !== 'osb-rm-s') throw new DemoStepError(`CPA ${c.cpaId} has profile ${c.profile}, expected the default osb-rm-s`);
    }

    // --- Routing (GGk manual §4) ------------------------------------------------------------------------------------
    current = 'routering instellen';
    await hub.call(200, 'PUT', '/api/routes/ketenpartners', { berichtstroom: 'ijw', organisation: partner.oin, cpaId: cpas.partner.cpaId });
    note('hub', 'routering: ketenpartner voor berichtstroom ijw', `${partner.label} via ${tidy(cpas.partner.cpaId)}`);
    const set = await hub.call<{ routes: unknown[] }>(200, 'PUT', '/api/routes', {
      gemeentecode: GEMEENTE, berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: cpas.gemeente.cpaId,
    });
    note('hub', `routering: gemeente ${GEMEENTE} ontvangt iJw`, `Digikoppeling via ${tidy(cpas.gemeente.cpaId)} (${set.routes.length} berichttypen)`);

    // --- The message flows ------------------------------------------------------------------------------------------
    const payloads = demoPayloads({ gemeentecode: GEMEENTE, andereGemeentecode: ANDERE_GEMEENTE, agb: AGB, today: new Date() });
    const fromGemeente = (code = GEMEENTE): EnvelopeParties => ({ zender: { organisatie: code, applicatie: APPLICATIE.gemeente }, ontvanger: { organisatie: AGB, applicatie: 'GGk' } });
    const fromAanbieder: EnvelopeParties = { zender: { organisatie: AGB, applicatie: APPLICATIE.aanbieder }, ontvanger: { organisatie: GEMEENTE, applicatie: 'GGk' } };
    const ctx: FlowContext = { hub, timeout, note, tidy, step: (name) => { current = name; } };
    const flow = (f: FlowSpec) => runFlow(ctx, f);

    opts.printer.heading(`Toewijzing: gemeente ${GEMEENTE} → hub → ketenpartner, en de retour`);
    const heen = di01('JW301', fromGemeente(), payloads.toewijzing);
    const toewijzing = await flow({
      step: 'JW301 gemeente → ketenpartner', from: gemeente, to: partner, fromCpa: cpas.gemeente.cpaId, toCpa: cpas.partner.cpaId,
      functie: 'JW301', element: DI01_ELEMENT, xml: heen.xml, referentienummer: heen.referentienummer, expect: 'doorgestuurd',
    });
    const retourEnv = du01('JW302', fromAanbieder, heen.referentienummer, payloads.retour);
    const retour = await flow({
      step: 'JW302 ketenpartner → gemeente', from: partner, to: gemeente, fromCpa: cpas.partner.cpaId, toCpa: cpas.gemeente.cpaId,
      functie: 'JW302', element: DU01_ELEMENT, xml: retourEnv.xml, referentienummer: retourEnv.referentienummer, expect: 'doorgestuurd',
      reply: { conversationId: toewijzing.sent.conversationId, refToMessageId: toewijzing.received.messageId },
    });
    if (retour.stuurgegevens?.crossRefnummer !== heen.referentienummer) throw new DemoStepError('the JW302 crossRefnummer does not point to the JW301');
    if (retour.received.refToMessageId !== toewijzing.sent.messageId) {
      throw new DemoStepError(`the JW302 reached the gemeente with RefToMessageId ${retour.received.refToMessageId}, expected its JW301 ${toewijzing.sent.messageId}`);
    }
    note(`gemeente ${GEMEENTE}`, 'JW302 gekoppeld aan de JW301', `RefToMessageId = ebMS MessageId van de JW301`);

    opts.printer.heading(`Verzoek om toewijzing: ketenpartner → gemeente ${GEMEENTE}, beantwoord met een JW301`);
    const vot = di01('JW315', fromAanbieder, payloads.verzoek);
    const verzoek = await flow({
      step: 'JW315 ketenpartner → gemeente', from: partner, to: gemeente, fromCpa: cpas.partner.cpaId, toCpa: cpas.gemeente.cpaId,
      functie: 'JW315', element: DI01_ELEMENT, xml: vot.xml, referentienummer: vot.referentienummer, expect: 'doorgestuurd',
    });
    const antw = di01('JW301', fromGemeente(), payloads.antwoord);
    const antwoord = await flow({
      step: 'JW301 (antwoord op JW315) gemeente → ketenpartner', from: gemeente, to: partner, fromCpa: cpas.gemeente.cpaId, toCpa: cpas.partner.cpaId,
      functie: 'JW301', element: DI01_ELEMENT, xml: antw.xml, referentienummer: antw.referentienummer, expect: 'doorgestuurd',
      reply: { conversationId: verzoek.sent.conversationId },
    });

    opts.printer.heading('Weigeringen: Fo01 terug naar de afzender');
    const vreemd = di01('JW301', fromGemeente(ANDERE_GEMEENTE), payloads.andereGemeente);
    const ib002 = await flow({
      step: `JW301 namens gemeente ${ANDERE_GEMEENTE} (IB002)`, from: gemeente, to: partner, fromCpa: cpas.gemeente.cpaId, toCpa: cpas.partner.cpaId,
      functie: 'JW301', element: DI01_ELEMENT, xml: vreemd.xml, referentienummer: vreemd.referentienummer, expect: 'Fo01',
    });
    if (ib002.fo01?.code !== 'IB002') throw new DemoStepError(`expected Fo01 IB002 for gemeentecode ${ANDERE_GEMEENTE}, got ${ib002.fo01?.code}`);
    const kapot = di01('JW301', fromGemeente(), payloads.ongeldig);
    const stuf055 = await flow({
      step: 'JW301 met ongeldige payload (StUF055)', from: gemeente, to: partner, fromCpa: cpas.gemeente.cpaId, toCpa: cpas.partner.cpaId,
      functie: 'JW301', element: DI01_ELEMENT, xml: kapot.xml, referentienummer: kapot.referentienummer, expect: 'Fo01',
    });
    if (stuf055.fo01?.code !== 'StUF055') throw new DemoStepError(`expected Fo01 StUF055 for the broken payload, got ${stuf055.fo01?.code}`);

    // Nothing the back-offices were not meant to see: every inbound business message was pulled and confirmed.
    current = 'controle: niets blijft liggen';
    for (const n of [gemeente, partner]) {
      const { messages } = await n.call<{ messages: { messageId: string; action: string }[] }>(200, 'GET', '/api/messages/unprocessed');
      if (messages.length > 0) throw new DemoStepError(`${n.label} has unexpected unprocessed messages: ${messages.map((m) => `${m.action} ${m.messageId}`).join(', ')}`);
    }
    const check = await showMessage(hub, toewijzing.sent.messageId);
    if (check.status !== 'PROCESSED') throw new DemoStepError(`hub: inbound JW301 is ${check.status}, expected PROCESSED`);

    return {
      workDir, elapsedMs: Date.now() - t0,
      nodes: nodes.map((n) => ({ label: n.label, mode: n.mode, oin: n.oin, portal: n.portal, ebms: n.ebms, exitCode: null })),
      organisations, cpas, toewijzing, retour, verzoek, antwoord, ib002, stuf055, timeline,
    };
  }
}
