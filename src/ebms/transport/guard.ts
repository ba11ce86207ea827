import type { Socket } from 'node:net';

/** Connection limits of the ebMS listener (limits.ebms* settings; issue 9 item 4). */
export interface ListenerLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Connections whose TLS handshake (and so client certificate) is not complete yet. */
  maxHandshakes: number;
  handshakeTimeoutMs: number;
  /** A request whose headers or body stop arriving for this long is answered 408 and closed. */
  idleBodyMs: number;
}

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  maxConnections: 1000, maxConnectionsPerAddress: 100, maxHandshakes: 100, handshakeTimeoutMs: 10_000, idleBodyMs: 30_000,
};

export type RefusalReason = 'max_connections' | 'max_connections_per_address' | 'max_handshakes';

/**
 * Counts the listener's TCP connections before TLS starts: open in total, open per remote address, and still in
 * the handshake (a TCP connection costs the peer nothing and needs no certificate). `admit` decides per new
 * connection; the counts go down when a connection closes or, for handshakes, completes.
 */
export class ConnectionGuard {
  readonly #limits: ListenerLimits;
  readonly #perAddress = new Map<string, number>();
  readonly #handshaking = new WeakSet<Socket>();
  readonly #admitted = new WeakMap<Socket, string>();
  #open = 0;
  #pending = 0;

  constructor(limits: ListenerLimits) {
    this.#limits = limits;
  }

  get open(): number { return this.#open; }
  get handshaking(): number { return this.#pending; }

  /**
   * Admits a new raw connection or returns why it must be refused. An admitted connection is counted until
   * `closed(socket)` (idempotent): node:tls moves the handle to its TLS socket, so the raw socket's own 'close' is
   * not a reliable end; the listener calls `closed` on every way out (TLS error, TLS socket closed, raw close).
   */
  admit(socket: Socket): RefusalReason | null {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (this.#open >= this.#limits.maxConnections) return 'max_connections';
    if (fromAddress >= this.#limits.maxConnectionsPerAddress) return 'max_connections_per_address';
    if (this.#pending >= this.#limits.maxHandshakes) return 'max_handshakes';
    this.#open++;
    this.#pending++;
    this.#perAddress.set(address, fromAddress + 1);
    this.#handshaking.add(socket);
    this.#admitted.set(socket, address);
    socket.once('close', () => this.closed(socket));
    return null;
  }

  /** The TLS handshake of this raw connection is over (completed, refused or closed). */
  handshakeDone(socket: Socket): void {
    if (this.#handshaking.delete(socket)) this.#pending--;
  }

  /** The connection is gone: its counts are released (once). */
  closed(socket: Socket): void {
    const address = this.#admitted.get(socket);
    if (address === undefined) return;
    this.#admitted.delete(socket);
    this.handshakeDone(socket);
    this.#open--;
    const n = (this.#perAddress.get(address) ?? 1) - 1;
    if (n <= 0) this.#perAddress.delete(address);
    else this.#perAddress.set(address, n);
  }
}
