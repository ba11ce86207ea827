/**
 * SOAP Messages with Attachments receive side (SwA 1.1, RFC 2387 multipart/related, RFC 2046 §5.1.1 body
 * syntax), written by hand on a buffered body: the whole message is needed anyway for the signature, the
 * duplicate check and the durable store (node-stack.md §4 explains why no library fits).
 *
 * Tolerances (ebms2-digikoppeling.md b.1 and "Tolerances a real peer requires"): plain `text/xml` without MIME
 * (signals), no `start` parameter (root = first part), preamble and epilogue, CRLF or bare LF, header names in
 * any case, folded headers, Content-Transfer-Encoding binary/8bit/7bit/base64/quoted-printable, a missing close
 * delimiter (javax.mail's default). A body that cannot be taken apart is a SOAP Fault (Client): no ebMS header
 * is known yet to address an ebMS error to (b.7 rule 1).
 */
import { SoapFaultError } from '../errors.js';
import { parseContentType, parseHeaderBlock, stripAngleBrackets } from './content-type.js';
import { decodeTransferEncoding, isSupportedTransferEncoding } from './transfer-encoding.js';

export interface MimePart {
  /** Content-ID without angle brackets; null when the part has none (or the message is plain text/xml). */
  contentId: string | null;
  /** The part's Content-Type header value as sent (default `text/plain` per RFC 2045 §5.2). */
  contentType: string;
  /** Header fields, names lower-cased, folded values unfolded. */
  headers: Record<string, string>;
  /** Content with the Content-Transfer-Encoding removed (these are the octets a `cid:` reference digests). */
  content: Buffer;
}

export interface SoapWithAttachments {
  soapPart: MimePart;
  attachments: MimePart[];
}

const XML_MEDIA_TYPES = new Set(['text/xml', 'application/xml', 'application/soap+xml']);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits an HTTP body into the SOAP envelope part and its attachments.
 * @param contentType the HTTP Content-Type header value
 * @throws SoapFaultError('Client', reason) when the body is not SwA or plain XML, or cannot be parsed
 */
export function parseSoapWithAttachments(body: Buffer, contentType: string, opts: { maxParts?: number } = {}): SoapWithAttachments {
  const ct = parseContentType(contentType ?? '');
  if (XML_MEDIA_TYPES.has(ct.mediaType)) {
    // Signals (Ack, MessageError, Pong, StatusResponse) arrive as plain text/xml (b.1).
    return {
      soapPart: { contentId: null, contentType, headers: { 'content-type': contentType }, content: body },
      attachments: [],
    };
  }
  if (ct.mediaType !== 'multipart/related') {
    throw new SoapFaultError('Client', `Unsupported Content-Type "${ct.mediaType || contentType}": expected multipart/related or text/xml`);
  }
  const boundary = ct.params.boundary;
  if (!boundary) throw new SoapFaultError('Client', 'multipart/related Content-Type has no boundary parameter');
  const parts = splitMultipart(body, boundary, opts.maxParts);
  if (parts.length === 0) throw new SoapFaultError('Client', 'multipart/related body contains no parts');

  // RFC 2387 §3.2: the root is the part named by `start`; without `start` it is the first part.
  let rootIndex = 0;
  if (ct.params.start !== undefined && ct.params.start.trim() !== '') {
    const start = stripAngleBrackets(ct.params.start);
    rootIndex = parts.findIndex((p) => p.contentId === start);
    if (rootIndex < 0) {
      throw new SoapFaultError('Client', `multipart/related start parameter <${start}> names no part`);
    }
  }
  return { soapPart: parts[rootIndex]!, attachments: parts.filter((_, i) => i !== rootIndex) };
}

/**
 * Default of `limits.ebmsMaxMimeParts`: a Digikoppeling message carries the SOAP part and one payload per
 * Manifest reference (iWmo/iJw: one StUF envelope), so 100 leaves room for any real message (issue 9 item 7).
 */
export const DEFAULT_MAX_MIME_PARTS = 100;

