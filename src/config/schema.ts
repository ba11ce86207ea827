import cron from 'node-cron';
import { z } from 'zod';

/** OIN: 20 digits (IA ch06); the hub's own OIN carries no non-production suffix. */
export const OIN_PATTERN = /^\d{20}$/;

const httpsUrl = z.string().refine((s) => {
  try { return new URL(s).protocol === 'https:'; } catch { return false; }
}, 'must be an https:// URL (DK-02: HTTPS is the only transport)');

const certKey = z.strictObject({ cert: z.string().min(1), key: z.string().min(1) });
const listener = z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535) });

export const configSchema = z.strictObject({
  mode: z.enum(['hub', 'adapter']),
  hub: z.strictObject({
    name: z.string().min(1),
    oin: z.string().regex(OIN_PATTERN, 'must be 20 digits (OIN)'),
    endpoints: z.strictObject({ diginetwerk: httpsUrl, internet: httpsUrl }),
  }),
  tls: z.strictObject({
    server: certKey,
    client: certKey,
    signing: certKey,
    trustAnchors: z.array(z.string().min(1)).min(1, 'at least one trust anchor file is needed'),
    crls: z.array(z.string().min(1)),
    crlRefreshMinutes: z.number().int().min(1).max(240, 'at most 240 minutes (DK-30: refresh CRLs at least every 4 h)'),
  }),
  listen: z.strictObject({ portal: listener, ebms: listener }),
  portal: z.strictObject({
    cookieSecure: z.enum(['auto', 'always', 'never']),
    sessionSecret: z.string(),
    sessionIdleMinutes: z.number().int().min(1).max(24 * 60),
    loginRateLimit: z.number().int().min(1),
    lockoutAttempts: z.number().int().min(1),
    lockoutMinutes: z.number().int().min(1),
  }),
  store: z.strictObject({ kind: z.enum(['sqlite']), path: z.string().min(1) }),
  dataDir: z.string().min(1),
  schemaDir: z.string(),
  legacy: z.strictObject({ sha1: z.boolean(), rsa15: z.boolean() }),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  metrics: z.strictObject({ requireToken: z.boolean() }),
  processing: z.strictObject({
    maxAttempts: z.number().int().min(1), budgetMs: z.number().int().positive(),
    workerThresholdBytes: z.number().int().min(0), workers: z.number().int().min(1),
  }),
  shutdown: z.strictObject({ graceMs: z.number().int().positive() }),
  limits: z.strictObject({
    ebmsMaxBytes: z.number().int().positive(),
    ebmsMaxHeaderValueChars: z.number().int().min(256),
    ebmsMaxMimeParts: z.number().int().min(1),
    ebmsIdleBodySeconds: z.number().int().min(1),
    ebmsMaxConnections: z.number().int().min(1),
    ebmsMaxConnectionsPerAddress: z.number().int().min(1),
    ebmsMaxHandshakes: z.number().int().min(1),
    ebmsHandshakeTimeoutSeconds: z.number().int().min(1),
    apiMaxBytes: z.number().int().positive(),
    // src/xml-limits.ts: applied by every XML reader while it reads (issue 9).
    xml: z.strictObject({
      maxDepth: z.number().int().positive(),
      maxElements: z.number().int().positive(),
      maxAttributes: z.number().int().positive(),
      maxNameLength: z.number().int().positive(),
      maxAttributeValueLength: z.number().int().positive(),
    }),
  }),
  intake: z.strictObject({
    maxUploadBytes: z.number().int().positive(),
    maxEntries: z.number().int().positive().max(1_000_000),
    maxUncompressedBytes: z.number().int().positive(),
    maxCompressionRatio: z.number().positive(),
  }),
  retention: z.strictObject({
    readHours: z.number().positive(),
    days: z.number().positive(),
    schedule: z.string().refine((s) => cron.validate(s), 'must be a cron expression (node-cron), e.g. "7 * * * *"'),
  }),
});

export type KnooppuntConfig = z.infer<typeof configSchema>;

/** The loaded configuration plus what was read from disk once at start-up (PEMs), frozen. */
export interface LoadedConfig extends KnooppuntConfig {
  /** The configuration file, or null when built from defaults/environment only. */
  source: string | null;
  pem: {
    server: { cert: string; key: string };
    client: { cert: string; key: string };
    signing: { cert: string; key: string };
    trustAnchors: string[];
  };
}
