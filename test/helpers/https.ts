import { request } from 'node:https';
import type { SecureContextOptions } from 'node:tls';

export interface HttpsResult { status: number; body: string; headers: Record<string, string | string[] | undefined> }

/** One HTTPS request with explicit TLS options; rejects with the TLS/socket error on a refused handshake. */
export function httpsRequest(url: string, tls: SecureContextOptions & { minVersion?: string; maxVersion?: string; ciphers?: string }, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, method: opts.method ?? 'GET', headers: opts.headers, agent: false } as never, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
