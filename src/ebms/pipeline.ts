/**
 * The inbound ebMS pipeline, in one written order (architecture map; ebms2-digikoppeling.md b.7):
 *
 *   1. SOAPAction "ebXML"            → SOAP Fault (Client)                       [size cap: src/ebms/msh/http.ts]
 *   2. MIME (SwA or text/xml, part count cap) → SOAP Fault
 *   3. SOAP envelope (charset, UTF-8, XML Char, no DTD, header value length cap) → SOAP Fault
 *   4. CPA by CPAId                   → unknown: SOAP Fault (HTTP 500, b.7 rule 1)
 *   5. TLS peer = CPA From party      → SecurityFailure/Inconsistent, answered synchronously, not stored (DK-16)
 *   6. CPA usable (agreed, period, lifecycle) and header version checks
 *   7. mustUnderstand                 → SOAP Fault (MustUnderstand)
 *   8. signals: Ping, StatusRequest, Acknowledgment, MessageError, Pong, StatusResponse
 *   9. business header vs CPA (b.7 rule 5) → signature policy → Manifest → decrypt → verify (rules 6–9)
 *  10. duplicate check + durable persist of raw and decrypted parts, with the reply, in one transaction
 *  11. reply: sync in the HTTP response (SyncReply + mshSignalsOnly) or HTTP 204 and async via the outbox
 *  12. hand to the application (MshEvents "received", after commit)
 */
import { effectiveStatus } from '../cpa/lifecycle.js';
import type { LoadedCpa } from '../cpa/service.js';
import type { MessagePart, MessageRecord } from '../store/store.js';
import { EbmsError, SoapFaultError } from './errors.js';
import { buildSoapFault, parseEnvelope } from './envelope/index.js';
import { decodeXmlBytes } from './envelope/xml.js';
import type { ParsedEnvelope } from './envelope/model.js';
import { authenticatePeer, checkCpaUsable } from './inbound/authenticate.js';
import { checkBusinessHeader } from './inbound/header-checks.js';
import { secureInbound } from './inbound/security.js';
import { applyCheckedAnswerSignal, checkAnswerSignal } from './inbound/signals.js';
import { parseContentType, parseSoapWithAttachments } from './mime/index.js';
import { isSignalHeader, messageRecord, type MshDeps } from './msh/deps.js';
import type { MshEvents } from './msh/events.js';
import { buildReply, type Reply } from './msh/replies.js';
import type { TlsPeer } from './transport/server.js';

export interface InboundRequest {
  body: Buffer;
  contentType: string;
  soapAction: string | undefined;
  peer: TlsPeer;
}

export interface HttpReply {
  status: number;
  contentType?: string;
  body?: Buffer;
}

/** What happened, for the HTTP layer (reply), metrics and tests (errors with code and location). */
export interface InboundOutcome {
  reply: HttpReply;
  outcome: 'accepted' | 'duplicate' | 'rejected' | 'fault' | 'signal';
  errors?: EbmsError[];
  fault?: SoapFaultError;
  record?: MessageRecord;
}

const TEXT_XML = 'text/xml; charset=UTF-8';

/** ebMS 2.0 §B.2.2: SOAPAction "ebXML" (quoted); an unquoted value is tolerated. */
function isEbxmlSoapAction(v: string | undefined): boolean {
  return v !== undefined && v.trim().replace(/^"(.*)"$/, '$1') === 'ebXML';
}

function fault(e: SoapFaultError): InboundOutcome {
  return { outcome: 'fault', fault: e, reply: { status: e.httpStatus, contentType: TEXT_XML, body: Buffer.from(buildSoapFault(e.faultcode, e.message), 'utf8') } };
}

interface Ctx {
  req: InboundRequest;
  env: ParsedEnvelope;
  soapXml: string;
  loaded: LoadedCpa;
  now: Date;
}

export class InboundPipeline {
  readonly #d: MshDeps;
  readonly #events: MshEvents;
  readonly #wake: () => void;

  constructor(deps: MshDeps, events: MshEvents, wake: () => void) {
    this.#d = deps;
    this.#events = events;
    this.#wake = wake;
  }

