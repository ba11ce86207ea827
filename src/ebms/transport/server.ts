import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket, PeerCertificate } from 'node:tls';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import { buildSoapFault } from '../envelope/fault.js';
import { serverTlsOptions, type TlsMaterial } from './tls.js';

/** The TLS peer as seen on the socket (DK-16: its OIN is in subject.serialNumber). */
export interface TlsPeer {
  oin: string | null;
  subject: string;
  fingerprint256: string;
  /** DER of the peer's leaf certificate. */
  raw: Buffer;
}

export type EbmsRequestHandler = (req: IncomingMessage, res: ServerResponse, peer: TlsPeer) => void | Promise<void>;

/** The peer of a connection, read once per TLS socket (keep-alive connections carry many requests). */
const peers = new WeakMap<TLSSocket, TlsPeer>();

export function peerOf(req: IncomingMessage): TlsPeer | null {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return null;
  const known = peers.get(socket);
  if (known) return known;
  const peer = readPeer(socket);
  if (peer) peers.set(socket, peer);
  return peer;
}

function readPeer(socket: TLSSocket): TlsPeer | null {
  const c: PeerCertificate = socket.getPeerCertificate();
  if (!c || !c.raw) return null;
  const subject = c.subject as unknown as Record<string, string | string[]>;
  const serial = subject.serialNumber;
  return {
    oin: typeof serial === 'string' ? serial : Array.isArray(serial) ? serial[0] ?? null : null,
    subject: Object.entries(subject).map(([k, v]) => `${k}=${String(v)}`).join(', '),
    fingerprint256: c.fingerprint256,
    raw: c.raw,
  };
}

/**
 * The ebMS listener: HTTPS with mutual TLS (DK-02, DK-31: client-certificate authentication only). Handshakes
 * without a trusted client certificate never reach the handler; they are counted and logged.
 */
export function createEbmsServer(tls: TlsMaterial, handler: EbmsRequestHandler, deps: { logger: Logger; metrics: Metrics }): Server {
  const server = createServer(serverTlsOptions(tls), (req, res) => {
    const peer = peerOf(req);
    if (!peer) { // unreachable with rejectUnauthorized, kept as a second lock
      res.writeHead(403).end();
      return;
    }
    Promise.resolve().then(() => handler(req, res, peer)).catch((err: unknown) => {
      // Last resort: no inbound input ever gets an HTTP 500 without a SOAP Fault body (issue 9 item 2).
      deps.logger.error({ err }, 'ebMS handler failed; answered with a SOAP Fault (Server)');
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(500, { 'content-type': 'text/xml; charset=UTF-8' });
      res.end(buildSoapFault('Server', 'internal error while processing the message; it was not accepted, send it again later'));
    });
  });
  // The peer certificate is read once per connection (peerOf): no renegotiation may change it afterwards.
  server.on('secureConnection', (socket: TLSSocket) => { socket.disableRenegotiation(); });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 300_000;
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    const reason = err.code ?? 'unknown';
    deps.metrics.tlsRejected.inc({ reason });
    deps.logger.warn({ reason, remote: socket.remoteAddress, message: err.message }, 'TLS handshake refused on ebMS listener');
  });
  return server;
}
