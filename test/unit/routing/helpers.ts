/** Test world for src/routing: a store with gemeenten, a samenwerkingsverband, the chain partner, CPAs, routes. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import { OrganisationService } from '../../../src/registry/organisations.js';
import { HubProcessor } from '../../../src/routing/hub-processor.js';
import type { InboundStufMessage, StufSendRequest, StufSender } from '../../../src/routing/model.js';
import { RoutingTableService } from '../../../src/routing/routes.js';
import type { CpaRecord, OutboundWrite } from '../../../src/store/store.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { buildDi01, buildDu01, xmlBestand, type EnvelopInput } from '../../../src/stuf/build.js';

export const OIN = {
  hub: '00000099000000000001',
  g0363: '00000099000000036300',
  g0518: '00000099000000051800',
  swv: '00000099000000999900',
  vecozo: '00000099000000077700',
};
export const AGB = '98765432';
export const NOW = new Date('2024-07-01T12:00:00Z');
export const HUB = { oin: OIN.hub, name: 'Test knooppunt', stufZender: { organisatie: 'IB', applicatie: 'GGK' } };

export function fixture(name: string): string {
  return readFileSync(join(packageRoot, 'test', 'fixtures', 'istandaarden', `${name}.xml`), 'utf8');
}

/** The fixture with its header Afzender/Ontvanger replaced. */
export function payload(name: string, header: { afzender?: string; ontvanger?: string } = {}): string {
  let xml = fixture(name);
  if (header.afzender) xml = xml.replace(/(<\w+:Afzender>)[^<]*(<\/)/, `$1${header.afzender}$2`);
  if (header.ontvanger) xml = xml.replace(/(<\w+:Ontvanger>)[^<]*(<\/)/, `$1${header.ontvanger}$2`);
  return xml;
}

const PARAMS = { applicatieVersie: '0001', applicatieSubversie: '0004', functieVersie: '0003', functieSubversie: '0002' };

/** A Di01 envelope, zender gemeente 0363 → ontvanger AGB, JW301 payload unless overridden. */
export function di01(overrides: Partial<EnvelopInput> = {}, xml = payload('jw301')): string {
  return buildDi01({
    zender: { organisatie: '0363', applicatie: 'JeugdApp' }, ontvanger: { organisatie: AGB, applicatie: 'GGk' },
    tijdstipBericht: '20240701140000123', functie: 'JW301', parameters: PARAMS, bericht: xmlBestand(xml), ...overrides,
  });
}

/** A Du01 JW302 from the zorgaanbieder (AGB) to gemeente 0363, answering `crossRefnummer`. */
export function du01(crossRefnummer: string, overrides: Partial<EnvelopInput> = {}, xml = payload('jw302')): string {
  return buildDu01({
    zender: { organisatie: AGB, applicatie: 'ZorgApp' }, ontvanger: { organisatie: '0363', applicatie: 'GGk' },
    tijdstipBericht: '20240702090000000', crossRefnummer, functie: 'JW302', parameters: PARAMS, bericht: xmlBestand(xml), ...overrides,
  });
}

