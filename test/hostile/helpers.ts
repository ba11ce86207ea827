import type { InboundOutcome } from '../../src/ebms/pipeline.js';
import { mshPair, type Pair } from '../helpers/msh.js';

export const DI01 = 'envelopHeenbericht-ggk_Di01';

/** A hub/gemeente pair on osb-rm (unsigned, Acknowledgment in the HTTP response): raw bytes can be edited freely. */
export function rmPair(): Promise<Pair> {
  return mshPair({ profile: 'osb-rm', syncReplyMode: 'mshSignalsOnly' });
}

export interface Prepared { raw: Buffer; contentType: string; messageId: string }

export async function prepare(pair: Pair): Promise<Prepared> {
  const p = await pair.gemeente.msh.outbound.prepare({ cpaId: pair.cpaId, action: DI01, parts: [{ contentType: 'application/xml', content: Buffer.from('<Bericht xmlns="urn:test"/>') }] });
  return { raw: p.record.raw, contentType: p.record.contentType, messageId: p.record.messageId };
}

/** Edits the raw message as latin1 text, so every byte is kept as it is (octets ≥ 0x80 as themselves). */
export function edit(raw: Buffer, f: (s: string) => string): Buffer {
  return Buffer.from(f(raw.toString('latin1')), 'latin1');
}

/** UTF-8 octets of `s`, as latin1 text for `edit`. */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** Replaces the text of the first `<eb:{name}>` element. */
export function setText(raw: Buffer, name: string, value: string): Buffer {
  return edit(raw, (s) => {
    const re = new RegExp(`(<eb:${name}(?: [^>]*)?>)[^<]*(</eb:${name}>)`);
    if (!re.test(s)) throw new Error(`no eb:${name} in the message`);
    return s.replace(re, (_m, open: string, close: string) => `${open}${value}${close}`);
  });
}

export function send(pair: Pair, raw: Buffer, contentType: string): Promise<InboundOutcome> {
  return pair.hub.msh.pipeline.handle({ body: raw, contentType, soapAction: '"ebXML"', peer: pair.gemeente.peer });
}

/** The SOAP Fault an outcome was answered with: code, string and the HTTP reply as sent. */
export function faultOf(out: InboundOutcome): { faultcode: string; faultstring: string; status: number } {
  const body = out.reply.body?.toString('utf8') ?? '';
  const code = /<faultcode>([^<]*)<\/faultcode>/.exec(body)?.[1];
  const text = /<faultstring>([^<]*)<\/faultstring>/.exec(body)?.[1];
  if (code === undefined || text === undefined) throw new Error(`not a SOAP Fault (outcome ${out.outcome}, HTTP ${out.reply.status}): ${body.slice(0, 300)}`);
  return { faultcode: code, faultstring: unescape(text), status: out.reply.status };
}

/** Element names of the eb:MessageHeader whose text a peer chooses (ebMS 2.0 §3.1). */
export const HEADER_VALUES = ['PartyId', 'Role', 'CPAId', 'ConversationId', 'Service', 'Action', 'MessageId'] as const;

const unescape = (s: string): string => s.replace(/&(lt|gt|quot|amp|#13);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#13': '\r' })[e]!);
