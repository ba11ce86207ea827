/**
 * Shared helpers of the ebMS2 conformance suite (ebms2-digikoppeling.md b.7; expectation ledger in README.md).
 * A case is made by taking the exact MIME the gemeente adapter would send (Outbound.prepare) and changing one
 * thing in its SOAP part; the hub's inbound pipeline must then answer with the expected code and location.
 */
import { mshPair, payload, type Pair, type Side } from '../../helpers/msh.js';

export { payload };
import type { TlsPeer } from '../../../src/ebms/transport/server.js';
import type { InboundOutcome } from '../../../src/ebms/pipeline.js';
import { parseEnvelope, parseXml, type ParsedEnvelope } from '../../../src/ebms/envelope/index.js';
import { EBMS_ERROR_CODE_CONTEXT } from '../../../src/ebms/errors.js';
import { parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';
import type { MessageRecord } from '../../../src/store/store.js';

export const DI01 = 'envelopHeenbericht-ggk_Di01';

export interface Wire {
  body: Buffer;
  contentType: string;
}

export interface Prepared extends Wire {
  messageId: string;
  record: MessageRecord;
}

/** A pair on one profile; osb-rm/osb-be are unsigned so that a mutation breaks nothing else. */
export function pairFor(profile: string, syncReplyMode: 'none' | 'mshSignalsOnly', opts: Parameters<typeof mshPair>[1] = {}): Promise<Pair> {
  return mshPair({ profile, syncReplyMode }, { gemeenteEndpoint: 'https://localhost:9443/gemeente/ebms', hubEndpoint: 'https://localhost:8443/hub/ebms', ...opts });
}

/** The exact message the gemeente adapter would send for one payload of the Di01 action. */
export async function prepareDi01(pair: Pair, parts = [payload(512)]): Promise<Prepared> {
  const p = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts });
  return { body: p.record.raw, contentType: p.record.contentType, messageId: p.record.messageId, record: p.record };
}

/** The SOAP part of a message as text. */
export function soapOf(w: Wire): string {
  return parseSoapWithAttachments(w.body, w.contentType).soapPart.content.toString('utf8');
}

/**
 * Replace the SOAP part's text in the raw bytes (attachments and MIME framing stay byte-identical). Throws when the
 * edit changes nothing, so a negative test cannot pass because its mutation silently missed.
 */
export function editSoap(w: Wire, edit: (xml: string) => string): Wire {
  const { soapPart } = parseSoapWithAttachments(w.body, w.contentType);
  const at = w.body.indexOf(soapPart.content);
  const before = soapPart.content.toString('utf8');
  const after = edit(before);
  if (after === before) throw new Error('editSoap: the edit changed nothing');
  return { ...w, body: Buffer.concat([w.body.subarray(0, at), Buffer.from(after, 'utf8'), w.body.subarray(at + soapPart.content.length)]) };
}

/** String replace that insists the needle occurs exactly once. */
export function replaceOnce(xml: string, needle: string | RegExp, replacement: string): string {
  const count = typeof needle === 'string' ? xml.split(needle).length - 1 : (xml.match(new RegExp(needle.source, `${needle.flags.replace('g', '')}g`)) ?? []).length;
  if (count !== 1) throw new Error(`replaceOnce: ${String(needle)} occurs ${count} times`);
  return xml.replace(needle, replacement);
}

/** Feed a message to `side`'s inbound pipeline; `soapAction` null = no SOAPAction header at all. */
export function send(side: Side, w: Wire, peer: TlsPeer, soapAction: string | null = '"ebXML"'): Promise<InboundOutcome> {
  return side.msh.pipeline.handle({ body: w.body, contentType: w.contentType, soapAction: soapAction ?? undefined, peer });
}

/** The hub receives what the gemeente sends (the usual direction of the suite). */
export function toHub(pair: Pair, w: Wire, soapAction?: string | null): Promise<InboundOutcome> {
  return send(pair.hub, w, pair.gemeente.peer, soapAction);
}

/** SOAP 1.1 Fault, HTTP 500, text/xml, faultcode SOAP:<code>; and nothing of the request is stored. */
export async function expectFault(side: Side, out: InboundOutcome, faultcode: string, messageId?: string): Promise<string> {
  expect(out.outcome).toBe('fault');
  expect(out.reply.status).toBe(500);
  expect(out.reply.contentType).toMatch(/^text\/xml/);
  const doc = parseXml(out.reply.body!.toString('utf8'));
  expect(doc.getElementsByTagName('faultcode')[0]?.textContent).toBe(`SOAP:${faultcode}`);
  expect(out.fault?.faultcode).toBe(faultcode);
  if (messageId) expect(await side.store.messages.getByMessageId('in', messageId)).toBeNull();
  return doc.getElementsByTagName('faultstring')[0]?.textContent ?? '';
}

/** The stored outbound reply (Ack, MessageError, Pong, StatusResponse) of `side` to `messageId`. */
export async function storedReply(side: Side, messageId: string, action: string): Promise<MessageRecord> {
  const found = (await side.store.messages.listByRef('out', messageId)).filter((m) => m.action === action);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/**
 * The message was refused with exactly one eb:Error `errorCode` at `location`: in the outcome and on the wire (the
 * MessageError's ErrorList). `sync`: HTTP 200 text/xml carrying the MessageError; `async`: HTTP 204 and the
 * MessageError queued in the outbox for the sender's endpoint.
 */
export async function expectMessageError(side: Side, out: InboundOutcome, messageId: string, errorCode: string, location: string, mode: 'sync' | 'async'): Promise<ParsedEnvelope> {
  expect(out.outcome).toBe('rejected');
  expect(out.errors?.map((e) => ({ errorCode: e.errorCode, location: e.location }))).toEqual([{ errorCode, location }]);
  let env: ParsedEnvelope;
  if (mode === 'sync') {
    expect(out.reply.status).toBe(200);
    expect(out.reply.contentType).toMatch(/^text\/xml/);
    env = parseEnvelope(out.reply.body!);
  } else {
    expect(out.reply.status).toBe(204);
    expect(out.reply.body).toBeUndefined();
    const rec = await storedReply(side, messageId, 'MessageError');
    expect(await side.store.outbox.get(rec.id)).not.toBeNull();
    env = parseEnvelope(rec.raw);
  }
  expect(env.MessageHeader.Action).toBe('MessageError');
  expect(env.MessageHeader.MessageData.RefToMessageId).toBe(messageId);
  expect(env.ErrorList?.highestSeverity).toBe('Error');
  expect(env.ErrorList?.Error.map((e) => ({ errorCode: e.errorCode, location: e.location, severity: e.severity, codeContext: e.codeContext })))
    .toEqual([{ errorCode, location, severity: 'Error', codeContext: EBMS_ERROR_CODE_CONTEXT }]);
  return env;
}

/** Accepted: stored as RECEIVED, handed to the application once. */
export function expectAccepted(out: InboundOutcome): void {
  expect(out.errors).toBeUndefined();
  expect(out.fault).toBeUndefined();
  expect(out.outcome).toBe('accepted');
}

/** Collect 'received' events of a side. */
export function receivedIds(side: Side): string[] {
  const ids: string[] = [];
  side.msh.events.on('received', (r) => ids.push(r.messageId));
  return ids;
}
