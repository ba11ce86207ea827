/**
 * The single table of configuration settings: path in knooppunt.config.json, environment override, type,
 * default (absent = required) and what it means. docs/configuration.md is generated from this table
 * (`npx knooppunt config --docs`), and the loader derives its environment overrides from it.
 */
export type SettingType = 'string' | 'number' | 'boolean' | 'list' | 'enum';

export interface Setting {
  path: string;
  type: SettingType;
  default?: string | number | boolean | string[];
  /** File paths are resolved relative to the configuration file's folder. */
  isPath?: boolean;
  /** No fixed default, but one derived from other settings when absent (shown in docs/configuration.md). */
  derived?: string;
  doc: string;
}

export const MB = 1024 * 1024;

export const SETTINGS: readonly Setting[] = [
  { path: 'mode', type: 'enum', default: 'hub', doc: 'hub: act as the knooppunt (StUF routing of every inbound message); adapter: a gemeente\'s or zorgaanbieder\'s own MSH whose back-office pulls messages through the API.' },
  { path: 'hub.name', type: 'string', doc: "The hub's organisation name, as put in generated CPAs (PartyInfo/@partyName)." },
  { path: 'hub.oin', type: 'string', doc: "The hub's OIN (20 digits; PartyId type urn:osb:oin). Must equal subject.serialNumber of its certificates (DK-16)." },
  { path: 'hub.endpoints.diginetwerk', type: 'string', derived: '`https://localhost:{listen.ebms.port}/ebms`', doc: 'ebMS endpoint URL of the hub on Diginetwerk (https); used in CPAs with connectietype diginetwerk.' },
  { path: 'hub.endpoints.internet', type: 'string', derived: '`https://localhost:{listen.ebms.port}/ebms`', doc: 'ebMS endpoint URL of the hub on the Internet (https); used in CPAs with connectietype internet. Set both endpoints in production: when absent they follow the ebMS listen port on localhost (development).' },
  { path: 'tls.server.cert', type: 'string', isPath: true, doc: 'PEM file: TLS server certificate of the ebMS listener (its host must match the endpoint URLs, DK-37).' },
  { path: 'tls.server.key', type: 'string', isPath: true, doc: 'PEM file: private key of the TLS server certificate.' },
  { path: 'tls.client.cert', type: 'string', isPath: true, doc: 'PEM file: TLS client certificate presented to peers (mutual TLS, DK-02).' },
  { path: 'tls.client.key', type: 'string', isPath: true, doc: 'PEM file: private key of the TLS client certificate.' },
  { path: 'tls.signing.cert', type: 'string', isPath: true, doc: 'PEM file: certificate for XML signatures and payload decryption (profiles -s and -e).' },
  { path: 'tls.signing.key', type: 'string', isPath: true, doc: 'PEM file: private key of the signing certificate.' },
  { path: 'tls.trustAnchors', type: 'list', isPath: true, doc: 'PEM files with the trusted roots/intermediates for peer certificates (PKIoverheid Private Root in production, PKI005). Environment: comma-separated.' },
  { path: 'tls.crls', type: 'list', default: [], doc: 'CRL files or http(s) URLs, refreshed periodically (DK-30). Environment: comma-separated.' },
  { path: 'tls.crlRefreshMinutes', type: 'number', default: 240, doc: 'How often CRLs are reloaded, in minutes (at most 240: DK-30 asks for at least every 4 h).' },
  { path: 'listen.portal.host', type: 'string', default: '127.0.0.1', doc: 'Address of the portal/API listener (HTTP).' },
  { path: 'listen.portal.port', type: 'number', default: 8080, doc: 'Port of the portal/API listener.' },
  { path: 'portal.cookieSecure', type: 'enum', default: 'auto', doc: 'Secure flag of the portal session cookie: auto (only when the request came over TLS), always (behind a TLS-terminating proxy; sets trust proxy), never.' },
  { path: 'portal.sessionSecret', type: 'string', default: '', doc: 'Secret that signs the portal session cookie; empty = a random one per start (sessions end at a restart). Set it when several instances share sessions.' },
  { path: 'portal.sessionIdleMinutes', type: 'number', default: 30, doc: 'A portal session ends after this many minutes without a request (idle timeout).' },
  { path: 'portal.loginRateLimit', type: 'number', default: 20, doc: 'Login attempts per client address per 15 minutes; more get HTTP 429.' },
  { path: 'portal.lockoutAttempts', type: 'number', default: 5, doc: 'Consecutive wrong passwords after which a portal account is locked.' },
  { path: 'portal.lockoutMinutes', type: 'number', default: 15, doc: 'How long a locked portal account stays locked.' },
  { path: 'listen.ebms.host', type: 'string', default: '127.0.0.1', doc: 'Address of the ebMS listener (HTTPS with mutual TLS).' },
  { path: 'listen.ebms.port', type: 'number', default: 8443, doc: 'Port of the ebMS listener.' },
  { path: 'store.kind', type: 'enum', default: 'sqlite', doc: 'Store implementation: sqlite (embedded; one instance).' },
  { path: 'store.path', type: 'string', default: 'data/knooppunt.db', isPath: true, doc: 'SQLite database file.' },
  { path: 'dataDir', type: 'string', default: 'data', isPath: true, doc: 'Folder for data files (mailbox, Ketendata drops, uploads).' },
  { path: 'schemaDir', type: 'string', default: '', isPath: true, doc: 'Optional folder with official XSDs for extra validation; empty = built-in TypeScript definitions only.' },
  { path: 'legacy.sha1', type: 'boolean', default: false, doc: 'Accept CPAs and signatures with SHA-1 (xmldsig#sha1, rsa-sha1), e.g. the Compliance Voorziening: a warning instead of an error (DK-27 asks SHA-2).' },
  { path: 'legacy.rsa15', type: 'boolean', default: false, doc: 'Decrypt parts whose key is wrapped with rsa-1_5 or encrypted with 3DES, on every CPA (DK-28 asks RSA-OAEP/AES). For an adapter on eluinstra/ebms-core prefer one CPA with `cpa generate --encryption ebms-core`, which accepts rsa-1_5 for that CPA only. Never used for sending.' },
  { path: 'log.level', type: 'enum', default: 'info', doc: 'Log level: fatal, error, warn, info, debug, trace or silent.' },
  { path: 'metrics.requireToken', type: 'boolean', default: false, doc: 'When true, /metrics needs an API token of the hub operator.' },
  { path: 'limits.ebmsMaxBytes', type: 'number', default: 30 * MB, doc: 'Largest ebMS request body accepted; larger requests get HTTP 413 before any parsing.' },
  { path: 'limits.ebmsMaxHeaderValueChars', type: 'number', default: 1024, doc: 'Longest ebMS header value (MessageId, ConversationId, CPAId, PartyId, …) accepted; a longer one is refused with a SOAP Fault naming its location.' },
  { path: 'limits.ebmsMaxMimeParts', type: 'number', default: 100, doc: 'Most MIME parts in one ebMS message (SOAP part included); more is refused with a SOAP Fault.' },
  { path: 'limits.ebmsIdleBodySeconds', type: 'number', default: 30, doc: 'An ebMS request whose headers or body stop arriving for this many seconds is answered HTTP 408 and its connection closed.' },
  { path: 'limits.ebmsMaxConnections', type: 'number', default: 1000, doc: 'Most open connections on the ebMS listener; further connections are closed at once (counted in knooppunt_ebms_connections_refused_total).' },
  { path: 'limits.ebmsMaxConnectionsPerAddress', type: 'number', default: 100, doc: 'Most open connections on the ebMS listener from one IP address.' },
  { path: 'limits.ebmsMaxHandshakes', type: 'number', default: 100, doc: 'Most connections on the ebMS listener whose TLS handshake (client certificate) is not yet complete; further connections are closed at once.' },
  { path: 'limits.ebmsHandshakeTimeoutSeconds', type: 'number', default: 10, doc: 'A connection that has not completed its TLS handshake within this many seconds is closed.' },
  { path: 'limits.apiMaxBytes', type: 'number', default: 30 * MB, doc: 'Largest REST API request body (JSON with base64 payloads).' },
  { path: 'processing.maxAttempts', type: 'number', default: 3, doc: 'Hub: processing attempts of one inbound message (each counted before it starts, so a crash or freeze counts) before it is QUARANTINED as a poison message, answered with a Fo01 (RIN001) and skipped by catch-up; release it with `knooppunt messages release ID`.' },
  { path: 'processing.budgetMs', type: 'number', default: 60_000, doc: 'Hub: processing-time budget of one message attempt; an overrun is recorded (event PROCESSING_OVERRUN, metric) and catch-up moves on to the next message.' },
  { path: 'processing.workerThresholdBytes', type: 'number', default: 256 * 1024, doc: 'Hub: an inbound StUF part of at least this size is parsed and validated (preflight) in a worker thread, so a large message never holds the event loop (/healthz, the ebMS listener, shutdown); an overrun of processing.budgetMs terminates the worker and counts a failed attempt. Smaller parts are handled inline.' },
  { path: 'processing.workers', type: 'number', default: 1, doc: 'Hub: most worker threads for preflight of large messages at once (further large messages wait in line).' },
  { path: 'shutdown.graceMs', type: 'number', default: 10_000, doc: 'After SIGTERM/SIGINT the process stops within this time: listeners close and in-flight work finishes, then it exits hard (exit code 1) if still busy.' },
  { path: 'limits.xml.maxDepth', type: 'number', default: 256, doc: 'Deepest element nesting any XML reader accepts (ebMS envelope, StUF envelope, iWmo/iJw payload, CPA); a real iJw message is < 20 deep. Deeper input is refused while it is read: SOAP Fault (envelope), Fo01 RIN001/StUF055 (hub), invalid CPA.' },
  { path: 'limits.xml.maxElements', type: 'number', default: 1_000_000, doc: 'Most elements in one XML document (same readers and refusals as limits.xml.maxDepth).' },
  { path: 'limits.xml.maxAttributes', type: 'number', default: 256, doc: 'Most attributes (namespace declarations included) on one XML element.' },
  { path: 'limits.xml.maxNameLength', type: 'number', default: 1024, doc: 'Longest XML element or attribute name, in characters.' },
  { path: 'limits.xml.maxAttributeValueLength', type: 'number', default: 65_536, doc: 'Longest XML attribute value, in characters.' },
  { path: 'intake.maxUploadBytes', type: 'number', default: 1024 * MB, doc: 'Largest ZIP file accepted on Aanleveren (seed 001 §3.2: "mag niet groter zijn dan 1GB"); larger uploads are refused whole while streaming.' },
  { path: 'intake.maxEntries', type: 'number', default: 100_000, doc: 'Most entries one uploaded ZIP may hold; more: the whole file is refused before any entry is processed.' },
  { path: 'intake.maxUncompressedBytes', type: 'number', default: 10 * 1024 * MB, doc: 'Largest total uncompressed size of the entries of one ZIP (zip-bomb cap); more: the whole file is refused.' },
  { path: 'intake.maxCompressionRatio', type: 'number', default: 100, doc: 'Highest compression ratio of one ZIP entry over 64 KiB (zip-bomb cap); an entry above it is refused in the verwerkingsverslag.' },
  { path: 'retention.readHours', type: 'number', default: 168, doc: 'A mailbox file marked gelezen is deleted this many hours after it was read, unless the mark is removed (seed 001 §4.2).' },
  { path: 'retention.days', type: 'number', default: 60, doc: 'Every mailbox file, every stored message (rows and raw bytes) and its Berichtenlog row is deleted this many days after arrival (seed 001 §4.2).' },
  { path: 'retention.schedule', type: 'string', default: '7 * * * *', doc: 'When the retention job runs (cron expression, node-cron; default hourly at minute 7). It logs what it removed.' },
];

export const ENV_PREFIX = 'KNOOPPUNT_';

/** `listen.portal.port` -> `KNOOPPUNT_LISTEN_PORTAL_PORT`; `tls.trustAnchors` -> `KNOOPPUNT_TLS_TRUST_ANCHORS`. */
export function envName(path: string): string {
  return ENV_PREFIX + path.split('.').map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}
