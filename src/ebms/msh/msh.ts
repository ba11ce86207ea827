import { performance } from 'node:perf_hooks';
import { effectiveStatus } from '../../cpa/lifecycle.js';
import { isActiveAt } from '../../cpa/resolve.js';
import { GatewayError } from '../../errors.js';
import type { MessagePart, MessageRecord } from '../../store/store.js';
import { parseEnvelope } from '../envelope/index.js';
import { applyAnswerSignal } from '../inbound/signals.js';
import { parseContentType, parseSoapWithAttachments } from '../mime/index.js';
import { Outbound, type SendRequest } from '../outbound/outbound.js';
import { InboundPipeline } from '../pipeline.js';
import { DeliveryWorker, type SyncAnswer, type WorkerOptions } from '../reliability/worker.js';
import { EbmsClient, TransportError, type PostResult } from '../transport/client.js';
import type { TlsMaterial } from '../transport/tls.js';
import { isSignalHeader, messageRecord, type MshDeps } from './deps.js';
import { MshEvents } from './events.js';

export interface PingResult {
  ping: MessageRecord;
  pong: MessageRecord;
  roundTripMs: number;
  sync: boolean;
  /** This side's copy: activated by this Ping Pong (false: it was active already). */
  activated: boolean;
  /** The other party (it answered the Ping; seed 002 §3.3.5: answering activates its copy). */
  otherParty: { partyName: string | null; partyId: string };
}

/**
 * The ebMS2 message service handler: one object that receives (pipeline), sends (outbox + worker), answers, and
 * tells the application what happened (events). The same MSH serves as hub and as adapter.
 */
export class Msh {
  readonly events = new MshEvents();
  readonly pipeline: InboundPipeline;
  readonly outbound: Outbound;
  readonly worker: DeliveryWorker;
  readonly client: EbmsClient;
  readonly deps: MshDeps;
  readonly #d: MshDeps;

  constructor(deps: MshDeps, clientTls: TlsMaterial, opts: { worker?: WorkerOptions; clientTimeoutMs?: number } = {}) {
    this.#d = deps;
    this.deps = deps;
    this.client = new EbmsClient(clientTls, { ...(opts.clientTimeoutMs ? { timeoutMs: opts.clientTimeoutMs } : {}) });
    this.outbound = new Outbound(deps);
    this.worker = new DeliveryWorker(deps, this.events, this.client, (m, r) => this.handleResponse(m, r), opts.worker);
    this.pipeline = new InboundPipeline(deps, this.events, () => this.worker.wake());
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.client.close();
  }

  /** Queue a business message (stored durably before this returns). */
  async send(req: SendRequest): Promise<MessageRecord> {
    const rec = await this.outbound.send(req);
    this.worker.wake();
    return rec;
  }

