import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket, PeerCertificate } from 'node:tls';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import { buildSoapFault } from '../envelope/fault.js';
import { ConnectionGuard, DEFAULT_LISTENER_LIMITS, type ListenerLimits } from './guard.js';
import { RefusalLog } from './refusal-log.js';
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
 * Why a TLS handshake failed, as a bounded metric label. Node verifies the client certificate itself after
 * OpenSSL's handshake (rejectUnauthorized) and then destroys the socket, which surfaces as ECONNRESET "socket hang
 * up"; the real reason is the X.509 verification code it left in `authorizationError` (CERT_HAS_EXPIRED,
 * CERT_NOT_YET_VALID, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_REVOKED, …; issue 9 item 5). Otherwise the OpenSSL or
 * Node error code (ERR_SSL_…, ERR_TLS_HANDSHAKE_TIMEOUT, ECONNRESET). Codes are constants of OpenSSL and Node,
 * never peer text; anything else is "other".
 */
export function tlsRefusalReason(err: NodeJS.ErrnoException, socket: TLSSocket): string {
  const auth = (socket as { authorizationError?: Error | string }).authorizationError;
  const code = typeof auth === 'string' ? auth : (auth as NodeJS.ErrnoException | undefined)?.code ?? err.code ?? '';
  return /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : 'other';
}

/** The raw TCP socket under a server-side TLS socket (node:tls keeps it as `_parent`). */
const rawOf = (socket: TLSSocket): Socket | undefined => (socket as unknown as { _parent?: Socket })._parent;

export interface EbmsServerDeps {
  logger: Logger;
  metrics: Metrics;
  limits?: ListenerLimits;
}

/**
 * The ebMS listener: HTTPS with mutual TLS (DK-02, DK-31: client-certificate authentication only). Handshakes
 * without a trusted client certificate never reach the handler; they are counted by reason and logged at a
 * limited rate. Connections are capped in total, per address and while in the handshake, before TLS starts
 * (issue 9 item 4); a request whose body stops arriving is closed after limits.ebmsIdleBodySeconds (item 7).
 */
export function createEbmsServer(tls: TlsMaterial, handler: EbmsRequestHandler, deps: EbmsServerDeps): Server {
  const limits = deps.limits ?? DEFAULT_LISTENER_LIMITS;
  const guard = new ConnectionGuard(limits);
  const refusals = new RefusalLog(deps.logger);
  const gauge = () => {
    deps.metrics.ebmsConnections.set({ state: 'open' }, guard.open);
    deps.metrics.ebmsConnections.set({ state: 'handshaking' }, guard.handshaking);
  };

  const server = createServer({ ...serverTlsOptions(tls), handshakeTimeout: limits.handshakeTimeoutMs }, (req, res) => {
    const peer = peerOf(req);
    if (!peer) { // unreachable with rejectUnauthorized, kept as a second lock
      res.writeHead(403).end();
      return;
    }
    watchIdleBody(req, res, limits.idleBodyMs, deps);
    Promise.resolve().then(() => handler(req, res, peer)).catch((err: unknown) => {
      // Last resort: no inbound input ever gets an HTTP 500 without a SOAP Fault body (issue 9 item 2).
      deps.logger.error({ err }, 'ebMS handler failed; answered with a SOAP Fault (Server)');
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(500, { 'content-type': 'text/xml; charset=UTF-8' });
      res.end(buildSoapFault('Server', 'internal error while processing the message; it was not accepted, send it again later'));
    });
  });

  // Before node:tls wraps the socket: a connection over a limit is closed at once and never gets a TLS socket
  // (no OpenSSL state is allocated for it). node:tls's own 'connection' listener is called only for admitted ones.
  const tlsListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const reason = guard.admit(socket);
    if (reason === null) {
      socket.once('close', gauge);
      gauge();
      for (const l of tlsListeners) l.call(server, socket);
      return;
    }
    deps.metrics.ebmsConnectionsRefused.inc({ reason });
    refusals.note(reason, { remote: socket.remoteAddress }, 'connection to the ebMS listener refused: limit reached');
    socket.destroy();
  });
  // The peer certificate is read once per connection (peerOf): no renegotiation may change it afterwards.
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.disableRenegotiation();
    const raw = rawOf(socket);
    if (raw) {
      guard.handshakeDone(raw);
      socket.once('close', () => { guard.closed(raw); gauge(); });
    }
    gauge();
  });
  server.keepAliveTimeout = 65_000;
  // Headers must be complete within the idle period; a whole request within 300 s (30 MiB at ≥ 1 Mbit/s).
  server.headersTimeout = Math.min(limits.idleBodyMs, 65_000);
  server.requestTimeout = 300_000;
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const raw = rawOf(socket);
    if (raw) { guard.closed(raw); gauge(); } // the socket is destroyed after a handshake error
    const reason = tlsRefusalReason(err, socket);
    deps.metrics.tlsRejected.inc({ reason });
    refusals.note(reason, { remote: socket.remoteAddress, message: err.message }, 'TLS handshake refused on ebMS listener');
  });
  server.on('close', () => refusals.close());
  return server;
}

/**
 * Idle-body timeout (issue 9 item 7): while the request is being received, the socket may be silent for at most
 * `idleMs`; then the peer gets HTTP 408 and the connection is closed. Once the body is complete the timer is off
 * (processing time is not the peer's idleness) and keep-alive takes over.
 */
function watchIdleBody(req: IncomingMessage, res: ServerResponse, idleMs: number, deps: EbmsServerDeps): void {
  if (req.complete) return;
  req.setTimeout(idleMs, () => {
    if (req.complete) return;
    deps.metrics.ebmsRequests.inc({ outcome: 'idle_timeout' });
    deps.logger.info({ remote: req.socket.remoteAddress, idleSeconds: idleMs / 1000 }, 'ebMS request body stopped arriving; connection closed');
    if (!res.headersSent) {
      res.writeHead(408, { 'content-type': 'text/plain', connection: 'close' });
      res.end(`request body stopped arriving for ${idleMs / 1000} s\n`, () => req.socket.destroy());
    } else req.socket.destroy();
  });
  req.once('end', () => req.socket.setTimeout(0));
}
