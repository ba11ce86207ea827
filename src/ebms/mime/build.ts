/**
 * SOAP Messages with Attachments send side (ebMS 2.0 §2.1, ebms2-digikoppeling.md b.1):
 * `multipart/related; type="text/xml"; boundary=…; start="<soap content-id>"`, the SOAP part first with
 * `Content-Type: text/xml; charset=UTF-8` and a Content-ID, then one part per payload. Never a
 * Content-Transfer-Encoding header: Digikoppeling sends binary (DK-32).
 * Without attachments the envelope is sent as plain text/xml, as ebms-core and Hermes send signals.
 */
import { randomUUID } from 'node:crypto';
import { quoteParam } from './content-type.js';

export const SOAP_PART_CONTENT_TYPE = 'text/xml; charset=UTF-8';

export interface OutboundAttachment {
  /** Content-ID without angle brackets; the Manifest refers to it as `cid:<contentId>`. */
  contentId: string;
  contentType: string;
  content: Buffer;
}

export interface BuildMimeOptions {
  /** Content-ID of the SOAP part (without brackets); default `soap-<uuid>@knooppunt`. */
  soapContentId?: string;
  /** Boundary to use (tests); default a random one, re-drawn if it occurs in any part. */
  boundary?: string;
  /** Send multipart/related even without attachments (default false: plain text/xml). */
  alwaysMultipart?: boolean;
}

export interface BuiltMime {
  /** Value for the HTTP Content-Type header. */
  contentType: string;
  /** The body as a list of buffers (no copy of the payloads): write them in order, e.g. with `req.write`. */
  chunks: Buffer[];
  /** Total length of the body in octets (HTTP Content-Length). */
  contentLength: number;
  /**
   * The body as one Buffer, concatenated on first access and cached (copying 50 MiB costs ~80 ms here,
   * almost all of it first-touch of the new memory; use `chunks` on the hot path).
   */
  readonly body: Buffer;
}

function builtMime(contentType: string, chunks: Buffer[]): BuiltMime {
  let body: Buffer | undefined;
  return {
    contentType,
    chunks,
    contentLength: chunks.reduce((n, c) => n + c.length, 0),
    get body(): Buffer {
      body ??= chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      return body;
    },
  };
}

/** Header injection guard: header values we write must be single-line. */
function assertHeaderValue(name: string, value: string): void {
  if (/[\r\n]/.test(value) || value === '') throw new TypeError(`${name} must be a non-empty single-line value`);
}

export function buildSoapWithAttachments(
  soapXml: string,
  attachments: readonly OutboundAttachment[],
  opts: BuildMimeOptions = {},
): BuiltMime {
  const soap = Buffer.from(soapXml, 'utf8');
  if (attachments.length === 0 && !opts.alwaysMultipart) {
    return builtMime(SOAP_PART_CONTENT_TYPE, [soap]);
  }
  const soapContentId = opts.soapContentId ?? `soap-${randomUUID()}@knooppunt`;
  assertHeaderValue('soapContentId', soapContentId);
  for (const a of attachments) {
    assertHeaderValue('contentId', a.contentId);
    assertHeaderValue('contentType', a.contentType);
  }
  const contents = [soap, ...attachments.map((a) => a.content)];
  // RFC 2046 §5.1.1: the boundary must not occur in any encapsulated part. A given boundary is checked; a random
  // one (128 bits) is not worth a scan of every payload (that scan costs ~25 ms per 50 MiB).
  const boundary = opts.boundary ?? newBoundary();
  assertHeaderValue('boundary', boundary);
  if (opts.boundary !== undefined && contents.some((c) => c.includes(`--${boundary}`, 0, 'latin1'))) {
    throw new TypeError('boundary occurs in the content of a part');
  }

  const chunks: Buffer[] = [];
  const head = (contentType: string, contentId: string, first: boolean): Buffer =>
    Buffer.from(`${first ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${contentType}\r\nContent-ID: <${contentId}>\r\n\r\n`, 'utf8');
  chunks.push(head(SOAP_PART_CONTENT_TYPE, soapContentId, true), soap);
  for (const a of attachments) chunks.push(head(a.contentType, a.contentId, false), a.content);
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));

  const contentType = `multipart/related; type="text/xml"; boundary=${quoteParam(boundary)}; start=${quoteParam(`<${soapContentId}>`)}`;
  return builtMime(contentType, chunks);
}

function newBoundary(): string {
  return `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
}
