/**
 * Our own failures (configuration, store, I/O, bad use of an API). A peer that sends something wrong gets a
 * wire error in its protocol's own terms instead: an ebMS `eb:Error` (src/ebms/errors.ts) or a StUF Fo01
 * (src/stuf/errors.ts). The catalogue below is the single list of codes; docs/errors.md is kept in step with it
 * by test/unit/errors-catalogue.test.ts.
 */
export const errorCatalogue = {
  ERR_CONFIG_INVALID: { httpStatus: 500, description: 'The configuration file or an environment override is invalid; every problem is listed with its path.' },
  ERR_CONFIG_NOT_FOUND: { httpStatus: 500, description: 'The configuration file named with --config does not exist.' },
  ERR_STORE_MIGRATION: { httpStatus: 500, description: 'A store migration failed to apply; the store is left at the last good version.' },
  ERR_STORE_UNAVAILABLE: { httpStatus: 503, description: 'The store cannot be opened or does not answer.' },
  ERR_PKI_CERT_INVALID: { httpStatus: 400, description: 'A certificate or key could not be parsed (PEM/DER) or does not fit its use.' },
  ERR_VALIDATION: { httpStatus: 400, description: 'API or CLI input is invalid; every problem is listed with its field.' },
  ERR_NOT_FOUND: { httpStatus: 404, description: 'The requested resource does not exist or is not visible to the caller.' },
  ERR_CONFLICT: { httpStatus: 409, description: 'The resource already exists or is in a state that does not allow the change.' },
  ERR_UNAUTHENTICATED: { httpStatus: 401, description: 'No valid credentials (API token or session) were presented.' },
  ERR_FORBIDDEN: { httpStatus: 403, description: 'The caller is authenticated but may not act for this organisation.' },
  ERR_METHOD_NOT_ALLOWED: { httpStatus: 405, description: 'The resource exists but does not support this HTTP method; the Allow header lists those it does.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, description: 'The request body has a Content-Type (or charset) this operation does not accept.' },
  ERR_PAYLOAD_TOO_LARGE: { httpStatus: 413, description: 'The request body exceeds the configured size limit; nothing was parsed.' },
  ERR_CPA_NOT_FOUND: { httpStatus: 404, description: 'No CPA with this CPAId is known.' },
  ERR_CPA_INVALID: { httpStatus: 422, description: 'A CPA failed validation; every problem is listed with severity and location.' },
  ERR_CPA_STATE: { httpStatus: 409, description: 'The CPA lifecycle does not allow this transition (e.g. activating a withdrawn CPA).' },
  ERR_UPLOAD_REFUSED: { httpStatus: 422, description: 'An uploaded file was refused as a whole (not a .zip, too large, not a valid ZIP, or a zip-bomb cap); the message is the GGk manual\'s text and there is no verwerkingsverslag.' },
  ERR_DELIVERY_FAILED: { httpStatus: 502, description: 'An outbound message could not be delivered to the peer (transport error or HTTP error status).' },
  ERR_INTERNAL: { httpStatus: 500, description: 'An unexpected internal failure; details are in the log, never in the response.' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

export type GatewayErrorCode = keyof typeof errorCatalogue;

/** One problem with its location (a config path, an API field, an XPath-like CPA location). */
export interface Problem {
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

export interface GatewayErrorOptions {
  cause?: unknown;
  problems?: Problem[];
  /** Whether the message may be shown to the caller (our internal failures are not). */
  expose?: boolean;
}

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly httpStatus: number;
  readonly problems: Problem[];
  readonly expose: boolean;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.httpStatus = errorCatalogue[code].httpStatus;
    this.problems = options.problems ?? [];
    this.expose = options.expose ?? this.httpStatus < 500;
  }

  /** JSON body for the REST API: only exposed errors show their message and problems. */
  toJSON(): { code: GatewayErrorCode; message: string; problems?: Problem[] } {
    if (!this.expose) return { code: this.code, message: errorCatalogue[this.code].description };
    return this.problems.length > 0
      ? { code: this.code, message: this.message, problems: this.problems }
      : { code: this.code, message: this.message };
  }
}

/** Bad configuration, raised at start-up with every problem listed. */
export class ConfigError extends GatewayError {
  constructor(message: string, problems: Problem[] = [], code: 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_NOT_FOUND' = 'ERR_CONFIG_INVALID') {
    super(code, message, { problems, expose: true });
    this.name = 'ConfigError';
  }

  /** One line per problem, for the terminal. */
  describe(): string {
    return [this.message, ...this.problems.map((p) => `  - ${p.path}: ${p.message}`)].join('\n');
  }
}

/** Invalid input to an API or CLI command: every problem with its field. */
export class ValidationError extends GatewayError {
  constructor(message: string, problems: Problem[]) {
    super('ERR_VALIDATION', message, { problems, expose: true });
    this.name = 'ValidationError';
  }
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}
