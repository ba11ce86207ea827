import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SoapFaultError } from '../errors.js';
import { buildSoapFault } from '../envelope/index.js';
import type { InboundPipeline } from '../pipeline.js';
import type { EbmsRequestHandler } from '../transport/server.js';
import type { MshDeps } from './deps.js';

const TEXT_XML = 'text/xml; charset=UTF-8';

function sendFault(res: ServerResponse, status: number, e: SoapFaultError): void {
  res.writeHead(status, { 'content-type': TEXT_XML });
  res.end(buildSoapFault(e.faultcode, e.message));
}

/**
 * Read the body with the size cap enforced while reading (and up front from Content-Length): 'too_large' (HTTP
 * 413). 'aborted' when the connection ends first (the peer went away, or the listener closed an idle body).
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large' | 'aborted'> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { req.removeAllListeners('data'); req.resume(); resolve('too_large'); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? 'too_large' : Buffer.concat(chunks, size)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => { if (!req.complete) resolve('aborted'); });
  });
}

/**
 * HTTP binding of the MSH (ebMS 2.0 Appendix B.2): POST to the endpoint path only (b.7 rule 1: anything else is a
 * SOAP Fault), the size cap before any parsing (HTTP 413), then the pipeline; its reply is written as given.
 */
export function ebmsHttpHandler(pipeline: InboundPipeline, deps: MshDeps, paths: Set<string>): EbmsRequestHandler {
  const handle = handleEbms(pipeline, deps, paths);
  return async (req, res, peer) => {
    try {
      await handle(req, res, peer);
    } catch (err) {
      // Last resort (issue 9 item 2): our own failure is never an empty HTTP 500; the peer gets a SOAP Fault
      // (Server, SOAP 1.1 §4.4.1: "the message could not be processed for reasons not directly attributable to
      // the contents of the message") and the cause goes to our log only, under an incident id.
      const incident = randomUUID();
      deps.logger.error({ err, incident, peer: peer.oin }, 'ebMS request failed inside the MSH; answered with a SOAP Fault (Server)');
      deps.metrics.ebmsRequests.inc({ outcome: 'error' });
      if (res.headersSent) { res.destroy(); return; }
      sendFault(res, 500, new SoapFaultError('Server', `internal error while processing the message (incident ${incident}); it was not accepted, send it again later`));
    }
  };
}

function handleEbms(pipeline: InboundPipeline, deps: MshDeps, paths: Set<string>): EbmsRequestHandler {
  return async (req, res, peer) => {
    const end = deps.metrics.ebmsDuration.startTimer();
    const path = (req.url ?? '/').split('?')[0]!;
    if (!paths.has(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ebMS endpoint at ${path}; use ${[...paths].join(' or ')}\n`);
      return;
    }
    if (req.method !== 'POST') {
      sendFault(res, 500, new SoapFaultError('Client', `HTTP ${req.method} is not allowed: ebMS messages are sent with POST (ebMS 2.0 §B.2.2)`));
      deps.metrics.ebmsRequests.inc({ outcome: 'fault' });
      return;
    }
    const body = await readBody(req, deps.maxBytes);
    if (body === 'aborted') { deps.metrics.ebmsRequests.inc({ outcome: 'aborted' }); return; }
    if (body === 'too_large') {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(`request body exceeds ${deps.maxBytes} bytes\n`);
      deps.metrics.ebmsRequests.inc({ outcome: 'too_large' });
      return;
    }
    const out = await pipeline.handle({ body, contentType: req.headers['content-type'] ?? '', soapAction: req.headers.soapaction as string | undefined, peer });
    deps.metrics.ebmsRequests.inc({ outcome: out.outcome });
    // Issue 10 §11: one line per inbound message — MessageId, CPA, action, outcome, error code; never the payload.
    const errors = out.errors?.map((e) => ({ errorCode: e.errorCode, location: e.location, description: e.message }));
    deps.metrics.inboundMessages.inc({ outcome: out.outcome, error_code: out.errors?.[0]?.errorCode ?? (out.fault ? `soap:${out.fault.faultcode}` : 'none') });
    deps.logger.info({
      ebms: {
        direction: 'in', messageId: out.record?.messageId ?? null, cpaId: out.record?.cpaId ?? null, action: out.record?.action ?? null, outcome: out.outcome, peer: peer.oin,
        ...(errors?.length ? { errorCode: errors[0]!.errorCode, errors } : {}),
        ...(out.fault ? { faultcode: out.fault.faultcode, faultstring: out.fault.message } : {}),
      },
    }, out.fault ? 'ebMS request answered with a SOAP Fault' : out.errors?.length ? 'ebMS message refused' : 'ebMS message received');
    const headers: Record<string, string> = {};
    if (out.reply.contentType) headers['content-type'] = out.reply.contentType;
    res.writeHead(out.reply.status, headers);
    res.end(out.reply.body);
    end();
  };
}