/**
 * Takes a multipart body apart (RFC 2046 §5.1.1) into decoded parts; more than `maxParts` parts is refused
 * while splitting, before the excess parts are decoded (SOAP Fault, Client).
 */
export function splitMultipart(body: Buffer, boundary: string, maxParts = DEFAULT_MAX_MIME_PARTS): MimePart[] {
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  let pos = findDelimiter(body, dash, 0, true);
  if (pos < 0) throw new SoapFaultError('Client', 'multipart/related body does not contain its boundary');
  const parts: MimePart[] = [];
  for (;;) {
    let p = pos + dash.length;
    if (body[p] === 0x2d && body[p + 1] === 0x2d) break; // close delimiter: the rest is epilogue
    p = skipLineEnd(body, p);
    const next = findDelimiter(body, dash, p, false);
    // A missing close delimiter is tolerated: the last part runs to the end of the body.
    let end = next < 0 ? body.length : next;
    if (end > p && body[end - 1] === LF) end--;
    if (end > p && body[end - 1] === CR) end--;
    if (parts.length >= maxParts) {
      throw new SoapFaultError('Client', `multipart/related body has more than ${maxParts} MIME parts (limits.ebmsMaxMimeParts)`);
    }
    parts.push(readPart(body.subarray(p, end), parts.length));
    if (next < 0) break;
    pos = next;
  }
  return parts;
}

/**
 * Finds `--boundary` at the start of a line (offset 0 or after LF) followed by `--`, whitespace or a line end;
 * returns the offset of the first dash or -1.
 */
function findDelimiter(body: Buffer, dash: Buffer, from: number, first: boolean): number {
  let i = from;
  for (;;) {
    i = body.indexOf(dash, i);
    if (i < 0) return -1;
    const atLineStart = i === 0 ? first : body[i - 1] === LF;
    const after = body[i + dash.length];
    const endsOk = after === undefined || after === CR || after === LF || after === 0x20 || after === 0x09 || after === 0x2d;
    if (atLineStart && endsOk) return i;
    i += 1;
  }
}

/** Skips transport padding (LWSP) and one CRLF or LF after a delimiter line. */
function skipLineEnd(body: Buffer, from: number): number {
  let p = from;
  while (body[p] === 0x20 || body[p] === 0x09) p++;
  if (body[p] === CR && body[p + 1] === LF) return p + 2;
  if (body[p] === LF) return p + 1;
  return p;
}

function readPart(raw: Buffer, index: number): MimePart {
  // The header block ends at the first empty line (CRLF CRLF or LF LF, mixed allowed).
  let headerEnd = -1;
  let bodyStart = 0;
  let lineStart = 0;
  for (;;) {
    const lf = raw.indexOf(LF, lineStart);
    const lineEnd = lf < 0 ? raw.length : lf;
    const len = lineEnd - lineStart - (lineEnd > lineStart && raw[lineEnd - 1] === CR ? 1 : 0);
    if (len === 0) {
      headerEnd = lineStart;
      bodyStart = lf < 0 ? raw.length : lf + 1;
      break;
    }
    if (lf < 0) break;
    lineStart = lf + 1;
  }
  if (headerEnd < 0) {
    throw new SoapFaultError('Client', `MIME part ${index + 1} has no empty line after its headers`);
  }
  const headers = parseHeaderBlock(raw.subarray(0, headerEnd).toString('utf8'));
  const cte = (headers['content-transfer-encoding'] ?? 'binary').trim().toLowerCase();
  if (!isSupportedTransferEncoding(cte)) {
    throw new SoapFaultError('Client', `MIME part ${index + 1} has unsupported Content-Transfer-Encoding "${cte}"`);
  }
  const cid = headers['content-id'];
  return {
    contentId: cid === undefined || cid.trim() === '' ? null : stripAngleBrackets(cid),
    contentType: headers['content-type'] ?? 'text/plain',
    headers,
    content: decodeTransferEncoding(raw.subarray(bodyStart), cte),
  };
}
