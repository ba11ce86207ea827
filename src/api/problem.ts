import type { NextFunction, Request, Response } from 'express';
import { errorCatalogue, GatewayError, isGatewayError, type GatewayErrorCode, type Problem } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * Errors of the REST API as RFC 9457 problem details (`application/problem+json`). `type` names the error code,
 * `title` is the code's fixed description, `detail` this occurrence; the extension members `code` (our
 * GatewayError code, docs/errors.md) and `problems` (every problem with its field) are kept for clients.
 */
export const PROBLEM_JSON = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: GatewayErrorCode;
  problems?: Problem[];
}

export const problemType = (code: GatewayErrorCode): string => `urn:knooppunt:problem:${code}`;

export function problemDetails(e: GatewayError, instance?: string): ProblemDetails {
  const body = e.toJSON();
  return {
    type: problemType(e.code), title: errorCatalogue[e.code].description, status: e.httpStatus, detail: body.message,
    ...(instance ? { instance } : {}), code: e.code, ...(body.problems ? { problems: body.problems } : {}),
  };
}

export function sendProblem(res: Response, e: GatewayError, instance?: string): void {
  if (e.code === 'ERR_UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="knooppunt"');
  res.status(e.httpStatus).type(PROBLEM_JSON).send(JSON.stringify(problemDetails(e, instance)));
}

/** Errors raised by express itself and its body parsers, in our terms. */
export function toGatewayError(err: unknown, maxBytes: number): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as { type?: string; status?: number; name?: string; message?: string; charset?: string };
  if (e?.type === 'entity.too.large') return new GatewayError('ERR_PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
  if (e?.type === 'entity.parse.failed') return new GatewayError('ERR_VALIDATION', 'request body is not valid JSON', { problems: [{ path: '(body)', message: 'not valid JSON' }] });
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return new GatewayError('ERR_UNSUPPORTED_MEDIA_TYPE', `unsupported ${e.type === 'charset.unsupported' ? `charset ${e.charset ?? ''}` : 'content encoding'}`.trim());
  }
  // The router decodes path parameters with decodeURIComponent: a malformed escape (%ZZ) is the caller's mistake.
  if (e?.name === 'URIError' && e.status === 400) {
    return new GatewayError('ERR_VALIDATION', 'malformed percent-encoding in the path', { problems: [{ path: '(path)', message: e.message ?? 'malformed percent-encoding' }] });
  }
  return new GatewayError('ERR_INTERNAL', 'internal error', { cause: err });
}

/** The last error handler of the portal/API app: every error leaves as a problem response. */
export function problemHandler(opts: { logger: Logger; maxBytes: number }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = toGatewayError(err, opts.maxBytes);
    if (e.httpStatus >= 500) opts.logger.error({ err, method: req.method, route: res.locals.route ?? null }, 'API request failed');
    if (res.headersSent) { res.end(); return; }
    sendProblem(res, e);
  };
}
