import { z } from 'zod';
import { errorCatalogue } from '../errors.js';
import type { Operation } from './operation.js';
import { PROBLEM_JSON } from './problem.js';

/**
 * The OpenAPI 3.1 document served at /api/openapi.json, generated from the operations themselves: the zod
 * schemas that validate path parameters, query and body become the parameters and request bodies (JSON Schema
 * 2020-12 via z.toJSONSchema), so the document cannot drift from what the API accepts.
 */
type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return tidy(out);
}

/** Integer query parameters are validated from their text form; the document shows the integer only. */
function tidy(s: Json): Json {
  if (s.type === 'integer') delete s.pattern;
  for (const v of Object.values(s)) {
    if (Array.isArray(v)) v.forEach((x) => { if (x && typeof x === 'object') tidy(x as Json); });
    else if (v && typeof v === 'object') tidy(v as Json);
  }
  return s;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => {
    const { description, ...rest } = p;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** Tag descriptions; a module with a new tag adds it here (the lint wants every tag described). */
const TAGS: Record<string, string> = {
  organisations: 'Organisation registry: gemeenten, zorgaanbieders, chain partners, the hub',
  cpas: 'CPA Beheer: generate, validate, import, download, withdraw, Ping Pong',
  messages: 'ebMS messages: send, list, show, raw bytes, pull and confirm',
  routing: 'Routing table per gemeente, berichtstroom and berichttype; chain partners',
  mailbox: 'Portaal mailbox: files waiting for a gemeente',
  uploads: 'Aanleveren: ZIP files of StUF envelopes, processed in the background, with a verwerkingsverslag',
  meta: 'This document',
};

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string): Json => ({ description, content: { [PROBLEM_JSON]: { schema: problemRef } } });

export function buildOpenApi(ops: Operation[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const tags = new Set<string>();
  for (const { spec: s } of ops) {
    tags.add(s.tag);
    const responses: Json = {};
    for (const [status, r] of Object.entries(s.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } } }
        : r.contentType ? { description: r.description, content: { [r.contentType]: { schema: { type: 'string' } } } } : { description: r.description };
    }
    const errors: Record<number, string> = { ...(s.errors ?? {}) };
    if ((s.auth ?? 'token') === 'token') errors[401] ??= 'No token, or an invalid or revoked token';
    if (s.params || s.query || s.body) errors[400] ??= 'Invalid request: every problem with its field';
    if (s.body) errors[415] ??= 'Content-Type not accepted';
    errors[405] ??= 'Method not allowed (the Allow header lists the allowed ones)';
    for (const [status, description] of Object.entries(errors)) responses[status] = problemResponse(description);
    const parameterList = [...parameters(s.params, 'path'), ...parameters(s.query, 'query')];
    const body = s.body ? {
      required: s.body.required !== false,
      content: Object.fromEntries((s.body.contentTypes ?? ['application/json']).map((t) => [
        t, { schema: t.startsWith('text/') || t.endsWith('/xml') ? { type: 'string' } : jsonSchema(s.body!.schema, 'input') },
      ])),
    } : undefined;
    (paths[s.path] ??= {})[s.method] = {
      operationId: s.operationId, summary: s.summary, ...(s.description ? { description: s.description } : {}), tags: [s.tag],
      ...((s.auth ?? 'token') === 'none' ? { security: [] } : {}),
      ...(parameterList.length ? { parameters: parameterList } : {}),
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'knooppunt API', version: '0.1.0',
      description: 'REST API of knooppunt. Every call needs `Authorization: Bearer <token>` (create one with `knooppunt tokens create --org CODE|OIN`) and is scoped to the token\'s organisation; the hub operator may act for all. Errors are RFC 9457 problem details.',
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [{ url: '/api' }],
    security: [{ bearer: [] }],
    tags: [...tags].sort().map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status', 'detail', 'code'],
          description: 'RFC 9457 problem details; `code` and `problems` are extension members',
          properties: {
            type: { type: 'string', format: 'uri-reference' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            instance: { type: 'string', format: 'uri-reference' },
            code: { type: 'string', enum: Object.keys(errorCatalogue) },
            problems: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' }, severity: { type: 'string', enum: ['error', 'warning'] } } } },
          },
        },
      },
    },
  };
}
