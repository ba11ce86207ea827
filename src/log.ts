import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs (pino, JSON lines). Secrets are never logged: keys, tokens, passwords and Authorization headers
 * are redacted wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'key', '*.key', '*.*.key', 'keyPem', '*.keyPem', 'token', '*.token', 'password', '*.password', 'secret', '*.secret', '*.sessionSecret', 'cookie', '*.cookie',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'knooppunt' } };
  return destination ? pino(opts, destination as unknown as pino.DestinationStream) : pino(opts);
}
