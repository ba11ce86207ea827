/**
 * Aanleveren over the REST API (seed 002 §3.1, §5): upload a ZIP for a product (multipart/form-data, field
 * `bestand`, product in `berichtstroom` — query or a form field before the file), list the uploads with their
 * status, and read one upload's verwerkingsverslag. Scoped to the token's organisation; the hub operator sees all.
 * A whole-file refusal is a 422 problem ERR_UPLOAD_REFUSED with the GGk manual's message at the field `bestand`.
 * The file is streamed to disk by busboy (src/api/multipart.ts), so the operation declares no parsed body.
 */
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { statusText } from '../routing/intake/estimate.js';
import type { IntakeScope, IntakeService } from '../routing/intake/service.js';
import type { RouteBerichtstroom, UploadRecord } from '../store/store.js';
import type { ApiContext, Principal } from './context.js';
import { receiveFile } from './multipart.js';
import { operation, zodProblems, type ApiModule } from './operation.js';
import { idParams } from './schemas.js';

const scopeOf = (p: Principal): IntakeScope => ({ organisationId: p.isOperator ? null : p.organisation.id });

function intakeOf(ctx: ApiContext): IntakeService {
  if (!ctx.intake) throw new GatewayError('ERR_NOT_FOUND', 'uploads exist in hub mode only');
  return ctx.intake;
}

const berichtstroom = z.enum(['ijw', 'iwmo'], { error: 'one of ijw, iwmo' });

const upload = z.object({
  id: z.string(), organisationId: z.string(), berichtstroom, bestandsnaam: z.string(), size: z.number().int(), sha256: z.string().nullable(),
  uploadedBy: z.string().nullable(), status: z.enum(['ontvangen', 'bezig', 'afgeleverd', 'afgekeurd']),
  statusText: z.string().meta({ description: 'Ontvangen, Bezig, verwachte aflevertijd HH:MM, Afgeleverd or Afgekeurd' }),
  foutmelding: z.string().nullable().meta({ description: 'whole-file refusal (GGk manual §5 category 1); then there is no verslag' }),
  entryCount: z.number().int().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), expectedDoneAt: z.string().nullable(), finishedAt: z.string().nullable(),
});
const entry = z.object({
  idx: z.number().int(), bestandsnaam: z.string(), berichttype: z.string().nullable(), referentienummer: z.string().nullable(),
  resultaat: z.enum(['doorgestuurd', 'postbus', 'dubbel', 'geweigerd']), foutcode: z.string().nullable(), reden: z.string().nullable(),
});

/** The upload as the API shows it: the row plus the status column's Dutch text. */
export function uploadView(u: UploadRecord): z.infer<typeof upload> {
  return { ...u, statusText: statusText(u) };
}

export const uploadModule: ApiModule = (ctx) => [
  operation({
    method: 'post', path: '/uploads', operationId: 'createUpload', tag: 'uploads',
    summary: 'Aanleveren: upload a ZIP of StUF envelopes (.xml) for a product; processed in the background',
    description: 'multipart/form-data with the field `bestand` (the .zip, at most intake.maxUploadBytes) and the product in `berichtstroom` '
      + '(the query parameter, or a form field before the file). Streamed to disk, never parsed in memory.',
    query: z.object({ berichtstroom: berichtstroom.optional() }).strict(),
    responses: { 202: { description: 'Ontvangen: queued for processing (Location: the upload)', schema: upload } },
    errors: { 400: 'No file, or no or an unknown berichtstroom', 415: 'Not multipart/form-data', 422: 'Refused whole (ERR_UPLOAD_REFUSED): not .zip, too large, not a valid ZIP, zip-bomb caps; no verslag' },
    handler: async ({ query, principal, req, res }) => {
      const intake = intakeOf(ctx);
      if (!req.is('multipart/form-data')) throw new GatewayError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send the file as multipart/form-data (field bestand)');
      const { upload: u, refused } = await receiveFile(req, { field: 'bestand', maxFileBytes: intake.limits.maxUploadBytes }, async ({ fields, filename, stream }) => {
        const parsed = berichtstroom.safeParse(query.berichtstroom ?? fields.berichtstroom);
        if (!parsed.success) throw new GatewayError('ERR_VALIDATION', 'Invalid request', { problems: zodProblems(parsed.error).map((p) => ({ ...p, path: 'berichtstroom' })) });
        const stroom: RouteBerichtstroom = parsed.data;
        return intake.receive({ organisationId: principal.organisation.id, berichtstroom: stroom, bestandsnaam: filename, uploadedBy: `token:${principal.tokenId}`, content: stream });
      });
      res.setHeader('Location', `/api/uploads/${u.id}`);
      if (refused) throw new GatewayError('ERR_UPLOAD_REFUSED', u.foutmelding!, { problems: [{ path: 'bestand', message: u.foutmelding! }] });
      res.status(202).json(uploadView(u));
    },
  }),
  operation({
    method: 'get', path: '/uploads', operationId: 'listUploads', tag: 'uploads',
    summary: "The caller's uploads with status (Ontvangen, Bezig, verwachte aflevertijd HH:MM, Afgeleverd, Afgekeurd), newest first",
    query: z.object({ berichtstroom: berichtstroom.optional() }).strict(),
    responses: { 200: { description: 'OK', schema: z.object({ uploads: z.array(upload) }) } },
    handler: async ({ query, principal }) => ({
      uploads: (await intakeOf(ctx).list(scopeOf(principal), query.berichtstroom ? { berichtstroom: query.berichtstroom } : {})).map(uploadView),
    }),
  }),
  operation({
    method: 'get', path: '/uploads/{id}', operationId: 'getUpload', tag: 'uploads',
    summary: 'One upload with its verwerkingsverslag (per entry: bestandsnaam, berichttype, resultaat, foutcode, reden)',
    params: idParams('upload id'),
    responses: { 200: { description: 'OK', schema: upload.extend({ verslag: z.array(entry).nullable() }) } },
    errors: { 404: "No such upload of the caller's organisation" },
    handler: async ({ params, principal }) => {
      const { upload: u, verslag } = await intakeOf(ctx).get(scopeOf(principal), params.id);
      return { ...uploadView(u), verslag: u.foutmelding ? null : verslag.map(({ uploadId: _u, sha256: _s, logId: _l, ...e }) => e) };
    },
  }),
];
