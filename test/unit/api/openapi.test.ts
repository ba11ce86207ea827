import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { apiOperations, createApiApp } from '../../../src/api/app.js';
import { packageRoot } from '../../../src/paths.js';
import { testApiContext, type TestApiContext } from '../../helpers/api.js';

type Doc = { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; parameters?: { name: string; in: string }[] }>> };

/** Issue 10 §13: the OpenAPI document is generated from the operations and their zod schemas, and lints clean. */
describe('OpenAPI document', () => {
  let ctx: TestApiContext;
  let doc: Doc;

  beforeAll(async () => {
    ctx = await testApiContext();
    const r = await request(createApiApp(ctx)).get('/api/openapi.json');
    expect(r.status).toBe(200);
    doc = r.body as Doc;
  });
  afterAll(() => ctx.store.close());

  test('redocly lint: 0 errors and 0 warnings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'knooppunt-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const out = execFileSync(process.execPath, [join(packageRoot, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', '--format', 'json', file], {
      encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const result = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: { message: string; location: unknown }[] };
    expect({ ...result.totals, problems: result.problems.map((p) => p.message) }).toMatchObject({ errors: 0, warnings: 0, problems: [] });
  });

  test('every operation of the app is documented, with an operationId, 4xx problems and its schemas', () => {
    const ops = apiOperations(ctx);
    expect(ops.length).toBeGreaterThan(25);
    for (const { spec } of ops) {
      const op = doc.paths[spec.path]?.[spec.method];
      expect([spec.path, spec.method, op?.operationId]).toEqual([spec.path, spec.method, spec.operationId]);
      expect(Object.keys(op!.responses).some((s) => /^4\d\d$/.test(s))).toBe(true);
      if (spec.body) expect(op!.requestBody).toBeDefined();
    }
    expect(new Set(ops.map((o) => o.spec.operationId)).size).toBe(ops.length);
  });

  test('POST /api/messages: the request body is the schema that validates it (parts cap, MIME type pattern)', () => {
    const send = doc.paths['/messages']!.post!;
    const schema = send.requestBody!.content['application/json']!.schema as { required: string[]; properties: { parts: { maxItems: number; items: { properties: { contentType: { pattern: string } } } } } };
    expect(schema.required).toEqual(['cpaId', 'action', 'parts']);
    expect(schema.properties.parts.maxItems).toBe(100);
    expect(new RegExp(schema.properties.parts.items.properties.contentType.pattern).test('text/xml\r\nX: 1')).toBe(false);
    expect(Object.keys(send.responses).sort()).toEqual(['202', '400', '401', '403', '404', '405', '409', '415']);
    const list = doc.paths['/messages']!.get!;
    expect(list.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['query:status', 'query:direction', 'query:kind', 'query:cpaId', 'query:from', 'query:to', 'query:limit', 'query:cursor']);
    expect(doc.paths['/messages/{id}']!.get!.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
  });
});
