import { Agent, request } from 'node:https';
import { clientTlsOptions, type TlsMaterial } from './tls.js';

/** Result of one POST to a peer MSH. */
export interface PostResult {
  status: number;
  contentType: string | null;
  body: Buffer;
}

/**
 * HTTP status handling for ebMS over HTTP (DK-33, KVS ch05 "HTTP Response Codes"): 2xx is success; 5xx is worth
 * another try (503 explicitly recoverable) except 501/505/510 which never heal; 3xx and 4xx are errors, of which
 * only 408 and 429 are worth another try (ebms-core `http.errors.*.recoverable`). Kept as data, not as branches.
 */
export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504, 507, 508, 511]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || (status >= 500 && ![501, 505, 510].includes(status));
}

/** A transport failure (connection refused, reset, TLS, timeout): always worth another try. */
export class TransportError extends Error {
  readonly code: string;
  readonly retryable = true;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
}

export interface ClientOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/**
 * Outbound HTTPS with the hub's client certificate (mutual TLS, DK-02), keep-alive, and timeouts. The peer's
 * server certificate must chain to our trust anchors and match the endpoint host (DK-37; Node's default
 * checkServerIdentity). Never sends Content-Transfer-Encoding (DK-32); SOAPAction is "ebXML" (ebMS 2.0 §B.2.2).
 */
export class EbmsClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(tls: TlsMaterial, opts: ClientOptions = {}) {
    this.#agent = new Agent({ ...clientTlsOptions(tls), keepAlive: true, maxSockets: 16, maxFreeSockets: 16, scheduling: 'lifo' });
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#maxResponseBytes = opts.maxResponseBytes ?? 30 * 1024 * 1024;
  }

  post(endpoint: string, body: Buffer | Buffer[], contentType: string): Promise<PostResult> {
    const chunks = Array.isArray(body) ? body : [body];
    const length = chunks.reduce((n, c) => n + c.length, 0);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: TransportError) => { if (!settled) { settled = true; reject(e); } };
      const req = request(endpoint, {
        method: 'POST',
        agent: this.#agent,
        headers: { 'Content-Type': contentType, 'Content-Length': String(length), SOAPAction: '"ebXML"' },
        timeout: this.#timeoutMs,
      }, (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.#maxResponseBytes) { res.destroy(); fail(new TransportError('ERR_RESPONSE_TOO_LARGE', `response from ${endpoint} exceeds ${this.#maxResponseBytes} bytes`)); }
          else parts.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, body: Buffer.concat(parts) });
        });
        res.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.code ?? 'ERR_RESPONSE', e.message)));
      });
      req.on('timeout', () => { req.destroy(); fail(new TransportError('ETIMEDOUT', `no answer from ${endpoint} within ${this.#timeoutMs} ms`)); });
      req.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.code ?? 'ERR_TRANSPORT', e.message)));
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
