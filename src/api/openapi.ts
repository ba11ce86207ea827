/** The OpenAPI document served at /api/openapi.json; each route module contributes its paths. */
export function buildOpenApi(paths: Record<string, unknown>): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'knooppunt API', version: '0.1.0', description: 'REST API of knooppunt. Every call needs `Authorization: Bearer <token>` (create one with `knooppunt tokens create --org CODE|OIN`) and is scoped to the token\'s organisation; the hub operator may act for all.' },
    servers: [{ url: '/api' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, severity: { type: 'string' } } } } } },
        NewOrganisation: { type: 'object', required: ['kind', 'code', 'name'], properties: { kind: { enum: ['gemeente', 'zorgaanbieder', 'ketenpartner', 'knooppunt'] }, code: { type: 'string', description: 'gemeentecode (4 digits), AGB (8 digits) or OIN (20 digits)' }, name: { type: 'string' }, oins: { type: 'array', items: { type: 'string', pattern: '^\\d{20}$' } } } },
      },
    },
  };
}