let counter = 0;
/** An inbound ebMS message; the action defaults to the StUF element the content starts with (as a CPA names it). */
export function inbound(xml: string | Buffer, from: { oin: string; cpaId: string }, action?: string): InboundStufMessage {
  counter += 1;
  const head = Buffer.isBuffer(xml) ? xml.subarray(0, 300).toString() : xml.slice(0, 300);
  action ??= /envelopRetourbericht-ggk_Du01/.test(head) ? 'envelopRetourbericht-ggk_Du01' : /Fo01Bericht/.test(head) ? 'Fo01Bericht' : 'envelopHeenbericht-ggk_Di01';
  return {
    ebmsMessageId: `in-${counter}@adapter.example`, cpaId: from.cpaId, senderOin: from.oin, action, conversationId: `conv-${counter}`,
    parts: [{ contentId: `<stuf-${counter}@adapter.example>`, contentType: 'text/xml; charset=UTF-8', content: Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8') }],
  };
}

/**
 * Records what the hub asks to send. `prepare` returns an outbound message the hub then stores itself (in the
 * transaction that marks the inbound message processed); `queued` counts the wake-ups after such a commit.
 */
export class FakeSender implements StufSender {
  readonly calls: StufSendRequest[] = [];
  fail: Error | null = null;
  wakeups = 0;
  #seq = 0;
  async send(req: StufSendRequest): Promise<{ messageId: string }> {
    return { messageId: (await this.prepare(req)).msg.messageId };
  }
  async prepare(req: StufSendRequest): Promise<OutboundWrite> {
    if (this.fail) throw this.fail;
    this.calls.push(req);
    const at = NOW.toISOString();
    const n = ++this.#seq;
    const messageId = req.messageId ?? `out-${n}@hub.example`;
    return {
      msg: {
        id: randomUUID(), messageId, direction: 'out', kind: 'business', cpaId: req.cpaId, conversationId: req.conversationId ?? 'conv',
        refToMessageId: req.refToMessageId ?? null, fromParty: OIN.hub, toParty: 'peer', service: 'GGK', action: req.action, status: 'PENDING',
        timestamp: at, timeToLive: null, contentType: 'multipart/related', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
      },
      parts: req.parts.map((p, i) => ({ contentId: p.contentId ?? `part-${i}`, contentType: p.contentType, content: p.content })),
      event: { at, event: 'QUEUED', detail: null },
    };
  }
  queued(): void {
    this.wakeups += 1;
  }
  last(): StufSendRequest {
    const c = this.calls[this.calls.length - 1];
    if (!c) throw new Error('nothing sent');
    return c;
  }
  text(i = this.calls.length - 1): string {
    return this.calls[i]!.parts[0]!.content.toString('utf8');
  }
}

export function cpa(cpaId: string, partyOin: string, overrides: Partial<CpaRecord> = {}): CpaRecord {
  return {
    cpaId, status: 'geactiveerd', source: 'generated', xml: '<cpa/>', profielnaam: cpaId, partyOin, partyName: null, organisationId: null,
    berichtstroom: 'ijw', profile: 'osb-rm-s', connectietype: 'internet', startAt: '2024-01-01T00:00:00.000Z', endAt: '2026-01-01T00:00:00.000Z',
    createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', activatedAt: '2024-01-02T00:00:00.000Z', ...overrides,
  };
}

export interface World {
  store: SqliteStore;
  organisations: OrganisationService;
  routes: RoutingTableService;
  sender: FakeSender;
  hub: HubProcessor;
}

/** Registry, CPAs, chain partner (ijw) and routes: 0363 receives JW302/JW305/JW316 by Digikoppeling, 0518 by Portaal. */
export async function world(): Promise<World> {
  const store = await SqliteStore.open(':memory:');
  const organisations = new OrganisationService(store);
  await organisations.ensureHub(OIN.hub, HUB.name);
  await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN.g0363] });
  await organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: [OIN.g0518] });
  await organisations.add({ kind: 'gemeente', code: '0503', name: 'Delft', oins: [OIN.swv] });
  await organisations.add({ kind: 'gemeente', code: '0603', name: 'Rijswijk', oins: [OIN.swv] });
  await organisations.add({ kind: 'ketenpartner', code: OIN.vecozo, name: 'VECOZO' });
  const at = { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null };
  await store.cpas.insert(cpa('CPA-0363', OIN.g0363, { organisationId: 'gemeente:0363' }), at);
  await store.cpas.insert(cpa('CPA-0518', OIN.g0518), at);
  await store.cpas.insert(cpa('CPA-SWV', OIN.swv), at);
  await store.cpas.insert(cpa('CPA-VECOZO', OIN.vecozo), at);
  const routes = new RoutingTableService({ store, organisations, now: () => NOW });
  await routes.setKetenpartner({ berichtstroom: 'ijw', organisation: OIN.vecozo, cpaId: 'CPA-VECOZO' });
  await routes.set({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: 'CPA-0363' });
  await routes.set({ gemeentecode: '0518', berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'portaal' });
  await store.routing.deleteRoute({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW305', richting: 'ontvangen' });
  const sender = new FakeSender();
  const hub = new HubProcessor({ store, organisations, sender, hubIdentity: HUB, now: () => NOW, messageIdDomain: 'hub.example' });
  return { store, organisations, routes, sender, hub };
}

export const FROM_0363 = { oin: OIN.g0363, cpaId: 'CPA-0363' };
export const FROM_VECOZO = { oin: OIN.vecozo, cpaId: 'CPA-VECOZO' };
