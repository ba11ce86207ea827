/**
 * The hub's application hand-off (architecture map, inbound pipeline: "hand to the application → StUF unwrap →
 * gemeentecode authorisation → payload validation → route"). One call per business message the MSH accepted.
 *
 * Order of checks (issue 6 §3); each refusal is a Fo01 sent back to the sender over the CPA it came in on, action
 * `Fo01Bericht`, RefToMessageId = the ebMS MessageId, crossRefnummer = the refused referentienummer, and a
 * Berichtenlog row:
 *   envelope size IB007 / structure RIN001 → UUIDs IB009 → payload StUF055 → IB240 (see preflight.ts) →
 *   zender/ontvanger organisation known IB213/IB210 → gemeentecode authorised for the sending OIN IB002 →
 *   zender + referentienummer unique IB216 → StUF version of the exchange IB798 → route (IB101 CPA, IB102 none) →
 *   forward (ebMS, the same envelope bytes, action = StUF element name, ConversationId kept) or Portaal mailbox.
 *
 * Portaal uploads (seed 002 §3.1, Aanleveren) go through the same checks in the same order, so a correct entry is
 * routed exactly as if it had arrived over Digikoppeling. What differs follows from having no CPA: the uploader's
 * organisation (not a TLS peer) must be authorised for the gemeentecode (IB002); the exchange must be set to the
 * Portaal for sending, or not set (IB101); the message must belong to the product tab (IB240); a refusal goes into
 * the verwerkingsverslag instead of a Fo01; a Fo01 cannot be uploaded.
 *
 * Exactly once. What the hub does with a message — the forward or Fo01 queued in the outbox, or the mailbox item,
 * the IB216 reservation, the Berichtenlog row — is written in ONE transaction with the inbound message marked
 * PROCESSED (RoutingRepository.complete). A crash before the commit leaves nothing, and the catch-up at the next
 * start processes the message from scratch; after the commit the message is never processed again. So no message
 * is forwarded twice, and none that was forwarded is answered with a (false IB216) Fo01.
 *
 * Direction and retours. Which way a message goes follows from its functie in the iWmo/iJw catalogue, never from
 * where an earlier message came from: what a gemeente sends (301, 319, 325, and the retours 306/308/316/318 of
 * what it received) goes to the chain partner of the berichtstroom; what the zorgaanbieder side sends (305, 307,
 * 315, 317, 323, and the retours 302/320) goes to the gemeente in the StUF ontvanger by that gemeente's
 * 'ontvangen' route for the retour's own berichttype (e.g. a JW302 by the route for JW302 — Digikoppeling CPA or
 * Portaal — not back over the CPA the JW301 came in on). The Du01 crossRefnummer only links the retour to its
 * heenbericht: when the hub forwarded that heenbericht, the forwarded retour's RefToMessageId is the ebMS MessageId
 * the heenbericht originally arrived with. A Fo01 from a receiver goes back over the CPA the refused message came
 * in on; a Fo01 is never answered with a Fo01.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError, ValidationError } from '../errors.js';
import { berichtByType, type Berichtdefinitie } from '../istandaarden/catalogue.js';
import type { PayloadHeader } from '../istandaarden/extract.js';
import { AGB_CODE, type Organisation } from '../registry/model.js';
import type { OrganisationService } from '../registry/organisations.js';
import type { CpaStatus, HubCompletion, HubCompletionResult, OutboundWrite, RoutingLogEntry, Store, StufReferentie } from '../store/store.js';
import { StufError } from '../stuf/errors.js';
import { buildFo01, fo01Details } from '../stuf/fo01.js';
import { DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT, type Fo01Bericht, type GgkEnvelop } from '../stuf/model.js';
import { peekStuurgegevens, type PeekedStuurgegevens } from '../stuf/peek.js';
import { MailboxService } from './mailbox.js';
import {
  DEFAULT_STUF_VERSIE, ROUTABLE_CPA_STATUSES, STUF_CONTENT_TYPE,
  type HubIdentity, type InboundPart, type InboundStufMessage, type ProcessOutcome, type StufSender,
} from './model.js';
import { preflightEnvelope } from './preflight.js';
import type { PreflightPool } from './preflight-pool.js';
import { cpaProblem } from './routes.js';

export interface HubProcessorOptions {
  store: Store;
  organisations: OrganisationService;
  sender: StufSender;
  hubIdentity: HubIdentity;
  now?: () => Date;
  /** CPA states that carry traffic; default only 'geactiveerd' (after Ping Pong). */
  routableCpaStatuses?: readonly CpaStatus[];
  /** When set, a forwarded message gets ebMS MessageId `{referentienummer}@{domain}` (StUF ebMS binding). */
  messageIdDomain?: string;
  /**
   * Issue 9: messages of at least `thresholdBytes` are preflighted in a worker thread (the pool enforces
   * processing.budgetMs and terminates an overrunning worker); smaller ones, or all without a pool, inline.
   */
  preflight?: { pool: PreflightPool; thresholdBytes: number };
}

