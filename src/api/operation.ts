import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import { authenticateRequest } from './auth.js';
import type { ApiContext, Principal } from './context.js';

/**
 * One REST operation: its path, the zod schemas that validate its path parameters, query and body, its responses,
 * and the handler. The router and the OpenAPI document (src/api/openapi.ts) are both built from these, so what is
 * validated is what is documented. Adding a route = adding an `operation({...})` to a module's list.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** JSON response body (application/json unless contentType says otherwise). */
  schema?: z.ZodType;
  /** For non-JSON bodies (application/xml, application/zip…): the media type, body described as a string/binary. */
  contentType?: string;
}

export interface BodySpec<B extends z.ZodType> {
  schema: B;
  /** Accepted media types; default application/json. text and XML types arrive as a string. */
  contentTypes?: string[];
  /** Default true: a missing body is validated as `undefined`. */
  required?: boolean;
}

type AnyObject = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface OperationSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: Method;
  /** OpenAPI path template below /api, e.g. `/messages/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** 'token' (default): Authorization: Bearer; 'none': open. */
  auth?: 'token' | 'none';
  params?: P;
  query?: Q;
  body?: BodySpec<B>;
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses this operation answers with a problem (401, 405 and, with a body, 415 are added). */
  errors?: Record<number, string>;
  handler: (input: {
    params: z.output<P>; query: z.output<Q>; body: z.output<B>; principal: Principal; req: Request; res: Response;
  }) => Promise<unknown>;
}

/** An operation with its types erased (what modules hand to the app). */
export interface Operation {
  spec: OperationSpec<AnyObject, AnyObject, z.ZodType>;
}

export function operation<P extends AnyObject = z.ZodObject<{}>, Q extends AnyObject = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined>(
  spec: OperationSpec<P, Q, B>,
): Operation {
  return { spec: spec as unknown as OperationSpec<AnyObject, AnyObject, z.ZodType> };
}

/** A route module: its operations, built with the API context (services). */
export type ApiModule = (ctx: ApiContext) => Operation[];

/** `/messages/{id}` → `/messages/:id` (express 5 / path-to-regexp 8). */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** zod issues as our problems: the field path (query and path parameters by name) and zod's message. */
export function zodProblems(error: z.ZodError, where: '(body)' | '(query)' | '(path)' = '(body)'): Problem[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ path: [...at, k].join('.'), message: where === '(body)' ? 'is not a field of this request' : 'is not a parameter of this operation' }));
    }
    return [{ path: at.join('.') || where, message: i.message }];
  });
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, problems: Problem[], where: '(body)' | '(query)' | '(path)'): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push(...zodProblems(r.error, where));
  return undefined as z.output<T>;
}

const hasBody = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
const isText = (type: string): boolean => type.startsWith('text/') || type.endsWith('/xml') || type.endsWith('+xml');

function bodyParsers(types: string[], limit: number): RequestHandler[] {
  const json = types.filter((t) => !isText(t));
  const text = types.filter(isText);
  return [
    ...(json.length ? [express.json({ type: json, limit })] : []),
    ...(text.length ? [express.text({ type: text, limit })] : []),
  ];
}

/** Mount one operation on a router: route label, authentication, media type, validation, handler. */
export function mount(router: Router, ctx: ApiContext, op: Operation): void {
  const s = op.spec;
  const route = `/api${s.path}`;
  const types = s.body ? s.body.contentTypes ?? ['application/json'] : [];
  const chain: RequestHandler[] = [
    (_req, res, next) => { res.locals.route = route; next(); },
  ];
  if ((s.auth ?? 'token') === 'token') {
    chain.push(async (req, res, next) => { res.locals.principal = await authenticateRequest(ctx, req); next(); });
  }
  if (s.body) {
    chain.push((req, _res, next) => {
      if (hasBody(req) && !req.is(types)) {
        throw new GatewayError('ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted here; use ${types.join(' or ')}`);
      }
      next();
    });
    chain.push(...bodyParsers(types, ctx.config.limits.apiMaxBytes));
  }
  chain.push(async (req: Request, res: Response, next: NextFunction) => {
    const problems: Problem[] = [];
    const params = parse(s.params, req.params, problems, '(path)');
    const query = parse(s.query, req.query, problems, '(query)');
    const bodyValue = hasBody(req) ? req.body as unknown : undefined;
    const body = s.body && (s.body.required !== false || bodyValue !== undefined) ? parse(s.body.schema, bodyValue, problems, '(body)') : undefined;
    if (problems.length > 0) throw new ValidationError(`Invalid request: ${problems.length} problem(s)`, problems);
    const result = await s.handler({ params, query, body, principal: res.locals.principal as Principal, req, res });
    if (res.headersSent) return;
    if (result === undefined) { next(); return; }
    const status = Number(Object.keys(s.responses)[0] ?? 200);
    res.status(status).json(result);
  });
  router[s.method](expressPath(s.path), ...chain);
}

/** For every path: a wrong method gets 405 with Allow (RFC 9110 §15.5.6). Mount after all operations. */
export function mountMethodNotAllowed(router: Router, ops: Operation[]): void {
  const byPath = new Map<string, Set<string>>();
  for (const { spec } of ops) {
    const set = byPath.get(spec.path) ?? new Set<string>();
    set.add(spec.method.toUpperCase());
    if (spec.method === 'get') set.add('HEAD');
    byPath.set(spec.path, set);
  }
  for (const [path, methods] of byPath) {
    router.all(expressPath(path), (req, res) => {
      res.locals.route = `/api${path}`;
      const allow = [...methods].join(', ');
      res.setHeader('Allow', allow);
      throw new GatewayError('ERR_METHOD_NOT_ALLOWED', `${req.method} is not supported here; allowed: ${allow}`);
    });
  }
}