  /**
   * A signal in the HTTP response to something we sent (SyncReply, DK-06): Acknowledgment, MessageError, Pong or
   * StatusResponse from the CPA's other party. Stored like an inbound signal, then applied.
   */
  async handleResponse(sent: MessageRecord, res: PostResult): Promise<SyncAnswer> {
    const at = this.#d.now?.() ?? new Date();
    try {
      const mime = parseSoapWithAttachments(res.body, res.contentType ?? 'text/xml');
      const env = parseEnvelope(mime.soapPart.content, parseContentType(mime.soapPart.contentType).params.charset);
      const h = env.MessageHeader;
      if (!isSignalHeader(h) || h.CPAId !== sent.cpaId || !h.From.PartyId.some((p) => p.value === sent.toParty)) {
        await this.#d.store.messages.addEvent(sent.id, { at: at.toISOString(), event: 'RESPONSE_IGNORED', detail: `not a signal from ${sent.toParty} over ${sent.cpaId}` });
        return 'none';
      }
      const loaded = await this.#d.cpas.require(sent.cpaId);
      const record = messageRecord(h, { direction: 'in', status: 'RECEIVED', raw: res.body, contentType: res.contentType ?? 'text/xml', at });
      const stored = await this.#d.store.messages.insertInbound(record, [], { at: record.createdAt, event: 'RECEIVED', detail: 'synchronous response' });
      // Applied again for a duplicate: the first copy may have been stored by a process that died before applying it.
      await applyAnswerSignal(this.#d, this.events, loaded.cpa, env, mime.soapPart.content.toString('utf8'), stored.inserted ? record : stored.existing!);
      return h.Action === 'Acknowledgment' || h.Action === 'MessageError' ? h.Action : 'other';
    } catch (e) {
      await this.#d.store.messages.addEvent(sent.id, { at: at.toISOString(), event: 'RESPONSE_INVALID', detail: (e as Error).message });
      return 'none';
    }
  }

  /**
   * Ping Pong over a CPA (ebMS 2.0 §8; seed 002 §3.3.5). Sync: the Pong comes in the HTTP response; async: HTTP 204
   * and the Pong arrives on our listener (this process, or another one sharing the store). A Pong activates the CPA.
   */
  async ping(cpaId: string, opts: { async?: boolean; timeoutMs?: number } = {}): Promise<PingResult> {
    const sync = !opts.async;
    const t0 = performance.now();
    // A withdrawn or expired CPA, or one outside its period, is refused here: the peer would refuse it (b.7 rule 4).
    const loaded = await this.#d.cpas.require(cpaId);
    const status = effectiveStatus(loaded.record, this.#d.now?.() ?? new Date());
    if (status === 'ingetrokken' || status === 'verlopen') throw new GatewayError('ERR_CPA_STATE', `CPA ${cpaId} is ${status}; a Ping is not sent (make a new CPA)`);
    if (!isActiveAt(loaded.cpa, this.#d.now?.() ?? new Date())) throw new GatewayError('ERR_CPA_STATE', `CPA ${cpaId} is not valid now (period ${loaded.record.startAt} – ${loaded.record.endAt}); a Ping is not sent`);
    const { record, endpoint } = await this.outbound.prepareSignal(cpaId, 'Ping', { sync });
    let res: PostResult;
    try {
      res = await this.client.post(endpoint, record.raw, record.contentType);
    } catch (e) {
      await this.#failPing(record, e instanceof TransportError ? `${e.code}: ${e.message}` : String(e));
      throw new GatewayError('ERR_DELIVERY_FAILED', `Ping to ${endpoint} failed: ${(e as Error).message}`, { cause: e, expose: true });
    }
    if (res.status >= 300) {
      await this.#failPing(record, `HTTP ${res.status}`);
      throw new GatewayError('ERR_DELIVERY_FAILED', `Ping to ${endpoint}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`, { expose: true });
    }
    if (sync) await this.handleResponse(record, res);
    const answer = await this.#waitForAnswer(record.messageId, ['Pong', 'MessageError'], sync ? 0 : opts.timeoutMs ?? 30_000);
    if (answer?.action === 'MessageError') throw this.#refused(cpaId, record, answer);
    const pong = answer;
    if (!pong) {
      await this.#failPing(record, sync ? 'no Pong in the HTTP response' : 'no Pong in time');
      throw new GatewayError('ERR_DELIVERY_FAILED', `no Pong for Ping ${record.messageId} over CPA ${cpaId}`, { expose: true });
    }
    const roundTripMs = performance.now() - t0;
    const current = await this.#d.cpas.require(cpaId);
    const activated = current.record.status !== 'geactiveerd';
    if (activated) await this.#d.cpas.activate(cpaId, `Pong ${pong.messageId} in ${roundTripMs.toFixed(0)} ms (${sync ? 'sync' : 'async'})`);
    const other = this.#d.cpas.otherParty(current.cpa);
    return { ping: record, pong, roundTripMs, sync, activated, otherParty: { partyName: other?.partyName ?? null, partyId: record.toParty } };
  }

  async #failPing(rec: MessageRecord, detail: string): Promise<void> {
    await this.#d.store.messages.setStatusIf(rec.id, ['PENDING'], 'FAILED', { at: new Date().toISOString(), event: 'FAILED', detail });
  }

  /** The peer answered the Ping with a MessageError (ebMS 2.0 §4.2): every eb:Error with its code and location. */
  #refused(cpaId: string, ping: MessageRecord, answer: MessageRecord): GatewayError {
    let errors: { errorCode: string; location: string; description: string }[] = [];
    try {
      const env = parseEnvelope(parseSoapWithAttachments(answer.raw, answer.contentType).soapPart.content);
      errors = (env.ErrorList?.Error ?? []).map((e) => ({ errorCode: e.errorCode, location: e.location ?? '(no location)', description: e.Description?.value ?? '' }));
    } catch { /* stored answers were parsed before; an unreadable one is reported without details */ }
    return new GatewayError('ERR_DELIVERY_FAILED', `the peer refused Ping ${ping.messageId} over CPA ${cpaId} with MessageError ${answer.messageId}`, {
      expose: true, problems: errors.map((e) => ({ path: e.location, message: `${e.errorCode}: ${e.description}` })),
    });
  }

  async #waitForAnswer(messageId: string, actions: string[], timeoutMs: number): Promise<MessageRecord | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.#d.store.messages.listByRef('in', messageId)).find((m) => actions.includes(m.action));
      if (found || Date.now() >= deadline) return found ?? null;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Inbound business messages the application has not confirmed yet (the adapter's back-office pulls these). */
  async unprocessed(cpaIds?: string[], limit = 100): Promise<MessageRecord[]> {
    const list = await this.#d.store.messages.list({ direction: 'in', kind: 'business', status: 'RECEIVED', ...(cpaIds ? { cpaIds } : {}), limit });
    return list.reverse();
  }

  parts(id: string): Promise<MessagePart[]> {
    return this.#d.store.messages.parts(id);
  }
}
