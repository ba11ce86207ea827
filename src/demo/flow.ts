/**
 * One StUF message of the demo, sender → hub → receiver (or, when the hub refuses it, Fo01 back to the sender),
 * checked on every hop: the sender's Acknowledgment, the hub's routing outcome, the hub's own delivery over the
 * receiving CPA, and the receiving back-office's pull — each added to the timeline as it is observed.
 */
import { berichtByType } from '../istandaarden/catalogue.js';
import { DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT, type EnvelopElement } from '../stuf/model.js';
import {
  DemoStepError, asEnvelop, asFo01, delivered, hubOutbound, hubOutcome, post, pull, wireProfile, type HubOutcome, type Sent,
} from './flows.js';
import type { DemoNode } from './nodes.js';

export interface FlowContext {
  hub: DemoNode;
  /** Limit for each wait. */
  timeout: number;
  /** Adds a timeline entry. */
  note(who: string, what: string, status: string): void;
  /** Readable form of a hub detail (CPA ids replaced by names). */
  tidy(text: string): string;
  /** Names the current step for a failure report. */
  step(name: string): void;
}

const short = (uuid: string) => `${uuid.slice(0, 8)}…`;

/** One StUF message as observed on every hop. */
export interface FlowOutcome {
  functie: string;
  element: EnvelopElement;
  referentienummer: string;
  sent: Sent & { status: string; signed: boolean; ackRequested: boolean };
  hub: HubOutcome;
  /** Forwarded (or Fo01) copy sent by the hub, with its final status at the hub. */
  hubSent: { messageId: string; action: string; status: string; refToMessageId: string | null; signed: boolean; ackRequested: boolean };
  /** What the receiving back-office pulled. */
  received: { node: string; messageId: string; action: string; refToMessageId: string | null; processed: boolean };
  /** For a forwarded envelope: its stuurgegevens as received. */
  stuurgegevens?: { functie: string; referentienummer: string; crossRefnummer?: string; zender: string; ontvanger: string };
  /** For a refusal: the Fo01 the sender received. */
  fo01?: { code: string; plek: string; omschrijving: string; crossRefnummer: string; zender: string; ontvanger: string | undefined };
}

/** "JW301 Toewijzing (Di01)". */
export function naam(functie: string, element: string): string {
  return `${functie} ${berichtByType(functie)?.name ?? ''} (${element === DI01_ELEMENT ? 'Di01' : element === DU01_ELEMENT ? 'Du01' : 'Fo01'})`;
}

export interface FlowSpec {
  /** The step name in a failure report. */
  step: string;
  from: DemoNode;
  to: DemoNode;
  fromCpa: string;
  toCpa: string;
  functie: string;
  element: EnvelopElement;
  xml: string;
  referentienummer: string;
  reply?: { conversationId: string; refToMessageId?: string };
  expect: 'doorgestuurd' | 'Fo01';
}

export async function runFlow(ctx: FlowContext, f: FlowSpec): Promise<FlowOutcome> {
  const { hub, timeout, note, tidy } = ctx;
  ctx.step(f.step);
  const what = naam(f.functie, f.element);
  const sent = await post(f.from, f.fromCpa, f.element, f.xml, f.reply);
  const ack = await delivered(f.from, sent.id, timeout);
  const hop1 = await wireProfile(hub, sent.messageId);
  note(`${f.from.label} → hub`, `${what} ref ${short(f.referentienummer)}`, `afgeleverd: Acknowledgment${hop1.signed ? ', ondertekend' : ''}`);
  const outcome = await hubOutcome(hub, sent.messageId, timeout);
  const wanted = f.expect === 'doorgestuurd' ? 'FORWARDED' : 'REFUSED_FO01';
  if (outcome.event !== wanted) throw new DemoStepError(`hub: ${f.functie} ${f.referentienummer} was ${outcome.event} (${outcome.detail}), expected ${wanted}`);
  const target = f.expect === 'doorgestuurd' ? f.to : f.from;
  const targetCpa = f.expect === 'doorgestuurd' ? f.toCpa : f.fromCpa;
  const action = f.expect === 'doorgestuurd' ? f.element : FO01_ELEMENT;
  note('hub', f.expect === 'doorgestuurd' ? `${f.functie}: StUF, gemeentecode en payload in orde` : `${f.functie} geweigerd`, tidy(outcome.detail));
  const out = await hubOutbound(hub, targetCpa, sent.conversationId, action, timeout);
  const hop2 = await wireProfile(target, out.messageId);
  note(`hub → ${target.label}`, action === FO01_ELEMENT ? 'Fo01Bericht' : what, `afgeleverd: Acknowledgment${hop2.signed ? ', ondertekend' : ''}`);
  const got = await pull(target, sent.conversationId, action, timeout);
  const result: FlowOutcome = {
    functie: f.functie, element: f.element, referentienummer: f.referentienummer,
    sent: { ...sent, status: ack.status, ...hop1 }, hub: outcome,
    hubSent: { messageId: out.messageId, action: out.action, status: out.status, refToMessageId: out.refToMessageId, ...hop2 },
    received: { node: target.label, messageId: got.record.messageId, action: got.record.action, refToMessageId: got.record.refToMessageId, processed: got.record.processedAt !== null },
  };
  if (f.expect === 'doorgestuurd') {
    const env = asEnvelop(got, target);
    const sg = env.stuurgegevens;
    result.stuurgegevens = {
      functie: sg.functie, referentienummer: sg.referentienummer, zender: sg.zender.organisatie ?? '', ontvanger: sg.ontvanger.organisatie ?? '',
      ...(sg.crossRefnummer ? { crossRefnummer: sg.crossRefnummer } : {}),
    };
    if (sg.referentienummer !== f.referentienummer || sg.functie !== f.functie) {
      throw new DemoStepError(`${target.label} received ${sg.functie} ${sg.referentienummer}, expected ${f.functie} ${f.referentienummer}`);
    }
    note(`${target.label} (back-office)`, `${f.functie} opgehaald en bevestigd`, `referentienummer ${short(sg.referentienummer)} klopt${sg.crossRefnummer ? `, crossRef ${short(sg.crossRefnummer)}` : ''}`);
  } else {
    const fo = asFo01(got, target);
    result.fo01 = {
      code: fo.body.code, plek: fo.body.plek, omschrijving: fo.body.omschrijving, crossRefnummer: fo.stuurgegevens.crossRefnummer,
      zender: fo.stuurgegevens.zender.organisatie ?? '', ontvanger: fo.stuurgegevens.ontvanger.organisatie,
    };
    if (fo.stuurgegevens.crossRefnummer !== f.referentienummer) {
      throw new DemoStepError(`Fo01 crossRefnummer ${fo.stuurgegevens.crossRefnummer} does not point to the refused ${f.referentienummer}`);
    }
    note(`${target.label} (back-office)`, `Fo01 ${fo.body.code} opgehaald en bevestigd`, `crossRefnummer ${short(fo.stuurgegevens.crossRefnummer)} = de geweigerde Di01, plek ${fo.body.plek}`);
  }
  return result;
}