/** The StUF version the hub reads (ggk0210 = StUF-GGk 2.1 patch 04). */
const ONTVANGEN_VERSIE = DEFAULT_STUF_VERSIE;
const ZENDER_ORG = 'GGK:stuurgegevens/StUF:zender/StUF:organisatie';
const ONTVANGER_ORG = 'GGK:stuurgegevens/StUF:ontvanger/StUF:organisatie';
const GGK_VERSION = /xmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*["']http:\/\/www\.stufstandaarden\.nl\/koppelvlak\/ggk(\d{4})["']/;

type Target =
  | { kanaal: 'digikoppeling'; cpaId: string; organisation: Organisation }
  | { kanaal: 'portaal'; organisation: Organisation };

/** State of one message while it is processed. */
interface Job {
  msg: InboundStufMessage;
  part: InboundPart | undefined;
  log: RoutingLogEntry;
  envelop?: GgkEnvelop;
  /** IB216 passed for this zender + referentienummer: reserved when the outcome is committed. */
  referentie?: StufReferentie;
}

export class HubProcessor {
  readonly #o: HubProcessorOptions;
  readonly #now: () => Date;
  readonly #mailbox: MailboxService;
  readonly #statuses: readonly CpaStatus[];

  constructor(options: HubProcessorOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#mailbox = new MailboxService({ store: options.store, now: this.#now });
    this.#statuses = options.routableCpaStatuses ?? ROUTABLE_CPA_STATUSES;
  }

  async process(msg: InboundStufMessage): Promise<ProcessOutcome> {
    const part = msg.parts.find((p) => /^(text|application)\/xml\b/i.test(p.contentType)) ?? msg.parts[0];
    const job: Job = { msg, part, log: this.#newLog(msg) };
    const out = await this.#process(job);
    return { ...out, berichttype: job.log.berichttype ?? null, gemeentecode: job.log.gemeentecode ?? null };
  }

  async #process(job: Job): Promise<ProcessOutcome> {
    const { msg, part } = job;
    if (!part) return this.#refuse(job, new StufError('RIN001', 'het ebMS-bericht bevat geen StUF-bericht'), undefined);
    job.log.uploadId = msg.portaal?.uploadId ?? null;

    const offload = this.#o.preflight && part.content.length >= this.#o.preflight.thresholdBytes ? this.#o.preflight.pool : undefined;
    const pre = offload ? await offload.run(part.content) : preflightEnvelope(part.content, { firstOnly: true });
    if (pre.kind === 'unreadable') {
      const peeked = peekStuurgegevens(part.content);
      if (peeked) this.#logStuurgegevens(job, peeked);
      return this.#refuse(job, this.#versionError(part.content, pre.problems[0]!), peeked);
    }
    if (pre.kind === 'fo01') {
      if (!msg.portaal) return this.#forwardFo01(job, pre.fo01);
      this.#logStuurgegevens(job, pre.fo01.stuurgegevens);
      return this.#refuse(job, new StufError('RIN001', 'een Fo01 wordt niet via het Portaal aangeleverd', { element: `GGK:${FO01_ELEMENT}` }), undefined);
    }
    const envelop = (job.envelop = pre.envelop);
    this.#logStuurgegevens(job, envelop.stuurgegevens);
    job.log.stufElement = envelop.element;
    if (pre.problems[0]) return this.#refuse(job, pre.problems[0], envelop.stuurgegevens);
    if ((msg.action === DI01_ELEMENT || msg.action === DU01_ELEMENT) && msg.action !== envelop.element) {
      return this.#refuse(job, new StufError('IB240', `ebMS Action ${msg.action} hoort niet bij ${envelop.element}`,
        { element: 'GGK:stuurgegevens/StUF:berichtcode' }), envelop.stuurgegevens);
    }
    try {
      return await this.#route(job, envelop, pre.header!);
    } catch (err) {
      if (err instanceof StufError) return this.#refuse(job, err, envelop.stuurgegevens);
      throw err;
    }
  }

  /** Registry checks, IB216, IB798, route and delivery of a preflight-clean Di01/Du01. Refusals throw StufError. */
  async #route(job: Job, envelop: GgkEnvelop, header: PayloadHeader): Promise<ProcessOutcome> {
    const { store } = this.#o;
    const sg = envelop.stuurgegevens;
    const def = berichtByType(sg.functie)!; // IB240 passed: a known berichttype
    const portaal = job.msg.portaal;
    if (portaal && def.berichtstroom !== portaal.berichtstroom) {
      throw new StufError('IB240', `${def.berichttype} hoort niet bij product ${portaal.berichtstroom === 'ijw' ? 'iJw' : 'iWmo'}`,
        { element: 'GGK:stuurgegevens/StUF:functie' });
    }
    const naarAanbieder = def.direction === 'gemeente->aanbieder';
    const gemeentecode = (naarAanbieder ? sg.zender : sg.ontvanger).organisatie!;
    Object.assign(job.log, { berichtstroom: def.berichtstroom, berichttype: def.berichttype, gemeentecode });

    // IB213 / IB210: the gemeente side must be a registered gemeente; the zorgaanbieder side an AGB code (the hub
    // does not keep the AGB register — the chain partner does) or, as zender, a registered chain partner.
    const gemeente = await store.organisations.findByCode('gemeente', gemeentecode);
    const aanbieder = naarAanbieder ? sg.ontvanger.organisatie! : sg.zender.organisatie!;
    if (naarAanbieder) {
      if (!gemeente) throw new StufError('IB213', `Organisatie ${gemeentecode}`, { element: ZENDER_ORG });
      if (!AGB_CODE.test(aanbieder)) throw new StufError('IB210', `Organisatie ${aanbieder}`, { element: ONTVANGER_ORG });
    } else {
      if (!AGB_CODE.test(aanbieder) && !(await this.#isKetenpartner(aanbieder))) {
        throw new StufError('IB213', `Organisatie ${aanbieder}`, { element: ZENDER_ORG });
      }
      if (!gemeente) throw new StufError('IB210', `Organisatie ${gemeentecode}`, { element: ONTVANGER_ORG });
    }

    // IB002: who may send this. A gemeente-side message: the sending OIN must be authorised for the gemeentecode in
    // the StUF zender AND in the payload header (a samenwerkingsverband OIN may act for several gemeenten). A
    // zorgaanbieder-side message: the sender must be the chain partner configured for the berichtstroom, and the
    // payload's gemeentecode must be the StUF ontvanger it is routed to.
    const partner = await store.routing.getKetenpartner(def.berichtstroom);
    const partnerOrg = partner ? await store.organisations.get(partner.organisationId) : null;
    const headerElement = `/Bericht/Header/${def.gemeentecodeField}`;
    const headerCode = header.gemeentecode ?? '';
    if (naarAanbieder) {
      for (const [code, element] of [[gemeentecode, ZENDER_ORG], [headerCode, headerElement]] as const) {
        const g = code === gemeentecode ? gemeente : await store.organisations.findByCode('gemeente', code);
        if (!g || !this.#mayActFor(job.msg, g)) {
          throw new StufError('IB002', `${this.#who(job.msg)} mag niet optreden voor gemeente ${code}`, { element });
        }
      }
    } else {
      if (!partnerOrg || !this.#mayActFor(job.msg, partnerOrg)) {
        throw new StufError('IB002', `${this.#who(job.msg)} is niet de ketenpartner voor berichtstroom ${def.berichtstroom}`, { element: ZENDER_ORG });
      }
      if (headerCode !== gemeentecode) {
        throw new StufError('IB002', `gemeentecode ${headerCode} in het bericht wijkt af van StUF ontvanger ${gemeentecode}`, { element: headerElement });
      }
    }

    // IB216: zender + referentienummer unique. Checked here, reserved atomically with the outcome (#complete); a
    // message with the same referentie committed meanwhile makes that commit refuse with IB216 after all.
    const ref: StufReferentie = { zenderOrganisatie: sg.zender.organisatie!, zenderApplicatie: sg.zender.applicatie, referentienummer: sg.referentienummer };
    if (await store.routing.referentieUsed(ref)) throw ib216(ref);
    job.referentie = ref;

    // IB798 and the sending side of IB101: the exchange as set for the sender.
    const sendRoute = naarAanbieder
      ? await store.routing.getRoute({ gemeentecode, berichtstroom: def.berichtstroom, berichttype: def.berichttype, richting: 'verzenden' })
      : null;
    const ingesteld = naarAanbieder ? sendRoute?.stufVersie ?? DEFAULT_STUF_VERSIE : partner!.stufVersie;
    if (ingesteld !== ONTVANGEN_VERSIE) {
      throw new StufError('IB798', `ontvangen StUF-versie ${ONTVANGEN_VERSIE}, ingesteld voor deze uitwisseling ${ingesteld}`, { element: `GGK:${envelop.element}` });
    }
    // A Portaal upload came in over no CPA (null): allowed when the exchange is set to the Portaal or not set.
    const receivedCpa = portaal ? null : job.msg.cpaId;
    const expectedCpa = naarAanbieder ? (sendRoute ? sendRoute.cpaId : receivedCpa) : partner!.cpaId;
    if (expectedCpa !== receivedCpa) {
      const van = naarAanbieder ? `gemeente ${gemeentecode}` : partnerOrg!.id;
      throw new StufError('IB101', `${def.berichttype} van ${van} is ingesteld op ${expectedCpa ? `CPA ${expectedCpa}` : 'het Portaal'}, ontvangen ${receivedCpa ? `over CPA ${receivedCpa}` : 'via het Portaal'}`,
        { element: ZENDER_ORG });
    }

    const target = await this.#target(def, gemeentecode, gemeente!, partner?.cpaId, partnerOrg);
    return this.#deliver(job, envelop, def, target);
  }

  /** Where the message goes: the chain partner (to a zorgaanbieder) or the gemeente by its 'ontvangen' route. */
  async #target(def: Berichtdefinitie, gemeentecode: string, gemeente: Organisation, partnerCpa: string | undefined,
    partnerOrg: Organisation | null): Promise<Target> {
    const at = this.#now();
    if (def.direction === 'gemeente->aanbieder') {
      if (!partnerCpa || !partnerOrg) {
        throw new StufError('IB102', `geen ketenpartner ingesteld voor berichtstroom ${def.berichtstroom}`, { element: ONTVANGER_ORG });
      }
      const why = cpaProblem(await this.#o.store.cpas.get(partnerCpa), partnerCpa, partnerOrg, def.berichtstroom, { statuses: this.#statuses, at });
      if (why) throw new StufError('IB101', why, { element: ONTVANGER_ORG });
      return { kanaal: 'digikoppeling', cpaId: partnerCpa, organisation: partnerOrg };
    }
    const route = await this.#o.store.routing.getRoute({ gemeentecode, berichtstroom: def.berichtstroom, berichttype: def.berichttype, richting: 'ontvangen' });
    if (!route) throw new StufError('IB102', `geen routering voor gemeente ${gemeentecode} en berichttype ${def.berichttype}`, { element: ONTVANGER_ORG });
    if (route.kanaal === 'portaal') return { kanaal: 'portaal', organisation: gemeente };
    const cpaId = route.cpaId!;
    const why = cpaProblem(await this.#o.store.cpas.get(cpaId), cpaId, gemeente, def.berichtstroom, { statuses: this.#statuses, at });
    if (why) throw new StufError('IB101', why, { element: ONTVANGER_ORG });
    return { kanaal: 'digikoppeling', cpaId, organisation: gemeente };
  }

  async #deliver(job: Job, envelop: GgkEnvelop, def: Berichtdefinitie, target: Target): Promise<ProcessOutcome> {
    const sg = envelop.stuurgegevens;
    const part = job.part!;
    job.log.targetOrganisationId = target.organisation.id;
    if (target.kanaal === 'portaal') {
      const item = this.#mailbox.newItem({
        organisationId: target.organisation.id, berichttype: def.berichttype, bestandsnaam: `${def.berichttype}_${sg.referentienummer}.xml`,
        content: part.content, referentienummer: sg.referentienummer, ebmsMessageId: job.msg.ebmsMessageId,
      });
      Object.assign(job.log, { outcome: 'postbus', mailboxItemId: item.id, detail: `in de postbus van ${target.organisation.id}` });
      if (await this.#complete(job, { mailbox: { item, content: part.content } }) === 'referentie-used') {
        job.log.mailboxItemId = null;
        throw ib216(job.referentie!);
      }
      return { outcome: 'postbus', detail: job.log.detail!, referentienummer: sg.referentienummer, mailboxItemId: item.id, logId: job.log.id };
    }
    const heen = sg.crossRefnummer
      ? (await this.#o.store.routing.listLog({ referentienummer: sg.crossRefnummer, outcome: 'doorgestuurd' })).find((r) => r.stufElement === DI01_ELEMENT)
      : undefined;
    // StUF ebMS binding: MessageId `{referentienummer}@{domain}` — unless a forward took it already (IB216 is per
    // zender, so two applications may use the same referentienummer): then a generated one, not a refusal.
    const bound = this.#o.messageIdDomain ? `${sg.referentienummer}@${this.#o.messageIdDomain}` : undefined;
    const messageId = bound && !(await this.#o.store.messages.getByMessageId('out', bound)) ? bound : undefined;
    let sent: OutboundWrite;
    try {
      sent = await this.#o.sender.prepare({
        cpaId: target.cpaId, action: envelop.element, conversationId: job.msg.conversationId,
        ...(heen?.ebmsMessageId ? { refToMessageId: heen.ebmsMessageId } : {}),
        ...(messageId ? { messageId } : {}),
        parts: [{ contentId: part.contentId, contentType: part.contentType, content: part.content }],
      });
    } catch (err) {
      throw new StufError('IB101', `doorsturen via CPA ${target.cpaId} mislukt: ${(err as Error).message}`, { element: ONTVANGER_ORG, plek: 'server', cause: err });
    }
    Object.assign(job.log, {
      outcome: 'doorgestuurd', targetCpaId: target.cpaId, forwardedMessageId: sent.msg.messageId,
      detail: `doorgestuurd naar ${target.organisation.id} via CPA ${target.cpaId}`,
    });
    let result: HubCompletionResult;
    try {
      result = await this.#complete(job, { outbound: sent });
    } catch (err) {
      if (err instanceof GatewayError) throw err; // processed already: nothing to answer
      Object.assign(job.log, { outcome: 'geweigerd', targetCpaId: null, forwardedMessageId: null });
      throw new StufError('IB101', `doorsturen via CPA ${target.cpaId} mislukt: ${(err as Error).message}`, { element: ONTVANGER_ORG, plek: 'server', cause: err });
    }
    if (result === 'referentie-used') {
      Object.assign(job.log, { outcome: 'geweigerd', targetCpaId: null, forwardedMessageId: null });
      throw ib216(job.referentie!);
    }
    return {
      outcome: 'doorgestuurd', detail: job.log.detail!, referentienummer: sg.referentienummer,
      forwarded: { cpaId: target.cpaId, messageId: sent.msg.messageId }, logId: job.log.id,
    };
  }

  /** A Fo01 from the receiver of a message we forwarded goes back over the CPA that message came in on. */
  async #forwardFo01(job: Job, fo01: Fo01Bericht): Promise<ProcessOutcome> {
    const sg = fo01.stuurgegevens;
    Object.assign(job.log, {
      stufElement: FO01_ELEMENT, zenderOrganisatie: sg.zender.organisatie ?? null, ontvangerOrganisatie: sg.ontvanger.organisatie ?? null,
      referentienummer: sg.referentienummer, crossRefnummer: sg.crossRefnummer, foutcode: fo01.body.code,
    });
    const original = (await this.#o.store.routing.listLog({ referentienummer: sg.crossRefnummer, outcome: 'doorgestuurd' }))
      .find((r) => r.targetCpaId === job.msg.cpaId && r.stufElement !== FO01_ELEMENT);
    if (!original) {
      Object.assign(job.log, { outcome: 'geweigerd', detail: `Fo01 verwijst naar geen bericht dat over CPA ${job.msg.cpaId} is doorgestuurd` });
      await this.#complete(job, {});
      return { outcome: 'geweigerd', detail: job.log.detail!, referentienummer: sg.referentienummer, logId: job.log.id };
    }
    const sent = await this.#o.sender.prepare({
      cpaId: original.cpaId, action: FO01_ELEMENT, conversationId: job.msg.conversationId, refToMessageId: original.ebmsMessageId,
      parts: [{ contentId: job.part!.contentId, contentType: job.part!.contentType, content: job.part!.content }],
    });
    const messageId = sent.msg.messageId;
    Object.assign(job.log, {
      outcome: 'doorgestuurd', gemeentecode: original.gemeentecode, berichtstroom: original.berichtstroom, berichttype: original.berichttype,
      targetCpaId: original.cpaId, forwardedMessageId: messageId, detail: `Fo01 ${fo01.body.code} teruggestuurd via CPA ${original.cpaId}`,
    });
    await this.#complete(job, { outbound: sent });
    return { outcome: 'doorgestuurd', detail: job.log.detail!, referentienummer: sg.referentienummer, forwarded: { cpaId: original.cpaId, messageId }, logId: job.log.id };
  }

  /** Refusal: Fo01 back to the sender (when its stuurgegevens are readable) and a Berichtenlog row. */
  async #refuse(job: Job, error: StufError, refused: PeekedStuurgegevens | GgkEnvelop['stuurgegevens'] | undefined): Promise<ProcessOutcome> {
    delete job.referentie; // a refused message reserves no referentienummer
    Object.assign(job.log, { outcome: 'geweigerd', foutcode: error.code, detail: error.omschrijving });
    const outcome: ProcessOutcome = { outcome: 'geweigerd', foutcode: error.code, detail: error.omschrijving, logId: job.log.id };
    if (refused) outcome.referentienummer = refused.referentienummer;
    // A Portaal upload's refusal is shown in the verwerkingsverslag (seed 001 §4.1.2), not sent as a Fo01.
    if (job.msg.portaal) {
      await this.#complete(job, {});
      return outcome;
    }
    let xml: string | undefined;
    try {
      xml = refused && buildFo01(refused, error, {
        zender: { ...this.#o.hubIdentity.stufZender }, tijdstip: this.#now(),
        ...(job.envelop ? { details: fo01Details(job.envelop) } : {}),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
    }
    if (!xml) {
      job.log.detail = `${error.omschrijving} (geen Fo01: stuurgegevens onleesbaar)`;
      outcome.detail = job.log.detail;
      await this.#complete(job, {});
      return outcome;
    }
    let fo01: OutboundWrite;
    try {
      fo01 = await this.#o.sender.prepare({
        cpaId: job.msg.cpaId, action: FO01_ELEMENT, conversationId: job.msg.conversationId, refToMessageId: job.msg.ebmsMessageId,
        parts: [{ contentType: STUF_CONTENT_TYPE, content: Buffer.from(xml, 'utf8') }],
      });
    } catch (err) {
      // The Fo01 cannot be built (e.g. no channel back): the refusal is logged, the message stays unprocessed and
      // is tried again at the next catch-up.
      await this.#o.store.routing.insertLog(job.log);
      throw err;
    }
    outcome.fo01MessageId = job.log.forwardedMessageId = fo01.msg.messageId;
    job.log.targetCpaId = job.msg.cpaId;
    await this.#complete(job, { outbound: fo01 });
    return outcome;
  }

  /**
   * Write the outcome in one transaction with the inbound message PROCESSED (and the IB216 reservation when the
   * message passed that check). 'referentie-used': nothing was written; the caller refuses with IB216.
   */
  async #complete(job: Job, what: Pick<HubCompletion, 'outbound' | 'mailbox'>): Promise<HubCompletionResult> {
    const { log } = job;
    const event = {
      at: this.#now().toISOString(),
      event: log.outcome === 'doorgestuurd' ? 'FORWARDED' : log.outcome === 'postbus' ? 'MAILBOX' : 'REFUSED_FO01',
      detail: log.foutcode ? `${log.foutcode}: ${log.detail}` : log.detail,
    };
    const result = await this.#o.store.routing.complete({
      event, log, ...what, ...(job.msg.id !== undefined ? { inboundId: job.msg.id } : {}), ...(job.referentie ? { referentie: job.referentie } : {}),
    });
    if (result === 'processed-already') throw new GatewayError('ERR_CONFLICT', `inbound message ${job.msg.ebmsMessageId} was processed already`);
    if (result === 'committed' && what.outbound) this.#o.sender.queued();
    return result;
  }

  /** An envelope in another StUF-GGk version's namespace (e.g. ggk0310) is IB798, not RIN001. */
  #versionError(content: Buffer, error: StufError): StufError {
    if (error.code !== 'RIN001') return error;
    const m = GGK_VERSION.exec(content.subarray(0, 4096).toString('utf8'));
    if (!m || m[1] === ONTVANGEN_VERSIE) return error;
    return new StufError('IB798', `ontvangen StUF-versie ${m[1]}, de knooppunt verwerkt ${ONTVANGEN_VERSIE}`, { element: error.element ?? '/' });
  }

  /** IB002: the TLS peer's OIN, or for a Portaal upload the uploader's organisation or one of its OINs. */
  #mayActFor(msg: InboundStufMessage, org: Organisation): boolean {
    if (!msg.portaal) return org.oins.includes(msg.senderOin);
    const { organisationId, oins } = msg.portaal;
    return org.id === organisationId || org.oins.some((o) => oins.includes(o));
  }

  #who(msg: InboundStufMessage): string {
    return msg.portaal ? `organisatie ${msg.portaal.organisationId}` : `OIN ${msg.senderOin}`;
  }

  async #isKetenpartner(code: string): Promise<boolean> {
    const partners = await this.#o.organisations.list({ kind: 'ketenpartner' });
    return partners.some((p) => p.code === code || p.name.toLowerCase() === code.toLowerCase());
  }

  #logStuurgegevens(job: Job, sg: PeekedStuurgegevens): void {
    Object.assign(job.log, {
      zenderOrganisatie: sg.zender.organisatie ?? null, ontvangerOrganisatie: sg.ontvanger.organisatie ?? null,
      referentienummer: sg.referentienummer, crossRefnummer: sg.crossRefnummer ?? null,
    });
    if (sg.functie) job.log.berichttype = sg.functie;
  }

  #newLog(msg: InboundStufMessage): RoutingLogEntry {
    return {
      id: randomUUID(), at: this.#now().toISOString(), ebmsMessageId: msg.ebmsMessageId, cpaId: msg.cpaId, senderOin: msg.senderOin,
      stufElement: null, berichtstroom: null, berichttype: null, gemeentecode: null, zenderOrganisatie: null, ontvangerOrganisatie: null,
      referentienummer: null, crossRefnummer: null, outcome: 'geweigerd', foutcode: null, detail: null, targetOrganisationId: null,
      targetCpaId: null, forwardedMessageId: null, mailboxItemId: null,
    };
  }
}

function ib216(ref: StufReferentie): StufError {
  return new StufError('IB216', `zender ${ref.zenderOrganisatie}/${ref.zenderApplicatie} gebruikte referentienummer ${ref.referentienummer} al eerder`,
    { element: 'GGK:stuurgegevens/StUF:referentienummer' });
}