  async handle(req: InboundRequest): Promise<InboundOutcome> {
    const now = this.#d.now?.() ?? new Date();
    let ctx: Ctx;
    try {
      if (!isEbxmlSoapAction(req.soapAction)) throw new SoapFaultError('Client', 'SOAPAction must be "ebXML" (ebMS 2.0 §B.2.2)');
      const limits = this.#d.limits;
      const mime = parseSoapWithAttachments(req.body, req.contentType, limits ? { maxParts: limits.maxMimeParts } : {});
      const charset = parseContentType(mime.soapPart.contentType).params.charset;
      // Decoded once (charset honoured or refused, strict UTF-8, BOM); the same text is parsed here and verified
      // in the security step.
      const soapXml = decodeXmlBytes(mime.soapPart.content, charset);
      const env = parseEnvelope(soapXml, undefined, limits ? { maxHeaderValueChars: limits.maxHeaderValueChars } : {});
      const loaded = await this.#d.cpas.get(env.MessageHeader.CPAId);
      if (!loaded) throw new SoapFaultError('Client', `Unknown CPAId "${env.MessageHeader.CPAId}"`);
      ctx = { req, env, soapXml, loaded, now };
      try {
        authenticatePeer(loaded.cpa, env.MessageHeader, req.peer, this.#d.identity.oin);
      } catch (e) {
        if (!(e instanceof EbmsError)) throw e;
        return this.#unauthenticated(ctx, e);
      }
      if (env.notUnderstood.length > 0) {
        const n = env.notUnderstood[0]!;
        throw new SoapFaultError('MustUnderstand', `Header block {${n.namespaceURI ?? ''}}${n.localName} is not understood (SOAP 1.1 §4.2.3)`);
      }
      return await this.#authenticated(ctx, mime.attachments);
    } catch (e) {
      if (e instanceof SoapFaultError) return fault(e);
      throw e;
    }
  }

  async #authenticated(ctx: Ctx, attachments: ReturnType<typeof parseSoapWithAttachments>['attachments']): Promise<InboundOutcome> {
    const { env, loaded, now } = ctx;
    const h = env.MessageHeader;
    const signal = isSignalHeader(h);
    try {
      checkCpaUsable(loaded.cpa, loaded.record, h, signal);
      if (env.problems.length > 0) throw env.problems[0]!;
      if (signal) return await this.#signal(ctx);
      const ref = h.MessageData.RefToMessageId;
      const refKnown = ref === undefined || (await this.#d.store.messages.getByMessageId('out', ref)) !== null || (await this.#d.store.messages.getByMessageId('in', ref)) !== null;
      const r = checkBusinessHeader(loaded.cpa, env, now, refKnown);
      const secured = secureInbound(env, ctx.soapXml, attachments, r, {
        decryptionKeyPem: this.#d.identity.signing.key, trustAnchors: this.#d.identity.trustAnchors, ...(this.#d.legacy ? { legacy: this.#d.legacy } : {}), ...(this.#d.crls ? { crls: this.#d.crls } : {}),
      });
      const reply = r.ackRequested
        ? buildReply(this.#d, loaded.cpa, env, { kind: 'Acknowledgment', signedReferences: env.AckRequested?.signed ? secured.signedReferences : null }, now)
        : null;
      return await this.#persist(ctx, 'RECEIVED', secured.parts, reply, 'accepted');
    } catch (e) {
      if (!(e instanceof EbmsError)) throw e;
      // A MessageError is never answered with a MessageError (no error loops between two MSHs); it is stored refused.
      const reply = signal && h.Action === 'MessageError' ? null : buildReply(this.#d, loaded.cpa, env, { kind: 'MessageError', errors: [e] }, now);
      return { ...(await this.#persist(ctx, 'REJECTED', [], reply, 'rejected')), errors: [e] };
    }
  }

  /** Ping → Pong, StatusRequest → StatusResponse, and the answers to what we sent (ebMS 2.0 §6.3.2, §7, §8). */
  async #signal(ctx: Ctx): Promise<InboundOutcome> {
    const { env, loaded, now } = ctx;
    const h = env.MessageHeader;
    switch (h.Action) {
      case 'Ping': {
        const out = await this.#persist(ctx, 'RECEIVED', [], buildReply(this.#d, loaded.cpa, env, { kind: 'Pong' }, now), 'signal');
        if (out.outcome === 'signal') await this.#activateOnPing(ctx, out.reply.status === 200);
        return out;
      }
      case 'StatusRequest': {
        const ref = env.StatusRequest?.RefToMessageId;
        if (!ref) throw new EbmsError('Inconsistent', '//Body/StatusRequest', 'StatusRequest without RefToMessageId');
        const target = await this.#d.store.messages.getByMessageId('in', ref);
        const events = target ? await this.#d.store.messages.events(target.id) : [];
        // ebMS 2.0 §7.1.2: NotRecognized, Received, Processed or Forwarded (hub: routed onward).
        const status = !target || target.cpaId !== h.CPAId ? 'NotRecognized'
          : events.some((e) => e.event === 'FORWARDED') ? 'Forwarded' : target.status === 'PROCESSED' ? 'Processed' : 'Received';
        const reply = buildReply(this.#d, loaded.cpa, env, { kind: 'StatusResponse', status, refMessageId: ref, ...(target ? { timestamp: new Date(target.createdAt) } : {}) }, now);
        return this.#persist(ctx, 'RECEIVED', [], reply, 'signal');
      }
      case 'Acknowledgment': case 'MessageError': case 'Pong': case 'StatusResponse': {
        // Checked before it is stored: a refused answer is stored REJECTED with its MessageError (#authenticated).
        const target = await checkAnswerSignal(this.#d, loaded.cpa, env, ctx.soapXml);
        const record = messageRecord(h, { direction: 'in', status: 'RECEIVED', raw: ctx.req.body, contentType: ctx.req.contentType, at: now });
        const stored = await this.#d.store.messages.insertInbound(record, [], { at: record.createdAt, event: 'RECEIVED', detail: null });
        // Applied again when it is a duplicate: the first copy may have been stored by a process that died before
        // applying it, and the peer resends its stored answer when we resend (idempotent: status-guarded).
        await applyCheckedAnswerSignal(this.#d, this.#events, env, target, stored.inserted ? record : stored.existing!);
        return { outcome: 'signal', record, reply: { status: 204 } };
      }
      default:
        throw new EbmsError('ValueNotRecognized', '//Header/MessageHeader/Action', `unknown MSH signal action "${h.Action}"`);
    }
  }

  /**
   * Seed 002 §3.3.5 ("De gemeente moet hiervoor een bericht (Ping) aan RINIS versturen … Het Inlichtingenbureau
   * activeert na een geslaagde Ping Pong test de CPA"): the other party's Ping, authenticated (step 5: TLS peer =
   * CPA party) over a CPA in its period and not withdrawn (step 6), and answered with a Pong (stored with it in
   * one transaction, sent in the response or through the outbox), activates this side's copy too.
   */
  async #activateOnPing(ctx: Ctx, sync: boolean): Promise<void> {
    const { loaded, env } = ctx;
    const current = await this.#d.cpas.get(loaded.record.cpaId);
    if (!current || effectiveStatus(current.record, ctx.now) !== 'gegenereerd') return;
    const h = env.MessageHeader;
    await this.#d.cpas.activate(h.CPAId, `Ping ${h.MessageData.MessageId} from ${h.From.PartyId[0]?.value ?? '?'} answered with a Pong (${sync ? 'sync' : 'async'})`, 'ping');
  }

  /** Steps 10–12: duplicate check and durable persist with the reply, then the HTTP answer. */
  async #persist(ctx: Ctx, status: MessageRecord['status'], parts: MessagePart[], reply: Reply | null, outcome: InboundOutcome['outcome']): Promise<InboundOutcome> {
    const { env, req, now } = ctx;
    const record = messageRecord(env.MessageHeader, { direction: 'in', status, raw: req.body, contentType: req.contentType, at: now });
    const res = await this.#d.store.messages.insertInbound(record, parts, { at: record.createdAt, event: status, detail: outcome === 'rejected' ? (reply ? 'answered with MessageError' : 'refused, not answered') : null }, reply ? { msg: reply.record, ...(reply.delivery ? { delivery: reply.delivery } : {}) } : undefined);
    if (!res.inserted) return this.#duplicate(ctx, res.existing!);
    if (reply?.delivery) this.#wake();
    if (status === 'RECEIVED' && record.kind === 'business') this.#events.emit('received', record, parts);
    return { outcome, record, reply: reply && !reply.delivery ? { status: 200, contentType: TEXT_XML, body: reply.record.raw } : { status: 204 } };
  }

  /**
   * ebMS 2.0 §6.4.1: a duplicate is not delivered again; the stored Acknowledgment or MessageError is sent again.
   * b.7 rule 2: the same MessageId on a different message (ebms-core isIdenticalMessage: CPA, parties, conversation,
   * service, action) is refused with a SOAP Fault, as ebms-core does ("MessageId already used").
   */
  async #duplicate(ctx: Ctx, existing: MessageRecord): Promise<InboundOutcome> {
    const h = ctx.env.MessageHeader;
    if (existing.cpaId !== h.CPAId || existing.conversationId !== h.ConversationId || existing.service !== h.Service.value || existing.action !== h.Action
      || existing.fromParty !== (h.From.PartyId[0]?.value ?? '') || existing.toParty !== (h.To.PartyId[0]?.value ?? '')) {
      throw new SoapFaultError('Client', `MessageId ${h.MessageData.MessageId} was already used for another message (ebMS 2.0 §3.1.6.1: MessageId is unique)`);
    }
    const at = (this.#d.now?.() ?? new Date()).toISOString();
    await this.#d.store.messages.addEvent(existing.id, { at, event: 'DUPLICATE', detail: 'received again; stored reply resent' });
    const reply = existing.replyId ? await this.#d.store.messages.get(existing.replyId) : null;
    if (!reply) return { outcome: 'duplicate', record: existing, reply: { status: 204 } };
    if (ctx.env.SyncReply) return { outcome: 'duplicate', record: existing, reply: { status: 200, contentType: TEXT_XML, body: reply.raw } };
    const d = buildReply(this.#d, ctx.loaded.cpa, ctx.env, { kind: 'resend', record: reply }, ctx.now).delivery;
    if (d && (await this.#d.store.outbox.enqueue(d))) {
      await this.#d.store.messages.setStatus(reply.id, 'PENDING', { at, event: 'QUEUED', detail: 'resent for a duplicate' });
      this.#wake();
    }
    return { outcome: 'duplicate', record: existing, reply: { status: 204 } };
  }

  /** Step 5 failed: answer in the HTTP response only; the message is not stored and nothing goes to the CPA endpoint. */
  #unauthenticated(ctx: Ctx, e: EbmsError): InboundOutcome {
    const reply = buildReply(this.#d, ctx.loaded.cpa, ctx.env, { kind: 'MessageError', errors: [e], forceSync: true }, ctx.now);
    return { outcome: 'rejected', errors: [e], reply: { status: 200, contentType: TEXT_XML, body: reply.record.raw } };
  }
}

